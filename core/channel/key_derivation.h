// BOLT-3 "Key Derivation": the keys of one commitment transaction, from a node's basepoints
// and the commitment's per_commitment_point.
//
//   pubkey            = basepoint + SHA256(per_commitment_point || basepoint) * G
//   privkey           = basepoint_secret + SHA256(per_commitment_point || basepoint)
//   revocationpubkey  = revocation_basepoint * SHA256(revocation_basepoint || per_commitment_point)
//                       + per_commitment_point * SHA256(per_commitment_point ||
//                       revocation_basepoint)
//   revocationprivkey = revocation_basepoint_secret * SHA256(revocation_basepoint ||
//   per_commitment_point)
//                       + per_commitment_secret * SHA256(per_commitment_point ||
//                       revocation_basepoint)
//
// The first pair gives localpubkey, local_htlcpubkey, remote_htlcpubkey and
// local_delayedpubkey (from the payment, htlc and delayed_payment basepoints); the second
// gives the revocation key, which only the side that learns per_commitment_secret (the
// revoked commitment's counterparty) can compute the secret of. Points are compressed.
//
// Error code: channel_key_derivation_failed (a tweak is >= the group order or a sum is the
// point at infinity: chance about 2^-128 for honest keys; refuse rather than assert, since a
// peer chooses its basepoints).
#pragma once

#include "crypto/secp256k1.h"
#include "util/result.h"

namespace datt::channel {

[[nodiscard]] Result<crypto::PubKey> derive_pubkey(const crypto::PubKey& basepoint,
                                                   const crypto::PubKey& per_commitment_point);

[[nodiscard]] Result<crypto::SecretKey> derive_privkey(const crypto::SecretKey& basepoint_secret,
                                                       const crypto::PubKey& per_commitment_point);

[[nodiscard]] Result<crypto::PubKey> derive_revocation_pubkey(
    const crypto::PubKey& revocation_basepoint, const crypto::PubKey& per_commitment_point);

[[nodiscard]] Result<crypto::SecretKey> derive_revocation_privkey(
    const crypto::SecretKey& revocation_basepoint_secret,
    const crypto::SecretKey& per_commitment_secret);

// The same public keys from a secret we hold. Where the formulas above multiply an arbitrary
// point (a tweak of a public basepoint, or a point times a factor), these multiply the
// generator: (basepoint_secret + tweak)*G, (secret * factor)*G, which libsecp256k1 does
// with its precomputed table; the results are the same points (same errors, same
// conditions), for less work. `basepoint` must be pubkey(basepoint_secret): the caller keeps
// both (ChannelSecrets, ChannelBasepoints), so neither is recomputed.
[[nodiscard]] Result<crypto::PubKey> derive_pubkey_from_secret(
    const crypto::SecretKey& basepoint_secret, const crypto::PubKey& basepoint,
    const crypto::PubKey& per_commitment_point);
// derive_privkey with the basepoint given (no point multiplication at all).
[[nodiscard]] Result<crypto::SecretKey> derive_privkey(const crypto::SecretKey& basepoint_secret,
                                                       const crypto::PubKey& basepoint,
                                                       const crypto::PubKey& per_commitment_point);
// The revocation pubkey of the remote's commitment: we hold the revocation basepoint secret.
[[nodiscard]] Result<crypto::PubKey> derive_revocation_pubkey_from_basepoint_secret(
    const crypto::SecretKey& revocation_basepoint_secret,
    const crypto::PubKey& revocation_basepoint, const crypto::PubKey& per_commitment_point);
// The revocation pubkey of our commitment: we hold its per-commitment secret.
[[nodiscard]] Result<crypto::PubKey> derive_revocation_pubkey_from_commitment_secret(
    const crypto::PubKey& revocation_basepoint, const crypto::SecretKey& per_commitment_secret,
    const crypto::PubKey& per_commitment_point);

}  // namespace datt::channel
