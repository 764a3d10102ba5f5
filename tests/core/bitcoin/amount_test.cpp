#include <gtest/gtest.h>

#include <limits>

#include "bitcoin/amount.h"

namespace datt::bitcoin {
namespace {

constexpr int64_t kInt64Max = std::numeric_limits<int64_t>::max();
constexpr int64_t kInt64Min = std::numeric_limits<int64_t>::min();
constexpr uint64_t kUint64Max = std::numeric_limits<uint64_t>::max();

TEST(Amount, MaxMoneyIsTwentyOneMillionCoins) {
    EXPECT_EQ(kMaxMoney.value(), 2'100'000'000'000'000);
    EXPECT_EQ(kCoin.value(), 100'000'000);
}

TEST(Amount, MoneyRangeIsZeroToMaxMoneyInclusive) {
    EXPECT_TRUE(Sats{0}.in_money_range());
    EXPECT_TRUE(kMaxMoney.in_money_range());
    EXPECT_FALSE(Sats{-1}.in_money_range());
    EXPECT_FALSE(Sats{kMaxMoney.value() + 1}.in_money_range());
}

TEST(Amount, SatsArithmeticIsCheckedAtInt64Bounds) {
    EXPECT_EQ(Sats{5}.checked_add(Sats{7}), Sats{12});
    EXPECT_EQ(Sats{5}.checked_sub(Sats{7}), Sats{-2});
    EXPECT_EQ(Sats{-3}.checked_mul(4), Sats{-12});
    EXPECT_EQ(Sats{kInt64Max}.checked_add(Sats{1}), std::nullopt);
    EXPECT_EQ(Sats{kInt64Min}.checked_sub(Sats{1}), std::nullopt);
    EXPECT_EQ(Sats{kInt64Max / 2 + 1}.checked_mul(2), std::nullopt);
    EXPECT_EQ(Sats{kInt64Min}.checked_mul(-1), std::nullopt);
    EXPECT_EQ(Sats{kInt64Max - 1}.checked_add(Sats{1}), Sats{kInt64Max});
}

TEST(Amount, MsatsArithmeticIsCheckedAtUint64Bounds) {
    EXPECT_EQ(Msats{1}.checked_add(Msats{2}), Msats{3});
    EXPECT_EQ(Msats{1}.checked_sub(Msats{2}), std::nullopt);
    EXPECT_EQ(Msats{kUint64Max}.checked_add(Msats{1}), std::nullopt);
    EXPECT_EQ(Msats{kUint64Max / 3 + 1}.checked_mul(3), std::nullopt);
    EXPECT_EQ(Msats{7}.checked_mul(3), Msats{21});
}

TEST(Amount, MsatsToSatsIsExactOrSaysWhatIsDropped) {
    EXPECT_EQ(Msats{5000}.to_sats_exact(), Sats{5});
    EXPECT_EQ(Msats{5001}.to_sats_exact(), std::nullopt);
    EXPECT_EQ(Msats{5999}.to_sats_floor(), Sats{5});
    EXPECT_EQ(Msats{5999}.sub_sat_remainder(), Msats{999});
    EXPECT_EQ(Msats{5001}.to_sats_ceil(), Sats{6});
    EXPECT_EQ(Msats{5000}.to_sats_ceil(), Sats{5});
    EXPECT_EQ(Msats{0}.to_sats_ceil(), Sats{0});
    EXPECT_EQ(Msats{kUint64Max}.to_sats_floor(), Sats{static_cast<int64_t>(kUint64Max / 1000)});
    EXPECT_EQ(Msats{kUint64Max}.to_sats_ceil(), Sats{static_cast<int64_t>(kUint64Max / 1000 + 1)});
}

TEST(Amount, SatsToMsatsRejectsNegativeAndOverflow) {
    EXPECT_EQ(to_msats(Sats{3}), Msats{3000});
    EXPECT_EQ(to_msats(kMaxMoney), Msats{2'100'000'000'000'000'000});
    EXPECT_EQ(to_msats(Sats{-1}), std::nullopt);
    EXPECT_EQ(to_msats(Sats{kInt64Max}), std::nullopt);
    // The largest Sats whose millisatoshis fit 64 bits.
    EXPECT_EQ(to_msats(Sats{static_cast<int64_t>(kUint64Max / 1000)}),
              Msats{kUint64Max / 1000 * 1000});
}

TEST(Amount, ToMsatsAndBackIsExact) {
    for (int64_t v : {int64_t{0}, int64_t{1}, int64_t{546}, kMaxMoney.value()}) {
        auto msats = to_msats(Sats{v});
        ASSERT_TRUE(msats);
        EXPECT_EQ(msats->to_sats_exact(), Sats{v});
    }
}

}  // namespace
}  // namespace datt::bitcoin
