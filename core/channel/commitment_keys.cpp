#include "channel/commitment_keys.h"

#include "channel/key_derivation.h"

namespace datt::channel {

#define KEYS_TRY(var, expr)                         \
    auto var##_result = (expr);                     \
    if (!var##_result) return var##_result.error(); \
    auto var = std::move(var##_result).value()

Result<CommitmentKeys> derive_commitment_keys(const crypto::PubKey& owner_per_commitment_point,
                                              const ChannelBasepoints& owner,
                                              const ChannelBasepoints& counterparty) {
    KEYS_TRY(revocation,
             derive_revocation_pubkey(counterparty.revocation, owner_per_commitment_point));
    KEYS_TRY(local_delayed, derive_pubkey(owner.delayed_payment, owner_per_commitment_point));
    return CommitmentKeys{revocation, local_delayed, counterparty.payment};
}

Result<HtlcKeys> derive_htlc_keys(const crypto::PubKey& owner_per_commitment_point,
                                  const ChannelBasepoints& owner,
                                  const ChannelBasepoints& counterparty) {
    KEYS_TRY(local_htlc, derive_pubkey(owner.htlc, owner_per_commitment_point));
    KEYS_TRY(remote_htlc, derive_pubkey(counterparty.htlc, owner_per_commitment_point));
    return HtlcKeys{local_htlc, remote_htlc};
}

Result<CommitmentKeys> derive_local_commitment_keys(
    const crypto::SecretKey& per_commitment_secret, const crypto::PubKey& per_commitment_point,
    const ChannelBasepoints& ours, const crypto::SecretKey& delayed_payment_basepoint_secret,
    const ChannelBasepoints& theirs) {
    KEYS_TRY(revocation, derive_revocation_pubkey_from_commitment_secret(
                             theirs.revocation, per_commitment_secret, per_commitment_point));
    KEYS_TRY(local_delayed, derive_pubkey_from_secret(delayed_payment_basepoint_secret,
                                                      ours.delayed_payment, per_commitment_point));
    return CommitmentKeys{revocation, local_delayed, theirs.payment};
}

Result<HtlcKeys> derive_local_htlc_keys(const crypto::PubKey& per_commitment_point,
                                        const ChannelBasepoints& ours,
                                        const crypto::SecretKey& htlc_basepoint_secret,
                                        const ChannelBasepoints& theirs) {
    KEYS_TRY(local_htlc,
             derive_pubkey_from_secret(htlc_basepoint_secret, ours.htlc, per_commitment_point));
    KEYS_TRY(remote_htlc, derive_pubkey(theirs.htlc, per_commitment_point));
    return HtlcKeys{local_htlc, remote_htlc};
}

Result<CommitmentKeys> derive_remote_commitment_keys(
    const crypto::PubKey& per_commitment_point, const ChannelBasepoints& theirs,
    const ChannelBasepoints& ours, const crypto::SecretKey& revocation_basepoint_secret) {
    KEYS_TRY(revocation, derive_revocation_pubkey_from_basepoint_secret(
                             revocation_basepoint_secret, ours.revocation, per_commitment_point));
    KEYS_TRY(local_delayed, derive_pubkey(theirs.delayed_payment, per_commitment_point));
    return CommitmentKeys{revocation, local_delayed, ours.payment};
}

Result<HtlcKeys> derive_remote_htlc_keys(const crypto::PubKey& per_commitment_point,
                                         const ChannelBasepoints& theirs,
                                         const ChannelBasepoints& ours,
                                         const crypto::SecretKey& htlc_basepoint_secret) {
    KEYS_TRY(local_htlc, derive_pubkey(theirs.htlc, per_commitment_point));
    KEYS_TRY(remote_htlc,
             derive_pubkey_from_secret(htlc_basepoint_secret, ours.htlc, per_commitment_point));
    return HtlcKeys{local_htlc, remote_htlc};
}

}  // namespace datt::channel
