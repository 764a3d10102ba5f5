// Coin selection: Branch and Bound's changeless matches, the random draw with change, the
// exclusion of uneconomic coins, insufficient funds with the exact shortfall, determinism,
// and properties over random pools (the selection never takes much more than it needs).
#include "bitcoin/wallet/coin_selection.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <numeric>
#include <random>
#include <set>
#include <vector>

namespace datt::bitcoin::wallet {
namespace {

constexpr uint64_t kP2wpkhInputWeight = 272;   // 68 vbytes: 41 x 4 + 108 witness bytes
constexpr uint64_t kP2wpkhOutputWeight = 124;  // 31 bytes

// At 1 sat/vB, fixed weight 400 (100 vB): target = value_out + 100, each input costs 68.
CoinSelectionParams params_at(int64_t value_out, uint32_t sat_per_vb = 1) {
    CoinSelectionParams p;
    p.value_out = Sats{value_out};
    p.fixed_weight = 400;
    p.fee = FeeRequirement{FeeRate::sat_per_vb(sat_per_vb), Sats{0}, FeeRate()};
    p.change_output_weight = kP2wpkhOutputWeight;
    p.min_change = Sats{294};
    p.change_spend_fee = Sats{204};  // 68 vB at 3 sat/vB
    p.random_seed.fill(7);
    return p;
}

std::vector<SelectionCandidate> pool(const std::vector<int64_t>& values) {
    std::vector<SelectionCandidate> out;
    for (int64_t v : values) out.push_back(SelectionCandidate{Sats{v}, kP2wpkhInputWeight});
    return out;
}

int64_t effective_sum(const std::vector<SelectionCandidate>& coins,
                      const std::vector<size_t>& selected, int64_t input_fee) {
    int64_t sum = 0;
    for (size_t i : selected) sum += coins[i].value.value() - input_fee;
    return sum;
}

TEST(CoinSelection, BranchAndBoundFindsAnExactChangelessMatch) {
    // Effective values (less 68) 10,000, 20,000, 30,000, 45,000, 70,000; the target 50,100
    // less the fixed 100 vB is met exactly by 20,000 + 30,000 (and by nothing with change).
    const auto coins = pool({10'068, 20'068, 30'068, 45'068, 70'068});
    auto selection = select_coins(coins, params_at(49'900));
    ASSERT_TRUE(selection.ok()) << selection.error().message;
    EXPECT_EQ(selection->algorithm, SelectionAlgorithm::kBranchAndBound);
    EXPECT_FALSE(selection->change_expected);
    EXPECT_EQ(effective_sum(coins, selection->selected, 68), 50'000);
    EXPECT_EQ(std::set<size_t>(selection->selected.begin(), selection->selected.end()),
              (std::set<size_t>{1, 2}));
    EXPECT_EQ(selection->selected_value, Sats{50'136});
    EXPECT_EQ(selection->selected_effective_value, Sats{50'000});
}

TEST(CoinSelection, BranchAndBoundTakesTheSmallestExcessInsideTheWindow) {
    // Target 10,000 effective. The window is the cost of change: 31 + 204 = 235 sats.
    // {10,200} has excess 200, {10,050} excess 50, {10,300} is outside the window.
    const auto coins = pool({10'268, 10'118, 10'368});
    auto selection = select_coins(coins, params_at(9'900));
    ASSERT_TRUE(selection.ok());
    EXPECT_EQ(selection->algorithm, SelectionAlgorithm::kBranchAndBound);
    EXPECT_EQ(selection->selected, std::vector<size_t>{1});
}

TEST(CoinSelection, FallsBackToARandomDrawWithChange) {
    // Every coin is far larger than the target: no changeless set exists.
    const auto coins = pool({1'000'000, 2'000'000, 3'000'000, 4'000'000});
    auto selection = select_coins(coins, params_at(50'000));
    ASSERT_TRUE(selection.ok());
    EXPECT_EQ(selection->algorithm, SelectionAlgorithm::kSingleRandomDraw);
    EXPECT_TRUE(selection->change_expected);
    EXPECT_EQ(selection->selected.size(), 1u);

    // Which coin is drawn depends on the seed, and only on it.
    std::set<size_t> drawn;
    for (uint8_t seed = 0; seed < 32; ++seed) {
        CoinSelectionParams p = params_at(50'000);
        p.random_seed.fill(seed);
        auto a = select_coins(coins, p).value();
        auto b = select_coins(coins, p).value();
        EXPECT_EQ(a.selected, b.selected);
        drawn.insert(a.selected[0]);
    }
    EXPECT_EQ(drawn.size(), 4u);
}

TEST(CoinSelection, WithoutRoomForChangeTheDrawPaysTheTargetAndNoMore) {
    // 60,000 effective in all; the target is 59,900 + 100 = 60,000 - 0: every coin is
    // needed, change (31 + 294 more) cannot be afforded, and BnB's exact match is found.
    const auto coins = pool({20'068, 20'068, 20'068});
    auto exact = select_coins(coins, params_at(59'900));
    ASSERT_TRUE(exact.ok());
    EXPECT_EQ(exact->algorithm, SelectionAlgorithm::kBranchAndBound);
    EXPECT_EQ(exact->selected.size(), 3u);

    // Target 50,000: two coins give 40,000, three give 60,000 (excess 10,000 > window 235,
    // so no BnB) but 10,000 >= 31 + 294: change.
    auto with_change = select_coins(coins, params_at(49'900));
    ASSERT_TRUE(with_change.ok());
    EXPECT_EQ(with_change->algorithm, SelectionAlgorithm::kSingleRandomDraw);
    EXPECT_TRUE(with_change->change_expected);

    // Target 59,700: 60,000 leaves 300 over the target, outside BnB's window (235) and short
    // of change (31 + 294): all three coins without change; the 300 go to fees.
    auto no_change = select_coins(coins, params_at(59'600));
    ASSERT_TRUE(no_change.ok());
    EXPECT_EQ(no_change->algorithm, SelectionAlgorithm::kSingleRandomDraw);
    EXPECT_FALSE(no_change->change_expected);
    EXPECT_EQ(no_change->selected.size(), 3u);
}

TEST(CoinSelection, InsufficientFundsSaysByHowMuch) {
    // Effective 1,000 + 2,000 = 3,000 at 1 sat/vB; the target is 5,000 + 100.
    const auto coins = pool({1'068, 2'068});
    auto selection = select_coins(coins, params_at(5'000));
    ASSERT_FALSE(selection.ok());
    EXPECT_EQ(selection.error().code, "wallet_insufficient_funds");
    EXPECT_NE(selection.error().message.find("short by 2100 sats"), std::string::npos)
        << selection.error().message;
    // No coins at all.
    EXPECT_NE(select_coins({}, params_at(1)).error().message.find("short by 101 sats"),
              std::string::npos);
}

TEST(CoinSelection, UneconomicCoinsAreNeverSpent) {
    // At 10 sat/vB an input costs 680 sats: coins of 680 or less bring nothing.
    const auto coins = pool({680, 500, 681, 100'000});
    auto selection = select_coins(coins, params_at(1'000, 10));
    ASSERT_TRUE(selection.ok());
    for (size_t i : selection->selected) EXPECT_TRUE(i == 2 || i == 3) << i;
    // 200 coins of 600 sats hold 120,000 sats but pay nothing at 10 sat/vB.
    auto dust_pool = pool(std::vector<int64_t>(200, 600));
    auto none = select_coins(dust_pool, params_at(1'000, 10));
    ASSERT_FALSE(none.ok());
    EXPECT_NE(none.error().message.find("short by 2000 sats"), std::string::npos)
        << none.error().message;
}

TEST(CoinSelection, FixedInputsThatAlreadyPaySelectNothing) {
    CoinSelectionParams p = params_at(10'000);
    p.fixed_value_in = Sats{20'000};
    auto selection = select_coins(pool({5'000}), p);
    ASSERT_TRUE(selection.ok());
    EXPECT_EQ(selection->algorithm, SelectionAlgorithm::kFixedInputsOnly);
    EXPECT_TRUE(selection->selected.empty());
    EXPECT_TRUE(selection->change_expected);  // 9,900 left >= 31 + 294
    p.fixed_value_in = Sats{10'300};          // 200 left: to fees
    EXPECT_FALSE(select_coins(pool({5'000}), p).value().change_expected);
}

TEST(CoinSelection, FloorAndFloorRateAreMet) {
    // A replacement: at least 5,000 + 1 sat/vB, or 2 sat/vB, whichever is more.
    CoinSelectionParams p = params_at(10'000);
    p.fee = FeeRequirement{FeeRate::sat_per_vb(2), Sats{5'000}, FeeRate::sat_per_vb(1)};
    EXPECT_EQ(p.fee.fee_for_vsize(100), Sats{5'100});
    EXPECT_EQ(p.fee.fee_for_vsize(10'000), Sats{20'000});
    EXPECT_EQ(p.fee.marginal_rate(), FeeRate::sat_per_vb(2));
    // Effective at the marginal 2 sat/vB: 136 per input. Target 10,000 + 5,100 = 15,100.
    auto selection = select_coins(pool({15'236}), p);
    ASSERT_TRUE(selection.ok());
    EXPECT_EQ(selection->algorithm, SelectionAlgorithm::kBranchAndBound);
    EXPECT_EQ(select_coins(pool({15'235}), p).error().code, "wallet_insufficient_funds");
}

TEST(CoinSelection, BadAmountsAndLimitsAreRefused) {
    EXPECT_EQ(select_coins(pool({-1}), params_at(1)).error().code, "wallet_bad_amount");
    EXPECT_EQ(select_coins(pool({kMaxMoney.value(), 1}), params_at(1)).error().code,
              "wallet_bad_amount");
    EXPECT_EQ(select_coins(pool({1}), params_at(kMaxMoney.value() + 1)).error().code,
              "wallet_bad_amount");
    std::vector<SelectionCandidate> many(kMaxSelectionCandidates + 1,
                                         SelectionCandidate{Sats{1'000}, kP2wpkhInputWeight});
    EXPECT_EQ(select_coins(many, params_at(1)).error().code, "wallet_too_many_coins");
    CoinSelectionParams absurd = params_at(1);
    absurd.fee.rate = FeeRate::msat_per_vb(UINT64_MAX);
    EXPECT_EQ(select_coins(pool({1'000}), absurd).error().code, "wallet_fee_overflow");
}

// Over random pools and targets: a result always pays the target; Branch and Bound's excess
// stays inside its window; the random draw stops as soon as it can (without its last coin it
// would not reach what it was after), so it never takes much more than needed; and
// insufficient funds is reported exactly when the pool's effective value is short.
TEST(CoinSelection, PropertiesOverRandomPools) {
    std::mt19937_64 rng(20240611);
    int bnb = 0, srd = 0, short_of_funds = 0;
    for (int round = 0; round < 2'000; ++round) {
        const size_t n = 1 + rng() % 40;
        std::vector<int64_t> values;
        for (size_t i = 0; i < n; ++i) {
            // Mostly moderate coins, some tiny (uneconomic at higher rates), some large.
            const uint64_t kind = rng() % 10;
            values.push_back(kind == 0   ? 100 + static_cast<int64_t>(rng() % 2'000)
                             : kind == 9 ? 1'000'000 + static_cast<int64_t>(rng() % 9'000'000)
                                         : 5'000 + static_cast<int64_t>(rng() % 200'000));
        }
        const auto coins = pool(values);
        const uint32_t rate = 1 + static_cast<uint32_t>(rng() % 30);
        CoinSelectionParams p = params_at(1'000 + static_cast<int64_t>(rng() % 800'000), rate);
        for (auto& b : p.random_seed) b = static_cast<uint8_t>(rng());

        const int64_t input_fee = 68 * rate;
        const int64_t target = p.value_out.value() + 100 * rate;
        int64_t available = 0;
        for (int64_t v : values) available += std::max<int64_t>(0, v - input_fee);
        const int64_t change_fee = 31 * rate;
        const int64_t window = change_fee + p.change_spend_fee.value();

        auto selection = select_coins(coins, p);
        if (!selection.ok()) {
            ASSERT_EQ(selection.error().code, "wallet_insufficient_funds");
            ASSERT_LT(available, target);
            ++short_of_funds;
            continue;
        }
        ASSERT_GE(available, target);
        const int64_t selected = effective_sum(coins, selection->selected, input_fee);
        ASSERT_GE(selected, target);
        ASSERT_EQ(std::set<size_t>(selection->selected.begin(), selection->selected.end()).size(),
                  selection->selected.size());
        for (size_t i : selection->selected) ASSERT_GT(values[i], input_fee);
        if (selection->algorithm == SelectionAlgorithm::kBranchAndBound) {
            ++bnb;
            ASSERT_LE(selected - target, window);
            ASSERT_FALSE(selection->change_expected);
        } else {
            ASSERT_EQ(selection->algorithm, SelectionAlgorithm::kSingleRandomDraw);
            ++srd;
            const int64_t goal = selection->change_expected ? target + change_fee + 294 : target;
            ASSERT_GE(selected, goal);
            const int64_t last = values[selection->selected.back()] - input_fee;
            ASSERT_LT(selected - last, goal) << "the last coin drawn was not needed";
            if (!selection->change_expected) {
                ASSERT_LT(selected - target, change_fee + 294);
            }
        }
    }
    std::printf("2,000 random pools: %d Branch and Bound, %d random draw, %d short of funds\n", bnb,
                srd, short_of_funds);
    // The generator exercises every outcome.
    EXPECT_GT(bnb, 20);
    EXPECT_GT(srd, 200);
    EXPECT_GT(short_of_funds, 20);
}

}  // namespace
}  // namespace datt::bitcoin::wallet
