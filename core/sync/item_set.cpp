#include "sync/item_set.h"

#include <algorithm>
#include <cassert>
#include <string>
#include <utility>

#include "util/hex.h"

namespace datt::sync {

ItemSet::ItemSet() : ItemSet(std::vector<Item>{}) {}

ItemSet::ItemSet(std::vector<Item> items) : items_(std::move(items)) {
    stride_sums_.reserve(items_.size() / kSumStride + 1);
    IdSum running;
    for (size_t i = 0; i < items_.size(); ++i) {
        if (i % kSumStride == 0) stride_sums_.push_back(running);
        running.add(items_[i].id);
    }
    if (items_.size() % kSumStride == 0) stride_sums_.push_back(running);
}

Result<ItemSet> ItemSet::from_items(std::vector<Item> items) {
    if (!std::is_sorted(items.begin(), items.end())) std::sort(items.begin(), items.end());
    for (size_t i = 0; i < items.size(); ++i) {
        if (items[i].timestamp == kInfinity) {
            return make_error("bad_item_timestamp",
                              "item " + to_hex(items[i].id) +
                                  " has the timestamp 2^64-1, which is reserved for infinity");
        }
        if (i > 0 && items[i - 1] == items[i]) {
            return make_error("duplicate_item", "item " + to_hex(items[i].id) + " at " +
                                                    std::to_string(items[i].timestamp) +
                                                    " is listed twice");
        }
    }
    return ItemSet(std::move(items));
}

size_t ItemSet::lower_bound(size_t begin, const Bound& bound) const {
    assert(begin <= items_.size());
    const auto it =
        std::partition_point(items_.begin() + static_cast<ptrdiff_t>(begin), items_.end(),
                             [&](const Item& item) { return is_below(item, bound); });
    return static_cast<size_t>(it - items_.begin());
}

IdSum ItemSet::prefix_sum(size_t index) const {
    const size_t stride = index / kSumStride;
    IdSum sum = stride_sums_[stride];
    for (size_t i = stride * kSumStride; i < index; ++i) sum.add(items_[i].id);
    return sum;
}

Fingerprint ItemSet::fingerprint(size_t begin, size_t end) const {
    assert(begin <= end && end <= items_.size());
    IdSum sum;
    if (end - begin < 2 * kSumStride) {
        // Short ranges: adding their ids directly is no more work than two prefix sums.
        for (size_t i = begin; i < end; ++i) sum.add(items_[i].id);
    } else {
        sum = prefix_sum(end);
        sum.subtract(prefix_sum(begin));
    }
    return make_fingerprint(sum, end - begin);
}

}  // namespace datt::sync
