// Parsed x-only keys kept for reuse. Parsing a key from its 32 bytes is a square root on the
// curve, about 6 us of a 52 us BIP-340 verify; a relay sees the same authors again and again.
// A caller that verifies many events keeps one cache and passes it to Event::parse. Plain
// data, no locks: one per thread (the relay's workers each own one).
//
// Bounded and two-way set-associative, the set chosen by the key's first bytes: a lookup
// compares at most two keys whatever keys were seen. Keys are chosen by clients, so keys
// may be made to fall into one set: they then only evict each other, and a miss costs what
// no cache costs (a parse), never more.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "crypto/secp256k1.h"

namespace datt::crypto {

class XOnlyKeyCache {
public:
    // 2,048 sets: 4,096 keys, about 400 KB.
    static constexpr size_t kDefaultSets = 2048;

    // `sets` is rounded up to a power of two (at least 1).
    explicit XOnlyKeyCache(size_t sets = kDefaultSets);

    // XOnlyPubKey::parse(bytes), from the cache when these bytes were parsed recently.
    // Keys that do not parse are not kept.
    [[nodiscard]] std::optional<XOnlyPubKey> parse(std::span<const uint8_t, 32> bytes);

    size_t capacity() const { return sets_.size() * 2; }
    uint64_t hits() const { return hits_; }
    uint64_t misses() const { return misses_; }

private:
    struct Set {
        std::array<std::optional<XOnlyPubKey>, 2> ways;
        uint8_t next = 0;  // the way to replace: the one not used last
    };

    std::vector<Set> sets_;
    uint64_t hits_ = 0;
    uint64_t misses_ = 0;
};

}  // namespace datt::crypto
