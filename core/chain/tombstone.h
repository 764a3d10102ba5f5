// Deletion inside a chain: a kind 5 request (NIP-09) is itself a later chain entry; the
// event it deletes loses its content but keeps its id and place, so the chain still links
// through it (the next event's prev is that id) and the author cannot quietly rewrite
// history by deleting.
//
// tombstone_of(target, deletion) holds when:
// - event::deletes(request, target) (same author, `e` or `a` tag, not a deletion itself);
// - the deletion is chained (a Datt client signs it as a chain entry);
// - in the target's own chain, the deletion comes later (higher seq): a deletion cannot sit
//   before what it deletes. From another chain (another device) of the author any seq does.
// Error codes:
//   tombstone_not_chained      the target or the deletion has no valid chain tag
//   tombstone_not_covered      the request does not delete the target (NIP-09 rule)
//   tombstone_not_later        the deletion is at or before the target in the same chain
#pragma once

#include <cstdint>

#include "chain/chain_state.h"
#include "chain/chain_tag.h"
#include "event/event.h"
#include "util/result.h"

namespace datt::chain {

// What is kept of a deleted chained event: everything but its tags and content.
struct Tombstone {
    ByteArray<32> author{};
    ChainId chain{};
    ChainEntry entry;  // seq, id, prev: the place in the chain
    int64_t created_at = 0;
    event::Kind kind = 0;
    Hash256 deleted_by{};  // id of the kind 5 request

    friend bool operator==(const Tombstone&, const Tombstone&) = default;
};

[[nodiscard]] Result<Tombstone> tombstone_of(const event::Event& target,
                                             const event::Event& deletion);

}  // namespace datt::chain
