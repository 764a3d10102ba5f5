#include "channel/key_derivation.h"

#include <array>

#include "crypto/sha256.h"

namespace datt::channel {
namespace {

Error derivation_failed(const char* what) {
    return make_error("channel_key_derivation_failed",
                      std::string("BOLT-3 key derivation failed: ") + what);
}

// SHA256(first || second) over the compressed encodings.
std::array<uint8_t, 32> hash_points(const crypto::PubKey& first, const crypto::PubKey& second) {
    const auto a = first.compressed();
    const auto b = second.compressed();
    crypto::Sha256 hasher;
    hasher.write(a).write(b);
    return hasher.finalize();
}

}  // namespace

Result<crypto::PubKey> derive_pubkey(const crypto::PubKey& basepoint,
                                     const crypto::PubKey& per_commitment_point) {
    const auto tweak = hash_points(per_commitment_point, basepoint);
    auto key = crypto::pubkey_tweak_add(basepoint, tweak);
    if (!key) return derivation_failed("basepoint + tweak*G is invalid");
    return *key;
}

Result<crypto::SecretKey> derive_privkey(const crypto::SecretKey& basepoint_secret,
                                         const crypto::PubKey& per_commitment_point) {
    const auto tweak = hash_points(per_commitment_point, crypto::pubkey(basepoint_secret));
    auto key = crypto::secret_key_tweak_add(basepoint_secret, tweak);
    if (!key) return derivation_failed("basepoint_secret + tweak is invalid");
    return *key;
}

Result<crypto::PubKey> derive_pubkey_from_secret(const crypto::SecretKey& basepoint_secret,
                                                 const crypto::PubKey& basepoint,
                                                 const crypto::PubKey& per_commitment_point) {
    auto key = derive_privkey(basepoint_secret, basepoint, per_commitment_point);
    if (!key) return key.error();
    return crypto::pubkey(*key);
}

Result<crypto::SecretKey> derive_privkey(const crypto::SecretKey& basepoint_secret,
                                         const crypto::PubKey& basepoint,
                                         const crypto::PubKey& per_commitment_point) {
    const auto tweak = hash_points(per_commitment_point, basepoint);
    auto key = crypto::secret_key_tweak_add(basepoint_secret, tweak);
    if (!key) return derivation_failed("basepoint_secret + tweak is invalid");
    return *key;
}

Result<crypto::PubKey> derive_revocation_pubkey_from_basepoint_secret(
    const crypto::SecretKey& revocation_basepoint_secret,
    const crypto::PubKey& revocation_basepoint, const crypto::PubKey& per_commitment_point) {
    const auto basepoint_factor = hash_points(revocation_basepoint, per_commitment_point);
    const auto point_factor = hash_points(per_commitment_point, revocation_basepoint);
    // revocation_basepoint * factor == (revocation_basepoint_secret * factor) * G
    auto first_secret = crypto::secret_key_tweak_mul(revocation_basepoint_secret, basepoint_factor);
    auto second = crypto::pubkey_tweak_mul(per_commitment_point, point_factor);
    if (!first_secret || !second) return derivation_failed("a revocation factor is invalid");
    auto sum = crypto::pubkey_combine(crypto::pubkey(*first_secret), *second);
    if (!sum) return derivation_failed("the revocation key is the point at infinity");
    return *sum;
}

Result<crypto::PubKey> derive_revocation_pubkey_from_commitment_secret(
    const crypto::PubKey& revocation_basepoint, const crypto::SecretKey& per_commitment_secret,
    const crypto::PubKey& per_commitment_point) {
    const auto basepoint_factor = hash_points(revocation_basepoint, per_commitment_point);
    const auto point_factor = hash_points(per_commitment_point, revocation_basepoint);
    auto first = crypto::pubkey_tweak_mul(revocation_basepoint, basepoint_factor);
    // per_commitment_point * factor == (per_commitment_secret * factor) * G
    auto second_secret = crypto::secret_key_tweak_mul(per_commitment_secret, point_factor);
    if (!first || !second_secret) return derivation_failed("a revocation factor is invalid");
    auto sum = crypto::pubkey_combine(*first, crypto::pubkey(*second_secret));
    if (!sum) return derivation_failed("the revocation key is the point at infinity");
    return *sum;
}

Result<crypto::PubKey> derive_revocation_pubkey(const crypto::PubKey& revocation_basepoint,
                                                const crypto::PubKey& per_commitment_point) {
    const auto basepoint_factor = hash_points(revocation_basepoint, per_commitment_point);
    const auto point_factor = hash_points(per_commitment_point, revocation_basepoint);
    auto first = crypto::pubkey_tweak_mul(revocation_basepoint, basepoint_factor);
    auto second = crypto::pubkey_tweak_mul(per_commitment_point, point_factor);
    if (!first || !second) return derivation_failed("a revocation factor is invalid");
    auto sum = crypto::pubkey_combine(*first, *second);
    if (!sum) return derivation_failed("the revocation key is the point at infinity");
    return *sum;
}

Result<crypto::SecretKey> derive_revocation_privkey(
    const crypto::SecretKey& revocation_basepoint_secret,
    const crypto::SecretKey& per_commitment_secret) {
    const crypto::PubKey revocation_basepoint = crypto::pubkey(revocation_basepoint_secret);
    const crypto::PubKey per_commitment_point = crypto::pubkey(per_commitment_secret);
    const auto basepoint_factor = hash_points(revocation_basepoint, per_commitment_point);
    const auto point_factor = hash_points(per_commitment_point, revocation_basepoint);
    auto first = crypto::secret_key_tweak_mul(revocation_basepoint_secret, basepoint_factor);
    auto second = crypto::secret_key_tweak_mul(per_commitment_secret, point_factor);
    if (!first || !second) return derivation_failed("a revocation factor is invalid");
    // first + second (mod n): adding a secret key's bytes as a tweak is that sum.
    auto sum = crypto::secret_key_tweak_add(*first, second->bytes());
    if (!sum) return derivation_failed("the revocation secret is zero");
    return *sum;
}

}  // namespace datt::channel
