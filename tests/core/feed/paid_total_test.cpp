// feed::paid_sats: on-chain tips and channel receipts add up per target, each payment once.
#include "feed/paid_total.h"

#include <gtest/gtest.h>

#include <vector>

#include "feed/rank.h"

namespace datt::feed {
namespace {

using bitcoin::Msats;
using bitcoin::Sats;

Hash256 id(uint8_t b) {
    Hash256 h{};
    h.fill(b);
    return h;
}

TEST(PaidTotal, ChainAndChannelPaymentsAddUpEachOnce) {
    const std::vector<ChainPayment> chain = {
        {id(1), id(0xa0), 0, Sats{5000}},
        {id(1), id(0xa0), 0, Sats{5000}},  // the same outpoint named by a second tip event
        {id(1), id(0xa0), 1, Sats{700}},   // another output of the same transaction
        {id(2), id(0xa1), 0, Sats{1}},
    };
    const std::vector<ChannelPayment> channel = {
        {id(1), id(0xb0), Msats{1'500}},
        {id(1), id(0xb0), Msats{1'500}},  // the same payment hash in a second receipt
        {id(1), id(0xb1), Msats{2'600}},  // 1,500 + 2,600 msat = 4 sats 100 msat: 4 sats
        {id(3), id(0xb2), Msats{999}},    // less than a sat
    };
    const auto totals = paid_sats(chain, channel);
    ASSERT_TRUE(totals);
    EXPECT_EQ(totals->at(id(1)).value(), 5000 + 700 + 4);
    EXPECT_EQ(totals->at(id(2)).value(), 1);
    EXPECT_EQ(totals->at(id(3)).value(), 0);
    EXPECT_EQ(totals->size(), 3u);
    EXPECT_TRUE(paid_sats({}, {})->empty());
}

TEST(PaidTotal, ReceiptSatsWeighInHotLikeTipSats) {
    // 1,000 sats by receipt rank a post above an equal one without, as 1,000 on-chain sats do.
    const std::vector<ChannelPayment> channel = {{id(1), id(0xb0), Msats{1'000'000}}};
    const auto totals = paid_sats({}, channel);
    ASSERT_TRUE(totals);
    const std::vector<Item> items = {
        {id(2), 1733000000, Tally{3, 0}, 0},
        {id(1), 1733000000, Tally{3, 0}, totals->at(id(1)).value()},
    };
    EXPECT_EQ(rank(items, Sort::kHot, 1733000000), (std::vector<Hash256>{id(1), id(2)}));
    EXPECT_DOUBLE_EQ(hot_score(Tally{3, 0}, 0, totals->at(id(1)).value()),
                     hot_score(Tally{3, 0}, 0, 1000));
}

TEST(PaidTotal, OutOfRangeIsRefused) {
    const std::vector<ChainPayment> negative = {{id(1), id(0xa0), 0, Sats{-1}}};
    EXPECT_FALSE(paid_sats(negative, {}));
    const std::vector<ChainPayment> too_much = {{id(1), id(0xa0), 0, bitcoin::kMaxMoney},
                                                {id(1), id(0xa0), 1, Sats{1}}};
    EXPECT_FALSE(paid_sats(too_much, {}));
    const std::vector<ChannelPayment> overflow = {{id(1), id(0xb0), Msats{UINT64_MAX}},
                                                  {id(1), id(0xb1), Msats{1}}};
    EXPECT_FALSE(paid_sats({}, overflow));
    const std::vector<ChainPayment> max = {{id(1), id(0xa0), 0, bitcoin::kMaxMoney}};
    const std::vector<ChannelPayment> one_sat = {{id(1), id(0xb0), Msats{1000}}};
    EXPECT_FALSE(paid_sats(max, one_sat));  // the two kinds together pass 21e6 BTC
}

}  // namespace
}  // namespace datt::feed
