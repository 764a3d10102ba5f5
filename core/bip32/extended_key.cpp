#include "bip32/extended_key.h"

#include <algorithm>

#include "crypto/ripemd160.h"
#include "crypto/wipe.h"

namespace datt::bip32 {

ExtendedKey::ExtendedKey(uint8_t depth, ByteArray<4> parent_fingerprint, uint32_t child_number,
                         const ByteArray<32>& chain_code,
                         std::optional<crypto::SecretKey> secret_key,
                         const crypto::PubKey& public_key)
    : depth_(depth),
      parent_fingerprint_(parent_fingerprint),
      child_number_(child_number),
      chain_code_(chain_code),
      secret_key_(std::move(secret_key)),
      public_key_(public_key) {}

ExtendedKey::~ExtendedKey() {
    crypto::secure_wipe(chain_code_.data(), chain_code_.size());
}

ExtendedKey ExtendedKey::from_secret(uint8_t depth, ByteArray<4> parent_fingerprint,
                                     uint32_t child_number, const ByteArray<32>& chain_code,
                                     const crypto::SecretKey& secret_key) {
    return ExtendedKey(depth, parent_fingerprint, child_number, chain_code, secret_key,
                       crypto::pubkey(secret_key));
}

ExtendedKey ExtendedKey::from_public(uint8_t depth, ByteArray<4> parent_fingerprint,
                                     uint32_t child_number, const ByteArray<32>& chain_code,
                                     const crypto::PubKey& public_key) {
    return ExtendedKey(depth, parent_fingerprint, child_number, chain_code, std::nullopt,
                       public_key);
}

ByteArray<4> fingerprint(const ExtendedKey& key) {
    auto identifier = crypto::hash160(key.public_key().compressed());
    ByteArray<4> prefix;
    std::copy_n(identifier.begin(), prefix.size(), prefix.begin());
    return prefix;
}

ExtendedKey neuter(const ExtendedKey& key) {
    return ExtendedKey::from_public(key.depth(), key.parent_fingerprint(), key.child_number(),
                                    key.chain_code(), key.public_key());
}

}  // namespace datt::bip32
