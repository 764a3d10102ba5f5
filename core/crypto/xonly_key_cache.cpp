#include "crypto/xonly_key_cache.h"

#include <algorithm>
#include <bit>
#include <cstring>

namespace datt::crypto {

XOnlyKeyCache::XOnlyKeyCache(size_t sets) : sets_(std::bit_ceil(sets == 0 ? size_t{1} : sets)) {}

std::optional<XOnlyPubKey> XOnlyKeyCache::parse(std::span<const uint8_t, 32> bytes) {
    uint64_t prefix = 0;
    std::memcpy(&prefix, bytes.data(), sizeof prefix);
    Set& set = sets_[prefix & (sets_.size() - 1)];
    for (uint8_t way = 0; way < 2; ++way) {
        const auto& key = set.ways[way];
        if (key && std::equal(bytes.begin(), bytes.end(), key->bytes().begin())) {
            ++hits_;
            set.next = static_cast<uint8_t>(1 - way);
            return key;
        }
    }
    ++misses_;
    auto parsed = XOnlyPubKey::parse(bytes);
    if (parsed) {
        set.ways[set.next] = parsed;
        set.next = static_cast<uint8_t>(1 - set.next);
    }
    return parsed;
}

}  // namespace datt::crypto
