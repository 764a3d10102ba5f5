// When the hub must close a channel on chain itself (issue 13 items 2 and 4), pure: the
// channel's latest own commitment, the preimages the hub holds and the tip height in, the
// first HTLC that forces a unilateral close out (hub/force_close.cpp runs it on each tick).
//
// BOLT-2 "cltv_expiry_delta Selection" names two deadlines; with R = 2 (reorganization
// depth), G = 1 (grace after a block the node missed) and S = 12 (blocks between broadcast
// and confirmation):
//   - an HTLC we offered (in our commitment) whose payee neither fulfilled nor failed it
//     off chain: close once the chain is `offered_grace_blocks` (G, default 2: "1 or 2 is
//     reasonable") past its cltv_expiry; its HTLC-timeout (or our claim from the payee's
//     commitment) then takes it back, and only then is the payer's HTLC failed back;
//   - an HTLC we received and whose preimage we hold (the payee released it) that the payer
//     has not removed off chain: close `fulfilled_margin_blocks` (2R+G+S, default 18) before
//     its cltv_expiry, so the HTLC-success is mined before the payer can time it out.
// The hub's cltv_delta (default 40) must exceed both margins (config.cpp checks it): then
// the payer's HTLC has room for our HTLC-timeout to become final (final_depth) and for us
// to fail it back before its own deadline.
// HTLCs are read from our latest commitment (the one we can broadcast): an HTLC only in
// the remote's commitment is not in ours and our close could not resolve it anyway.
// An HTLC trimmed as dust counts like any other, as in Core Lightning and LDK: only the
// close ends the payee's claim on it, so only then can the payer's HTLC be failed back
// (docs/channels.md, "Who watches").
#pragma once

#include <cstdint>
#include <optional>
#include <span>

#include "channel/channel_state.h"
#include "util/bytes.h"

namespace datt::relay::hub {

struct DeadlinePolicy {
    uint32_t offered_grace_blocks = 2;
    uint32_t fulfilled_margin_blocks = 18;
};

enum class ForceReason : uint8_t {
    kOfferedExpired = 1,     // an HTLC we offered is past cltv_expiry + grace
    kFulfilledExpiring = 2,  // an HTLC we received and can fulfil nears its cltv_expiry
};

struct ForceCloseDecision {
    ForceReason reason = ForceReason::kOfferedExpired;
    uint64_t htlc_id = 0;  // as in our commitment (the offering side's id)
    uint32_t cltv_expiry = 0;
    bool operator==(const ForceCloseDecision&) const = default;
};

// "offered_expired" / "fulfilled_expiring" (logs, /metrics labels, the stored row).
const char* force_reason_name(ForceReason reason);

// The first HTLC of `local_commit` (our commitment's balances, our view) that must go on
// chain at `tip`, or none. `preimage_hashes`: the payment hashes whose preimage we hold.
// tip 0 (no chain known yet) decides nothing.
std::optional<ForceCloseDecision> force_close_due(const DeadlinePolicy& policy,
                                                  const channel::BalanceSpec& local_commit,
                                                  std::span<const Hash256> preimage_hashes, uint32_t tip);

}  // namespace datt::relay::hub
