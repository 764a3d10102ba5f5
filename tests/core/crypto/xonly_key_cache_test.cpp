// The parsed-key cache gives exactly what XOnlyPubKey::parse gives, and stays bounded.
#include "crypto/xonly_key_cache.h"

#include <gtest/gtest.h>

#include "util/hex.h"

namespace datt::crypto {
namespace {

std::array<uint8_t, 32> key_bytes(uint8_t secret_last_byte) {
    std::array<uint8_t, 32> secret{};
    secret[31] = secret_last_byte;
    return xonly_pubkey(*SecretKey::from_bytes(secret)).bytes();
}

// Two keys whose first eight bytes are the same: they fall into the same set of any cache.
std::array<uint8_t, 32> with_prefix_of(const std::array<uint8_t, 32>& prefix_from, uint8_t tail) {
    for (uint8_t last = 0;; ++last) {
        std::array<uint8_t, 32> bytes = prefix_from;
        bytes[30] = tail;
        bytes[31] = last;
        if (XOnlyPubKey::parse(bytes)) return bytes;  // about half of all x are on the curve
    }
}

TEST(XOnlyKeyCache, SecondParseIsAHitAndEqualToAFreshParse) {
    XOnlyKeyCache cache;
    const auto bytes = key_bytes(7);
    auto first = cache.parse(bytes);
    auto second = cache.parse(bytes);
    ASSERT_TRUE(first && second);
    EXPECT_EQ(*second, *XOnlyPubKey::parse(bytes));
    EXPECT_EQ(second->bytes(), bytes);
    EXPECT_EQ(cache.misses(), 1u);
    EXPECT_EQ(cache.hits(), 1u);
}

TEST(XOnlyKeyCache, KeyOffTheCurveIsRejectedEveryTimeAndNotKept) {
    XOnlyKeyCache cache;
    // BIP-340 vector 5: an x coordinate with no point on the curve.
    const auto bytes =
        *from_hex_fixed<32>("eefdea4cdb677750a420fee807eacf21eb9898ae79b9768766e4faa04a2d4a34");
    EXPECT_FALSE(cache.parse(bytes));
    EXPECT_FALSE(cache.parse(bytes));
    EXPECT_EQ(cache.hits(), 0u);
    EXPECT_EQ(cache.misses(), 2u);
}

TEST(XOnlyKeyCache, CapacityIsTwoKeysPerSetRoundedToAPowerOfTwo) {
    EXPECT_EQ(XOnlyKeyCache(0).capacity(), 2u);
    EXPECT_EQ(XOnlyKeyCache(3).capacity(), 8u);
    EXPECT_EQ(XOnlyKeyCache().capacity(), 2 * XOnlyKeyCache::kDefaultSets);
}

TEST(XOnlyKeyCache, AFullSetEvictsTheKeyNotUsedLast) {
    XOnlyKeyCache cache(1);
    const auto a = key_bytes(1);
    const auto b = key_bytes(2);
    const auto c = key_bytes(3);
    ASSERT_TRUE(cache.parse(a) && cache.parse(b) && cache.parse(a));  // a used last
    ASSERT_TRUE(cache.parse(c));                                      // evicts b
    EXPECT_EQ(cache.hits(), 1u);
    EXPECT_EQ(*cache.parse(a), *XOnlyPubKey::parse(a));
    EXPECT_EQ(cache.hits(), 2u);
    EXPECT_EQ(*cache.parse(b), *XOnlyPubKey::parse(b));
    EXPECT_EQ(cache.misses(), 4u);  // a, b, c, then b again
}

TEST(XOnlyKeyCache, KeysSharingASetNeverAnswerForEachOther) {
    XOnlyKeyCache cache;
    const auto base = key_bytes(5);
    std::vector<std::array<uint8_t, 32>> keys;
    for (uint8_t tail = 0; tail < 6; ++tail) keys.push_back(with_prefix_of(base, tail));
    for (int pass = 0; pass < 3; ++pass) {
        for (const auto& bytes : keys) {
            auto cached = cache.parse(bytes);
            ASSERT_TRUE(cached);
            EXPECT_EQ(cached->bytes(), bytes);
            EXPECT_EQ(*cached, *XOnlyPubKey::parse(bytes));
        }
    }
    EXPECT_EQ(cache.hits(), 0u);  // six keys cycling through one two-way set: every one evicted
}

}  // namespace
}  // namespace datt::crypto
