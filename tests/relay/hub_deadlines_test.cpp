// When the hub goes on chain by itself (relay/hub/onchain_deadlines.h), what it reads from
// the HTLC spends it sees there (relay/hub/htlc_outcome.h) and which payer HTLCs fail back
// from them (relay/hub/onchain_fail_back.h), pure: heights worked out by hand from BOLT-2's
// deadlines, scripts built with core's BOLT-3 builders.
#include <gtest/gtest.h>

#include "channel/channel_scripts.h"
#include "channel/commitment_fees.h"
#include "crypto/sha256.h"
#include "hub/htlc_outcome.h"
#include "hub/onchain_deadlines.h"
#include "hub/onchain_fail_back.h"

namespace datt::relay::hub {
namespace {

using channel::BalanceSpec;
using channel::HtlcDirection;
using channel::HtlcEntry;

Hash256 filled(uint8_t fill) {
    Hash256 h{};
    h.fill(fill);
    return h;
}

const DeadlinePolicy kPolicy{2, 18};

BalanceSpec with(std::vector<HtlcEntry> htlcs) {
    return BalanceSpec{bitcoin::Msats{1'000'000}, bitcoin::Msats{2'000'000}, std::move(htlcs)};
}

TEST(HubDeadlines, AnOfferedHtlcForcesACloseGraceBlocksAfterItsExpiry) {
    const BalanceSpec spec = with({HtlcEntry{HtlcDirection::kOffered, 7, bitcoin::Msats{5000}, filled(1), 500}});
    EXPECT_FALSE(force_close_due(kPolicy, spec, {}, 500));
    EXPECT_FALSE(force_close_due(kPolicy, spec, {}, 501));
    const auto due = force_close_due(kPolicy, spec, {}, 502);
    ASSERT_TRUE(due);
    EXPECT_EQ(*due, (ForceCloseDecision{ForceReason::kOfferedExpired, 7, 500}));
    EXPECT_TRUE(force_close_due(kPolicy, spec, {}, 900));
    EXPECT_STREQ(force_reason_name(due->reason), "offered_expired");
}

// As Core Lightning (htlcs_notify_new_block: every offered HTLC past its deadline) and LDK
// (should_broadcast_holder_commitment_txn scans dust HTLCs too) do: an HTLC trimmed from the
// commitment closes the channel at the same height as one with an output; the close is what
// makes the payee unable to claim it later, so the payer's HTLC can be failed back
// (docs/channels.md "A trimmed HTLC past its deadline").
TEST(HubDeadlines, AnOfferedHtlcTrimmedAsDustForcesTheSameClose) {
    const uint32_t feerate = 253;
    const bitcoin::Sats dust_limit{546};
    const HtlcEntry dust{HtlcDirection::kOffered, 4, bitcoin::Msats{500'000}, filled(2), 700};
    const HtlcEntry output{HtlcDirection::kOffered, 5, bitcoin::Msats{50'000'000}, filled(2), 700};
    ASSERT_TRUE(channel::is_htlc_trimmed(dust.direction, dust.amount, feerate, dust_limit));
    ASSERT_FALSE(channel::is_htlc_trimmed(output.direction, output.amount, feerate, dust_limit));
    for (const HtlcEntry& h : {dust, output}) {
        EXPECT_FALSE(force_close_due(kPolicy, with({h}), {}, 701));
        EXPECT_EQ(force_close_due(kPolicy, with({h}), {}, 702),
                  (ForceCloseDecision{ForceReason::kOfferedExpired, h.id, 700}));
    }
}

TEST(HubDeadlines, AReceivedHtlcForcesACloseOnlyWhenThePreimageIsHeld) {
    const Hash256 preimage = filled(3);
    const Hash256 hash = crypto::sha256(preimage);
    const BalanceSpec spec = with({HtlcEntry{HtlcDirection::kReceived, 4, bitcoin::Msats{5000}, hash, 600}});
    const std::vector<Hash256> held{hash};
    // 18 blocks before its expiry: 600 - 18 = 582.
    EXPECT_FALSE(force_close_due(kPolicy, spec, held, 581));
    const auto due = force_close_due(kPolicy, spec, held, 582);
    ASSERT_TRUE(due);
    EXPECT_EQ(*due, (ForceCloseDecision{ForceReason::kFulfilledExpiring, 4, 600}));
    EXPECT_STREQ(force_reason_name(due->reason), "fulfilled_expiring");
    // Without the preimage the payer takes it back after its expiry: nothing to close for.
    EXPECT_FALSE(force_close_due(kPolicy, spec, {}, 582));
    EXPECT_FALSE(force_close_due(kPolicy, spec, {}, 700));
    const std::vector<Hash256> other{filled(9)};
    EXPECT_FALSE(force_close_due(kPolicy, spec, other, 700));
}

TEST(HubDeadlines, NothingBeforeTheChainIsKnownOrWithoutHtlcs) {
    const BalanceSpec spec = with({HtlcEntry{HtlcDirection::kOffered, 1, bitcoin::Msats{5000}, filled(1), 10}});
    EXPECT_FALSE(force_close_due(kPolicy, spec, {}, 0));
    EXPECT_FALSE(force_close_due(kPolicy, with({}), {}, 1'000'000));
}

TEST(HubDeadlines, AnExpiryNearTheTopOfTheRangeDoesNotWrap) {
    const BalanceSpec spec =
        with({HtlcEntry{HtlcDirection::kOffered, 1, bitcoin::Msats{5000}, filled(1), UINT32_MAX - 1}});
    EXPECT_FALSE(force_close_due(kPolicy, spec, {}, UINT32_MAX - 1));
    EXPECT_FALSE(force_close_due(kPolicy, spec, {}, 5));
}

TEST(HubDeadlines, TheFirstDueHtlcIsNamed) {
    const Hash256 hash = crypto::sha256(filled(3));
    const BalanceSpec spec = with({HtlcEntry{HtlcDirection::kOffered, 1, bitcoin::Msats{5000}, filled(1), 900},
                                   HtlcEntry{HtlcDirection::kReceived, 2, bitcoin::Msats{5000}, hash, 610},
                                   HtlcEntry{HtlcDirection::kOffered, 3, bitcoin::Msats{5000}, filled(2), 580}});
    const std::vector<Hash256> held{hash};
    EXPECT_EQ(force_close_due(kPolicy, spec, held, 582)->htlc_id, 3u);
    EXPECT_EQ(force_close_due(kPolicy, spec, held, 592)->htlc_id, 2u);
    EXPECT_FALSE(force_close_due(kPolicy, spec, {}, 581));
}

crypto::PubKey key(uint8_t fill) {
    const Hash256 bytes = filled(fill);
    return crypto::pubkey(*crypto::SecretKey::from_bytes(bytes));
}

bitcoin::Transaction spending(std::vector<Bytes> witness) {
    bitcoin::Transaction tx;
    tx.version = 2;
    bitcoin::TxIn in;
    in.prevout = {filled(0x44), 1};
    in.witness = std::move(witness);
    tx.inputs.push_back(in);
    tx.outputs.push_back(bitcoin::TxOut{bitcoin::Sats{1000}, Bytes{0x00, 0x14}});
    return tx;
}

TEST(HtlcOutcome, AnHtlcSpendIsMatchedByThePaymentHashInItsWitnessScript) {
    const Hash256 hash = crypto::sha256(filled(5));
    const Hash256 other = crypto::sha256(filled(6));
    const bitcoin::Script offered = channel::offered_htlc_script(key(1), key(2), key(3), hash);
    const bitcoin::Script received = channel::received_htlc_script(key(1), key(2), key(3), hash, 700);
    // A claim after the expiry: <sig> <> <script>; an HTLC-timeout: 0 <sig> <sig> <> <script>.
    const Bytes sig(72, 0x30);
    EXPECT_TRUE(spends_htlc(spending({sig, {}, received}), hash));
    EXPECT_TRUE(spends_htlc(spending({{}, sig, sig, {}, offered}), hash));
    EXPECT_FALSE(spends_htlc(spending({sig, {}, received}), other));
    // The revocation key's hash is pushed too, but it is no payment's.
    EXPECT_FALSE(spends_htlc(spending({sig, {}, offered}), filled(0)));
    // Not a witness script, or none at all: no.
    EXPECT_FALSE(spends_htlc(spending({sig, Bytes{0x4c}}), hash));
    EXPECT_FALSE(spends_htlc(spending({}), hash));
}

TEST(HtlcOutcome, ThePreimageIsReadFromThePayeesSuccessWitness) {
    const Hash256 preimage = filled(5);
    const Hash256 hash = crypto::sha256(preimage);
    const bitcoin::Script offered = channel::offered_htlc_script(key(1), key(2), key(3), hash);
    const Bytes sig(72, 0x30);
    // The payee's claim from our commitment: <sig> <preimage> <script>.
    const auto found = preimage_in(spending({sig, Bytes(preimage.begin(), preimage.end()), offered}), hash);
    ASSERT_TRUE(found);
    EXPECT_EQ(*found, preimage);
    // A timeout spend reveals nothing; another payment's preimage is not this one's.
    EXPECT_FALSE(preimage_in(spending({sig, {}, offered}), hash));
    const Hash256 other = filled(8);
    EXPECT_FALSE(preimage_in(spending({sig, Bytes(other.begin(), other.end()), offered}), hash));
}

// The payee channel closed by the hub's commitment (mined at 100) with two HTLCs the hub
// offered, one payment hash, expiries 120 and 130 (ids 0 and 1): an HTLC-timeout for each,
// whose witness script pushes that hash (so the hash alone cannot tell them apart).
constexpr uint32_t kDepth = 6;
const Hash256 kSharedHash = crypto::sha256(filled(5));
const OfferedHtlc kFirst{0, kSharedHash, 120};
const OfferedHtlc kSecond{1, kSharedHash, 130};

OnchainTx htlc_timeout(const OfferedHtlc& htlc, std::optional<uint64_t> id) {
    const bitcoin::Script offered = channel::offered_htlc_script(key(1), key(2), key(3), htlc.payment_hash);
    const Bytes sig(72, 0x30);
    bitcoin::Transaction tx = spending({{}, sig, sig, {}, offered});
    tx.lock_time = htlc.cltv_expiry;
    return OnchainTx{channel::Resolution{channel::ResolutionKind::kHtlcTimeout, tx, filled(0x44), 0,
                                         htlc.cltv_expiry, id},
                     TxProgress::kWaiting, 0};
}

OnchainRecord closed_with(std::vector<OnchainTx> txs) {
    OnchainRecord r;
    r.spend_txid = filled(0x44);
    r.spend_kind = channel::FundingSpendKind::kLocalCommitment;
    r.spend_height = 100;
    r.txs = std::move(txs);
    return r;
}

void confirm(OnchainTx& t, uint32_t height) {
    t.progress = TxProgress::kConfirmed;
    t.confirmed_height = height;
}

TEST(HubFailBack, EachTimeoutFailsBackOnlyItsOwnHtlcOfASharedPaymentHash) {
    OnchainRecord record = closed_with({htlc_timeout(kFirst, 0), htlc_timeout(kSecond, 1)});
    ASSERT_TRUE(spends_htlc(record.txs[1].resolution.tx, kFirst.payment_hash));  // the hash says both
    const std::vector<OfferedHtlc> both{kFirst, kSecond};
    confirm(record.txs[0], 125);
    // Final at the 6th confirmation: block 130.
    EXPECT_TRUE(fail_backs(record, both, 129, kDepth).empty());
    EXPECT_EQ(fail_backs(record, both, 130, kDepth), (std::vector<FailBack>{{0, 0}}));
    // The hub failed the first back (its forward is failed, the timeout marked): the next
    // blocks fail nothing back, the second HTLC still waits for its own timeout.
    record.txs[0].failed_back = true;
    const std::vector<OfferedHtlc> second{kSecond};
    EXPECT_TRUE(fail_backs(record, second, 131, kDepth).empty());
    EXPECT_TRUE(fail_backs(record, second, 200, kDepth).empty());
    // Even unmarked, the first timeout is not the second HTLC's.
    record.txs[0].failed_back = false;
    EXPECT_TRUE(fail_backs(record, second, 200, kDepth).empty());
    confirm(record.txs[1], 135);
    EXPECT_TRUE(fail_backs(record, second, 139, kDepth).empty());
    EXPECT_EQ(fail_backs(record, second, 140, kDepth), (std::vector<FailBack>{{0, 1}}));
}

TEST(HubFailBack, TheLaterHtlcsTimeoutFailsBackTheLaterHtlcAlone) {
    OnchainRecord record = closed_with({htlc_timeout(kFirst, 0), htlc_timeout(kSecond, 1)});
    confirm(record.txs[1], 131);
    const std::vector<OfferedHtlc> both{kFirst, kSecond};
    EXPECT_EQ(fail_backs(record, both, 136, kDepth), (std::vector<FailBack>{{1, 1}}));
}

TEST(HubFailBack, ARecordWithoutIdsMatchesByHashAndExpiryOncePerTimeout) {
    OnchainRecord record = closed_with({htlc_timeout(kFirst, std::nullopt), htlc_timeout(kSecond, std::nullopt)});
    confirm(record.txs[0], 125);
    const std::vector<OfferedHtlc> both{kFirst, kSecond};
    EXPECT_EQ(fail_backs(record, both, 130, kDepth), (std::vector<FailBack>{{0, 0}}));
    record.txs[0].failed_back = true;
    EXPECT_TRUE(fail_backs(record, both, 131, kDepth).empty());
    // Two HTLCs alike in hash and expiry: one per timeout.
    OnchainRecord alike = closed_with({htlc_timeout(kFirst, std::nullopt)});
    confirm(alike.txs[0], 125);
    const std::vector<OfferedHtlc> twins{kFirst, OfferedHtlc{1, kSharedHash, 120}};
    EXPECT_EQ(fail_backs(alike, twins, 130, kDepth), (std::vector<FailBack>{{0, 0}}));
}

TEST(HubFailBack, AnHtlcWithoutAnOutputFailsBackOnceTheCommitmentIsFinal) {
    // The second HTLC was trimmed: only the first has a timeout (not mined yet).
    OnchainRecord record = closed_with({htlc_timeout(kFirst, 0)});
    const std::vector<OfferedHtlc> both{kFirst, kSecond};
    EXPECT_TRUE(fail_backs(record, both, 104, kDepth).empty());
    EXPECT_EQ(fail_backs(record, both, 105, kDepth), (std::vector<FailBack>{{1, std::nullopt}}));
    // Not while an output of the commitment is unresolved (the payee might claim it).
    record.unresolved = {2};
    EXPECT_TRUE(fail_backs(record, both, 105, kDepth).empty());
    // Nor on a cooperative close or a revoked commitment.
    record.unresolved.clear();
    record.spend_kind = channel::FundingSpendKind::kRevokedCommitment;
    EXPECT_TRUE(fail_backs(record, both, 105, kDepth).empty());
    // A record without ids keeps the payment hash rule: an HTLC of that hash has an output.
    OnchainRecord legacy = closed_with({htlc_timeout(kFirst, std::nullopt)});
    EXPECT_TRUE(fail_backs(legacy, both, 105, kDepth).empty());
}

}  // namespace
}  // namespace datt::relay::hub
