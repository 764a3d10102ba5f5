// Votes (NIP-25 tally rules) and feed ranking. Expected scores and orders were computed
// independently in Python 3 from reddit's formulas (the one-liners are next to the values).
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "feed/rank.h"
#include "feed/vote.h"
#include "signed_reaction.h"
#include "util/hex.h"

namespace datt::feed {
namespace {

using event::Event;

// Python helpers used for the values below:
//   from math import log10, sqrt
//   def hot(u,d,t): s=u-d; return ((1 if s>0 else -1 if s<0 else 0)*log10(max(abs(s),1))
//       + (t-1134028003)/45000)
//   def contro(u,d): return 0 if u<=0 or d<=0 else (u+d)**(u/d if d>u else d/u)
//   def wilson(u,d): n=u+d; z=1.281551565545; p=u/n; return ((p+z*z/(2*n)
//       - z*sqrt((p*(1-p)+z*z/(4*n))/n))/(1+z*z/n))
// Orders were computed with sorted() and the documented tie keys, e.g. for top:
//   sorted(items, key=lambda k: (-(u-d), -created_at, k))

TEST(FeedScores, HotMatchesRedditFormula) {
    // repr(hot(10,2,1700000000)) -> 12578.058578875882
    EXPECT_DOUBLE_EQ(hot_score({10, 2}, 1700000000), 12578.058578875882);
    // repr(hot(0,4,1700007200)) -> 12576.713428897561
    EXPECT_DOUBLE_EQ(hot_score({0, 4}, 1700007200), 12576.713428897561);
    // hot(0,0,1134028003) -> 0.0; hot(1,1,1134028003+45000) -> 1.0
    EXPECT_EQ(hot_score({0, 0}, 1134028003), 0.0);
    EXPECT_EQ(hot_score({1, 1}, 1134028003 + 45000), 1.0);
}

// The tip term, in Python: hot(u,d,t,s) = hot(u,d,t) + log10(1 + max(s,0)/1000).
TEST(FeedScores, HotAddsTheTipTerm) {
    // repr(hot(10,2,1700000000,2500)) -> 12578.602646920232
    EXPECT_DOUBLE_EQ(hot_score({10, 2}, 1700000000, 2500), 12578.602646920232);
    // repr(hot(0,4,1700007200,123456)) -> 12578.808444736265
    EXPECT_DOUBLE_EQ(hot_score({0, 4}, 1700007200, 123456), 12578.808444736265);
    // log10(1 + 9000/1000) = 1 exactly, log10(1 + 0) = 0; negative sats count as none.
    EXPECT_EQ(tip_weight(9000), 1.0);
    EXPECT_EQ(tip_weight(0), 0.0);
    EXPECT_EQ(tip_weight(-5000), 0.0);
    EXPECT_EQ(hot_score({0, 0}, 1134028003, 9000), 1.0);
    EXPECT_EQ(hot_score({3, 1}, 1700000000, -1), hot_score({3, 1}, 1700000000));
}

TEST(FeedScores, ControversyMatchesRedditFormula) {
    // repr(contro(50,45)) -> 60.24919446708575
    EXPECT_DOUBLE_EQ(controversy({50, 45}), 60.24919446708575);
    // repr(contro(2,8)) -> 1.7782794100389228
    EXPECT_DOUBLE_EQ(controversy({2, 8}), 1.7782794100389228);
    EXPECT_EQ(controversy({3, 0}), 0.0);
    EXPECT_EQ(controversy({0, 3}), 0.0);
}

TEST(FeedScores, WilsonLowerBound) {
    // repr(wilson(8,0)) -> 0.8296711635082107
    EXPECT_DOUBLE_EQ(wilson_lower_bound({8, 0}), 0.8296711635082107);
    // repr(wilson(10,2)) -> 0.6578125361049163
    EXPECT_DOUBLE_EQ(wilson_lower_bound({10, 2}), 0.6578125361049163);
    // repr(wilson(1,0)) -> 0.37844750322520615
    EXPECT_DOUBLE_EQ(wilson_lower_bound({1, 0}), 0.37844750322520615);
    // wilson(0,3) -> 0.0 (up to rounding); no votes -> 0 by definition
    EXPECT_NEAR(wilson_lower_bound({0, 3}), 0.0, 1e-15);
    EXPECT_EQ(wilson_lower_bound({0, 0}), 0.0);
}

Hash256 id(uint8_t n) {
    Hash256 out{};
    out.fill(n);
    return out;
}

constexpr int64_t T = 1700000000;

// Items 1 and 3 are identical but for the id; 5 and 6 share created_at.
std::vector<Item> hand_made_set() {
    return {
        {id(1), T, {10, 2}},       {id(2), T + 3600, {3, 0}},
        {id(3), T, {10, 2}},       {id(4), T - 2 * 86400, {50, 45}},
        {id(5), T + 7200, {0, 4}}, {id(6), T + 7200, {0, 0}},
        {id(7), T - 3600, {8, 0}},
    };
}

std::vector<Hash256> ids(std::initializer_list<uint8_t> ns) {
    std::vector<Hash256> out;
    for (uint8_t n : ns) out.push_back(id(n));
    return out;
}

std::vector<Hash256> rank_shuffled(Sort sort, int64_t now, int64_t window = 0) {
    std::vector<Item> items = hand_made_set();
    std::vector<Hash256> first = rank(items, sort, now, window);
    std::mt19937 rng(7);
    for (int i = 0; i < 20; ++i) {
        std::shuffle(items.begin(), items.end(), rng);
        EXPECT_EQ(rank(items, sort, now, window), first);
    }
    return first;
}

TEST(FeedRank, Hot) {
    EXPECT_EQ(rank_shuffled(Sort::kHot, T), ids({1, 3, 7, 2, 6, 5, 4}));
}

TEST(FeedRank, New) {
    EXPECT_EQ(rank_shuffled(Sort::kNew, T), ids({5, 6, 2, 1, 3, 7, 4}));
}

TEST(FeedRank, TopAllTime) {
    EXPECT_EQ(rank_shuffled(Sort::kTop, T), ids({1, 3, 7, 4, 2, 6, 5}));
}

TEST(FeedRank, TopWindowKeepsOnlyRecentItems) {
    // A day before T + 3600 drops item 4 (two days old); the boundary is inclusive.
    EXPECT_EQ(rank_shuffled(Sort::kTop, T + 3600, 86400), ids({1, 3, 7, 2, 6, 5}));
    EXPECT_EQ(rank_shuffled(Sort::kTop, T + 3600, 3600), ids({1, 3, 2, 6, 5}));
    EXPECT_EQ(rank_shuffled(Sort::kTop, T + 7200, 1), ids({6, 5}));
    // The window applies to kTop only.
    EXPECT_EQ(rank_shuffled(Sort::kNew, T + 7200, 1).size(), 7u);
}

TEST(FeedRank, Controversial) {
    // 7, 2, 6, 5 all have controversy 0 and fall back to score, newer, id.
    EXPECT_EQ(rank_shuffled(Sort::kControversial, T), ids({4, 1, 3, 7, 2, 6, 5}));
}

TEST(FeedRank, Best) {
    EXPECT_EQ(rank_shuffled(Sort::kBest, T), ids({7, 1, 3, 2, 4, 6, 5}));
}

TEST(FeedRank, HotTieGoesToTheNewerItem) {
    // created_at - epoch is a multiple of 45000: hot(10,0,t) == hot(1,0,t+45000) == 12001.
    const int64_t t = 1134028003 + 45000LL * 12000;
    EXPECT_EQ(hot_score({10, 0}, t), 12001.0);
    EXPECT_EQ(hot_score({1, 0}, t + 45000), 12001.0);
    std::vector<Item> items{{id(1), t, {10, 0}}, {id(2), t + 45000, {1, 0}}};
    EXPECT_EQ(rank(items, Sort::kHot, t), ids({2, 1}));
}

TEST(FeedRank, EmptyAndHostileInputs) {
    EXPECT_TRUE(rank({}, Sort::kHot, T).empty());
    // Negative counts count as 0 and never produce NaN keys; extreme times do not overflow.
    std::vector<Item> items{
        {id(1), INT64_MIN, {-5, 3}}, {id(2), INT64_MAX, {INT64_MAX, -1}}, {id(3), 0, {0, 0}}};
    EXPECT_EQ(rank(items, Sort::kBest, T), ids({2, 3, 1}));
    // The cutoff now - window would be below INT64_MIN: nothing is dropped.
    EXPECT_EQ(rank(items, Sort::kTop, INT64_MIN, INT64_MAX), ids({2, 3, 1}));
    // T - INT64_MAX is representable: only the item at INT64_MIN is older.
    EXPECT_EQ(rank(items, Sort::kTop, T, INT64_MAX), ids({2, 3}));
}

// ---- votes ----

using testing::key;
using testing::sign;

const std::string kX(64, 'a');
const std::string kY(64, 'b');
const std::string kZ(64, 'c');

Hash256 target(const std::string& hex) {
    return *from_hex_fixed<32>(hex);
}

TEST(FeedVotes, CountsUpAndDownAndEmptyContent) {
    std::vector<Event> events{sign(1, 10, 7, {{"e", kX}}, "+"), sign(2, 10, 7, {{"e", kX}}, ""),
                              sign(3, 10, 7, {{"e", kX}}, "-")};
    auto tallies = tally_votes(events);
    ASSERT_EQ(tallies.size(), 1u);
    EXPECT_EQ(tallies[target(kX)], (Tally{2, 1}));
    EXPECT_EQ(tallies[target(kX)].score(), 1);
}

TEST(FeedVotes, LatestVotePerVoterAndTargetWins) {
    std::vector<Event> events{sign(1, 100, 7, {{"e", kX}}, "+"), sign(1, 200, 7, {{"e", kX}}, "-"),
                              sign(1, 150, 7, {{"e", kX}}, "+"),
                              // another target is a separate vote
                              sign(1, 50, 7, {{"e", kY}}, "+")};
    auto tallies = tally_votes(events);
    EXPECT_EQ(tallies[target(kX)], (Tally{0, 1}));
    EXPECT_EQ(tallies[target(kY)], (Tally{1, 0}));
}

TEST(FeedVotes, SameSecondTieGoesToTheLowestEventId) {
    Event up = sign(2, 300, 7, {{"e", kX}}, "+");
    Event down = sign(2, 300, 7, {{"e", kX}}, "-");
    const Tally expected = up.id() < down.id() ? Tally{1, 0} : Tally{0, 1};
    EXPECT_EQ(tally_votes(std::vector<Event>{up, down})[target(kX)], expected);
    EXPECT_EQ(tally_votes(std::vector<Event>{down, up})[target(kX)], expected);
}

TEST(FeedVotes, TargetIsTheLastETag) {
    std::vector<Event> events{
        sign(1, 10, 7, {{"e", kX}, {"p", kZ}, {"e", kY}, {"k", "1111"}}, "+")};
    auto tallies = tally_votes(events);
    ASSERT_EQ(tallies.size(), 1u);
    EXPECT_EQ(tallies.count(target(kY)), 1u);
}

TEST(FeedVotes, EmojiAndOtherKindsAndMalformedTargetsAreIgnored) {
    std::string upper = kX;
    upper[0] = 'A';
    std::vector<Event> events{
        sign(1, 10, 7, {{"e", kX}}, "+"),
        sign(1, 20, 7, {{"e", kX}}, "\xf0\x9f\xa4\x99"),  // a later emoji does not replace it
        sign(2, 10, 7, {{"e", kX}}, "++"),
        sign(3, 10, 1, {{"e", kX}}, "+"),                   // kind 1, not a reaction
        sign(4, 10, 7, {{"e", upper}}, "+"),                // uppercase hex
        sign(5, 10, 7, {{"e", kX.substr(1)}}, "+"),         // 63 characters
        sign(6, 10, 7, {{"e", kY}, {"e", "nothex"}}, "+"),  // last e tag malformed
        sign(7, 10, 7, {{"e"}}, "+"),                       // e tag without a value
        sign(8, 10, 7, {{"p", kX}}, "+"),                   // no e tag
    };
    auto tallies = tally_votes(events);
    ASSERT_EQ(tallies.size(), 1u);
    EXPECT_EQ(tallies[target(kX)], (Tally{1, 0}));
}

TEST(FeedVotes, InputOrderAndDuplicatesDoNotMatter) {
    std::vector<Event> events;
    for (uint8_t voter = 1; voter <= 6; ++voter) {
        events.push_back(sign(voter, 100, 7, {{"e", kX}}, voter % 2 ? "+" : "-"));
        events.push_back(sign(voter, 100 + voter % 3, 7, {{"e", kX}}, voter % 3 ? "-" : "+"));
        events.push_back(sign(voter, 100, 7, {{"e", kY}}, "+"));
        events.push_back(sign(voter, 100, 7, {{"e", kY}}, "-"));
    }
    const auto expected = tally_votes(events);
    // On X voters 1, 2, 4, 5 vote "-" last; voter 3 sends one event twice, voter 6 two
    // same-second votes. On Y every voter sends "+" and "-" in the same second.
    EXPECT_EQ(expected.at(target(kX)).ups + expected.at(target(kX)).downs, 6);
    EXPECT_GE(expected.at(target(kX)).downs, 4);
    EXPECT_EQ(expected.at(target(kY)).ups + expected.at(target(kY)).downs, 6);
    std::mt19937 rng(11);
    for (int i = 0; i < 30; ++i) {
        std::shuffle(events.begin(), events.end(), rng);
        EXPECT_EQ(tally_votes(events), expected);
    }
    events.insert(events.end(), events.begin(), events.begin() + 5);
    EXPECT_EQ(tally_votes(events), expected);
}

TEST(FeedRank, HotWeighsVerifiedTipSats) {
    const int64_t t = 1700000000;
    // A: score 10, no tips (1 + age). B: score 1 and 99,000 sats (0 + 2 + age). C: score 1
    // and 9,000 sats: 0 + 1 + age, the same value as A, so the tie goes to the lowest id.
    // D: score 1, no tips.
    std::vector<Item> items = {
        {id(0xd), t, {1, 0}, 0},
        {id(0xc), t, {1, 0}, 9000},
        {id(0xa), t, {10, 0}, 0},
        {id(0xb), t, {1, 0}, 99000},
    };
    EXPECT_EQ(rank(items, Sort::kHot, t),
              (std::vector<Hash256>{id(0xb), id(0xa), id(0xc), id(0xd)}));
    // Other sorts ignore tips: top orders by score, then (equal times) lowest id.
    EXPECT_EQ(rank(items, Sort::kTop, t),
              (std::vector<Hash256>{id(0xa), id(0xb), id(0xc), id(0xd)}));
}

}  // namespace
}  // namespace datt::feed
