// Items, bounds, fingerprints and ItemSet against the Negentropy v1 specification.
//
// The expected fingerprints were computed outside this code, with Python's hashlib and
// big integers straight from the spec's "Fingerprint Algorithm":
//   s = sum(int.from_bytes(id, 'little') for id in ids) % 2**256
//   sha256(s.to_bytes(32, 'little') + varint(len(ids))).digest()[:16]
// (varint: base-128, most significant digit first, high bit on all but the last byte).
#include "sync/fingerprint.h"

#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "sync/item.h"
#include "sync/item_set.h"
#include "sync_support.h"

namespace datt::sync {
namespace {

using test::hex;

Hash256 filled(uint8_t byte) {
    Hash256 id;
    id.fill(byte);
    return id;
}

Hash256 id_from_hex(std::string_view text) {
    auto id = from_hex_fixed<32>(text);
    EXPECT_TRUE(id.ok());
    return id.ok() ? *id : Hash256{};
}

// Byte-by-byte addition with carry, little-endian: a second way to add 256-bit numbers.
Hash256 add_bytewise(const Hash256& a, const Hash256& b) {
    Hash256 sum{};
    unsigned carry = 0;
    for (size_t i = 0; i < 32; ++i) {
        const unsigned total = a[i] + b[i] + carry;
        sum[i] = static_cast<uint8_t>(total);
        carry = total >> 8;
    }
    return sum;
}

TEST(Fingerprint, MatchesTheSpecComputedIndependently) {
    EXPECT_EQ(to_hex(make_fingerprint(IdSum{}, 0)), "7f9c9e31ac8256ca2f258583df262dbc");
    EXPECT_EQ(to_hex(fingerprint_of(std::vector<Item>{})), "7f9c9e31ac8256ca2f258583df262dbc");
    EXPECT_EQ(to_hex(fingerprint_of(std::vector<Item>{{1, filled(0x01)}})),
              "ce041765675ad4d93378e20bd3a7d0d9");
    // 0xff..ff + 2 wraps around to 1 (the sum is modulo 2^256); the count still says 2.
    Hash256 two{};
    two[0] = 2;
    EXPECT_EQ(to_hex(fingerprint_of(std::vector<Item>{{1, filled(0xff)}, {2, two}})),
              "6092a26dea6bc7bdc57a942f1df2d0d7");
    Hash256 one{};
    one[0] = 1;
    EXPECT_EQ(to_hex(fingerprint_of(std::vector<Item>{{1, one}})),
              "2e255099d6d6bee307c8e7075acc78f9");
}

TEST(Fingerprint, TimestampsDoNotEnterTheFingerprint) {
    const Hash256 id = filled(0x42);
    EXPECT_EQ(fingerprint_of(std::vector<Item>{{1, id}}),
              fingerprint_of(std::vector<Item>{{999, id}}));
}

TEST(IdSum, AddsAndSubtractsModulo2To256) {
    std::mt19937_64 rng(7);
    for (int round = 0; round < 200; ++round) {
        Hash256 a = test::random_id(rng);
        Hash256 b = test::random_id(rng);
        if (round % 4 == 0) a.fill(0xff);  // carries through every byte
        IdSum sum;
        sum.add(a);
        sum.add(b);
        EXPECT_EQ(sum.to_bytes(), add_bytewise(a, b));
        IdSum only_b;
        only_b.add(b);
        IdSum back = sum;
        back.subtract(only_b);
        EXPECT_EQ(back.to_bytes(), a);
        IdSum twice = sum;
        twice.add(sum);
        EXPECT_EQ(twice.to_bytes(), add_bytewise(sum.to_bytes(), sum.to_bytes()));
    }
    IdSum zero;
    IdSum minus_one;
    minus_one.subtract([] {
        IdSum one;
        Hash256 id{};
        id[0] = 1;
        one.add(id);
        return one;
    }());
    EXPECT_EQ(minus_one.to_bytes(), filled(0xff));
    EXPECT_EQ(zero.to_bytes(), Hash256{});
}

TEST(Bound, BetweenIsTheShortestSeparatingBound) {
    const Item a{5,
                 id_from_hex("00ab000000000000000000000000000000000000000000000000000000000000")};
    const Item b{5,
                 id_from_hex("00ac000000000000000000000000000000000000000000000000000000000000")};
    const Bound ab = Bound::between(a, b);
    EXPECT_EQ(ab.timestamp(), 5u);
    EXPECT_EQ(to_hex(ab.prefix()), "00ac");
    EXPECT_TRUE(is_below(a, ab));
    EXPECT_FALSE(is_below(b, ab));

    // Different timestamps: no prefix at all.
    const Item c{9,
                 id_from_hex("0000000000000000000000000000000000000000000000000000000000000000")};
    const Bound bc = Bound::between(b, c);
    EXPECT_EQ(bc.timestamp(), 9u);
    EXPECT_TRUE(bc.prefix().empty());
    EXPECT_FALSE(is_below(c, bc));

    // Ids that differ only in the last byte need all 32.
    const Item d{5,
                 id_from_hex("00ac0000000000000000000000000000000000000000000000000000000000ff")};
    EXPECT_EQ(Bound::between(b, d).prefix().size(), 32u);

    EXPECT_EQ(Bound::make(1, Bytes(33, 0)).error().code, "bad_id_prefix");
    EXPECT_TRUE(Bound::make(1, Bytes(32, 0)).ok());
}

TEST(Bound, OrderTreatsInfinityAsOnePointAndPadsPrefixesWithZeros) {
    const Bound short_prefix = *Bound::make(7, hex("10"));
    const Bound long_prefix = *Bound::make(7, hex("1000"));
    EXPECT_FALSE(is_lower(short_prefix, long_prefix));
    EXPECT_FALSE(is_lower(long_prefix, short_prefix));
    EXPECT_TRUE(is_lower(*Bound::make(7, hex("0f")), short_prefix));
    EXPECT_TRUE(is_lower(short_prefix, Bound::at_timestamp(8)));
    const Bound infinity_with_prefix = *Bound::make(kInfinity, hex("ff"));
    EXPECT_FALSE(is_lower(Bound::infinity(), infinity_with_prefix));
    EXPECT_FALSE(is_lower(infinity_with_prefix, Bound::infinity()));
    EXPECT_TRUE(is_lower(Bound::at_timestamp(kInfinity - 1), Bound::infinity()));
}

TEST(ItemSet, SortsAndRejectsDuplicatesAndInfinity) {
    const Item late{20, filled(0x01)};
    const Item early_big{10, filled(0xf0)};
    const Item early_small{10, filled(0x0f)};
    auto set = ItemSet::from_items({late, early_big, early_small});
    ASSERT_TRUE(set.ok());
    ASSERT_EQ(set->size(), 3u);
    EXPECT_EQ((*set)[0], early_small);
    EXPECT_EQ((*set)[1], early_big);
    EXPECT_EQ((*set)[2], late);

    EXPECT_EQ(ItemSet::from_items({late, early_small, late}).error().code, "duplicate_item");
    // The same id at two timestamps is two items (the protocol orders items, not ids).
    EXPECT_TRUE(ItemSet::from_items({{1, filled(3)}, {2, filled(3)}}).ok());
    EXPECT_EQ(ItemSet::from_items({{kInfinity, filled(3)}}).error().code, "bad_item_timestamp");
    EXPECT_TRUE(ItemSet::from_items({{kInfinity - 1, filled(3)}}).ok());
}

TEST(ItemSet, LowerBoundFindsTheFirstItemNotBelowTheBound) {
    auto set = ItemSet::from_items({{10, filled(0x0f)}, {10, filled(0xf0)}, {20, filled(0x01)}});
    ASSERT_TRUE(set.ok());
    EXPECT_EQ(set->lower_bound(0, Bound()), 0u);
    EXPECT_EQ(set->lower_bound(0, Bound::at_timestamp(10)), 0u);
    EXPECT_EQ(set->lower_bound(0, *Bound::make(10, hex("10"))), 1u);
    EXPECT_EQ(set->lower_bound(0, *Bound::make(10, hex("f0"))), 1u);  // f0 00.. < f0 f0..
    EXPECT_EQ(set->lower_bound(0, Bound::at_item((*set)[1])), 1u);
    EXPECT_EQ(set->lower_bound(0, *Bound::make(10, hex("f1"))), 2u);
    EXPECT_EQ(set->lower_bound(0, Bound::at_timestamp(11)), 2u);
    EXPECT_EQ(set->lower_bound(0, Bound::infinity()), 3u);
    EXPECT_EQ(set->lower_bound(2, Bound()), 2u);  // never before `begin`
}

// The strided sums must give exactly the fingerprint of a pass over the range, for every
// range, including those that start or end on a stride boundary.
TEST(ItemSet, EveryRangeFingerprintEqualsTheDefinition) {
    std::mt19937_64 rng(11);
    for (size_t n : {0u, 1u, 63u, 64u, 65u, 130u, 300u}) {
        std::vector<Item> items;
        for (size_t i = 0; i < n; ++i) items.push_back({rng() % 50, test::random_id(rng)});
        auto set = ItemSet::from_items(items);
        ASSERT_TRUE(set.ok());
        for (size_t begin = 0; begin <= n; ++begin) {
            for (size_t end = begin; end <= n; ++end) {
                ASSERT_EQ(set->fingerprint(begin, end),
                          fingerprint_of(set->items().subspan(begin, end - begin)))
                    << n << " items, range " << begin << ".." << end;
            }
        }
    }
    std::vector<Item> items;
    for (size_t i = 0; i < 20'000; ++i) items.push_back({rng() % 5000, test::random_id(rng)});
    auto big = ItemSet::from_items(items);
    ASSERT_TRUE(big.ok());
    for (int round = 0; round < 300; ++round) {
        size_t begin = rng() % (big->size() + 1);
        size_t end = rng() % (big->size() + 1);
        if (begin > end) std::swap(begin, end);
        ASSERT_EQ(big->fingerprint(begin, end),
                  fingerprint_of(big->items().subspan(begin, end - begin)));
    }
}

}  // namespace
}  // namespace datt::sync
