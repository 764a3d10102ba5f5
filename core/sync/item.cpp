#include "sync/item.h"

#include <algorithm>
#include <cassert>
#include <cstring>
#include <string>

namespace datt::sync {
namespace {

// memcmp compares as unsigned char: the byte order the protocol asks for.
int compare_ids(const Hash256& a, const Hash256& b) {
    return std::memcmp(a.data(), b.data(), kIdSize);
}

}  // namespace

bool operator<(const Item& a, const Item& b) {
    if (a.timestamp != b.timestamp) return a.timestamp < b.timestamp;
    return compare_ids(a.id, b.id) < 0;
}

Bound Bound::at_item(const Item& item) {
    Bound bound(item.timestamp);
    bound.prefix_length_ = kIdSize;
    bound.padded_id_ = item.id;
    return bound;
}

Bound Bound::between(const Item& prev, const Item& curr) {
    assert(prev < curr);
    Bound bound(curr.timestamp);
    if (prev.timestamp != curr.timestamp) return bound;
    // Same timestamp, so the ids differ (items are unique) and mismatch() stops inside.
    const auto differing = std::mismatch(prev.id.begin(), prev.id.end(), curr.id.begin()).first;
    const auto length = static_cast<size_t>(differing - prev.id.begin()) + 1;
    bound.prefix_length_ = static_cast<uint8_t>(length);
    std::copy_n(curr.id.begin(), length, bound.padded_id_.begin());
    return bound;
}

Result<Bound> Bound::make(uint64_t timestamp, ByteSpan prefix) {
    if (prefix.size() > kIdSize) {
        return make_error("bad_id_prefix", "a bound's id prefix has " +
                                               std::to_string(prefix.size()) +
                                               " bytes; at most 32 are allowed");
    }
    Bound bound(timestamp);
    bound.prefix_length_ = static_cast<uint8_t>(prefix.size());
    std::copy(prefix.begin(), prefix.end(), bound.padded_id_.begin());
    return bound;
}

bool is_below(const Item& item, const Bound& bound) {
    if (item.timestamp != bound.timestamp()) return item.timestamp < bound.timestamp();
    return compare_ids(item.id, bound.padded_id()) < 0;
}

bool is_lower(const Bound& b, const Bound& a) {
    if (b.timestamp() != a.timestamp()) return b.timestamp() < a.timestamp();
    if (a.is_infinity()) return false;
    return compare_ids(b.padded_id(), a.padded_id()) < 0;
}

}  // namespace datt::sync
