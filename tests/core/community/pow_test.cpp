// NIP-13 proof of work (core/event/pow.h) and a community's difficulty in admit().
#include "event/pow.h"

#include <gtest/gtest.h>

#include "community/admit.h"
#include "community/view.h"
#include "community_signer.h"
#include "event/canonical.h"
#include "util/hex.h"

namespace datt::event {
namespace {

using community::testing::Community;

Hash256 id_from_hex(std::string_view hex) {
    return *from_hex_fixed<32>(hex);
}

// The examples in NIP-13's text.
TEST(Pow, CountsLeadingZeroBitsAsNip13Does) {
    EXPECT_EQ(leading_zero_bits(
                  id_from_hex("000000000e9d97a1ab09fc381030b346cdd7a142ad57e6df0b46dc9bef6c7e2d")),
              36);
    // "002f... is 0000 0000 0010 1111... in binary, which has 10 leading zeroes"
    EXPECT_EQ(leading_zero_bits(id_from_hex("002f" + std::string(60, 'f'))), 10);
    EXPECT_EQ(leading_zero_bits(id_from_hex("7" + std::string(63, '0'))), 1);
    EXPECT_EQ(leading_zero_bits(id_from_hex("8" + std::string(63, '0'))), 0);
    EXPECT_EQ(leading_zero_bits(Hash256{}), 256);
}

TEST(Pow, ReadsTheCommittedTarget) {
    EXPECT_EQ(committed_target({{"nonce", "1", "21"}}), 21);
    EXPECT_EQ(committed_target({{"t", "x"}, {"nonce", "776797", "20"}}), 20);
    EXPECT_FALSE(committed_target({{"nonce", "1"}}));
    EXPECT_FALSE(committed_target({{"nonce", "1", "021"}}));
    EXPECT_FALSE(committed_target({{"nonce", "1", "257"}}));
    EXPECT_FALSE(committed_target({}));
}

TEST(Pow, MineStepFindsAnIdWithTheDifficulty) {
    const crypto::SecretKey key = community::testing::key(9);
    const ByteArray<32> pubkey = community::testing::pub(9);
    const Draft draft{1'700'000'000,
                      1111,
                      {{"nonce", "old", "3"}, {"t", "cats"}},
                      "It's just me mining my own business \"\n"};
    uint64_t next = 0;
    std::optional<MineStep> found;
    uint64_t slices = 0;
    while (!found) {  // slices of 1,000 tries, as a worker would run them
        auto step = mine_step(pubkey, draft, 12, next, 1000);
        ASSERT_TRUE(step.ok());
        EXPECT_EQ(step->next_nonce, next + step->tried);
        next = step->next_nonce;
        if (step->found) found = *step;
        ASSERT_LT(++slices, 1000u);
    }
    const Draft& mined = *found->found;
    EXPECT_EQ(compute_id(pubkey, mined), found->id);  // the shortcut hashes what NIP-01 does
    EXPECT_GE(leading_zero_bits(found->id), 12);
    ASSERT_EQ(mined.tags.size(), 2u);  // the old nonce tag is replaced, not repeated
    EXPECT_EQ(mined.tags[0], (Tag{"t", "cats"}));
    EXPECT_EQ(mined.tags[1], (Tag{"nonce", std::to_string(next - 1), "12"}));
    const std::array<uint8_t, 32> aux{};
    auto signed_event = Event::sign(mined, key, aux);
    ASSERT_TRUE(signed_event.ok());
    EXPECT_EQ(signed_event->id(), found->id);
    EXPECT_TRUE(meets_difficulty(*signed_event, 12));
    EXPECT_FALSE(meets_difficulty(*signed_event, 13));  // committed to 12
}

TEST(Pow, MineStepStopsAtTheEndOfItsRange) {
    const Draft draft{1'700'000'000, 1, {}, "x"};
    auto step = mine_step(community::testing::pub(9), draft, 256, 40, 100);
    ASSERT_TRUE(step.ok());
    EXPECT_FALSE(step->found);
    EXPECT_EQ(step->tried, 100u);
    EXPECT_EQ(step->next_nonce, 140u);
    EXPECT_EQ(mine_step(community::testing::pub(9), draft, 257, 0, 1).error().code,
              "pow_difficulty_range");
    EXPECT_EQ(mine_step(community::testing::pub(9), draft, -1, 0, 1).error().code,
              "pow_difficulty_range");
    EXPECT_TRUE(mine_step(community::testing::pub(9), draft, 0, 0, 1)->found);
}

TEST(Pow, ACommunityRefusesPostsBelowItsDifficulty) {
    const Community cats{1, "cats"};
    const community::Definition definition = cats.parsed({2}, {{"pow", "10"}});
    const community::CommunityView view = *community::compute_view(definition, {}, {});
    const uint8_t author = 3;
    const ByteArray<32> pubkey = community::testing::pub(author);
    const Draft plain = [&] {
        Draft d{1'700'000'000, 1111, {{"A", cats.a()}, {"K", "34550"}}, "hello"};
        // Make sure the unmined post has fewer than 10 zero bits (it nearly always has).
        while (leading_zero_bits(compute_id(pubkey, d)) >= 10) ++d.created_at;
        return d;
    }();
    const Status refused =
        community::admit(definition, view, community::testing::sign(author, plain));
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.error().code, "pow_too_low");
    EXPECT_EQ(refused.error().message, "pow: difficulty 10 required");

    auto mined = mine_step(pubkey, plain, 10, 0, 1'000'000);
    ASSERT_TRUE(mined.ok() && mined->found);
    EXPECT_TRUE(
        community::admit(definition, view, community::testing::sign(author, *mined->found)).ok());

    // Lucky but committed to a lower target: refused (NIP-13).
    Draft lucky = plain;
    lucky.tags.push_back({"nonce", "0", "4"});
    for (uint64_t n = 0; leading_zero_bits(compute_id(pubkey, lucky)) < 10; ++n) {
        lucky.tags.back()[1] = std::to_string(n);
    }
    EXPECT_EQ(
        community::admit(definition, view, community::testing::sign(author, lucky)).error().code,
        "pow_too_low");
    // Moderators need no work.
    EXPECT_TRUE(community::admit(definition, view, community::testing::sign(2, plain)).ok());
}

}  // namespace
}  // namespace datt::event
