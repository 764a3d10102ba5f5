#include "bitcoin/wallet/policy.h"

#include "bitcoin/opcodes.h"
#include "bitcoin/script.h"
#include "util/varint.h"

namespace datt::bitcoin::wallet {
namespace {

// Core's CScript::IsUnspendable.
bool is_unspendable(ByteSpan script) {
    return (!script.empty() && script[0] == OP_RETURN) || script.size() > kMaxScriptSize;
}

}  // namespace

Sats dust_threshold(ByteSpan script_pubkey, FeeRate dust_relay_fee) {
    if (is_unspendable(script_pubkey)) return Sats{0};
    uint64_t size = 8 + compact_size_length(script_pubkey.size()) + script_pubkey.size();
    size += witness_program(script_pubkey) ? 32 + 4 + 1 + 107 / 4 + 4 : 32 + 4 + 1 + 107 + 4;
    // A script is at most 10,000 bytes here, so the fee of ~10 kvB cannot overflow unless
    // the rate itself is absurd; such a rate makes every output dust.
    auto fee = dust_relay_fee.fee_for_vsize(size);
    return fee ? *fee : Sats{kMaxMoney.value() + 1};
}

bool is_dust(const TxOut& output, FeeRate dust_relay_fee) {
    return output.value < dust_threshold(output.script_pubkey, dust_relay_fee);
}

}  // namespace datt::bitcoin::wallet
