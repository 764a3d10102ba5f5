// ECDSA over secp256k1 (libsecp256k1): a parsed signature type, strict and lax DER,
// low-S, RFC 6979 signing.
//
// DER layout (X.690; BIP-66 for Bitcoin):
//   0x30 len | 0x02 len(r) r | 0x02 len(s) s
// r and s are big-endian, minimal (one 0x00 in front only when the top bit is set), positive.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "crypto/secp256k1.h"

namespace datt::crypto {

class EcdsaSignature;

// What ecdsa_verify does with a high-S signature (s > n/2; its twin n - s is low).
enum class HighS {
    kReject,  // fail, as libsecp256k1 and Bitcoin's LOW_S rule (BIP-146) do
    kAccept,  // verify the low-S twin instead: Bitcoin's rule where LOW_S is not required
              // (consensus; Bitcoin Core's CPubKey::Verify normalizes before verifying)
};

class EcdsaSignature {
public:
    // Strict DER as libsecp256k1 parses it, with r and s below the group order: exactly
    // the encodings serialize_der() writes, so parse_der(b)->serialize_der() == b.
    // (libsecp256k1 itself maps r or s >= n to zero instead of failing; we reject them.)
    [[nodiscard]] static std::optional<EcdsaSignature> parse_der(std::span<const uint8_t> der);

    // Bitcoin Core's lax DER parser (ecdsa_signature_parse_der_lax in its pubkey.cpp, from
    // libsecp256k1's contrib/lax_der_parsing.c), for signatures in scripts when DERSIG is not
    // enforced. It fails only when the structure cannot be followed: a missing 0x30 or 0x02
    // tag, or a length running past the end. It accepts, where strict DER would not:
    //   - any sequence length byte(s): the value is ignored (long forms are skipped);
    //   - long-form and zero-padded lengths of r and s (more than 7 significant length bytes
    //     fail, as in Core on 64-bit hosts; every host here behaves alike);
    //   - negative, zero-length and zero-padded r and s (read as unsigned big-endian);
    //   - anything after s.
    // When r or s is >= n (or longer than 32 bytes after its leading zeros) the result is the
    // signature r = s = 0, which never verifies but counts as low-S (as in Core).
    [[nodiscard]] static std::optional<EcdsaSignature> parse_der_lax(std::span<const uint8_t> der);

    // 64 bytes r || s, big-endian, each below the group order.
    [[nodiscard]] static std::optional<EcdsaSignature> parse_compact(
        std::span<const uint8_t, 64> compact);

    // Strict DER, 8 to 72 bytes.
    std::vector<uint8_t> serialize_der() const;
    std::array<uint8_t, 64> serialize_compact() const;

    // s <= n/2.
    bool is_low_s() const;
    // The low-S twin (s replaced by n - s when s is high); itself when already low.
    EcdsaSignature normalized() const;

    // Same r and s.
    bool operator==(const EcdsaSignature& other) const;

private:
    friend EcdsaSignature ecdsa_sign(const SecretKey&, std::span<const uint8_t, 32>);
    friend bool ecdsa_verify(const PubKey&, std::span<const uint8_t, 32>, const EcdsaSignature&,
                             HighS);
    EcdsaSignature() = default;
    std::array<uint8_t, 64> parsed_{};  // secp256k1_ecdsa_signature
};

// RFC 6979 nonces; libsecp256k1 always produces low-S signatures.
EcdsaSignature ecdsa_sign(const SecretKey& key, std::span<const uint8_t, 32> hash);
[[nodiscard]] bool ecdsa_verify(const PubKey& key, std::span<const uint8_t, 32> hash,
                                const EcdsaSignature& signature, HighS high_s);

// Byte-level forms of the above.
std::vector<uint8_t> ecdsa_sign_der(const SecretKey& key, std::span<const uint8_t, 32> hash);
std::array<uint8_t, 64> ecdsa_sign_compact(const SecretKey& key, std::span<const uint8_t, 32> hash);
// Strict DER; high-S signatures are rejected as Bitcoin's LOW_S rule demands.
[[nodiscard]] bool ecdsa_verify_der(const PubKey& key, std::span<const uint8_t, 32> hash,
                                    std::span<const uint8_t> der_signature);
// High-S rejected too.
[[nodiscard]] bool ecdsa_verify_compact(const PubKey& key, std::span<const uint8_t, 32> hash,
                                        std::span<const uint8_t, 64> signature);

}  // namespace datt::crypto
