// The hub closes a channel on chain by itself, and settles payments from what the chain shows
// (issue 13 items 2 and 4; Hub members in force_close.cpp, on the hub thread):
//
// Deciding (on each new tip): for every stored channel not refused and not yet closed on
// chain, force_close_due (onchain_deadlines.h) over its latest own commitment, the
// preimages the hub holds for HTLCs it received on it, and the tip:
//   - an HTLC the hub offered (the payee took it and neither fulfilled nor failed it,
//     attached but silent or away) past cltv_expiry + hub_offered_grace_blocks (2);
//   - an HTLC the hub received whose preimage it holds (the payee fulfilled, the payer is
//     away) within hub_fulfilled_margin_blocks (18) of its cltv_expiry.
// Closing: the decision and the signed commitment (local_commitment_close) are stored
// (PutHubForceClose, hub_force_closes) and only once committed is the commitment broadcast;
// from then on the channel is closed for the hub (an attached client gets an `error`
// hub_channel_closed_onchain and is detached; channel_reestablish gets the same). The
// commitment is broadcast again on each new block until the chain watch sees the funding
// spent (after a restart too: the stored row is loaded, so a kill between the decision and
// the broadcast ends the same), and the chain watch resolves it as for any spend
// (kLocalCommitment: HTLC-timeout / HTLC-success, to_local and second-stage sweeps).
//
// Settling the payer's HTLC from the chain:
//   - failed back once the hub's own timeout of the payee's HTLC (an HTLC-timeout from our
//     commitment, a claim from the payee's) has hub_onchain_final_depth confirmations
//     (default 6), that HTLC's forward alone (onchain_fail_back.h: by the HTLC id the
//     resolver gave the timeout, which is then marked failed_back in the record): a reorganization shallower than that cannot swap it for the payee's
//     success claim after we failed the payer; the payer's HTLC expires cltv_delta (40)
//     blocks after the payee's, which leaves room (config.cpp checks grace + depth < delta);
//   - failed back too when the payee's commitment on chain (kLocal/kRemoteCommitment) has no
//     output for that HTLC (trimmed as dust, or not in that commitment) once the commitment
//     has hub_onchain_final_depth confirmations: no transaction of the resolution spends
//     that HTLC and no output was left unresolved (the payee could still claim one);
//   - failed back too when the hub's justice tx of the payee's revoked commitment took that
//     HTLC's output and has hub_onchain_final_depth confirmations (by payment hash);
//   - fulfilled as soon as a transaction spending one of the payee channel's HTLC outputs
//     carries the preimage in its witness (htlc_outcome.h: the payee's HTLC-success or
//     claim, in the mempool or a block): knowing the preimage earlier is only safer.
// Either is stored with the forward (PutHubForward: failed or preimage) in the same commit
// as the payer's update, so it happens once; a payer who is away gets it on reattaching,
// or the hub's own deadline above takes the HTLC on chain with the preimage.
//
// /metrics: datt_hub_force_closes_total{reason}, datt_hub_onchain_fail_backs_total,
// datt_hub_onchain_fulfils_total.
// Forwards whose payee side ended but whose payer's channel closed on chain (settle() can
// never reach it) are deleted once that close is hub_onchain_final_depth deep
// (forget_closed_forwards).
// Not handled: a revoked commitment of the payee's (its HTLCs go to the justice tx, the
// payer's HTLC waits for its own expiry).
#pragma once
