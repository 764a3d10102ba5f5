// The hub's stored receipt request (hub_receipt_requests: the incoming HTLC's 0xd3 onion)
// read back from untrusted bytes (a damaged or edited database file) by
// stored_receipt_fields (relay/hub/forwarding.h).
//
// Input: 8 bytes of the forward's outgoing amount (big-endian), then the stored bytes; the
// payment hash is fixed. Odd first byte: the amount is taken from the onion itself (offset
// 33), so inputs get past the amount check to check_receipt_request.
//
// Invariants checked:
//   - refused only with the documented codes (hub_receipt_request_invalid, hop_*, receipt_*);
//   - accepted only for a 1,366-byte 0xd3 onion whose amount is the forward's, and the
//     fields are the onion's bytes (target, payer, payer_sig, invoice) and that amount.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>

#include "check.h"
#include "hub/forwarding.h"

namespace {

uint64_t read_u64(const uint8_t* p) {
    uint64_t v = 0;
    for (int i = 0; i < 8; ++i) v = (v << 8) | p[i];
    return v;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size < 8) return 0;
    const uint8_t* onion = data + 8;
    const size_t length = size - 8;
    uint64_t amount = read_u64(data);
    if ((data[0] & 1) && length >= 41) amount = read_u64(onion + 33);
    datt::Hash256 payment_hash{};
    payment_hash.fill(0x42);
    auto fields = datt::relay::hub::stored_receipt_fields(datt::ByteSpan(onion, length), payment_hash,
                                                          datt::bitcoin::Msats{amount});
    if (!fields) {
        const std::string& code = fields.error().code;
        DATT_FUZZ_CHECK(code == "hub_receipt_request_invalid" || code.rfind("hop_", 0) == 0 ||
                        code.rfind("receipt_", 0) == 0);
        return 0;
    }
    DATT_FUZZ_CHECK(length == datt::channel::kOnionPacketSize && onion[0] == 0xd3);
    DATT_FUZZ_CHECK(fields->amount.value() == read_u64(onion + 33) && fields->amount.value() == amount);
    DATT_FUZZ_CHECK(std::equal(fields->target.begin(), fields->target.end(), onion + 45));
    DATT_FUZZ_CHECK(std::equal(fields->payer.begin(), fields->payer.end(), onion + 77));
    DATT_FUZZ_CHECK(std::equal(fields->payer_sig.begin(), fields->payer_sig.end(), onion + 109));
    const size_t n = (size_t{onion[173]} << 8) | onion[174];
    DATT_FUZZ_CHECK(fields->invoice == std::string(reinterpret_cast<const char*>(onion + 175), n));
    return 0;
}
