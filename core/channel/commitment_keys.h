// The keys of one commitment transaction (BOLT-3 "Key Derivation"), from the two nodes'
// basepoints and the per_commitment_point of the commitment's owner.
//
// BOLT-3 says "local" for the side whose commitment transaction it is (the owner, who can
// broadcast it) and "remote" for the other; so does this file. On the owner's commitment:
//   revocation     from the remote's revocation_basepoint: the remote can sweep everything
//                  once the owner has revealed this commitment's per_commitment_secret
//   local_delayed  from the owner's delayed_payment_basepoint: to_local after to_self_delay
//   remote_payment the remote's payment_basepoint itself (option_static_remotekey: the
//                  to_remote output does not change with the commitment)
// and, only where an HTLC output is untrimmed (HtlcKeys):
//   local_htlc     from the owner's htlc_basepoint
//   remote_htlc    from the remote's htlc_basepoint
// The HTLC keys are two of the five point operations per commitment, and a tip-sized HTLC
// is trimmed (no output): deriving them only when an output needs them saves that work.
#pragma once

#include "crypto/secp256k1.h"
#include "util/result.h"

namespace datt::channel {

// The basepoints a node sends in open_channel or accept_channel.
struct ChannelBasepoints {
    crypto::PubKey revocation;
    crypto::PubKey payment;
    crypto::PubKey delayed_payment;
    crypto::PubKey htlc;
};

// What the to_local and to_remote outputs need (and the revocation path of HTLC outputs).
struct CommitmentKeys {
    crypto::PubKey revocation;
    crypto::PubKey local_delayed;
    crypto::PubKey remote_payment;
};

// What an HTLC output, an HTLC signature and an on-chain HTLC spend need besides.
struct HtlcKeys {
    crypto::PubKey local_htlc;
    crypto::PubKey remote_htlc;
};

// Error code: channel_key_derivation_failed (key_derivation.h).
[[nodiscard]] Result<CommitmentKeys> derive_commitment_keys(
    const crypto::PubKey& owner_per_commitment_point, const ChannelBasepoints& owner,
    const ChannelBasepoints& counterparty);
[[nodiscard]] Result<HtlcKeys> derive_htlc_keys(const crypto::PubKey& owner_per_commitment_point,
                                                const ChannelBasepoints& owner,
                                                const ChannelBasepoints& counterparty);

// The same keys with the secrets we hold (key_derivation.h's *_from_* functions: fewer
// multiplications of arbitrary points). Our commitment: its per-commitment secret and our
// delayed_payment basepoint secret; its HTLC keys: our htlc basepoint secret.
[[nodiscard]] Result<CommitmentKeys> derive_local_commitment_keys(
    const crypto::SecretKey& per_commitment_secret, const crypto::PubKey& per_commitment_point,
    const ChannelBasepoints& ours, const crypto::SecretKey& delayed_payment_basepoint_secret,
    const ChannelBasepoints& theirs);
[[nodiscard]] Result<HtlcKeys> derive_local_htlc_keys(
    const crypto::PubKey& per_commitment_point, const ChannelBasepoints& ours,
    const crypto::SecretKey& htlc_basepoint_secret, const ChannelBasepoints& theirs);
// The remote's commitment (its point): our revocation basepoint secret; its HTLC keys: our
// htlc basepoint secret.
[[nodiscard]] Result<CommitmentKeys> derive_remote_commitment_keys(
    const crypto::PubKey& per_commitment_point, const ChannelBasepoints& theirs,
    const ChannelBasepoints& ours, const crypto::SecretKey& revocation_basepoint_secret);
[[nodiscard]] Result<HtlcKeys> derive_remote_htlc_keys(
    const crypto::PubKey& per_commitment_point, const ChannelBasepoints& theirs,
    const ChannelBasepoints& ours, const crypto::SecretKey& htlc_basepoint_secret);

}  // namespace datt::channel
