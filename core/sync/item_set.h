// ItemSet: one participant's records for a reconciliation, sorted by (timestamp, id) and
// unique, with the sums that make range fingerprints cheap.
//
// The shells fill it from their stores without reading event bodies: the relay with an
// ascending (created_at, id) scan of the events that match the filter, the browser with a
// key cursor over an IndexedDB index on [created_at, id]. It is immutable, so one set can
// serve several sessions (share it through a shared_ptr) for as long as it is current.
//
// Fingerprints: a range's id sum is S(end) - S(begin), where S(i) is the sum of the
// first i ids. The set keeps S at every multiple of kSumStride (32 bytes per 64 items,
// 0.5 MB for a million) and adds at most kSumStride - 1 ids to reach any other index,
// so a fingerprint costs O(kSumStride) whatever the size of its range, instead of a pass
// over the range (docs/sync.md compares the two).
//
// Error codes: duplicate_item, bad_item_timestamp.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "sync/fingerprint.h"
#include "sync/item.h"
#include "util/result.h"

namespace datt::sync {

class ItemSet {
  public:
    static constexpr size_t kSumStride = 64;

    // The empty set.
    ItemSet();

    // Sorts `items` if they are not sorted yet (a store scan usually delivers them in
    // order, which is then only checked). Rejects two items with the same timestamp and id
    // ("duplicate_item") and the reserved infinity timestamp ("bad_item_timestamp").
    [[nodiscard]] static Result<ItemSet> from_items(std::vector<Item> items);

    size_t size() const { return items_.size(); }
    const Item& operator[](size_t index) const { return items_[index]; }
    std::span<const Item> items() const { return items_; }

    // The first index in [begin, size()) whose item is not below `bound` (size() if none).
    size_t lower_bound(size_t begin, const Bound& bound) const;

    // Fingerprint of the items [begin, end); begin <= end <= size().
    Fingerprint fingerprint(size_t begin, size_t end) const;

  private:
    explicit ItemSet(std::vector<Item> items);

    // S(index): the sum of the ids [0, index).
    IdSum prefix_sum(size_t index) const;

    std::vector<Item> items_;
    // stride_sums_[k] = S(k * kSumStride), for every k with k * kSumStride <= size().
    std::vector<IdSum> stride_sums_;
};

}  // namespace datt::sync
