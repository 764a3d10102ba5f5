// NIP-25 votes: kind 7 reactions counted as up/down votes per target event.
//
// Which reaction is a vote, and which of two votes by one voter on one target counts, is
// the per-vote rule in feed/vote_rule.h (vote_of, supersedes); tally_votes() applies it
// to a whole set so every client computes the same tally (docs/protocol.md "Ranking").
// Retracting a vote (kind 5 deletion) is the caller's job: drop deleted reactions first.
#pragma once

#include <cstdint>
#include <map>
#include <span>

#include "event/event.h"
#include "util/bytes.h"

namespace datt::feed {

// Counts are never negative when produced by tally_votes().
struct Tally {
    int64_t ups = 0;
    int64_t downs = 0;

    int64_t score() const { return ups - downs; }

    bool operator==(const Tally&) const = default;
};

// Tally per target event id. Pure and deterministic: any permutation of `reactions` (and
// duplicates of the same event) gives the same map.
std::map<Hash256, Tally> tally_votes(std::span<const event::Event> reactions);

}  // namespace datt::feed
