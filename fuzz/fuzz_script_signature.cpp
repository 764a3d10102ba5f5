// Script signature encodings (BIP-66) against core/crypto's DER parsers.
//
// Invariants checked, for any bytes `der` and the signature `der || hash_type`:
//   - crypto's strict parse_der() accepting `der` means the interpreter's BIP-66 rule
//     (is_valid_signature_encoding) accepts `der || hash_type`, and the DER serializes back
//     to itself (strict DER is a subset of BIP-66);
//   - the BIP-66 rule accepting the signature means crypto's lax parser (the one CHECKSIG
//     uses) reads `der`;
//   - a BIP-66 encoding is 9 to 73 bytes with the hash type.
#include <cstddef>
#include <cstdint>

#include "bitcoin/interpreter.h"
#include "check.h"
#include "crypto/ecdsa.h"

using namespace datt;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size > 200) return 0;
    const ByteSpan der(data, size);
    Bytes signature(data, data + size);
    signature.push_back(0x01);

    const bool bip66 = bitcoin::is_valid_signature_encoding(signature);
    if (bip66) {
        DATT_FUZZ_CHECK(signature.size() >= 9 && signature.size() <= 73);
        DATT_FUZZ_CHECK(crypto::EcdsaSignature::parse_der_lax(der).has_value());
    }
    if (auto strict = crypto::EcdsaSignature::parse_der(der)) {
        DATT_FUZZ_CHECK(bip66);
        const auto reencoded = strict->serialize_der();
        DATT_FUZZ_CHECK(reencoded.size() == size && std::equal(reencoded.begin(), reencoded.end(), data));
    }
    return 0;
}
