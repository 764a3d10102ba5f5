// Recoverable ECDSA over secp256k1 (libsecp256k1's recovery module): a 64-byte compact
// signature r || s (big-endian) and a recovery id 0..3 that names which of the candidate
// public keys signed, so the key can be computed from signature and hash alone. BOLT-11
// invoices sign this way (their payee is recovered unless the invoice names it).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>

#include "crypto/secp256k1.h"

namespace datt::crypto {

struct RecoverableSignature {
    std::array<uint8_t, 64> compact;  // r || s; s is low (libsecp256k1 signs low-S)
    uint8_t recovery_id;              // 0..3
};

// RFC 6979 nonces (HMAC-SHA256), as libsecp256k1's default: deterministic.
RecoverableSignature ecdsa_sign_recoverable(const SecretKey& key,
                                            std::span<const uint8_t, 32> hash);

// The compressed public key that produced `compact` over `hash`. Accepts high-S signatures
// (recovery works with either twin, and BOLT-11 asks readers to accept both). nullopt when
// recovery_id > 3, r or s is zero or not below the group order, or no point recovers.
[[nodiscard]] std::optional<PubKey> ecdsa_recover(std::span<const uint8_t, 64> compact,
                                                  uint8_t recovery_id,
                                                  std::span<const uint8_t, 32> hash);

}  // namespace datt::crypto
