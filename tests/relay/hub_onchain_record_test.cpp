// The hub's stored on-chain record (relay/hub/onchain_record.h): what is written reads back
// equal, and damaged bytes are refused with the documented codes, never misread.
#include <gtest/gtest.h>

#include "hub/onchain_record.h"

namespace datt::relay::hub {
namespace {

bitcoin::Transaction sample_tx(uint8_t fill, uint32_t sequence) {
    bitcoin::Transaction tx;
    tx.version = 2;
    bitcoin::TxIn in;
    in.prevout.txid.fill(fill);
    in.prevout.index = 1;
    in.sequence = sequence;
    in.witness = {Bytes(72, fill), Bytes{1}, Bytes(80, 0x63)};
    tx.inputs.push_back(in);
    tx.outputs.push_back({bitcoin::Sats{497'000}, Bytes{0x00, 0x14, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10,
                                                        11, 12, 13, 14, 15, 16, 17, 18, 19, 20}});
    return tx;
}

OnchainRecord sample_record() {
    OnchainRecord r;
    r.funding_height = 433;
    Hash256 spend{};
    spend.fill(0x5a);
    r.spend_txid = spend;
    r.spend_kind = channel::FundingSpendKind::kRemoteCommitment;
    r.commitment_number = 0x0102030405ULL;
    r.spend_height = 440;
    channel::Resolution claim{channel::ResolutionKind::kClaimHtlcTimeout, sample_tx(0x5a, 0xfffffffe), spend, 0, 460,
                              0x0102030405060708ULL};
    channel::Resolution sweep{channel::ResolutionKind::kToRemoteSweep, sample_tx(0x5a, 0xffffffff), spend, 0, 0};
    r.txs.push_back(OnchainTx{claim, TxProgress::kConfirmed, 462, true});
    r.txs.push_back(OnchainTx{sweep, TxProgress::kConfirmed, 441});
    r.unresolved = {3, 4};
    return r;
}

TEST(OnchainRecord, RoundTripsEveryField) {
    const OnchainRecord record = sample_record();
    const Bytes bytes = serialize_onchain_record(record);
    auto back = parse_onchain_record(bytes);
    ASSERT_TRUE(back.ok()) << back.error().message;
    EXPECT_EQ(*back, record);
    EXPECT_EQ(back->txs[1].confirmed_height, 441u);
    EXPECT_EQ(back->txs[0].resolution.cltv, 460u);
    EXPECT_EQ(back->txs[0].resolution.htlc_id, std::optional<uint64_t>{0x0102030405060708ULL});
    EXPECT_TRUE(back->txs[0].failed_back);
    EXPECT_FALSE(back->txs[1].resolution.htlc_id.has_value());
    EXPECT_FALSE(back->txs[1].failed_back);
    EXPECT_EQ(serialize_onchain_record(*back), bytes);

    OnchainRecord empty;  // a channel whose funding height alone is known
    empty.funding_height = 7;
    auto funding_only = parse_onchain_record(serialize_onchain_record(empty));
    ASSERT_TRUE(funding_only.ok());
    EXPECT_EQ(*funding_only, empty);
    EXPECT_FALSE(funding_only->spend_txid.has_value());
}

// A record written before the HTLC ids (version 1: no transaction flags) still loads.
TEST(OnchainRecord, AVersionOneRecordLoadsWithoutIds) {
    OnchainRecord record = sample_record();
    for (OnchainTx& t : record.txs) {
        t.resolution.htlc_id.reset();
        t.failed_back = false;
    }
    Bytes v1 = serialize_onchain_record(record);
    // Layout: version, flags, funding height (4), spend (32 + 1 + 8), spend height (4), count
    // (2); each transaction: kind, parent (32), csv (2), cltv (4), progress, height (4), then
    // its flags byte (version 2 on), length (4) and bytes; the unresolved outputs, then the
    // tail of version 3 (no spend tx: 1 byte, no cheater HTLC txs: 2) and of version 4 (no
    // fee bumps: 2).
    v1.resize(v1.size() - 5);
    v1[0] = 1;
    size_t at = 2 + 4 + 41 + 4 + 2;
    for (const OnchainTx& t : record.txs) {
        at += 1 + 32 + 2 + 4 + 1 + 4;
        ASSERT_EQ(v1[at], 0);
        v1.erase(v1.begin() + static_cast<std::ptrdiff_t>(at));
        at += 4 + bitcoin::serialize(t.resolution.tx).size();
    }
    auto back = parse_onchain_record(v1);
    ASSERT_TRUE(back.ok()) << back.error().message;
    EXPECT_EQ(*back, record);
}

// A revoked commitment's record keeps the spend's bytes and the cheater's HTLC txs (version 3).
OnchainRecord revoked_record() {
    OnchainRecord r = sample_record();
    r.spend_kind = channel::FundingSpendKind::kRevokedCommitment;
    r.spend_tx = sample_tx(0x77, 0x80000001);
    r.spend_txid = bitcoin::txid(*r.spend_tx);
    r.cheater_htlc_txs.push_back(CheaterHtlcTx{sample_tx(0x78, 0), 441});
    r.cheater_htlc_txs.push_back(CheaterHtlcTx{sample_tx(0x79, 0), 460});
    return r;
}

TEST(OnchainRecord, RoundTripsTheSpendAndTheCheatersHtlcTxs) {
    const OnchainRecord record = revoked_record();
    const Bytes bytes = serialize_onchain_record(record);
    auto back = parse_onchain_record(bytes);
    ASSERT_TRUE(back.ok()) << back.error().message;
    EXPECT_EQ(*back, record);
    ASSERT_EQ(back->cheater_htlc_txs.size(), 2u);
    EXPECT_EQ(back->cheater_htlc_txs[1].height, 460u);
    EXPECT_EQ(serialize_onchain_record(*back), bytes);
    for (size_t n = 0; n < bytes.size(); ++n) EXPECT_FALSE(parse_onchain_record(ByteSpan(bytes.data(), n)).ok());

    OnchainRecord other = record;  // the spend's bytes must be the spend's
    other.spend_txid->fill(0x11);
    auto refused = parse_onchain_record(serialize_onchain_record(other));
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.error().code, "onchain_record_invalid");
    OnchainRecord orphan = record;  // HTLC txs without the commitment they spend
    orphan.spend_tx.reset();
    refused = parse_onchain_record(serialize_onchain_record(orphan));
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.error().code, "onchain_record_invalid");
}

// A record written before the spend's bytes were kept (version 2: no tail) still loads.
TEST(OnchainRecord, AVersionTwoRecordLoadsWithoutTheSpend) {
    const OnchainRecord record = sample_record();
    Bytes v2 = serialize_onchain_record(record);
    ASSERT_EQ(v2[0], 4);
    // The tail: no spend tx (1 byte), no cheater HTLC txs (2 bytes), no fee bumps (2 bytes).
    ASSERT_EQ(Bytes(v2.end() - 5, v2.end()), (Bytes{0, 0, 0, 0, 0}));
    v2.resize(v2.size() - 5);
    v2[0] = 2;
    auto back = parse_onchain_record(v2);
    ASSERT_TRUE(back.ok()) << back.error().message;
    EXPECT_EQ(*back, record);
    EXPECT_FALSE(back->spend_tx.has_value());
    EXPECT_EQ(serialize_onchain_record(*back)[0], 4);
}

// A justice tx replaced at higher feerates (version 4) keeps its feerate and older versions.
TEST(OnchainRecord, RoundTripsFeeBumps) {
    OnchainRecord record = revoked_record();
    record.txs[1].feerate_per_kw = 10'000;
    record.txs[1].replaced = {sample_tx(0x5a, 0xfffffffd), sample_tx(0x5b, 0xfffffffd)};
    const Bytes bytes = serialize_onchain_record(record);
    auto back = parse_onchain_record(bytes);
    ASSERT_TRUE(back.ok()) << back.error().message;
    EXPECT_EQ(*back, record);
    EXPECT_EQ(back->txs[0].feerate_per_kw, 0u);
    EXPECT_EQ(back->txs[1].feerate_per_kw, 10'000u);
    ASSERT_EQ(back->txs[1].replaced.size(), 2u);
    EXPECT_EQ(bitcoin::txid(back->txs[1].replaced[1]), bitcoin::txid(sample_tx(0x5b, 0xfffffffd)));
    EXPECT_EQ(serialize_onchain_record(*back), bytes);
    for (size_t n = 0; n < bytes.size(); ++n) EXPECT_FALSE(parse_onchain_record(ByteSpan(bytes.data(), n)).ok());
    OnchainRecord other = record;  // an older version more does not compare equal
    other.txs[1].replaced.pop_back();
    EXPECT_FALSE(other == record);

    // The same without the tail, as version 3: no bumps.
    Bytes v3 = serialize_onchain_record(revoked_record());
    ASSERT_EQ(Bytes(v3.end() - 2, v3.end()), (Bytes{0, 0}));
    v3.resize(v3.size() - 2);
    v3[0] = 3;
    auto old = parse_onchain_record(v3);
    ASSERT_TRUE(old.ok()) << old.error().message;
    EXPECT_EQ(*old, revoked_record());

    // A bump of a transaction the record does not have, or with feerate 0: refused.
    const Bytes plain = serialize_onchain_record(sample_record());
    Bytes beyond(plain.begin(), plain.end() - 2);
    for (uint8_t b : {0, 1, 0, 2, 0, 0, 0x27, 0x10, 0}) beyond.push_back(b);  // one bump, index 2
    EXPECT_EQ(parse_onchain_record(beyond).error().code, "onchain_record_invalid");
    Bytes zero(plain.begin(), plain.end() - 2);
    for (uint8_t b : {0, 1, 0, 1, 0, 0, 0, 0, 0}) zero.push_back(b);  // index 1, feerate 0
    EXPECT_EQ(parse_onchain_record(zero).error().code, "onchain_record_invalid");
    Bytes fine(plain.begin(), plain.end() - 2);
    for (uint8_t b : {0, 1, 0, 1, 0, 0, 0x27, 0x10, 0}) fine.push_back(b);  // index 1, 10,000 sat/kw
    auto bumped = parse_onchain_record(fine);
    ASSERT_TRUE(bumped.ok()) << bumped.error().message;
    EXPECT_EQ(bumped->txs[1].feerate_per_kw, 10'000u);
}

TEST(OnchainRecord, EveryTruncationIsRefused) {
    const Bytes bytes = serialize_onchain_record(sample_record());
    for (size_t n = 0; n < bytes.size(); ++n) {
        auto parsed = parse_onchain_record(ByteSpan(bytes.data(), n));
        EXPECT_FALSE(parsed.ok()) << "prefix of " << n << " bytes";
    }
    Bytes longer = bytes;
    longer.push_back(0);
    auto trailing = parse_onchain_record(longer);
    ASSERT_FALSE(trailing.ok());
    EXPECT_EQ(trailing.error().code, "trailing_bytes");
}

TEST(OnchainRecord, FieldsOutOfRangeAreRefused) {
    const Bytes good = serialize_onchain_record(sample_record());
    auto refused_with = [](Bytes bytes, const std::string& code) {
        auto parsed = parse_onchain_record(bytes);
        EXPECT_FALSE(parsed.ok());
        if (!parsed.ok()) {
            EXPECT_EQ(parsed.error().code, code);
        }
    };
    Bytes version = good;
    version[0] = 5;
    refused_with(version, "onchain_record_invalid");
    // Layout up to the first transaction's flags: see AVersionOneRecordLoadsWithoutIds.
    Bytes tx_flags = good;
    tx_flags[2 + 4 + 41 + 4 + 2 + 1 + 32 + 2 + 4 + 1 + 4] |= 0x04;
    refused_with(tx_flags, "onchain_record_invalid");
    Bytes flags = good;
    flags[1] = 0x08;
    refused_with(flags, "onchain_record_invalid");
    // Layout: version, flags, funding height (4), spend txid (32), then the spend kind.
    Bytes kind = good;
    kind[2 + 4 + 32] = 5;
    refused_with(kind, "onchain_record_invalid");
    // A spend height without a spend.
    refused_with(Bytes{1, 4, 0, 0, 0, 9, 0, 0, 0, 0}, "onchain_record_invalid");
    // Transactions without a spend.
    refused_with(Bytes{1, 0, 0, 1}, "onchain_record_invalid");
    // More transactions than a channel can have.
    OnchainRecord many = sample_record();
    many.txs.resize(kMaxOnchainTxs + 1, many.txs[0]);
    refused_with(serialize_onchain_record(many), "onchain_record_too_large");
}

TEST(RevokedCommitment, RoundTripsAndRefusesDamage) {
    channel::RemoteCommitmentRevoked revoked;
    revoked.number = 41;
    revoked.per_commitment_secret.fill(0x33);
    revoked.spec.to_local = bitcoin::Msats{392'760'000};
    revoked.spec.to_remote = bitcoin::Msats{100'000'000};
    channel::HtlcEntry h;
    h.direction = channel::HtlcDirection::kReceived;
    h.id = 7;
    h.amount = bitcoin::Msats{5'000'000};
    h.payment_hash.fill(0x44);
    h.cltv_expiry = 600;
    revoked.spec.htlcs.push_back(h);
    h.direction = channel::HtlcDirection::kOffered;
    h.id = 8;
    revoked.spec.htlcs.push_back(h);
    const Bytes bytes = serialize_revoked_commitment(revoked);
    auto back = parse_revoked_commitment(bytes);
    ASSERT_TRUE(back.ok()) << back.error().message;
    EXPECT_EQ(back->number, 41u);
    EXPECT_EQ(back->per_commitment_secret, revoked.per_commitment_secret);
    EXPECT_EQ(back->spec, revoked.spec);
    for (size_t n = 0; n < bytes.size(); ++n) EXPECT_FALSE(parse_revoked_commitment(ByteSpan(bytes.data(), n)).ok());
    Bytes direction = bytes;
    direction[8 + 32 + 8 + 8 + 2] = 2;
    auto refused = parse_revoked_commitment(direction);
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.error().code, "onchain_record_invalid");
    channel::RemoteCommitmentRevoked none = revoked;
    none.spec.htlcs.clear();
    auto empty = parse_revoked_commitment(serialize_revoked_commitment(none));
    ASSERT_FALSE(empty.ok());
    EXPECT_EQ(empty.error().code, "onchain_record_invalid");
}

}  // namespace
}  // namespace datt::relay::hub
