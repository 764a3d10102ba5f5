#include <gtest/gtest.h>

#include "bitcoin/tx_check.h"

namespace datt::bitcoin {
namespace {

Transaction valid_tx() {
    Transaction tx;
    TxIn in;
    in.prevout.txid.fill(1);
    tx.inputs.push_back(in);
    tx.outputs.push_back(TxOut{Sats{1000}, Bytes{0x51}});
    return tx;
}

std::string code_of(const Transaction& tx) {
    auto status = check_transaction(tx);
    return status.ok() ? "ok" : status.error().code;
}

TEST(CheckTransaction, CodesForEachRule) {
    EXPECT_EQ(code_of(valid_tx()), "ok");
    Transaction tx = valid_tx();
    tx.inputs.clear();
    EXPECT_EQ(code_of(tx), "tx_no_inputs");
    tx = valid_tx();
    tx.outputs.clear();
    EXPECT_EQ(code_of(tx), "tx_no_outputs");
    tx = valid_tx();
    tx.outputs[0].value = Sats{-1};
    EXPECT_EQ(code_of(tx), "tx_output_negative");
    tx.outputs[0].value = Sats{kMaxMoney.value() + 1};
    EXPECT_EQ(code_of(tx), "tx_output_too_large");
    tx.outputs[0].value = kMaxMoney;
    EXPECT_EQ(code_of(tx), "ok");
    tx.outputs.push_back(TxOut{Sats{1}, Bytes{}});
    EXPECT_EQ(code_of(tx), "tx_output_total_too_large");
    tx = valid_tx();
    tx.inputs.push_back(tx.inputs[0]);
    EXPECT_EQ(code_of(tx), "tx_duplicate_input");
    tx.inputs[1].prevout.index = 1;
    EXPECT_EQ(code_of(tx), "ok");
    tx = valid_tx();
    tx.outputs[0].script_pubkey.assign(1'000'000, 0x51);
    EXPECT_EQ(code_of(tx), "tx_oversize");
}

TEST(CheckTransaction, CoinbaseAndNullPrevouts) {
    Transaction coinbase = valid_tx();
    coinbase.inputs[0].prevout = OutPoint{Hash256{}, 0xffffffff};
    EXPECT_TRUE(is_coinbase(coinbase));
    EXPECT_EQ(code_of(coinbase), "tx_coinbase_script_size");
    coinbase.inputs[0].script_sig = Bytes{0x01, 0x02};
    EXPECT_EQ(code_of(coinbase), "ok");
    coinbase.inputs[0].script_sig.assign(101, 0);
    EXPECT_EQ(code_of(coinbase), "tx_coinbase_script_size");
    Transaction two = valid_tx();
    two.inputs.push_back(TxIn{OutPoint{Hash256{}, 0xffffffff}, {}, 0, {}});
    EXPECT_FALSE(is_coinbase(two));
    EXPECT_EQ(code_of(two), "tx_null_prevout");
}

}  // namespace
}  // namespace datt::bitcoin
