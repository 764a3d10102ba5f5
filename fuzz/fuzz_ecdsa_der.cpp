// EcdsaSignature::parse_der (strict) and parse_der_lax (Bitcoin Core's rules) on untrusted
// bytes: signatures in transactions, channel messages and scripts.
//
// Invariants checked:
//   - a strict parse re-serializes to exactly the input bytes, is also accepted by the lax
//     parser with the same r and s, and its compact form parses back to it;
//   - anything the lax parser accepts serializes to strict DER that parses back to the same
//     r and s; normalized() is low-S, changes nothing when already low, and keeps r;
//   - with libsecp256k1's source tree present (third_party/, fetched by setup), the lax
//     parser agrees with libsecp256k1's contrib/lax_der_parsing.c, the parser Bitcoin Core's
//     is taken from: same accept/reject, same r and s (a differential test, not a copy).
#include <secp256k1.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>

#include "check.h"
#include "crypto/ecdsa.h"

#ifdef DATT_FUZZ_REFERENCE_LAX_DER
#include "lax_der_parsing.h"
#endif

namespace {

using datt::crypto::EcdsaSignature;

void check(std::span<const uint8_t> input) {
    const auto strict = EcdsaSignature::parse_der(input);
    const auto lax = EcdsaSignature::parse_der_lax(input);
    if (strict) {
        const auto written = strict->serialize_der();
        DATT_FUZZ_CHECK(std::equal(written.begin(), written.end(), input.begin(), input.end()));
        DATT_FUZZ_CHECK(lax && *lax == *strict);
        const auto compact = EcdsaSignature::parse_compact(strict->serialize_compact());
        DATT_FUZZ_CHECK(compact && *compact == *strict);
    }
    if (lax) {
        const auto der = lax->serialize_der();
        DATT_FUZZ_CHECK(der.size() >= 8 && der.size() <= 72);
        const auto again = EcdsaSignature::parse_der(der);
        DATT_FUZZ_CHECK(again && *again == *lax);
        const EcdsaSignature low = lax->normalized();
        DATT_FUZZ_CHECK(low.is_low_s());
        DATT_FUZZ_CHECK(lax->is_low_s() == (low == *lax));
        const auto low_compact = low.serialize_compact();
        const auto lax_compact = lax->serialize_compact();
        DATT_FUZZ_CHECK(
            std::equal(low_compact.begin(), low_compact.begin() + 32, lax_compact.begin()));
    }
#ifdef DATT_FUZZ_REFERENCE_LAX_DER
    static secp256k1_context* const ctx = secp256k1_context_create(SECP256K1_CONTEXT_NONE);
    secp256k1_ecdsa_signature reference;
    const int accepted = ecdsa_signature_parse_der_lax(ctx, &reference, input.data(), input.size());
    DATT_FUZZ_CHECK((accepted == 1) == lax.has_value());
    if (accepted) {
        std::array<uint8_t, 64> reference_compact;
        secp256k1_ecdsa_signature_serialize_compact(ctx, reference_compact.data(), &reference);
        DATT_FUZZ_CHECK(reference_compact == lax->serialize_compact());
    }
#endif
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    check(std::span<const uint8_t>(data, size));
    return 0;
}
