// core/proto BTC messages: each method's parameters parsed strictly, limits enforced, the
// errors' codes, and the replies as JSON a client reads back.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "proto/btc_request.h"
#include "proto/message.h"

namespace datt::proto {
namespace {

using nlohmann::json;

const std::string kTxid(64, 'a');

BtcRequest request(const std::string& text) {
    auto parsed = parse_btc_message(text);
    EXPECT_TRUE(parsed) << text;
    auto* r = std::get_if<BtcRequest>(&*parsed);
    EXPECT_NE(r, nullptr) << text;
    return r ? *r : BtcRequest{};
}

std::string invalid_code(const std::string& text) {
    auto parsed = parse_btc_message(text);
    if (!parsed) return "parse:" + parsed.error().code;
    auto* r = std::get_if<InvalidBtcRequest>(&*parsed);
    return r ? r->error.code : "valid";
}

TEST(BtcRequest, Methods) {
    EXPECT_TRUE(std::holds_alternative<BtcStatus>(request(R"(["BTC","1",{"method":"status"}])").call));
    auto b = std::get<BtcBroadcast>(request(R"(["BTC","1",{"method":"broadcast","tx":"0a0b"}])").call);
    EXPECT_EQ(b.tx, (Bytes{0x0a, 0x0b}));
    auto h = std::get<BtcHeaders>(request(R"(["BTC","1",{"method":"headers","from":7,"count":500}])").call);
    EXPECT_EQ(h.from, 7u);
    EXPECT_EQ(h.count, 500u);
    auto p = std::get<BtcProof>(request(R"(["BTC","1",{"method":"proof","txid":")" + kTxid + R"("}])").call);
    EXPECT_EQ(p.txid_hex, kTxid);
    auto w = std::get<BtcWatch>(request(R"(["BTC","1",{"method":"unwatch","scripts":["51"],"outpoints":[{"txid":")" +
                                        kTxid + R"(","vout":3}]}])")
                                    .call);
    EXPECT_FALSE(w.add);
    EXPECT_EQ(w.scripts, std::vector<Bytes>{Bytes{0x51}});
    EXPECT_EQ(w.outpoints, (std::vector<BtcOutpoint>{{kTxid, 3}}));
    EXPECT_FALSE(w.from_height);
    auto rescan = std::get<BtcWatch>(request(R"(["BTC","1",{"method":"watch","outpoints":[{"txid":")" + kTxid +
                                             R"(","vout":0}],"from_height":10000000}])")
                                         .call);
    EXPECT_EQ(rescan.from_height, 10'000'000u);
    auto f = std::get<BtcFaucet>(request(R"(["BTC","1",{"method":"faucet","address":"rb1q","sats":5}])").call);
    EXPECT_EQ(f.sats, 5u);
    auto m = std::get<BtcMine>(request(R"(["BTC","1",{"method":"mine","blocks":2}])").call);
    EXPECT_EQ(m.blocks, 2u);
}

TEST(BtcRequest, Rejections) {
    EXPECT_EQ(invalid_code(R"(["BTC"])"), "parse:bad_request_id");
    EXPECT_EQ(invalid_code(R"(["BTC",""])"), "parse:bad_request_id");
    EXPECT_EQ(invalid_code(R"(["BTC",")" + std::string(65, 'x') + R"(",{"method":"status"}])"), "parse:bad_request_id");
    EXPECT_EQ(invalid_code(R"(["BTC","1"])"), "btc_syntax");
    EXPECT_EQ(invalid_code(R"(["BTC","1",{"method":"nope"}])"), "btc_unknown_method");
    EXPECT_EQ(invalid_code(R"(["BTC","1",{}])"), "btc_unknown_method");
    EXPECT_EQ(invalid_code(R"(["BTC","1",{"method":"status","x":1}])"), "btc_bad_params");
    EXPECT_EQ(invalid_code(R"(["BTC","1",{"method":"broadcast","tx":"0A"}])"), "btc_bad_params");
    EXPECT_EQ(invalid_code(R"(["BTC","1",{"method":"broadcast","tx":"abc"}])"), "btc_bad_params");
    EXPECT_EQ(invalid_code(R"(["BTC","1",{"method":"headers","from":0,"count":501}])"), "btc_bad_params");
    EXPECT_EQ(invalid_code(R"(["BTC","1",{"method":"headers","from":-1,"count":1}])"), "btc_bad_params");
    EXPECT_EQ(invalid_code(R"(["BTC","1",{"method":"headers","from":0,"count":0}])"), "btc_bad_params");
    EXPECT_EQ(invalid_code(R"(["BTC","1",{"method":"proof","txid":"ab"}])"), "btc_bad_params");
    EXPECT_EQ(invalid_code(R"(["BTC","1",{"method":"watch"}])"), "btc_bad_params");
    const std::string outpoint = R"("outpoints":[{"txid":")" + kTxid + R"(","vout":0}])";
    // from_height: only with outpoints, only on watch, a height within kMaxBtcHeight.
    EXPECT_EQ(invalid_code(R"(["BTC","1",{"method":"watch","scripts":["51"],"from_height":1}])"), "btc_bad_params");
    EXPECT_EQ(invalid_code(R"(["BTC","1",{"method":"unwatch",)" + outpoint + R"(,"from_height":1}])"), "btc_bad_params");
    EXPECT_EQ(invalid_code(R"(["BTC","1",{"method":"watch",)" + outpoint + R"(,"from_height":-1}])"), "btc_bad_params");
    EXPECT_EQ(invalid_code(R"(["BTC","1",{"method":"watch",)" + outpoint + R"(,"from_height":10000001}])"),
              "btc_bad_params");
    EXPECT_EQ(invalid_code(R"(["BTC","1",{"method":"watch",)" + outpoint + R"(,"from_height":"5"}])"), "btc_bad_params");
    EXPECT_EQ(invalid_code(R"(["BTC","1",{"method":"mine","blocks":201}])"), "btc_bad_params");
    EXPECT_EQ(invalid_code(R"(["BTC","1",{"method":"faucet","address":"x","sats":0}])"), "btc_bad_params");
    json many = json::array();
    for (int i = 0; i < 101; ++i) many.push_back("51");
    EXPECT_EQ(invalid_code(json::array({"BTC", "1", {{"method", "watch"}, {"scripts", many}}}).dump()), "btc_bad_params");
}

TEST(BtcRequest, ThroughParseClientMessage) {
    auto parsed = parse_client_message(R"(["BTC","q",{"method":"status"}])");
    ASSERT_TRUE(parsed);
    EXPECT_TRUE(std::holds_alternative<BtcRequest>(*parsed));
    auto invalid = parse_client_message(R"(["BTC","q",{"method":"mine"}])");
    ASSERT_TRUE(invalid);
    EXPECT_TRUE(std::holds_alternative<InvalidBtcRequest>(*invalid));
    EXPECT_EQ(parse_client_message(R"(["BTC",1])").error().code, "bad_request_id");
}

TEST(BtcRequest, Replies) {
    const json ok = json::parse(format_btc_ok("a\"b", R"({"x":1})"));
    EXPECT_EQ(ok, json::parse(R"(["BTC-OK","a\"b",{"x":1}])"));
    const json err = json::parse(format_btc_err("id", "node_error", "bad \"thing\"\n"));
    EXPECT_EQ(err[0], "BTC-ERR");
    EXPECT_EQ(err[2]["code"], "node_error");
    EXPECT_EQ(err[2]["message"], "bad \"thing\"\n");
    EXPECT_EQ(json::parse(format_btc_event(R"({"type":"tip"})"))[1]["type"], "tip");
}

}  // namespace
}  // namespace datt::proto
