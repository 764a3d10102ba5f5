// NIP-25 votes: kind 7 reactions counted as up/down votes per target event.
//
// Rules (docs/protocol.md "Ranking"), chosen so every client computes the same tally:
// - only kind 7 events count; the target is the value of the LAST `e` tag (NIP-25) and must
//   be 64 lowercase hex characters, otherwise the reaction is ignored;
// - content "+" or "" is an up vote, "-" a down vote; anything else (an emoji reaction) is
//   not a vote and neither counts nor replaces an earlier vote;
// - one effective vote per (voter pubkey, target): the latest created_at wins, and on equal
//   created_at the lowest event id wins, so the result does not depend on input order.
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
