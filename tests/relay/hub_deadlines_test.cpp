// When the hub goes on chain by itself (relay/hub/onchain_deadlines.h) and what it reads from
// the HTLC spends it sees there (relay/hub/htlc_outcome.h), pure: heights worked out by hand
// from BOLT-2's deadlines, scripts built with core's BOLT-3 builders.
#include <gtest/gtest.h>

#include "channel/channel_scripts.h"
#include "crypto/sha256.h"
#include "hub/htlc_outcome.h"
#include "hub/onchain_deadlines.h"

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

}  // namespace
}  // namespace datt::relay::hub
