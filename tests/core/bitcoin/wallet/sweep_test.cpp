// Sweeps (sweep.h): every coin into one output, the fee from the rate and the signed weight
// (worked out here by hand from BIP-141's sizes), signed and checked by core's interpreter;
// the dust boundary to the sat; every error code.
#include "bitcoin/wallet/sweep.h"

#include <gtest/gtest.h>

#include "bitcoin/script_templates.h"
#include "wallet_fixture.h"

namespace datt::bitcoin::wallet {
namespace {

using testing::coin;
using testing::test_account;
using testing::verify_all;

Script destination() {
    std::array<uint8_t, 32> bytes{};
    bytes[31] = 9;
    return p2wpkh_script(crypto::pubkey(*crypto::SecretKey::from_bytes(bytes)));
}

// The weight of n P2WPKH inputs (72-byte signatures) into one P2WPKH output, by hand:
// non-witness version 4 + count 1 + n x (outpoint 36 + empty script 1 + sequence 4) + count
// 1 + output (8 + 1 + 22) + lock time 4, times 4; marker and flag 2; per input a witness of
// count 1, signature 1 + 72, key 1 + 33.
uint64_t expected_weight(uint64_t n) { return 4 * (4 + 1 + 41 * n + 1 + 31 + 4) + 2 + 108 * n; }

TEST(Sweep, EveryCoinIntoOneOutputLessTheFeeAtTheRateAndSigned) {
    const std::vector<WalletCoin> coins = {coin(50'000, 1, 0), coin(70'000, 2, 1), coin(1'234, 3, 2)};
    auto sweep = build_sweep({coins, destination(), FeeRate::sat_per_vb(2), 441});
    ASSERT_TRUE(sweep.ok()) << sweep.error().message;
    EXPECT_EQ(sweep->max_weight, expected_weight(3));
    const int64_t fee = 2 * ((expected_weight(3) + 3) / 4);
    EXPECT_EQ(sweep->fee, Sats{fee});
    ASSERT_EQ(sweep->tx.outputs.size(), 1u);
    EXPECT_EQ(sweep->tx.outputs[0], (TxOut{Sats{121'234 - fee}, destination()}));
    EXPECT_FALSE(sweep->change_output.has_value());
    EXPECT_EQ(sweep->tx.version, 2u);
    EXPECT_EQ(sweep->tx.lock_time, 441u);
    ASSERT_EQ(sweep->tx.inputs.size(), 3u);
    for (size_t i = 0; i < coins.size(); ++i) {
        EXPECT_EQ(sweep->tx.inputs[i].prevout, coins[i].outpoint);  // in the order given
        EXPECT_EQ(sweep->tx.inputs[i].sequence, kRbfSequence);
    }
    EXPECT_TRUE(check_unsigned(*sweep).ok());

    auto signed_tx = sign_wallet_transaction(test_account(), *sweep);
    ASSERT_TRUE(signed_tx.ok()) << signed_tx.error().message;
    EXPECT_EQ(verify_all(*signed_tx, sweep->inputs), "");
    EXPECT_LE(weight(*signed_tx), sweep->max_weight);  // the fee covers the real weight
}

TEST(Sweep, WhatIsLeftAtTheDustThresholdPassesOneSatLessIsRefused) {
    const int64_t fee = (expected_weight(1) + 3) / 4;  // 1 sat/vB
    const int64_t threshold = dust_threshold(destination()).value();
    auto at = build_sweep({{coin(fee + threshold, 1)}, destination(), FeeRate::sat_per_vb(1), 0});
    ASSERT_TRUE(at.ok()) << at.error().message;
    EXPECT_EQ(at->tx.outputs[0].value, Sats{threshold});
    auto below = build_sweep({{coin(fee + threshold - 1, 1)}, destination(), FeeRate::sat_per_vb(1), 0});
    ASSERT_FALSE(below.ok());
    EXPECT_EQ(below.error().code, "wallet_dust_output");
    // Less than the fee itself: dust too, not a negative output.
    EXPECT_EQ(build_sweep({{coin(50, 1)}, destination(), FeeRate::sat_per_vb(1), 0}).error().code, "wallet_dust_output");
}

TEST(Sweep, RefusesWithStableCodes) {
    const auto rate = FeeRate::sat_per_vb(1);
    EXPECT_EQ(build_sweep({{}, destination(), rate, 0}).error().code, "wallet_no_coins");
    EXPECT_EQ(build_sweep({{coin(10'000, 1)}, destination(), FeeRate::msat_per_vb(999), 0}).error().code,
              "wallet_fee_rate_too_low");
    EXPECT_EQ(build_sweep({{coin(10'000, 1)}, Script{0x6a}, rate, 0}).error().code, "wallet_op_return_value");
    EXPECT_EQ(build_sweep({{coin(10'000, 1)}, Script{0x51, 0x52}, rate, 0}).error().code, "wallet_nonstandard_output");
    EXPECT_EQ(build_sweep({{coin(10'000, 1), coin(20'000, 1)}, destination(), rate, 0}).error().code,
              "wallet_duplicate_coin");
    EXPECT_EQ(build_sweep({{coin(kMaxMoney.value(), 1), coin(1, 2)}, destination(), rate, 0}).error().code,
              "wallet_bad_amount");
    std::vector<WalletCoin> many;
    for (uint32_t tag = 1; tag <= 1'500; ++tag) many.push_back(coin(10'000, tag, tag));
    EXPECT_EQ(build_sweep({many, destination(), rate, 0}).error().code, "wallet_tx_too_large");
    many.resize(1'400);  // about 381,000
    EXPECT_TRUE(build_sweep({many, destination(), rate, 0}).ok());
}

}  // namespace
}  // namespace datt::bitcoin::wallet
