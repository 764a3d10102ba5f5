#include "channel/commitment_keys.h"

#include "channel/key_derivation.h"

namespace datt::channel {

Result<CommitmentKeys> derive_commitment_keys(const crypto::PubKey& owner_per_commitment_point,
                                              const ChannelBasepoints& owner,
                                              const ChannelBasepoints& counterparty) {
    auto revocation = derive_revocation_pubkey(counterparty.revocation, owner_per_commitment_point);
    if (!revocation) return revocation.error();
    auto local_delayed = derive_pubkey(owner.delayed_payment, owner_per_commitment_point);
    if (!local_delayed) return local_delayed.error();
    auto local_htlc = derive_pubkey(owner.htlc, owner_per_commitment_point);
    if (!local_htlc) return local_htlc.error();
    auto remote_htlc = derive_pubkey(counterparty.htlc, owner_per_commitment_point);
    if (!remote_htlc) return remote_htlc.error();
    return CommitmentKeys{*revocation, *local_delayed, *local_htlc, *remote_htlc,
                          counterparty.payment};
}

Result<CommitmentKeys> derive_local_commitment_keys(
    const crypto::SecretKey& per_commitment_secret, const crypto::PubKey& per_commitment_point,
    const ChannelBasepoints& ours, const crypto::SecretKey& delayed_payment_basepoint_secret,
    const crypto::SecretKey& htlc_basepoint_secret, const ChannelBasepoints& theirs) {
    auto revocation = derive_revocation_pubkey_from_commitment_secret(
        theirs.revocation, per_commitment_secret, per_commitment_point);
    if (!revocation) return revocation.error();
    auto local_delayed = derive_pubkey_from_secret(delayed_payment_basepoint_secret,
                                                   ours.delayed_payment, per_commitment_point);
    if (!local_delayed) return local_delayed.error();
    auto local_htlc =
        derive_pubkey_from_secret(htlc_basepoint_secret, ours.htlc, per_commitment_point);
    if (!local_htlc) return local_htlc.error();
    auto remote_htlc = derive_pubkey(theirs.htlc, per_commitment_point);
    if (!remote_htlc) return remote_htlc.error();
    return CommitmentKeys{*revocation, *local_delayed, *local_htlc, *remote_htlc, theirs.payment};
}

Result<CommitmentKeys> derive_remote_commitment_keys(
    const crypto::PubKey& per_commitment_point, const ChannelBasepoints& theirs,
    const ChannelBasepoints& ours, const crypto::SecretKey& revocation_basepoint_secret,
    const crypto::SecretKey& htlc_basepoint_secret) {
    auto revocation = derive_revocation_pubkey_from_basepoint_secret(
        revocation_basepoint_secret, ours.revocation, per_commitment_point);
    if (!revocation) return revocation.error();
    auto local_delayed = derive_pubkey(theirs.delayed_payment, per_commitment_point);
    if (!local_delayed) return local_delayed.error();
    auto local_htlc = derive_pubkey(theirs.htlc, per_commitment_point);
    if (!local_htlc) return local_htlc.error();
    auto remote_htlc =
        derive_pubkey_from_secret(htlc_basepoint_secret, ours.htlc, per_commitment_point);
    if (!remote_htlc) return remote_htlc.error();
    return CommitmentKeys{*revocation, *local_delayed, *local_htlc, *remote_htlc, ours.payment};
}

}  // namespace datt::channel
