// The cheater's HTLC txs of its revoked commitment (issue 13 item 4), pure: the client
// broadcast a revoked commitment and got one of its own HTLC-timeout/-success transactions
// into a block before the hub's justice tx, which can then never be mined (one of its inputs
// is spent). Hub::spend_seen (chain_watch.cpp) calls take_cheater_htlc_tx when a transaction
// in a block spends an output of the revoked commitment that a waiting justice tx of the
// record also spends: the record keeps that HTLC tx (with its height: the parent of a sweep)
// and core's resolve_revoked_htlc_txs runs over the commitment and every such tx seen, giving
// a justice tx without the outputs they took and, for each, the sweep of its output with the
// revocation key (kRevokedHtlcSweep, due at once: the cheater waits to_self_delay for it).
// What the record does not hold yet (by txid: a sweep already there is kept, with its
// progress) is appended, waiting; the caller stores the record before broadcasting any of it.
//
// Error codes: hub_no_revoked_spend (the record's spend is not a revoked commitment, or it
// was stored before the spend's bytes were kept: onchain_record version 2), plus those of
// resolve_revoked_htlc_txs (channel_not_an_htlc_tx: the cheater's to_local sweep after the
// delay, say). On error the record is unchanged.
//
// The channel's revoked commitments with HTLCs (hub_revoked) are what the resolver needs for
// that (without them the rebuilt justice tx takes to_local alone, leaving the commitment's
// other HTLC outputs to the cheater; the HTLC tx's own output is swept all the same: its
// script needs keys only); forget_revoked says when they may go: once the funding spend is kRevokedPruneDepth
// blocks deep and no justice tx of the record is waiting. A cheater's HTLC tx can take an
// input of a justice tx of ours at any height until that justice tx is in a block (an
// HTLC-success at once, an HTLC-timeout from its HTLC's expiry), so the lists stay while one
// waits: until it is mined, or each of its inputs is taken (a rebuilt justice tx per HTLC tx,
// at most one per HTLC output; the cheater's own to_local sweep after its delay ends it).
// The cost is memory alone (about 100 bytes per revoked commitment and HTLC, as while the
// channel was open): nothing is scanned for it, the bridge watches every waiting justice
// tx's inputs anyway (from the spend's block after a restart, 50 blocks a poll).
#pragma once

#include <cstddef>
#include <cstdint>

#include "bitcoin/tx.h"
#include "channel/chain_resolver.h"
#include "hub/onchain_record.h"
#include "util/result.h"

namespace datt::relay::hub {

inline constexpr uint32_t kRevokedPruneDepth = 100;  // blocks over the funding spend, at least

// Whether the channel's revoked commitments may be forgotten at `tip` (see above).
[[nodiscard]] bool forget_revoked(const OnchainRecord& record, uint32_t tip);

// How many transactions were appended to record.txs (at its end).
[[nodiscard]] Result<size_t> take_cheater_htlc_tx(OnchainRecord& record, const channel::ResolverInputs& in,
                                                  const bitcoin::Transaction& htlc_tx, uint32_t height);

}  // namespace datt::relay::hub
