#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "bitcoin/tx.h"
#include "support/vectors.h"
#include "util/hex.h"

namespace datt::bitcoin {
namespace {

Bytes hex(std::string_view s) { return from_hex(s).value(); }

// Parse then serialize every transaction of one of Core's tx_valid/tx_invalid files.
void expect_round_trips(const std::string& file) {
    DATT_LOAD_VECTORS(text, "bitcoin-core/" + file);
    const auto rows = nlohmann::json::parse(text);
    size_t cases = 0, with_witness = 0;
    for (const auto& row : rows) {
        if (!row[0].is_array()) continue;  // comment rows
        ++cases;
        const Bytes raw = hex(row[1].get<std::string>());
        auto tx = parse_transaction(raw);
        ASSERT_TRUE(tx.ok()) << file << " case " << cases << ": " << tx.error().code;
        EXPECT_EQ(serialize(*tx), raw) << file << " case " << cases;
        EXPECT_EQ(total_size(*tx), raw.size());
        EXPECT_EQ(base_size(*tx), serialize_without_witness(*tx).size());
        if (tx->has_witness()) {
            ++with_witness;
            EXPECT_NE(txid(*tx), wtxid(*tx));
        } else {
            EXPECT_EQ(txid(*tx), wtxid(*tx));
        }
    }
    std::cout << "[ vectors  ] " << file << ": " << cases << " transactions round-tripped ("
              << with_witness << " with witness)\n";
    EXPECT_GT(cases, 90u);
}

TEST(Transaction, EveryTxValidTransactionRoundTrips) { expect_round_trips("tx_valid.json"); }
TEST(Transaction, EveryTxInvalidTransactionRoundTrips) { expect_round_trips("tx_invalid.json"); }

// tx_valid.json names its first case's transaction: "The following is 23b397ed...".
TEST(Transaction, TxidOfTheFirstTxValidCaseIsTheOneItsCommentNames) {
    DATT_LOAD_VECTORS(text, "bitcoin-core/tx_valid.json");
    const auto rows = nlohmann::json::parse(text);
    std::string named;
    for (const auto& row : rows) {
        if (!row[0].is_array()) {
            const std::string comment = row[0].get<std::string>();
            if (comment.rfind("The following is ", 0) == 0) named = comment.substr(17, 64);
            continue;
        }
        auto tx = parse_transaction(hex(row[1].get<std::string>()));
        ASSERT_TRUE(tx.ok());
        ASSERT_EQ(named.size(), 64u);
        EXPECT_EQ(to_display_hex(txid(*tx)), named);
        auto back = from_display_hex(named);
        ASSERT_TRUE(back.ok());
        EXPECT_EQ(*back, txid(*tx));
        return;
    }
    FAIL() << "no case found";
}

// A one-input, one-output segwit transaction built by hand, byte by byte.
Bytes segwit_sample() {
    return hex(
        "02000000"    // version
        "0001"        // marker, flag
        "01"          // one input
        "1111111111111111111111111111111111111111111111111111111111111111" "05000000"
        "00"          // empty scriptSig
        "feffffff"    // sequence
        "01"          // one output
        "e803000000000000" "160014" "2222222222222222222222222222222222222222"
        "02" "03aabbcc" "01dd"  // witness: two items
        "65000000");  // lock time 101
}

TEST(Transaction, ParsesFieldsOfASegwitTransaction) {
    auto tx = parse_transaction(segwit_sample());
    ASSERT_TRUE(tx.ok()) << tx.error().message;
    EXPECT_EQ(tx->version, 2u);
    ASSERT_EQ(tx->inputs.size(), 1u);
    EXPECT_EQ(tx->inputs[0].prevout.index, 5u);
    EXPECT_EQ(tx->inputs[0].prevout.txid[0], 0x11);
    EXPECT_EQ(tx->inputs[0].sequence, 0xfffffffeu);
    ASSERT_EQ(tx->inputs[0].witness.size(), 2u);
    EXPECT_EQ(tx->inputs[0].witness[0], hex("aabbcc"));
    ASSERT_EQ(tx->outputs.size(), 1u);
    EXPECT_EQ(tx->outputs[0].value, Sats{1000});
    EXPECT_EQ(tx->lock_time, 101u);
    // 4 + 1 + 41 + 1 + 31 + 4 = 82 bytes without witness; with marker and flag (2) and
    // the witness (count 1, items 4 and 2): 91.
    EXPECT_EQ(base_size(*tx), 82u);
    EXPECT_EQ(total_size(*tx), 91u);
    EXPECT_EQ(weight(*tx), 82u * 3 + 91u);
    EXPECT_EQ(vsize(*tx), 85u);  // 337 / 4 rounded up
    EXPECT_EQ(serialize(*tx), segwit_sample());
}

TEST(Transaction, ErrorsHaveStableCodes) {
    const Bytes good = segwit_sample();
    auto code_of = [](const Bytes& bytes) {
        auto tx = parse_transaction(bytes);
        return tx.ok() ? std::string("ok") : tx.error().code;
    };
    // Every proper prefix is truncated (or, cut inside the input list, a count too large).
    for (size_t cut = 0; cut < good.size(); ++cut) {
        const std::string code = code_of(Bytes(good.begin(), good.begin() + cut));
        EXPECT_TRUE(code == "tx_truncated" || code == "tx_count_too_large") << cut << " " << code;
    }
    Bytes trailing = good;
    trailing.push_back(0);
    EXPECT_EQ(code_of(trailing), "tx_trailing_bytes");

    Bytes unknown_flag = good;
    unknown_flag[5] = 0x02;
    EXPECT_EQ(code_of(unknown_flag), "tx_unknown_flag");
    unknown_flag[5] = 0x03;  // bit 0 set plus an unknown bit
    EXPECT_EQ(code_of(unknown_flag), "tx_unknown_flag");

    // Flag 1 but the only witness is empty (Core: "Superfluous witness record").
    const Bytes superfluous = hex(
        "02000000" "0001" "01"
        "1111111111111111111111111111111111111111111111111111111111111111" "05000000" "00"
        "feffffff" "01" "e803000000000000" "00" "00" "00000000");
    EXPECT_EQ(code_of(superfluous), "tx_superfluous_witness");

    // 0xfd 0x01 0x00 is 1 in a longer form than needed.
    const Bytes non_canonical = hex("01000000" "fd0100");
    EXPECT_EQ(code_of(non_canonical), "tx_non_canonical_compact_size");

    // 2^32 - 1 inputs announced in a 20-byte transaction: refused before reserving memory.
    const Bytes huge_count = hex("01000000" "feffffffff" "0000000000000000000000");
    EXPECT_EQ(code_of(huge_count), "tx_count_too_large");
    // Above MAX_SIZE.
    const Bytes over_max_size = hex("01000000" "ff0000000001000000");
    EXPECT_EQ(code_of(over_max_size), "tx_count_too_large");
    // A script length longer than what remains.
    const Bytes long_script = hex(
        "01000000" "01"
        "1111111111111111111111111111111111111111111111111111111111111111" "05000000"
        "fdff00" "00");
    EXPECT_EQ(code_of(long_script), "tx_count_too_large");

    EXPECT_EQ(code_of(Bytes(kMaxTransactionSize + 1, 0)), "tx_too_large");
}

// Core reads "version 00 00 lock_time" as no inputs and no outputs; it round-trips.
TEST(Transaction, ZeroInputsWithZeroFlagReadsAsAnEmptyTransaction) {
    const Bytes empty = hex("01000000" "0000" "00000000");
    auto tx = parse_transaction(empty);
    ASSERT_TRUE(tx.ok());
    EXPECT_TRUE(tx->inputs.empty());
    EXPECT_TRUE(tx->outputs.empty());
    EXPECT_EQ(serialize(*tx), empty);
}

TEST(Transaction, LegacySerializationWhenNoWitness) {
    auto tx = parse_transaction(segwit_sample());
    ASSERT_TRUE(tx.ok());
    tx->inputs[0].witness.clear();
    EXPECT_FALSE(tx->has_witness());
    const Bytes legacy = serialize(*tx);
    EXPECT_EQ(legacy, serialize_without_witness(*tx));
    EXPECT_EQ(legacy.size(), 82u);
    EXPECT_EQ(weight(*tx), 82u * 4);
    auto again = parse_transaction(legacy);
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(*again, *tx);
}

TEST(Transaction, NegativeOutputValuesParseAndRoundTrip) {
    Bytes raw = segwit_sample();
    // Output value bytes start after version(4) marker/flag(2) count(1) input(41) count(1).
    for (size_t i = 49; i < 57; ++i) raw[i] = 0xff;
    auto tx = parse_transaction(raw);
    ASSERT_TRUE(tx.ok());
    EXPECT_EQ(tx->outputs[0].value, Sats{-1});
    EXPECT_FALSE(tx->outputs[0].value.in_money_range());
    EXPECT_EQ(serialize(*tx), raw);
}

}  // namespace
}  // namespace datt::bitcoin
