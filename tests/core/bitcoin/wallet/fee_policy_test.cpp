// Fee rates (exact, rounded as Bitcoin Core's CFeeRate) and the relay policy's dust rule.
#include <gtest/gtest.h>

#include <cstdint>

#include "bitcoin/script_templates.h"
#include "bitcoin/wallet/fee_rate.h"
#include "bitcoin/wallet/policy.h"
#include "util/hex.h"

namespace datt::bitcoin::wallet {
namespace {

TEST(FeeRate, FeeOfASizeIsRoundedUpToWholeSatoshis) {
    EXPECT_EQ(FeeRate::sat_per_vb(1).fee_for_vsize(141), Sats{141});
    EXPECT_EQ(FeeRate::sat_per_vb(25).fee_for_vsize(110), Sats{2'750});
    // 1.5 sat/vB x 141 vB = 211.5 sats: 212 is paid, never 211 (which is below the rate).
    EXPECT_EQ(FeeRate::msat_per_vb(1'500).fee_for_vsize(141), Sats{212});
    // 0.1 sat/vB (Core's -mintxfee granularity) x 1 vB rounds up to a whole satoshi.
    EXPECT_EQ(FeeRate::msat_per_vb(100).fee_for_vsize(1), Sats{1});
    EXPECT_EQ(FeeRate::msat_per_vb(100).fee_for_vsize(10), Sats{1});
    EXPECT_EQ(FeeRate::msat_per_vb(100).fee_for_vsize(11), Sats{2});
    EXPECT_EQ(FeeRate::sat_per_vb(7).fee_for_vsize(0), Sats{0});
    EXPECT_EQ(FeeRate().fee_for_vsize(1'000), Sats{0});
    // Weight is rounded up to vbytes first (BIP-141 vsize), then the fee.
    EXPECT_EQ(FeeRate::sat_per_vb(2).fee_for_weight(561), Sats{282});  // vsize 141
    EXPECT_EQ(FeeRate::sat_per_vb(2).fee_for_weight(560), Sats{280});
}

TEST(FeeRate, OverflowAndImpossibleFeesAreNullopt) {
    EXPECT_FALSE(FeeRate::msat_per_vb(UINT64_MAX).fee_for_vsize(2));
    // More than MAX_MONEY: no transaction can pay it.
    EXPECT_FALSE(FeeRate::sat_per_vb(UINT32_MAX).fee_for_vsize(5'000'000));
    EXPECT_TRUE(FeeRate::sat_per_vb(UINT32_MAX).fee_for_vsize(400'000));
    EXPECT_FALSE(FeeRate::msat_per_vb(UINT64_MAX).checked_add(FeeRate::msat_per_vb(1)));
    EXPECT_EQ(FeeRate::sat_per_vb(1).checked_add(FeeRate::msat_per_vb(250)),
              FeeRate::msat_per_vb(1'250));
}

TEST(FeeRate, PaidRateIsRoundedDown) {
    EXPECT_EQ(FeeRate::paid(Sats{212}, 141), FeeRate::msat_per_vb(1'503));
    EXPECT_EQ(FeeRate::paid(Sats{141}, 141), FeeRate::sat_per_vb(1));
    EXPECT_FALSE(FeeRate::paid(Sats{-1}, 141));
    EXPECT_FALSE(FeeRate::paid(Sats{1}, 0));
    // A rate and the fee it asks for: the paid rate is never below the asked one.
    for (uint64_t msat : {1ull, 999ull, 1'000ull, 1'234ull, 20'500ull})
        for (uint64_t vsize : {1ull, 68ull, 110ull, 141ull, 99'999ull}) {
            const FeeRate rate = FeeRate::msat_per_vb(msat);
            EXPECT_GE(*FeeRate::paid(*rate.fee_for_vsize(vsize), vsize), rate)
                << msat << " " << vsize;
        }
}

TEST(FeeRate, PrintsSatPerVbyte) {
    EXPECT_EQ(FeeRate::sat_per_vb(12).to_string(), "12 sat/vB");
    EXPECT_EQ(FeeRate::msat_per_vb(12'500).to_string(), "12.5 sat/vB");
    EXPECT_EQ(FeeRate::msat_per_vb(1'005).to_string(), "1.005 sat/vB");
    EXPECT_EQ(FeeRate::msat_per_vb(100).to_string(), "0.1 sat/vB");
    EXPECT_EQ(FeeRate().to_string(), "0 sat/vB");
}

// Bitcoin Core's well-known dust limits at its default 3 sat/vB dust relay fee
// (policy.cpp's comments: 546 for P2PKH, 294 for P2WPKH, 330 for P2WSH).
TEST(Policy, DustThresholdsAreCoresAtTheDefaultDustRelayFee) {
    const Hash160 h{};
    const Hash256 w{};
    EXPECT_EQ(dust_threshold(p2pkh_script(h)), Sats{546});
    EXPECT_EQ(dust_threshold(p2wpkh_script(h)), Sats{294});
    EXPECT_EQ(dust_threshold(p2wsh_script(w)), Sats{330});
    EXPECT_EQ(dust_threshold(p2sh_script(h)), Sats{540});
    // Unspendable outputs are never dust.
    EXPECT_EQ(dust_threshold(op_return_script(as_bytes("datt")).value()), Sats{0});
    EXPECT_EQ(dust_threshold(Bytes{0x6a}), Sats{0});
    // The rule scales with the rate: 98 vbytes for a P2WPKH output and its spend.
    EXPECT_EQ(dust_threshold(p2wpkh_script(h), FeeRate::sat_per_vb(1)), Sats{98});
    EXPECT_EQ(dust_threshold(p2wpkh_script(h), FeeRate::msat_per_vb(1'500)), Sats{147});

    EXPECT_TRUE(is_dust(TxOut{Sats{293}, p2wpkh_script(h)}));
    EXPECT_FALSE(is_dust(TxOut{Sats{294}, p2wpkh_script(h)}));
    EXPECT_FALSE(is_dust(TxOut{Sats{0}, op_return_script(as_bytes("x")).value()}));
    // An absurd dust rate makes every spendable output dust rather than overflowing.
    EXPECT_TRUE(is_dust(TxOut{kMaxMoney, p2wpkh_script(h)}, FeeRate::msat_per_vb(UINT64_MAX)));
}

}  // namespace
}  // namespace datt::bitcoin::wallet
