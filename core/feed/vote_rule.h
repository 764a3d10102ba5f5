// The per-reaction NIP-25 vote rule, exposed on its own so that a client keeping tallies
// incrementally (one stored vote per voter and target, replaced when a newer one arrives)
// applies exactly the rule tally_votes() applies to a whole set.
//
// Rules (docs/protocol.md "Ranking"):
// - only kind 7 events are votes; the target is the value of the LAST `e` tag (NIP-25) and
//   must be 64 lowercase hex characters, otherwise the reaction is not a vote;
// - content "+" or "" is an up vote (+1), "-" a down vote (-1); anything else (an emoji
//   reaction) is not a vote and so never replaces an earlier vote;
// - between two votes of one voter on one target the latest created_at wins, and on equal
//   created_at the lowest event id wins (event::supersedes, the NIP-01 replacement rule),
//   so the outcome does not depend on arrival order.
#pragma once

#include <cstdint>
#include <optional>

#include "event/event.h"
#include "util/bytes.h"

namespace datt::feed {

struct Vote {
    Hash256 target{};       // id of the event voted on
    ByteArray<32> voter{};  // x-only pubkey of the reaction's author
    int64_t created_at = 0;
    Hash256 id{};   // id of the reaction event
    int value = 0;  // +1 up, -1 down

    bool operator==(const Vote&) const = default;
};

// The vote a reaction casts, or nullopt when it is not a vote (see the rules above).
std::optional<Vote> vote_of(const event::Event& reaction);

// True when `newer` replaces `older` as the effective vote: event::supersedes on their
// (created_at, id). A vote never supersedes itself, and votes of different voters
// or on different targets never supersede each other (they are separate votes).
bool supersedes(const Vote& newer, const Vote& older);

}  // namespace datt::feed
