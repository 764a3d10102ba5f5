// The browser's on-chain resolver (core/channel/chain_resolver.h) for JavaScript: what to
// broadcast when the channel's funding output is spent by a transaction that is not our
// closing one, and the revoked-commitment records the client keeps for it.
#pragma once

#include "bitcoin/tx.h"
#include "channel/channel_state.h"
#include "channel_args.h"

namespace datt::wasm {

// A RemoteCommitmentRevoked event holding HTLCs, as the client stores it and gives it back
// to resolve: {number, secret, to_local_msat, to_remote_msat, htlcs: [{offered, id,
// amount_msat, payment_hash, cltv_expiry}]} (msat and ids as decimal strings). The secret is
// the hub's own, revealed to punish it: not one of ours.
json revoked_json(const channel::RemoteCommitmentRevoked& revoked);

// args {sweep_script (hex), feerate_per_kw, preimages? [hex], revoked? [revoked_json],
// htlc_txs? [hex]} and the spending transaction -> {kind, spend_txid, commitment_number,
// to_broadcast: [{kind, tx, txid, parent_txid, csv, cltv, sats}], unresolved: [output index]}
// (kinds as chain_watch's log names them). With htlc_txs (the remote's HTLC txs of its
// revoked commitment `spend`, mined before our justice tx): resolve_revoked_htlc_txs's answer,
// the justice tx without their outputs and each one's revoked_htlc_sweep. Codes:
// channel_bad_args, tx_*, and the resolver's (channel_not_revoked_commitment,
// channel_not_an_htlc_tx).
Result<json> resolve_spend(const channel::Channel& channel, const channel::ChannelSecrets& secrets,
                           const json& args, const bitcoin::Transaction& spend);

}  // namespace datt::wasm
