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
#pragma once

#include <cstddef>
#include <cstdint>

#include "bitcoin/tx.h"
#include "channel/chain_resolver.h"
#include "hub/onchain_record.h"
#include "util/result.h"

namespace datt::relay::hub {

// How many transactions were appended to record.txs (at its end).
[[nodiscard]] Result<size_t> take_cheater_htlc_tx(OnchainRecord& record, const channel::ResolverInputs& in,
                                                  const bitcoin::Transaction& htlc_tx, uint32_t height);

}  // namespace datt::relay::hub
