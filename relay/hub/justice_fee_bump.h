// The hub raises the fee of its waiting justice txs (issue 13 item 4), pure: at each new tip
// Hub::chain_tick (chain_watch.cpp) calls bump_justice_fee on every record; a justice tx not
// yet in a block whose window has gone past half (channel/fee_bump.h: from the revoked
// commitment's block to the end of the cheater's to_local CSV, the to_self_delay the hub
// imposed) is rebuilt and re-signed by core's resolver at the schedule's feerate, capped at
// half the value it takes, over the same inputs (the revoked commitment again, or with the
// cheater's HTLC txs seen: revoked_htlc_txs.h). The record keeps the new version as
// resolution.tx, its feerate, and the versions it replaced; the caller stores the record
// BEFORE broadcasting the new version (BIP-125: the justice tx signals replaceability), and
// after a restart the stored latest version is what is broadcast again.
// Any version may be the one mined (a miner with the old one, a node that refused the
// replacement): adopt_version makes it resolution.tx, so the record says which was mined.
//
// Not bumped: sweeps, HTLC claims and the hub's own commitment (no anchors; CPFP is not done);
// a justice tx of a record without the commitment's bytes (version 2) until the rescan after
// the restart gives them back (chain_watch.h).
// Error codes: those of the resolver; hub_justice_not_rebuilt (the resolver no longer gives a
// justice tx over the same inputs). On error the record is unchanged.
#pragma once

#include <cstdint>

#include "channel/chain_resolver.h"
#include "hub/onchain_record.h"
#include "util/bytes.h"
#include "util/result.h"

namespace datt::relay::hub {

// How many justice txs of the record were replaced (0: nothing to do). `in`: the resolver's
// inputs for the channel at its own feerate (the first version's).
[[nodiscard]] Result<size_t> bump_justice_fee(OnchainRecord& record, const channel::ResolverInputs& in, uint32_t tip);

// The version of `t` (its latest or an older one) with this txid, or none.
[[nodiscard]] const bitcoin::Transaction* version_with_txid(const OnchainTx& t, const Hash256& txid);

// Makes the version with this txid t's resolution.tx (the latest goes among the others);
// false when `t` has none.
bool adopt_version(OnchainTx& t, const Hash256& txid);

}  // namespace datt::relay::hub
