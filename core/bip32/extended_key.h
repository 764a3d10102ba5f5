// BIP-32 extended keys: a key plus the chain code and position needed to derive children.
#pragma once

#include <cstdint>
#include <optional>

#include "crypto/secp256k1.h"
#include "util/bytes.h"

namespace datt::bip32 {

// Child numbers at or above this are hardened (written 0' or 0h in paths).
inline constexpr uint32_t kHardenedOffset = 0x80000000;

// The 4-byte version prefixes of serialized keys. Which network's prefixes apply is the
// caller's choice; the core never guesses it from the string.
struct Versions {
    uint32_t public_version;
    uint32_t private_version;
};
inline constexpr Versions kMainnetVersions{0x0488B21E, 0x0488ADE4};  // xpub, xprv
inline constexpr Versions kTestnetVersions{0x043587CF, 0x04358394};  // tpub, tprv

// A private extended key holds its secret key and the matching public key (computed at
// construction, so the two always agree); a public one holds only the public key.
// The secret key wipes itself and the chain code is wiped on destruction.
class ExtendedKey {
  public:
    static ExtendedKey from_secret(uint8_t depth, ByteArray<4> parent_fingerprint,
                                   uint32_t child_number, const ByteArray<32>& chain_code,
                                   const crypto::SecretKey& secret_key);
    static ExtendedKey from_public(uint8_t depth, ByteArray<4> parent_fingerprint,
                                   uint32_t child_number, const ByteArray<32>& chain_code,
                                   const crypto::PubKey& public_key);

    ExtendedKey(const ExtendedKey&) = default;
    ExtendedKey& operator=(const ExtendedKey&) = default;
    ~ExtendedKey();

    bool is_private() const { return secret_key_.has_value(); }
    // 0 for a master key; each derivation adds one.
    uint8_t depth() const { return depth_; }
    // fingerprint() of the parent; zero for a master key.
    const ByteArray<4>& parent_fingerprint() const { return parent_fingerprint_; }
    // The index this key was derived at (>= kHardenedOffset when hardened); 0 for master.
    uint32_t child_number() const { return child_number_; }
    const ByteArray<32>& chain_code() const { return chain_code_; }
    // Present exactly when is_private().
    const std::optional<crypto::SecretKey>& secret_key() const { return secret_key_; }
    const crypto::PubKey& public_key() const { return public_key_; }

  private:
    ExtendedKey(uint8_t depth, ByteArray<4> parent_fingerprint, uint32_t child_number,
                const ByteArray<32>& chain_code, std::optional<crypto::SecretKey> secret_key,
                const crypto::PubKey& public_key);

    uint8_t depth_;
    ByteArray<4> parent_fingerprint_;
    uint32_t child_number_;
    ByteArray<32> chain_code_;
    std::optional<crypto::SecretKey> secret_key_;
    crypto::PubKey public_key_;
};

// The key's identifier: the first 4 bytes of HASH160 of its compressed public key.
ByteArray<4> fingerprint(const ExtendedKey& key);

// The public extended key of `key` (unchanged if it is already public).
ExtendedKey neuter(const ExtendedKey& key);

}  // namespace datt::bip32
