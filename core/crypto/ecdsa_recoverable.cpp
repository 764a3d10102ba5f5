#include "crypto/ecdsa_recoverable.h"

#include <secp256k1.h>
#include <secp256k1_recovery.h>

#include <cassert>

#include "crypto/secp256k1_internal.h"

namespace datt::crypto {

using detail::context;
using detail::Secp256k1Access;

RecoverableSignature ecdsa_sign_recoverable(const SecretKey& key,
                                            std::span<const uint8_t, 32> hash) {
    secp256k1_ecdsa_recoverable_signature signature;
    // Cannot fail: the key is valid (SecretKey's invariant) and the default nonce function
    // finds a nonce for every key and hash.
    [[maybe_unused]] const int signed_ok = secp256k1_ecdsa_sign_recoverable(
        context(), &signature, hash.data(), key.bytes().data(), nullptr, nullptr);
    assert(signed_ok == 1);
    RecoverableSignature out{};
    int recovery_id = 0;
    secp256k1_ecdsa_recoverable_signature_serialize_compact(context(), out.compact.data(),
                                                            &recovery_id, &signature);
    out.recovery_id = static_cast<uint8_t>(recovery_id);
    return out;
}

std::optional<PubKey> ecdsa_recover(std::span<const uint8_t, 64> compact, uint8_t recovery_id,
                                    std::span<const uint8_t, 32> hash) {
    if (recovery_id > 3) return std::nullopt;
    secp256k1_ecdsa_recoverable_signature signature;
    // Fails when r or s is not below the group order.
    if (!secp256k1_ecdsa_recoverable_signature_parse_compact(context(), &signature, compact.data(),
                                                             recovery_id)) {
        return std::nullopt;
    }
    secp256k1_pubkey point;
    // Fails when r or s is zero or no point has this x (and recovery id).
    if (!secp256k1_ecdsa_recover(context(), &point, &signature, hash.data())) return std::nullopt;
    return Secp256k1Access::make_pubkey(point, PubKey::Format::kCompressed);
}

}  // namespace datt::crypto
