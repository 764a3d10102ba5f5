// The commitments of a Channel (channel_state.h) as BOLT-3 CommitmentSpecs: ours (keys from
// our per-commitment point) and the remote's (from its point), with each side's dust limit,
// delay and the funder. Shared by the state machine and the on-chain builders.
#pragma once

#include <cstdint>
#include <vector>

#include "bitcoin/tx.h"
#include "channel/channel_state.h"
#include "channel/commitment_tx.h"
#include "crypto/secp256k1.h"
#include "util/bytes.h"
#include "util/result.h"

namespace datt::channel {

// Our per-commitment secret and point of commitment `number`.
[[nodiscard]] Result<Hash256> local_secret(const ChannelSecrets& secrets, uint64_t number);
[[nodiscard]] Result<crypto::PubKey> local_point(const ChannelSecrets& secrets, uint64_t number);
// Our secrets of commitments `first`, first + 1, ... (`count` of them), sharing their hashes
// (generate_per_commitment_secrets).
[[nodiscard]] Result<std::vector<Hash256>> local_secrets(const ChannelSecrets& secrets,
                                                         uint64_t first, uint64_t count);

// The funding output's 2-of-2 witness script (requires the remote's funding key).
bitcoin::Script funding_script(const Channel& c);

std::vector<CommittedHtlc> committed_htlcs(const BalanceSpec& spec);

// Our commitment `number` (point: our per-commitment point for it).
[[nodiscard]] Result<CommitmentSpec> local_commitment_spec(const Channel& c,
                                                           const crypto::PubKey& point,
                                                           uint64_t number,
                                                           const BalanceSpec& balances);
// The remote's commitment `number` (point: the remote's per-commitment point for it).
[[nodiscard]] Result<CommitmentSpec> remote_commitment_spec(const Channel& c,
                                                            const crypto::PubKey& point,
                                                            uint64_t number,
                                                            const BalanceSpec& balances);

// The same specs built with our secrets (commitment_keys.h's derive_local/remote_
// commitment_keys: fewer multiplications of arbitrary points); the state machine's path.
// `secret` is our per-commitment secret of commitment `number`, `point` its point.
[[nodiscard]] Result<CommitmentSpec> local_commitment_spec(
    const Channel& c, const ChannelSecrets& secrets, const Hash256& secret,
    const crypto::PubKey& point, uint64_t number, const BalanceSpec& balances);
[[nodiscard]] Result<CommitmentSpec> remote_commitment_spec(const Channel& c,
                                                            const ChannelSecrets& secrets,
                                                            const crypto::PubKey& point,
                                                            uint64_t number,
                                                            const BalanceSpec& balances);

}  // namespace datt::channel
