// What a transaction on chain says about an HTLC (relay/hub/htlc_outcome.h): any
// transaction the chain could show (the bytes after the first 32, parsed as one), asked
// about the payment hash of the first 32 bytes (so a witness item holding them is a
// preimage) and about those bytes taken as a hash.
//
// Invariants checked:
//   - never a crash, whatever the witness items are;
//   - a preimage found hashes to the payment hash it was asked for;
//   - a witness item equal to the first 32 bytes is always found as the preimage;
//   - the answers are the same for the transaction serialized and parsed again (round trip).
#include <algorithm>
#include <cstddef>
#include <cstdint>

#include "check.h"
#include "crypto/sha256.h"
#include "hub/htlc_outcome.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size < 32) return 0;
    datt::Hash256 head{};
    std::copy(data, data + 32, head.begin());
    const datt::Hash256 hash = datt::crypto::sha256(head);
    auto tx = datt::bitcoin::parse_transaction(datt::ByteSpan(data + 32, size - 32));
    if (!tx) return 0;
    const auto found = datt::relay::hub::preimage_in(*tx, hash);
    if (found) DATT_FUZZ_CHECK(datt::crypto::sha256(*found) == hash);
    const bool carries = std::any_of(tx->inputs.begin(), tx->inputs.end(), [&](const datt::bitcoin::TxIn& in) {
        return std::any_of(in.witness.begin(), in.witness.end(),
                           [&](const datt::Bytes& item) { return item == datt::Bytes(head.begin(), head.end()); });
    });
    DATT_FUZZ_CHECK(carries == found.has_value());
    const bool spends = datt::relay::hub::spends_htlc(*tx, head);
    auto again = datt::bitcoin::parse_transaction(datt::bitcoin::serialize(*tx));
    DATT_FUZZ_CHECK(again.ok());
    DATT_FUZZ_CHECK(datt::relay::hub::preimage_in(*again, hash) == found);
    DATT_FUZZ_CHECK(datt::relay::hub::spends_htlc(*again, head) == spends);
    return 0;
}
