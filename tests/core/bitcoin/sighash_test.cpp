#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "bitcoin/sighash.h"
#include "bitcoin/tx.h"
#include "support/vectors.h"
#include "util/hex.h"

namespace datt::bitcoin {
namespace {

// Every row of Core's sighash.json: [raw_tx, script, input_index, hashType, expected], the
// expected hash printed byte-reversed (as Core prints a uint256).
TEST(Sighash, EveryRowOfCoreSighashJson) {
    DATT_LOAD_VECTORS(text, "bitcoin-core/sighash.json");
    const auto rows = nlohmann::json::parse(text);
    size_t ran = 0;
    for (const auto& row : rows) {
        if (row.size() == 1) continue;  // the header
        ASSERT_EQ(row.size(), 5u);
        auto raw = from_hex(row[0].get<std::string>());
        auto script = from_hex(row[1].get<std::string>());
        ASSERT_TRUE(raw.ok() && script.ok());
        auto tx = parse_transaction(*raw);
        ASSERT_TRUE(tx.ok()) << "row " << ran << ": " << tx.error().code;
        const auto index = row[2].get<size_t>();
        const auto hash_type = row[3].get<int32_t>();
        const Hash256 hash = legacy_sighash(*tx, index, *script, hash_type);
        EXPECT_EQ(to_display_hex(hash), row[4].get<std::string>())
            << "row " << ran << " hashType " << hash_type;
        ++ran;
    }
    std::cout << "[ vectors  ] sighash.json: " << ran << " rows ran\n";
    EXPECT_EQ(ran, rows.size() - 1);
}

TEST(Sighash, OutOfRangeInputAndSingleWithoutOutputGiveTheHashOfOne) {
    Transaction tx;
    tx.inputs.resize(2);
    tx.outputs.resize(1);
    Hash256 one{};
    one[0] = 1;
    EXPECT_EQ(legacy_sighash(tx, 2, {}, kSighashAll), one);
    EXPECT_EQ(legacy_sighash(tx, 1, {}, kSighashSingle), one);
    EXPECT_EQ(legacy_sighash(tx, 1, {}, kSighashSingle | kSighashAnyoneCanPay), one);
    EXPECT_NE(legacy_sighash(tx, 0, {}, kSighashSingle), one);
    EXPECT_NE(legacy_sighash(tx, 1, {}, kSighashAll), one);
}

TEST(Sighash, Bip143CacheGivesTheSameHashAsComputingEachTime) {
    Transaction tx;
    for (uint32_t i = 0; i < 3; ++i) {
        TxIn in;
        in.prevout.index = i;
        in.prevout.txid[0] = static_cast<uint8_t>(i + 1);
        in.sequence = 0xfffffff0 + i;
        tx.inputs.push_back(in);
        tx.outputs.push_back(TxOut{Sats{1000 + i}, Bytes{0x51}});
    }
    const SighashCache cache = make_sighash_cache(tx);
    const Bytes script_code = {0x76, 0xa9};
    for (size_t i = 0; i < 3; ++i) {
        for (int32_t type : {1, 2, 3, 0x81, 0x82, 0x83}) {
            EXPECT_EQ(segwit_v0_sighash(tx, i, script_code, Sats{5}, type, &cache),
                      segwit_v0_sighash(tx, i, script_code, Sats{5}, type, nullptr));
        }
    }
    // Each committed field changes the hash.
    const Hash256 base = segwit_v0_sighash(tx, 0, script_code, Sats{5}, 1, &cache);
    EXPECT_NE(base, segwit_v0_sighash(tx, 0, script_code, Sats{6}, 1, &cache));
    EXPECT_NE(base, segwit_v0_sighash(tx, 0, Bytes{0x76}, Sats{5}, 1, &cache));
    EXPECT_NE(base, segwit_v0_sighash(tx, 1, script_code, Sats{5}, 1, &cache));
}

}  // namespace
}  // namespace datt::bitcoin
