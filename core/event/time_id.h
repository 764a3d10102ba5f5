// (created_at, id): an event's place in time, with its id to break ties between events of
// one second. Every ordering of events in Datt is one of the two below, defined only here.
#pragma once

#include <cstdint>

#include "util/bytes.h"

namespace datt::event {

struct TimeId {
    int64_t created_at = 0;
    Hash256 id{};

    // Ascending: created_at, then the id's bytes (as unsigned, i.e. as lowercase hex
    // strings compare). NIP-77 ranges and the relay store's range scans use this order.
    // (Written out: the wasm toolchain's libc++ has no operator<=> for std::array.)
    friend constexpr bool operator<(const TimeId& a, const TimeId& b) {
        if (a.created_at != b.created_at) return a.created_at < b.created_at;
        return a.id < b.id;
    }
    friend constexpr bool operator>(const TimeId& a, const TimeId& b) { return b < a; }
    friend constexpr bool operator<=(const TimeId& a, const TimeId& b) { return !(b < a); }
    friend constexpr bool operator>=(const TimeId& a, const TimeId& b) { return !(a < b); }
    friend constexpr bool operator==(const TimeId&, const TimeId&) = default;
};

// NIP-01: "later created_at wins, then the lowest id". True when `a` is to be kept over
// `b` as the version of one replaceable or addressable event; as a sort comparator it is
// the feed order (newest first, ties by lowest id) of REQ results, of "new" and of votes.
// Note the tie-break: newest first is NOT the reverse of the ascending order above (which
// breaks ties by the lowest id too). False for equal TimeIds.
constexpr bool supersedes(const TimeId& a, const TimeId& b) {
    if (a.created_at != b.created_at) return a.created_at > b.created_at;
    return a.id < b.id;
}

}  // namespace datt::event
