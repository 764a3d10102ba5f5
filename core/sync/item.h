// What negentropy reconciles: items (a 64-bit timestamp and a 32-byte id, for Nostr the
// event's created_at and id), and bounds, the points in (timestamp, id) order that
// separate ranges of items.
//
// Order (Negentropy protocol v1, "Preparation"): by timestamp ascending, then by id
// compared byte by byte, ascending. The largest timestamp, 2^64-1, is reserved for
// "infinity" and no item may have it.
//
// A bound is a timestamp plus an id prefix of 0..32 bytes; it stands for the point
// (timestamp, prefix followed by zero bytes). Bounds keep their prefix length, because a
// reply repeats the bounds it received byte for byte.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>

#include "util/bytes.h"
#include "util/result.h"

namespace datt::sync {

inline constexpr size_t kIdSize = 32;
// The reserved "infinity" timestamp: the upper end of the last range of every message.
inline constexpr uint64_t kInfinity = std::numeric_limits<uint64_t>::max();

struct Item {
    uint64_t timestamp = 0;
    Hash256 id{};

    bool operator==(const Item&) const = default;
};

// (timestamp, id) order.
bool operator<(const Item& a, const Item& b);

class Bound {
  public:
    // (0, empty prefix): the lowest point, where the first range of a message starts.
    Bound() = default;

    static Bound infinity() { return Bound(kInfinity); }
    // `timestamp` with an empty prefix: below every item of that timestamp.
    static Bound at_timestamp(uint64_t timestamp) { return Bound(timestamp); }
    // The item itself (a 32-byte prefix).
    static Bound at_item(const Item& item);
    // The shortest bound above `prev` and at or below `curr` (prev < curr): the timestamp
    // alone when they differ, else curr's id up to and including the first byte that
    // differs from prev's.
    static Bound between(const Item& prev, const Item& curr);
    // Any timestamp with a prefix of at most 32 bytes ("bad_id_prefix" otherwise).
    [[nodiscard]] static Result<Bound> make(uint64_t timestamp, ByteSpan prefix);

    uint64_t timestamp() const { return timestamp_; }
    bool is_infinity() const { return timestamp_ == kInfinity; }
    ByteSpan prefix() const { return ByteSpan(padded_id_).first(prefix_length_); }
    // The prefix followed by zero bytes: the id of the point this bound stands for.
    const Hash256& padded_id() const { return padded_id_; }

    bool operator==(const Bound&) const = default;

  private:
    explicit Bound(uint64_t timestamp) : timestamp_(timestamp) {}

    uint64_t timestamp_ = 0;
    uint8_t prefix_length_ = 0;
    Hash256 padded_id_{};
};

// True when `item` lies below `bound` (in the range that `bound` closes).
bool is_below(const Item& item, const Bound& bound);

// True when `b` is a lower point than `a`. Infinity is one point whatever its prefix (the
// protocol says the id of an infinity bound does not matter).
bool is_lower(const Bound& b, const Bound& a);

}  // namespace datt::sync
