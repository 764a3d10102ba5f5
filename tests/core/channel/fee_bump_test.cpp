// The fee bump schedule of waiting transactions (channel/fee_bump.h): exact feerates by
// height, the cap at half the value taken, and the BIP-125 minimum step.
#include "channel/fee_bump.h"

#include <gtest/gtest.h>

#include <limits>

namespace datt::channel {
namespace {

using bitcoin::Sats;

// A justice tx of a commitment mined at 1000 whose to_local waits 144 blocks.
constexpr FeeBumpWindow kWindow{2'500, 1'000, 1'144};

TEST(FeeBump, NothingBeforeHalfTheWindowThenADoublingEveryEighth) {
    EXPECT_EQ(scheduled_bumps(kWindow, 990), 0u);   // before the start
    EXPECT_EQ(scheduled_bumps(kWindow, 1'071), 0u);
    EXPECT_EQ(scheduled_bumps(kWindow, 1'072), 1u);  // half of 144
    EXPECT_EQ(scheduled_bumps(kWindow, 1'089), 1u);
    EXPECT_EQ(scheduled_bumps(kWindow, 1'090), 2u);  // + 144 / 8
    EXPECT_EQ(scheduled_bumps(kWindow, 1'110), 3u);
    EXPECT_EQ(scheduled_bumps(kWindow, 1'144), 5u);  // the deadline: still racing
    EXPECT_EQ(scheduled_bumps(kWindow, 1'000'000), kMaxFeeBumps);
    EXPECT_EQ(scheduled_feerate(kWindow, 1'071), 2'500u);
    EXPECT_EQ(scheduled_feerate(kWindow, 1'072), 5'000u);
    EXPECT_EQ(scheduled_feerate(kWindow, 1'090), 10'000u);
    EXPECT_EQ(scheduled_feerate(kWindow, 1'110), 20'000u);
    EXPECT_EQ(scheduled_feerate(kWindow, 1'144), 80'000u);
    EXPECT_EQ(scheduled_feerate(kWindow, 1'000'000), 2'500u << kMaxFeeBumps);
}

TEST(FeeBump, ALowFeerateStepsByTheIncrementalRelayFeeAtLeast) {
    const FeeBumpWindow low{253, 0, 16};  // step 2 blocks from height 8
    EXPECT_EQ(scheduled_feerate(low, 7), 253u);
    EXPECT_EQ(scheduled_feerate(low, 8), 753u);     // 253 + 500 > 2 * 253
    EXPECT_EQ(scheduled_feerate(low, 10), 1'506u);  // 2 * 753
    // A window of one block: half of it is 0 blocks, steps of 1.
    EXPECT_EQ(scheduled_feerate(FeeBumpWindow{1'000, 50, 51}, 50), 2'000u);
    EXPECT_EQ(scheduled_feerate(FeeBumpWindow{1'000, 50, 51}, 51), 4'000u);
    // No window (deadline not after start): bumped from the start.
    EXPECT_EQ(scheduled_bumps(FeeBumpWindow{1'000, 50, 40}, 50), 1u);
    // Saturates instead of wrapping.
    EXPECT_EQ(scheduled_feerate(FeeBumpWindow{std::numeric_limits<uint32_t>::max() / 2, 0, 2}, 100),
              std::numeric_limits<uint32_t>::max());
}

TEST(FeeBump, TheFeeIsAtMostHalfTheValue) {
    // 100,000 sat over weight 1,000: half of it is 50,000 sat, 50,000 sat per 1,000 weight.
    EXPECT_EQ(capped_feerate(Sats{100'000}, 1'000), 50'000u);
    EXPECT_EQ(capped_feerate(Sats{100'001}, 3), 16'666'666u);  // 50,000 * 1000 / 3, rounded down
    EXPECT_EQ(capped_feerate(Sats{0}, 1'000), 0u);
    EXPECT_EQ(capped_feerate(Sats{100}, 0), 0u);
}

TEST(FeeBump, ABumpIsMadeWhenTheScheduleOrTheCapAllowsAStepOfTheIncrementalFee) {
    const Sats value{400'000};
    const size_t weight = 1'200;  // cap: 200,000 sat * 1000 / 1200 = 166,666 sat/kw
    EXPECT_EQ(fee_bump(kWindow, 2'500, value, weight, 1'071), std::nullopt);
    EXPECT_EQ(fee_bump(kWindow, 2'500, value, weight, 1'072), std::optional<uint32_t>{5'000});
    EXPECT_EQ(fee_bump(kWindow, 5'000, value, weight, 1'089), std::nullopt);  // done already
    EXPECT_EQ(fee_bump(kWindow, 5'000, value, weight, 1'090), std::optional<uint32_t>{10'000});
    // Missed steps (the relay was down): straight to the schedule's feerate.
    EXPECT_EQ(fee_bump(kWindow, 2'500, value, weight, 1'144), std::optional<uint32_t>{80'000});
    // The cap: a small value stops the schedule at half of it.
    const Sats small{30'000};  // cap 15,000 * 1000 / 1200 = 12,500 sat/kw
    EXPECT_EQ(fee_bump(kWindow, 2'500, small, weight, 1'144), std::optional<uint32_t>{12'500});
    EXPECT_EQ(fee_bump(kWindow, 12'500, small, weight, 1'000'000), std::nullopt);
    // Under the cap by less than the minimum step: not made (BIP-125 would refuse it).
    EXPECT_EQ(fee_bump(kWindow, 12'001, small, weight, 1'144), std::nullopt);
    EXPECT_EQ(fee_bump(kWindow, 12'000, small, weight, 1'144), std::optional<uint32_t>{12'500});
}

}  // namespace
}  // namespace datt::channel
