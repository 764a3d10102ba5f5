// NIP-09 deletion requests (kind 5): which events a request deletes. The relay's store
// applies this rule in SQL (relay/store/sqlite_store.cpp, tested against this one);
// clients apply it to what they hold.
//
// A request deletes a target when all of these hold:
// - the target has the request's author (nobody deletes another author's events);
// - the target is not itself a deletion request (NIP-09: deleting a deletion has no effect);
// - an `e` tag names the target's id, or an `a` tag names the target's address
//   (event/address.h) and the target's created_at is at or before the request's (a newer
//   version published after the deletion is not covered).
// The rule holds whichever arrives first: a target that arrives after its request is
// refused the same way.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "event/address.h"
#include "event/event.h"
#include "util/bytes.h"

namespace datt::event {

struct DeletionRequest {
    ByteArray<32> author{};
    int64_t created_at = 0;
    std::vector<Hash256> ids;        // `e` tags whose value is 64 hex characters (either case)
    std::vector<Address> addresses;  // `a` tags naming an address of `author` (others dropped)
};

// The request `event` makes, or nullopt when it is not kind 5. Repeated targets are kept
// once, in tag order.
std::optional<DeletionRequest> deletion_request_of(const Event& event);

// The first two conditions above: the request may delete an event by `target_author` of
// `target_kind` at all.
bool may_delete(const DeletionRequest& request, const ByteArray<32>& target_author,
                Kind target_kind);

// The time condition of an `a` target: a version created at `target_created_at` is covered.
bool covers_version(const DeletionRequest& request, int64_t target_created_at);

// The whole rule for one target.
bool deletes(const DeletionRequest& request, const Event& target);

}  // namespace datt::event
