// The reconciliation step both roles share (Negentropy protocol v1, "Algorithm"): read a
// message range by range and build the reply. Sessions (sync/session.h) wrap it.
//
// Where the protocol leaves a choice to the implementation, this follows the reference
// implementation (hoytech/negentropy, C++ and JavaScript) exactly, because independent
// implementations are checked against each other byte for byte:
// - Splitting a range: fewer than 32 items become one IdList; otherwise 16 Fingerprint
//   buckets of n/16 items, the first n%16 buckets one item larger, each closed by the
//   shortest bound between its last item and the next bucket's first (Bound::between),
//   the last one by the range's own upper bound.
// - The initial message is the whole set split that way, up to infinity.
// - A Skip, a matching Fingerprint, and (for the initiator) an IdList leave the range
//   skipped; consecutive skipped ranges become one Skip, written only when a later range
//   is answered, so a trailing Skip is never written.
// - A responder answers an IdList with every id it has in that range.
// - Frame size limit L (0 = none): once the reply would pass L - 200 bytes, the range
//   being answered is dropped and the reply ends with one Fingerprint range up to
//   infinity over the items from that range's upper end on; a responder's IdList stops
//   adding ids when the reply passes L - 200 bytes and closes at the first id it left out
//   (its full 32 bytes as the bound), and the remaining fingerprint starts there. Replies
//   therefore never exceed L.
// The whole message is validated before any of it is answered, so a bad range anywhere
// is an error whatever the frame size limit (message.h lists the codes).
#pragma once

#include <cstdint>
#include <vector>

#include "sync/item_set.h"
#include "util/bytes.h"
#include "util/result.h"

namespace datt::sync {

// Ranges of at least 2 * kBuckets items are split into kBuckets fingerprints.
inline constexpr size_t kBuckets = 16;
// A reply stops growing once it passes frame_size_limit - kFrameSizeMargin bytes.
inline constexpr uint64_t kFrameSizeMargin = 200;

enum class Role {
    initiator,  // learns have/need from IdLists and answers them with Skip
    responder,  // answers IdLists with its own ids
};

struct ReconcileOutput {
    Bytes reply;  // starts with the protocol version byte
    // Initiator only; each id at most once per message, need in the order the peer lists them.
    std::vector<Hash256> have;  // ids it has and the responder lacks
    std::vector<Hash256> need;  // ids the responder has and it lacks
};

// The initiator's first message.
Bytes initial_message(const ItemSet& set);

// One step: `message` (version 1, anything else is an error) answered for `role`.
// frame_size_limit is 0 or at least 4096 ("bad_frame_size_limit", sync/limits.h).
[[nodiscard]] Result<ReconcileOutput> reconcile_message(const ItemSet& set,
                                                        uint64_t frame_size_limit, Role role,
                                                        ByteSpan message);

}  // namespace datt::sync
