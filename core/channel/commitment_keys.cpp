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

}  // namespace datt::channel
