// The hub's answer to the client's HTLC txs of its revoked commitment (relay/hub/
// revoked_htlc_txs.h) on the transactions of two real channel machines
// (tests/support/channel_pair.h): the record gets the HTLC tx with its height and what the
// resolver gives that it did not hold, once; a second HTLC tx adds the next justice tx and
// its own sweep, not the first sweep again; refusals leave the record unchanged. The same
// record goes through the stored format (onchain_record.h) between the steps, as a restart
// would read it. When the revoked lists may go (forget_revoked): not while a justice tx
// waits, however deep the spend, so an HTLC tx mined long after it is still taken. And the payer's side (onchain_fail_back.h): the HTLC the hub offered whose
// output its justice tx took fails back once that justice tx is final. And the fee bumps of
// the waiting justice tx (justice_fee_bump.h).
#include "hub/revoked_htlc_txs.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <optional>

#include "channel/fee_bump.h"
#include "channel/onchain_sweeps.h"
#include "crypto/sha256.h"
#include "hub/htlc_outcome.h"
#include "hub/justice_fee_bump.h"
#include "hub/onchain_fail_back.h"
#include "support/channel_pair.h"

namespace datt::relay::hub {
namespace {

using bitcoin::Msats;
using channel::CommitmentOutputKind;
using channel::ResolutionKind;
using channel::testing::ChannelPair;

const ByteArray<channel::kOnionPacketSize> kOnion{};

Hash256 preimage_of(uint8_t n) {
    Hash256 out{};
    out[0] = n;
    out[31] = 0xdd;
    return out;
}

std::vector<channel::RemoteCommitmentRevoked> revocations(const channel::testing::Node& n) {
    std::vector<channel::RemoteCommitmentRevoked> out;
    for (const auto& e : n.events) {
        if (const auto* r = std::get_if<channel::RemoteCommitmentRevoked>(&e)) out.push_back(*r);
    }
    return out;
}

OnchainRecord stored_again(const OnchainRecord& record) {
    auto back = parse_onchain_record(serialize_onchain_record(record));
    EXPECT_TRUE(back.ok());
    return back.ok() ? *back : OnchainRecord{};
}

// A -> B 40,000 sat and B -> A 30,000 sat, then B fulfils A's: A's commitment holding both is
// revoked. B is the hub: A's HTLC txs of that commitment and B's resolution of it.
struct RevokedHtlcTxs : ::testing::Test {
    ChannelPair pair;
    std::optional<channel::LocalCommitmentClose> old;
    std::vector<bitcoin::Transaction> cheats;
    std::vector<channel::RemoteCommitmentRevoked> stored;
    OnchainRecord record;

    void SetUp() override {
        ASSERT_TRUE(pair.open()) << pair.last_error;
        ASSERT_TRUE(pair.take(pair.a, channel::add_htlc(*pair.a.channel, Msats{40'000'000},
                                                        crypto::sha256(preimage_of(1)), 510, kOnion, 500),
                              pair.to_b));
        ASSERT_TRUE(pair.take(pair.b, channel::add_htlc(*pair.b.channel, Msats{30'000'000},
                                                        crypto::sha256(preimage_of(2)), 512, kOnion, 500),
                              pair.to_a));
        ASSERT_TRUE(pair.flush()) << pair.last_error;
        auto close = channel::local_commitment_close(*pair.a.channel, pair.a.secrets);
        ASSERT_TRUE(close);
        old = *close;
        ASSERT_TRUE(pair.take(pair.b, channel::fulfill_htlc(*pair.b.channel, 0, preimage_of(1)), pair.to_a));
        ASSERT_TRUE(pair.flush()) << pair.last_error;
        for (size_t i = 0; i < old->htlc_txs.size(); ++i) {
            auto tx = old->htlc_txs[i].kind == CommitmentOutputKind::kOfferedHtlc
                          ? channel::signed_htlc_timeout_tx(*old, i)
                          : channel::signed_htlc_success_tx(*old, i, preimage_of(2));
            ASSERT_TRUE(tx) << tx.error().code;
            cheats.push_back(*tx);
        }
        ASSERT_EQ(cheats.size(), 2u);
        stored = revocations(pair.b);
        auto first = channel::resolve_funding_spend(inputs(), old->commitment_tx);
        ASSERT_TRUE(first);
        record.spend_txid = bitcoin::txid(old->commitment_tx);
        record.spend_kind = first->kind;
        record.spend_height = 601;
        for (auto& r : first->to_broadcast) record.txs.push_back(OnchainTx{r, TxProgress::kWaiting, 0});
        ASSERT_EQ(record.txs[0].resolution.kind, ResolutionKind::kJustice);
    }

    channel::ResolverInputs inputs() const {
        return {*pair.b.channel, pair.b.secrets, stored, {}, channel::testing::p2wpkh_of(0x46), 2'500};
    }
};

TEST_F(RevokedHtlcTxs, EachCheaterHtlcTxAddsTheRebuiltJusticeAndItsSweepOnce) {
    const channel::ResolverInputs in = inputs();
    const bitcoin::Transaction& revoked = old->commitment_tx;
    record.txs[0].progress = TxProgress::kLost;  // the justice tx: the first HTLC tx took an input

    // Without the commitment's bytes (a version 2 record): refused, nothing changes.
    const OnchainRecord before = record;
    auto refused = take_cheater_htlc_tx(record, in, cheats[0], 602);
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().code, "hub_no_revoked_spend");
    EXPECT_EQ(record, before);

    record.spend_tx = revoked;
    record = stored_again(record);
    auto added = take_cheater_htlc_tx(record, in, cheats[0], 602);
    ASSERT_TRUE(added) << added.error().code;
    EXPECT_EQ(*added, 2u);  // the justice tx without that output, the HTLC tx's sweep
    ASSERT_EQ(record.txs.size(), 4u);
    EXPECT_EQ(record.txs[2].resolution.kind, ResolutionKind::kJustice);
    EXPECT_EQ(record.txs[2].resolution.tx.inputs.size(), 2u);
    EXPECT_EQ(record.txs[3].resolution.kind, ResolutionKind::kRevokedHtlcSweep);
    EXPECT_EQ(record.txs[3].resolution.parent_txid, bitcoin::txid(cheats[0]));
    ASSERT_EQ(record.cheater_htlc_txs.size(), 1u);
    EXPECT_EQ(record.cheater_htlc_txs[0].height, 602u);
    // Told again (a rescan after a restart): nothing new.
    record = stored_again(record);
    auto again = take_cheater_htlc_tx(record, in, cheats[0], 602);
    ASSERT_TRUE(again);
    EXPECT_EQ(*again, 0u);
    EXPECT_EQ(record.txs.size(), 4u);
    EXPECT_EQ(record.cheater_htlc_txs.size(), 1u);

    // The second HTLC tx takes an input of the rebuilt justice tx: to_local alone is left.
    record.txs[3].progress = TxProgress::kConfirmed;
    record.txs[3].confirmed_height = 603;
    record.txs[2].progress = TxProgress::kLost;
    auto second = take_cheater_htlc_tx(record, in, cheats[1], 611);
    ASSERT_TRUE(second) << second.error().code;
    EXPECT_EQ(*second, 2u);
    ASSERT_EQ(record.txs.size(), 6u);
    EXPECT_EQ(record.txs[3].progress, TxProgress::kConfirmed) << "the first sweep is kept as it was";
    EXPECT_EQ(record.txs[4].resolution.kind, ResolutionKind::kJustice);
    EXPECT_EQ(record.txs[4].resolution.tx.inputs.size(), 1u);
    EXPECT_EQ(record.txs[5].resolution.parent_txid, bitcoin::txid(cheats[1]));
    EXPECT_EQ(stored_again(record), record);

    // Not an HTLC tx of the commitment (the to_remote sweep spends it too): refused, unchanged.
    const OnchainRecord now = record;
    auto not_htlc = take_cheater_htlc_tx(record, in, record.txs[1].resolution.tx, 612);
    ASSERT_FALSE(not_htlc);
    EXPECT_EQ(not_htlc.error().code, "channel_not_an_htlc_tx");
    EXPECT_EQ(record, now);
}

// The revoked lists stay while a justice tx of ours waits, however deep the spend (601): an
// HTLC tx of the cheater's mined 500 blocks later still rebuilds it with the other HTLC
// output, which it would leave without them. They go 100 blocks
// after the spend once every justice tx is mined or lost with nothing rebuilt.
TEST_F(RevokedHtlcTxs, TheRevokedListsStayWhileAJusticeTxWaits) {
    EXPECT_FALSE(forget_revoked(record, 699)) << "99 blocks deep";
    EXPECT_FALSE(forget_revoked(record, 700)) << "100 blocks deep, the justice tx waiting";
    EXPECT_FALSE(forget_revoked(record, 4'000'000'000u));

    record.spend_tx = old->commitment_tx;
    record.txs[0].progress = TxProgress::kLost;
    EXPECT_TRUE(forget_revoked(record, 700)) << "lost, nothing rebuilt";
    // What the lists are for: without them (forgotten) the rebuilt justice tx takes to_local
    // alone and leaves the other HTLC output to the cheater; with them it takes both.
    channel::ResolverInputs forgotten = inputs();
    forgotten.revoked = {};
    OnchainRecord without = record;
    ASSERT_TRUE(take_cheater_htlc_tx(without, forgotten, cheats[0], 1'101));
    EXPECT_EQ(without.txs[2].resolution.tx.inputs.size(), 1u);
    auto added = take_cheater_htlc_tx(record, inputs(), cheats[0], 1'101);
    ASSERT_TRUE(added) << added.error().code;
    EXPECT_EQ(*added, 2u);
    EXPECT_EQ(record.txs[2].resolution.tx.inputs.size(), 2u);
    EXPECT_FALSE(forget_revoked(record, 1'101)) << "the rebuilt justice tx waits";
    record.txs[2].progress = TxProgress::kConfirmed;
    record.txs[2].confirmed_height = 1'102;
    EXPECT_TRUE(forget_revoked(record, 1'102)) << "the sweep of the HTLC tx's output needs no list";

    record.txs.clear();  // not a revoked commitment: no justice tx
    EXPECT_FALSE(forget_revoked(record, 699));
    EXPECT_TRUE(forget_revoked(record, 700));
    record.spend_height.reset();  // not in a block yet
    EXPECT_FALSE(forget_revoked(record, 4'000'000'000u));
}

// The payee's revoked commitment mined and our justice tx taking the HTLC we offered: the
// payer's HTLC fails back once that justice tx is final (onchain_fail_back.h), not at its expiry.
TEST_F(RevokedHtlcTxs, AJusticeTxThatTookTheHtlcFailsItBackOnceFinal) {
    const std::vector<OfferedHtlc> offered = {
        OfferedHtlc{0, crypto::sha256(preimage_of(2)), 512},  // B's (the hub's), in the commitment
        OfferedHtlc{1, crypto::sha256(preimage_of(9)), 530},  // another, not in it
    };
    EXPECT_TRUE(fail_backs(record, offered, 700, 6).empty()) << "not while the justice tx waits";
    record.txs[0].progress = TxProgress::kConfirmed;
    record.txs[0].confirmed_height = 602;
    EXPECT_TRUE(fail_backs(record, offered, 606, 6).empty()) << "five confirmations";
    EXPECT_EQ(fail_backs(record, offered, 607, 6), (std::vector<FailBack>{FailBack{0, 0}}));
    record.txs[0].failed_back = true;  // stored with the fail-back
    EXPECT_TRUE(fail_backs(record, offered, 700, 6).empty());

    // A's HTLC-success (B's HTLC, with its preimage: the payer is fulfilled from it) took that
    // output first: the rebuilt justice tx does not take it, and nothing fails back.
    record.txs[0].failed_back = false;
    record.txs[0].progress = TxProgress::kLost;
    record.spend_tx = old->commitment_tx;
    const auto success = std::find_if(cheats.begin(), cheats.end(), [&](const bitcoin::Transaction& c) {
        return spends_htlc(c, offered[0].payment_hash);
    });
    ASSERT_NE(success, cheats.end());
    auto added = take_cheater_htlc_tx(record, inputs(), *success, 602);
    ASSERT_TRUE(added) << added.error().code;
    for (OnchainTx& t : record.txs) {
        if (t.progress == TxProgress::kWaiting) t = OnchainTx{t.resolution, TxProgress::kConfirmed, 603};
    }
    EXPECT_TRUE(fail_backs(record, offered, 700, 6).empty());
}

// The hub's fee bumps of the same justice tx (hub/justice_fee_bump.h): nothing before half of
// its window (the to_self_delay the hub imposed), then the resolver's justice tx over the same
// inputs at the schedule's feerate (channel/fee_bump.h), the older versions kept, stored and
// read back; any version can be adopted as the mined one; after the cheater's HTLC tx the
// rebuilt justice tx is bumped the same way.
TEST_F(RevokedHtlcTxs, TheWaitingJusticeTxIsReplacedAtHigherFeerates) {
    namespace ch = channel;
    const ch::ResolverInputs in = inputs();
    const bitcoin::Transaction& revoked = old->commitment_tx;
    record.spend_tx = revoked;
    const uint32_t delay = pair.b.channel->local_config.to_self_delay;
    ASSERT_GE(delay, 16u);
    const ch::FeeBumpWindow window{2'500, 601, 601 + delay};
    const bitcoin::Transaction first = record.txs[0].resolution.tx;
    const auto justice_at = [&](uint32_t feerate) {
        const ch::ResolverInputs at{in.channel, in.secrets, in.revoked, in.preimages, in.sweep_script, feerate};
        auto r = ch::resolve_funding_spend(at, revoked);
        EXPECT_TRUE(r);
        return r->to_broadcast.at(0).tx;
    };

    const OnchainRecord before = record;
    auto none = bump_justice_fee(record, in, 601 + delay / 2 - 1);
    ASSERT_TRUE(none) << none.error().code;
    EXPECT_EQ(*none, 0u);
    EXPECT_EQ(record, before);

    auto bumped = bump_justice_fee(record, in, 601 + delay / 2);
    ASSERT_TRUE(bumped) << bumped.error().code;
    EXPECT_EQ(*bumped, 1u);
    EXPECT_EQ(record.txs[0].feerate_per_kw, 5'000u);
    EXPECT_EQ(bitcoin::serialize(record.txs[0].resolution.tx), bitcoin::serialize(justice_at(5'000)));
    ASSERT_EQ(record.txs[0].replaced.size(), 1u);
    EXPECT_EQ(bitcoin::txid(record.txs[0].replaced[0]), bitcoin::txid(first));
    EXPECT_EQ(record.txs[1], before.txs[1]);  // the to_remote sweep is not bumped
    record = stored_again(record);
    auto again = bump_justice_fee(record, in, 601 + delay / 2);
    ASSERT_TRUE(again);
    EXPECT_EQ(*again, 0u);

    // At the deadline: straight to the schedule's feerate there.
    const uint32_t at_deadline = ch::scheduled_feerate(window, 601 + delay);
    EXPECT_GT(at_deadline, 10'000u);
    ASSERT_TRUE(bump_justice_fee(record, in, 601 + delay));
    EXPECT_EQ(record.txs[0].feerate_per_kw, at_deadline);
    EXPECT_EQ(bitcoin::serialize(record.txs[0].resolution.tx), bitcoin::serialize(justice_at(at_deadline)));
    ASSERT_EQ(record.txs[0].replaced.size(), 2u);

    // The first version is the one mined: it becomes the record's, the others are kept.
    const Hash256 latest = bitcoin::txid(record.txs[0].resolution.tx);
    OnchainTx mined = record.txs[0];
    EXPECT_EQ(version_with_txid(mined, bitcoin::txid(cheats[0])), nullptr);
    EXPECT_FALSE(adopt_version(mined, bitcoin::txid(cheats[0])));
    ASSERT_NE(version_with_txid(mined, bitcoin::txid(first)), nullptr);
    EXPECT_TRUE(adopt_version(mined, bitcoin::txid(first)));
    EXPECT_EQ(bitcoin::txid(mined.resolution.tx), bitcoin::txid(first));
    EXPECT_NE(version_with_txid(mined, latest), nullptr);
    EXPECT_EQ(mined.replaced.size(), 2u);

    // The cheater's HTLC tx takes an input: the rebuilt justice tx (the channel's feerate) is
    // bumped next, over its own inputs, the lost one is not.
    record.txs[0].progress = TxProgress::kLost;
    auto added = take_cheater_htlc_tx(record, in, cheats[0], 640);
    ASSERT_TRUE(added) << added.error().code;
    ASSERT_EQ(record.txs[2].resolution.kind, ResolutionKind::kJustice);
    const bitcoin::Transaction rest = record.txs[2].resolution.tx;
    auto later = bump_justice_fee(record, in, 601 + delay);
    ASSERT_TRUE(later) << later.error().code;
    EXPECT_EQ(*later, 1u);
    EXPECT_EQ(record.txs[0].replaced.size(), 2u);
    EXPECT_EQ(record.txs[2].feerate_per_kw, at_deadline);
    ASSERT_EQ(record.txs[2].resolution.tx.inputs.size(), rest.inputs.size());
    for (size_t i = 0; i < rest.inputs.size(); ++i) {
        EXPECT_EQ(record.txs[2].resolution.tx.inputs[i].prevout, rest.inputs[i].prevout);
    }
    EXPECT_LT(record.txs[2].resolution.tx.outputs[0].value.value(), rest.outputs[0].value.value());
}

}  // namespace
}  // namespace datt::relay::hub
