// The bridge's validation of node replies (relay/bitcoin/rpc_reply.h), in process: what a
// lying, malformed or oversized node says is turned into the documented error codes, and
// honest replies pass. Headers are real: Bitcoin Core's regtest genesis, and headers mined
// on it here with the regtest target (about every other nonce passes).
#include <gtest/gtest.h>

#include "bitcoin/display_hash.h"
#include "bitcoin/merkle_block.h"
#include "bitcoin/network.h"
#include "bitcoin/partial_merkle_tree.h"
#include "bridge/rpc_client.h"
#include "bridge/rpc_reply.h"
#include "util/hex.h"

namespace datt::relay::bitcoin_bridge {
namespace {

namespace btc = datt::bitcoin;

btc::BlockHeader mined_on(const btc::BlockHeader& prev, uint8_t salt) {
    btc::BlockHeader h;
    h.version = 0x20000000;
    h.prev_block = btc::block_hash(prev);
    h.merkle_root.fill(salt);
    h.time = prev.time + 600;
    h.bits = 0x207fffff;
    const auto& limit = btc::regtest().pow_limit;
    for (h.nonce = 0; !btc::check_proof_of_work(btc::block_hash(h), h.bits, limit); ++h.nonce) {
    }
    return h;
}

struct Chain {
    std::vector<btc::BlockHeader> headers;
    std::vector<json> hashes, raw;
};

Chain chain_of(size_t n) {
    Chain c;
    c.headers.push_back(btc::regtest().genesis);
    for (size_t i = 1; i < n; ++i) c.headers.push_back(mined_on(c.headers.back(), static_cast<uint8_t>(i)));
    for (const auto& h : c.headers) {
        c.hashes.push_back(btc::to_display_hex(btc::block_hash(h)));
        c.raw.push_back(to_hex(btc::serialize_block_header(h)));
    }
    return c;
}

TEST(RpcReply, ResultErrorAndShape) {
    auto ok = rpc_result(R"({"result": 5, "error": null, "id": 0})", 1000);
    ASSERT_TRUE(ok);
    EXPECT_EQ(*ok, 5);
    auto node = rpc_result(R"({"result": null, "error": {"code": -26, "message": "txn-mempool-conflict"}, "id": 0})", 1000);
    ASSERT_FALSE(node);
    EXPECT_EQ(node.error().code, "node_error");
    EXPECT_EQ(node.error().message, "txn-mempool-conflict");
    EXPECT_EQ(rpc_result("[1,", 1000).error().code, "rpc_reply_malformed");
    EXPECT_EQ(rpc_result(R"({"result": 1})", 1000).error().code, "rpc_reply_malformed");
    EXPECT_EQ(rpc_result(std::string(2000, ' '), 1000).error().code, "rpc_reply_too_large");
    // The node's words are kept printable and short.
    auto noisy = rpc_result(R"({"result": null, "error": {"message": ")" + std::string(500, 'x') + "\\u0001\"}}", 10000);
    ASSERT_FALSE(noisy);
    EXPECT_LE(noisy.error().message.size(), kMaxNodeMessageChars + 3);
}

TEST(RpcReply, BatchIdsAndCounts) {
    auto ok = rpc_batch_results(R"([{"id":1,"result":"b","error":null},{"id":0,"result":"a","error":null}])", 2, 1000);
    ASSERT_TRUE(ok);
    EXPECT_EQ((*ok)[0], "a");
    EXPECT_EQ((*ok)[1], "b");
    EXPECT_EQ(rpc_batch_results(R"([{"id":0,"result":"a","error":null}])", 2, 1000).error().code, "rpc_reply_malformed");
    EXPECT_EQ(rpc_batch_results(R"([{"id":0,"result":"a","error":null},{"id":0,"result":"a","error":null}])", 2, 1000)
                  .error()
                  .code,
              "rpc_reply_malformed");
    EXPECT_EQ(rpc_batch_results(R"([{"id":0,"result":null,"error":{"message":"no"}},{"id":1,"result":1,"error":null}])",
                                2, 1000)
                  .error()
                  .code,
              "node_error");
}

TEST(RpcReply, HonestHeadersPass) {
    Chain c = chain_of(5);
    auto checked = check_header_range(c.hashes, c.raw, btc::regtest());
    ASSERT_TRUE(checked) << checked.error().message;
    EXPECT_EQ(*checked, c.headers);
}

TEST(RpcReply, HeaderNotHashingToItsBlockIsALie) {
    Chain c = chain_of(4);
    c.raw[2] = c.raw[3];
    auto checked = check_header_range(c.hashes, c.raw, btc::regtest());
    ASSERT_FALSE(checked);
    EXPECT_EQ(checked.error().code, "node_lied");
}

TEST(RpcReply, HeadersThatDoNotLinkAreALie) {
    Chain c = chain_of(4);
    // Block 2 replaced by a valid header mined on genesis (hash and header agree).
    const btc::BlockHeader other = mined_on(c.headers[0], 0xee);
    c.hashes[2] = btc::to_display_hex(btc::block_hash(other));
    c.raw[2] = to_hex(btc::serialize_block_header(other));
    auto checked = check_header_range(c.hashes, c.raw, btc::regtest());
    ASSERT_FALSE(checked);
    EXPECT_EQ(checked.error().code, "node_lied");
    EXPECT_NE(checked.error().message.find("does not link"), std::string::npos);
}

TEST(RpcReply, HeaderWithoutProofOfWorkIsALie) {
    Chain c = chain_of(2);
    btc::BlockHeader weak = c.headers[1];
    weak.bits = 0x1d00ffff;  // mainnet's first target: far harder than what was mined
    c.hashes[1] = btc::to_display_hex(btc::block_hash(weak));
    c.raw[1] = to_hex(btc::serialize_block_header(weak));
    auto checked = check_header_range(c.hashes, c.raw, btc::regtest());
    ASSERT_FALSE(checked);
    EXPECT_EQ(checked.error().code, "node_lied");
}

TEST(RpcReply, MalformedHeaderHex) {
    Chain c = chain_of(2);
    c.raw[1] = "zz";
    EXPECT_EQ(check_header_range(c.hashes, c.raw, btc::regtest()).error().code, "rpc_reply_malformed");
}

TEST(RpcReply, TxoutProofMustContainTheTxid) {
    Hash256 txid{};
    txid.fill(0x42);
    Hash256 other{};
    other.fill(0x43);
    const std::vector<Hash256> txids = {txid, other};
    auto tree = btc::PartialMerkleTree::build(txids, std::vector<bool>{true, false});
    ASSERT_TRUE(tree);
    btc::BlockHeader h;
    h.prev_block = btc::block_hash(btc::regtest().genesis);
    h.merkle_root = tree->root();
    h.bits = 0x207fffff;
    for (; !btc::check_proof_of_work(btc::block_hash(h), h.bits, btc::regtest().pow_limit); ++h.nonce) {
    }
    const Bytes block = btc::MerkleBlock::from_parts(h, *tree).serialize();
    const json reply = to_hex(block);
    auto ok = check_txout_proof(reply, txid, btc::regtest());
    ASSERT_TRUE(ok) << ok.error().message;
    EXPECT_EQ(ok->merkle_block, block);
    auto wrong = check_txout_proof(reply, other, btc::regtest());
    ASSERT_FALSE(wrong);
    EXPECT_EQ(wrong.error().code, "node_lied");
    // A root that is not the header's.
    btc::BlockHeader bad = h;
    bad.merkle_root.fill(1);
    for (; !btc::check_proof_of_work(btc::block_hash(bad), bad.bits, btc::regtest().pow_limit); ++bad.nonce) {
    }
    const json bad_reply = to_hex(btc::MerkleBlock::from_parts(bad, *tree).serialize());
    EXPECT_EQ(check_txout_proof(bad_reply, txid, btc::regtest()).error().code, "node_lied");
    EXPECT_EQ(check_txout_proof(json("abc"), txid, btc::regtest()).error().code, "rpc_reply_malformed");
    EXPECT_EQ(check_txout_proof(json("00"), txid, btc::regtest()).error().code, "node_lied");
}

TEST(RpcReply, ChainInfo) {
    auto info = chain_info_result(json::parse(
        R"({"chain":"regtest","blocks":3,"bestblockhash":"0f9188f13cb7b2c71f2a335e3a4fc328bf5beb436012afca590b1a11466e2206"})"));
    ASSERT_TRUE(info);
    EXPECT_EQ(info->chain, "regtest");
    EXPECT_EQ(info->blocks, 3u);
    EXPECT_EQ(info->best_block, btc::block_hash(btc::regtest().genesis));
    EXPECT_FALSE(chain_info_result(json::parse(R"({"chain":"regtest","blocks":-1,"bestblockhash":"00"})")));
}

TEST(RpcUrl, ParsesAndRefusesCredentialsInTheUrl) {
    auto url = parse_rpc_url("http://127.0.0.1:18443/");
    ASSERT_TRUE(url);
    EXPECT_EQ(url->host, "127.0.0.1");
    EXPECT_EQ(url->port, "18443");
    EXPECT_EQ(url->target, "/");
    EXPECT_EQ(parse_rpc_url("http://user:pw@127.0.0.1:18443/").error().code, "rpc_config");
    EXPECT_FALSE(parse_rpc_url("https://127.0.0.1:1/"));
    EXPECT_FALSE(parse_rpc_url("http://127.0.0.1/"));
}

// gettxout as bitcoind and bcoin write it (the value in BTC as a JSON number).
json txout(const std::string& value, const std::string& script = "0020" + std::string(64, 'a')) {
    return json::parse(R"({"bestblock":"00","confirmations":3,"value":)" + value + R"(,"scriptPubKey":{"hex":")" +
                       script + R"(","type":"witness_v0_scripthash"},"coinbase":false})");
}

TEST(RpcReply, TxoutValueIsExactSatoshis) {
    auto none = txout_result(json(nullptr));
    ASSERT_TRUE(none);
    EXPECT_FALSE(none->has_value());  // spent or unknown

    auto out = txout_result(txout("0.01000000"));
    ASSERT_TRUE(out && out->has_value());
    EXPECT_EQ((*out)->value, btc::Sats{1'000'000});
    EXPECT_EQ((*out)->confirmations, 3u);
    EXPECT_EQ(to_hex((*out)->script_pubkey), "0020" + std::string(64, 'a'));
    // Every amount is told apart from its neighbours, up to the last satoshi of 21e6 BTC.
    const std::vector<std::pair<std::string, int64_t>> exact = {
        {"0.00000001", 1}, {"0.00012345", 12'345}, {"0.1", 10'000'000}, {"1e-05", 1'000},
        {"20999999.99999999", 2'099'999'999'999'999}, {"21000000", 2'100'000'000'000'000},
        {"0.29", 29'000'000}, {"1.00000001", 100'000'001}, {"0", 0}};
    for (const auto& [text, sats] : exact) {
        auto parsed = txout_result(txout(text));
        ASSERT_TRUE(parsed && parsed->has_value()) << text;
        EXPECT_EQ((*parsed)->value.value(), sats) << text;
    }
    // Not a whole number of satoshis, negative, over the money supply, not a number.
    for (const std::string& bad : std::vector<std::string>{"0.000000015", "1.000000001", "-0.1", "21000000.00000001", "1e300", "\"0.1\"",
                                  "true", "null"}) {
        auto parsed = txout_result(txout(bad));
        ASSERT_FALSE(parsed) << bad;
        EXPECT_EQ(parsed.error().code, "rpc_reply_malformed") << bad;
    }
}

TEST(RpcReply, TxoutShapeIsChecked) {
    for (const std::string& script : std::vector<std::string>{"0020AA", "abc", "zz", std::string(20'002, 'a')}) {
        auto parsed = txout_result(txout("0.1", script));
        ASSERT_FALSE(parsed) << script.substr(0, 10);
        EXPECT_EQ(parsed.error().code, "rpc_reply_malformed");
    }
    EXPECT_TRUE(txout_result(txout("0.1", "")));  // an empty script is a script
    EXPECT_FALSE(txout_result(json::parse(R"({"value":0.1,"scriptPubKey":{"hex":"00"}})")));  // no depth
    EXPECT_FALSE(txout_result(json::parse(R"({"confirmations":-1,"value":0.1,"scriptPubKey":{"hex":"00"}})")));
    EXPECT_FALSE(txout_result(json::parse(R"({"confirmations":4294967296,"value":0.1,"scriptPubKey":{"hex":"00"}})")));
    EXPECT_FALSE(txout_result(json::parse(R"({"confirmations":1,"value":0.1,"scriptPubKey":"00"})")));
    EXPECT_FALSE(txout_result(json::parse(R"({"confirmations":1,"value":0.1})")));
    EXPECT_FALSE(txout_result(json::parse("[]")));
    EXPECT_FALSE(txout_result(json(5)));
}

}  // namespace
}  // namespace datt::relay::bitcoin_bridge
