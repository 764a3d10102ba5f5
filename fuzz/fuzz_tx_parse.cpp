// Transactions (bitcoin/tx.h) from untrusted bytes.
//
// Invariants checked:
//   - a failure carries one of parse_transaction()'s documented codes and a message;
//   - an accepted input serializes back to exactly the input (parse -> serialize == bytes),
//     total_size() is its length, base_size() the legacy serialization's, weight and vsize
//     follow from them, and has_witness() says whether the BIP-144 marker was there;
//   - the txid is stable: parsing the serialization again gives the same transaction, txid
//     and wtxid; without witnesses, txid == wtxid;
//   - the legacy serialization of a transaction with inputs parses back to the same
//     transaction less its witnesses;
//   - check_transaction() answers (a documented code or Ok) without crashing;
//   - decode_transaction() (decoderawtransaction's description, tx_decode.h) describes it on
//     every network: the ids, sizes and counts are the transaction's, every output script's
//     hex is its bytes and its descriptor ends in an 8-character checksum, and an address is
//     given only for a script that has one.
#include <cstddef>
#include <cstdint>

#include "bitcoin/tx.h"
#include "bitcoin/address.h"
#include "bitcoin/network.h"
#include "bitcoin/tx_check.h"
#include "bitcoin/tx_decode.h"
#include "util/hex.h"
#include "check.h"

using namespace datt;
using namespace datt::bitcoin;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const ByteSpan input(data, size);
    auto tx = parse_transaction(input);
    if (!tx) {
        DATT_FUZZ_CHECK(fuzz::is_one_of(
            tx.error().code, {"tx_too_large", "tx_truncated", "tx_non_canonical_compact_size",
                              "tx_count_too_large", "tx_unknown_flag", "tx_superfluous_witness",
                              "tx_trailing_bytes"}));
        DATT_FUZZ_CHECK(!tx.error().message.empty());
        return 0;
    }
    const Bytes bytes = serialize(*tx);
    DATT_FUZZ_CHECK(bytes.size() == size && std::equal(bytes.begin(), bytes.end(), data));
    DATT_FUZZ_CHECK(total_size(*tx) == size);
    const Bytes legacy = serialize_without_witness(*tx);
    DATT_FUZZ_CHECK(base_size(*tx) == legacy.size());
    DATT_FUZZ_CHECK(weight(*tx) == base_size(*tx) * 3 + total_size(*tx));
    DATT_FUZZ_CHECK(vsize(*tx) * 4 >= weight(*tx) && vsize(*tx) * 4 < weight(*tx) + 4);
    DATT_FUZZ_CHECK(tx->has_witness() == (size >= 6 && data[4] == 0 && data[5] == 1));

    auto again = parse_transaction(bytes);
    DATT_FUZZ_CHECK(again.ok() && *again == *tx);
    DATT_FUZZ_CHECK(txid(*again) == txid(*tx) && wtxid(*again) == wtxid(*tx));
    if (!tx->has_witness()) DATT_FUZZ_CHECK(txid(*tx) == wtxid(*tx));

    if (!tx->inputs.empty()) {
        auto stripped = parse_transaction(legacy);
        DATT_FUZZ_CHECK(stripped.ok());
        Transaction expected = *tx;
        for (TxIn& in : expected.inputs) in.witness.clear();
        DATT_FUZZ_CHECK(*stripped == expected);
        DATT_FUZZ_CHECK(txid(*stripped) == txid(*tx));
    }

    for (const Network* network : known_networks()) {
        const DecodedTransaction decoded = decode_transaction(*tx, *network);
        DATT_FUZZ_CHECK(decoded.txid == to_display_hex(txid(*tx)));
        DATT_FUZZ_CHECK(decoded.hash == to_display_hex(wtxid(*tx)));
        DATT_FUZZ_CHECK(decoded.size == size && decoded.weight == weight(*tx) &&
                        decoded.vsize == vsize(*tx));
        DATT_FUZZ_CHECK(decoded.vin.size() == tx->inputs.size());
        DATT_FUZZ_CHECK(decoded.vout.size() == tx->outputs.size());
        for (size_t i = 0; i < decoded.vout.size(); ++i) {
            const auto& script = decoded.vout[i].script_pubkey;
            DATT_FUZZ_CHECK(script.hex == to_hex(tx->outputs[i].script_pubkey));
            DATT_FUZZ_CHECK(script.descriptor.size() > 9 &&
                            script.descriptor[script.descriptor.size() - 9] == '#');
            const bool has_address =
                Address::from_script_pubkey(*network, tx->outputs[i].script_pubkey).ok();
            DATT_FUZZ_CHECK(!script.address || has_address);
        }
    }

    auto check = check_transaction(*tx);
    if (!check) {
        DATT_FUZZ_CHECK(fuzz::is_one_of(
            check.error().code,
            {"tx_no_inputs", "tx_no_outputs", "tx_oversize", "tx_output_negative",
             "tx_output_too_large", "tx_output_total_too_large", "tx_duplicate_input",
             "tx_coinbase_script_size", "tx_null_prevout"}));
    }
    return 0;
}
