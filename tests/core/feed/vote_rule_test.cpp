// The per-vote NIP-25 rule (vote_of, supersedes). Voter keys are the secret keys 1, 2 and 3,
// whose x-only public keys are the x coordinates of G, 2G and 3G on secp256k1 (SEC 2 and
// the well-known small multiples), so the expected voters come from outside our code.
#include "feed/vote_rule.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "feed/vote.h"
#include "signed_reaction.h"
#include "util/hex.h"

namespace datt::feed {
namespace {

using event::Event;

const std::string kG = "79be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798";
const std::string k2G = "c6047f9441ed7d6d3045406e95c07cd85c778e4b8cef3ca7abac09b95c709ee5";

using testing::key;
using testing::sign;

ByteArray<32> bytes32(const std::string& hex) {
    return *from_hex_fixed<32>(hex);
}

ByteArray<32> filled(uint8_t n) {
    ByteArray<32> out{};
    out.fill(n);
    return out;
}

const std::string kX(64, 'a');
const std::string kY(64, 'b');

TEST(FeedVoteOf, UpDownAndEmptyContent) {
    Event up = sign(1, 1700000000, 7, {{"e", kX}}, "+");
    auto vote = vote_of(up);
    ASSERT_TRUE(vote.has_value());
    EXPECT_EQ(vote->target, filled(0xaa));
    EXPECT_EQ(vote->voter, bytes32(kG));
    EXPECT_EQ(vote->created_at, 1700000000);
    EXPECT_EQ(vote->id, up.id());
    EXPECT_EQ(vote->value, 1);

    auto down = vote_of(sign(2, 5, 7, {{"e", kY, "wss://relay.example"}}, "-"));
    ASSERT_TRUE(down.has_value());
    EXPECT_EQ(down->target, filled(0xbb));
    EXPECT_EQ(down->voter, bytes32(k2G));
    EXPECT_EQ(down->created_at, 5);
    EXPECT_EQ(down->value, -1);

    auto empty = vote_of(sign(1, 5, 7, {{"e", kX}}, ""));
    ASSERT_TRUE(empty.has_value());
    EXPECT_EQ(empty->value, 1);
}

TEST(FeedVoteOf, TargetIsTheLastETag) {
    auto vote = vote_of(sign(1, 10, 7, {{"e", kX}, {"p", kG}, {"e", kY}, {"k", "1111"}}, "+"));
    ASSERT_TRUE(vote.has_value());
    EXPECT_EQ(vote->target, filled(0xbb));
}

TEST(FeedVoteOf, NonVotesAreNullopt) {
    std::string upper = kX;
    upper[0] = 'A';
    const std::vector<Event> non_votes{
        sign(1, 10, 7, {{"e", kX}}, "\xf0\x9f\xa4\x99"),  // emoji reaction
        sign(1, 10, 7, {{"e", kX}}, "++"),
        sign(1, 10, 7, {{"e", kX}}, " +"),
        sign(1, 10, 7, {{"e", kX}}, ":+1:"),                           // NIP-30 custom emoji
        sign(1, 10, 1, {{"e", kX}}, "+"),                              // kind 1, not a reaction
        sign(1, 10, 17, {{"e", kX}}, "+"),                             // kind 17 (website reaction)
        sign(1, 10, 7, {{"e", upper}}, "+"),                           // uppercase hex
        sign(1, 10, 7, {{"e", kX.substr(1)}}, "+"),                    // 63 characters
        sign(1, 10, 7, {{"e", kX + "a"}}, "+"),                        // 65 characters
        sign(1, 10, 7, {{"e", kY}, {"e", "nothex"}}, "+"),             // last e tag malformed
        sign(1, 10, 7, {{"e", kY}, {"e"}}, "+"),                       // last e tag without a value
        sign(1, 10, 7, {{"p", kX}, {"a", "1111:" + kG + ":x"}}, "+"),  // no e tag
        sign(1, 10, 7, {}, "+"),
    };
    for (size_t i = 0; i < non_votes.size(); ++i) {
        EXPECT_FALSE(vote_of(non_votes[i]).has_value()) << "case " << i;
    }
}

Vote vote(uint8_t target, uint8_t voter, int64_t created_at, uint8_t id, int value = 1) {
    return Vote{filled(target), filled(voter), created_at, filled(id), value};
}

TEST(FeedSupersedes, LaterCreatedAtWinsWhateverTheIds) {
    EXPECT_TRUE(supersedes(vote(1, 1, 200, 9), vote(1, 1, 100, 2)));
    EXPECT_FALSE(supersedes(vote(1, 1, 100, 2), vote(1, 1, 200, 9)));
    EXPECT_TRUE(supersedes(vote(1, 1, 200, 2, -1), vote(1, 1, 100, 9, 1)));
    EXPECT_FALSE(supersedes(vote(1, 1, 100, 9, 1), vote(1, 1, 200, 2, -1)));
}

TEST(FeedSupersedes, SameSecondGoesToTheLowestId) {
    EXPECT_TRUE(supersedes(vote(1, 1, 100, 2, -1), vote(1, 1, 100, 3, 1)));
    EXPECT_FALSE(supersedes(vote(1, 1, 100, 3, 1), vote(1, 1, 100, 2, -1)));
    // Ids compare as bytes from the first: 00ff.. is lower than 0100..
    Vote low = vote(1, 1, 100, 0xff);
    low.id[0] = 0x00;
    Vote high = vote(1, 1, 100, 0x00);
    high.id[0] = 0x01;
    EXPECT_TRUE(supersedes(low, high));
    EXPECT_FALSE(supersedes(high, low));
}

TEST(FeedSupersedes, NeverItselfNorAnotherVotersOrTargetsVote) {
    const Vote a = vote(1, 1, 100, 5);
    EXPECT_FALSE(supersedes(a, a));
    EXPECT_FALSE(supersedes(vote(1, 2, 200, 1), a));  // another voter
    EXPECT_FALSE(supersedes(a, vote(1, 2, 50, 9)));
    EXPECT_FALSE(supersedes(vote(2, 1, 200, 1), a));  // another target
    EXPECT_FALSE(supersedes(a, vote(2, 1, 50, 9)));
}

TEST(FeedSupersedes, SignedSameSecondVotesTieOnTheLowerId) {
    Event up = sign(1, 300, 7, {{"e", kX}}, "+");
    Event down = sign(1, 300, 7, {{"e", kX}}, "-");
    ASSERT_NE(up.id(), down.id());
    // The lower id, compared as lowercase hex text (independent of the byte comparison).
    const bool up_is_lower = to_hex(up.id()) < to_hex(down.id());
    EXPECT_EQ(supersedes(*vote_of(up), *vote_of(down)), up_is_lower);
    EXPECT_EQ(supersedes(*vote_of(down), *vote_of(up)), !up_is_lower);
}

// What the web app does: keep one vote per (target, voter), replace it when a new vote
// supersedes it, count the survivors. Any arrival order must give tally_votes()' answer.
TEST(FeedSupersedes, IncrementalTallyMatchesTallyVotes) {
    std::vector<Event> events;
    for (uint8_t voter = 1; voter <= 5; ++voter) {
        events.push_back(sign(voter, 100, 7, {{"e", kX}}, voter % 2 ? "+" : "-"));
        events.push_back(sign(voter, 100 + voter % 3, 7, {{"e", kX}}, voter % 3 ? "-" : "+"));
        events.push_back(sign(voter, 100, 7, {{"e", kY}}, "+"));
        events.push_back(sign(voter, 100, 7, {{"e", kY}}, "-"));
        events.push_back(sign(voter, 900, 7, {{"e", kY}}, "\xf0\x9f\x94\xa5"));
    }
    const auto expected = tally_votes(events);
    // Voters 1, 2, 4, 5 vote "-" last on X; voter 3 sends "+" twice in one second.
    EXPECT_EQ(expected.at(filled(0xaa)), (Tally{1, 4}));
    EXPECT_EQ(expected.at(filled(0xbb)).ups + expected.at(filled(0xbb)).downs, 5);
    std::mt19937 rng(5);
    for (int round = 0; round < 20; ++round) {
        std::shuffle(events.begin(), events.end(), rng);
        std::map<std::pair<Hash256, ByteArray<32>>, Vote> stored;
        for (const Event& event : events) {
            auto incoming = vote_of(event);
            if (!incoming) continue;
            auto key = std::make_pair(incoming->target, incoming->voter);
            auto slot = stored.find(key);
            if (slot == stored.end()) {
                stored.emplace(key, *incoming);
            } else if (supersedes(*incoming, slot->second)) {
                slot->second = *incoming;
            }
        }
        std::map<Hash256, Tally> incremental;
        for (const auto& [key, kept] : stored) {
            (kept.value > 0 ? incremental[key.first].ups : incremental[key.first].downs) += 1;
        }
        EXPECT_EQ(incremental, expected);
    }
}

}  // namespace
}  // namespace datt::feed
