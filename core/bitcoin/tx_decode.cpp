#include "bitcoin/tx_decode.h"

#include <string>

#include "bitcoin/address.h"
#include "bitcoin/descriptor.h"
#include "bitcoin/script_asm.h"
#include "bitcoin/script_solver.h"
#include "bitcoin/tx_check.h"
#include "util/hex.h"

namespace datt::bitcoin {

std::string format_btc(Sats amount) {
    const int64_t value = amount.value();
    // Quotient and remainder are taken before the sign is dropped, so INT64_MIN works.
    int64_t quotient = value / kCoin.value();
    int64_t remainder = value % kCoin.value();
    if (value < 0) {
        quotient = -quotient;
        remainder = -remainder;
    }
    // Written by hand, not with snprintf, which would bring printf's code into the wasm build.
    // Appended in place: `"-" + std::string&&` sets off GCC 12's false -Wrestrict (GCC bug 105329).
    const std::string digits = std::to_string(remainder);
    std::string out = value < 0 ? "-" : "";
    out += std::to_string(quotient);
    out += '.';
    out.append(8 - digits.size(), '0');
    out += digits;
    return out;
}

DecodedScriptPubKey decode_script_pubkey(ByteSpan script_pubkey, const Network& network) {
    DecodedScriptPubKey out;
    out.asm_text = script_to_asm(script_pubkey, false);
    out.descriptor = infer_descriptor(script_pubkey, network);
    out.hex = to_hex(script_pubkey);
    const TxoutType type = solve_script(script_pubkey).type;
    out.type = std::string(txout_type_name(type));
    if (type != TxoutType::kPubkey && type != TxoutType::kMultisig &&
        type != TxoutType::kNullData && type != TxoutType::kNonStandard) {
        if (auto address = Address::from_script_pubkey(network, script_pubkey)) {
            out.address = address->to_string();
        }
    }
    return out;
}

DecodedTransaction decode_transaction(const Transaction& tx, const Network& network) {
    DecodedTransaction out;
    out.txid = to_display_hex(txid(tx));
    out.hash = to_display_hex(wtxid(tx));
    out.version = tx.version;
    out.size = total_size(tx);
    out.vsize = vsize(tx);
    out.weight = weight(tx);
    out.locktime = tx.lock_time;
    const bool coinbase = is_coinbase(tx);
    for (const TxIn& in : tx.inputs) {
        DecodedInput decoded;
        decoded.coinbase = coinbase;
        if (!coinbase) {
            decoded.txid = to_display_hex(in.prevout.txid);
            decoded.vout = in.prevout.index;
            decoded.script_sig.asm_text = script_to_asm(in.script_sig, true);
        }
        decoded.script_sig.hex = to_hex(in.script_sig);
        if (!in.witness.empty()) {
            std::vector<std::string> items;
            items.reserve(in.witness.size());
            for (const Bytes& item : in.witness) items.push_back(to_hex(item));
            decoded.witness = std::move(items);
        }
        decoded.sequence = in.sequence;
        out.vin.push_back(std::move(decoded));
    }
    for (size_t i = 0; i < tx.outputs.size(); ++i) {
        out.vout.push_back(DecodedOutput{tx.outputs[i].value, static_cast<uint32_t>(i),
                                         decode_script_pubkey(tx.outputs[i].script_pubkey, network)});
    }
    return out;
}

}  // namespace datt::bitcoin
