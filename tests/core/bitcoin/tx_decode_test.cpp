// decoderawtransaction's description of a transaction (tx_decode.h), its asm (script_asm.h),
// output types (script_solver.h) and inferred descriptors (descriptor.h), against output
// printed by Bitcoin Core itself (copied from published `getrawtransaction ... 2` replies,
// noted at each test) and against rules stated in Core's source.
#include <gtest/gtest.h>

#include "bitcoin/descriptor.h"
#include "bitcoin/network.h"
#include "bitcoin/script_asm.h"
#include "bitcoin/script_solver.h"
#include "bitcoin/tx.h"
#include "bitcoin/tx_decode.h"
#include "util/hex.h"

namespace datt::bitcoin {
namespace {

Bytes hex(std::string_view text) { return from_hex(text).value(); }

DecodedTransaction decode_hex(std::string_view text, const Network& network) {
    auto tx = parse_transaction(hex(text));
    EXPECT_TRUE(tx.ok());
    return decode_transaction(*tx, network);
}

// Bitcoin Core 28 regtest, `getrawtransaction <coinbase txid> 2` (a published lab report).
TEST(TxDecode, ACoreRegtestCoinbaseAsCorePrintsIt) {
    const auto d = decode_hex(
        "020000000001010000000000000000000000000000000000000000000000000000000000000000ffffffff02"
        "5200feffffff0200f2052a010000001600143b81090c90364aef866ecfa6843cb4a79fc045e7000000000000"
        "0000266a24aa21a9ede2f61c3f71d1defd3fa999dfa36953755c690689799962b48bebd836974e8cf9012000"
        "0000000000000000000000000000000000000000000000000000000000000001000000",
        regtest());
    EXPECT_EQ(d.txid, "2f84a7d33c1c6b4c1bb00dca018c953400f25b31a0d0f22b8779817e1fdb4b0a");
    EXPECT_EQ(d.hash, "7105389e68d2be7c8f033c006afa6159a5fd065b4fb92809502d1db8a217c57b");
    EXPECT_EQ(d.version, 2u);
    EXPECT_EQ(d.size, 167u);
    EXPECT_EQ(d.vsize, 140u);
    EXPECT_EQ(d.weight, 560u);
    EXPECT_EQ(d.locktime, 1u);
    ASSERT_EQ(d.vin.size(), 1u);
    EXPECT_TRUE(d.vin[0].coinbase);
    EXPECT_EQ(d.vin[0].script_sig.hex, "5200");
    ASSERT_TRUE(d.vin[0].witness);
    EXPECT_EQ(*d.vin[0].witness, std::vector<std::string>{std::string(64, '0')});
    EXPECT_EQ(d.vin[0].sequence, 4294967294u);
    ASSERT_EQ(d.vout.size(), 2u);
    EXPECT_EQ(format_btc(d.vout[0].value), "50.00000000");
    EXPECT_EQ(d.vout[0].n, 0u);
    EXPECT_EQ(d.vout[0].script_pubkey.asm_text, "0 3b81090c90364aef866ecfa6843cb4a79fc045e7");
    EXPECT_EQ(d.vout[0].script_pubkey.descriptor,
              "addr(bcrt1q8wqsjrysxe9wlpnwe7ngg095570uq308nktqcl)#wxmqphqq");
    EXPECT_EQ(d.vout[0].script_pubkey.hex, "00143b81090c90364aef866ecfa6843cb4a79fc045e7");
    EXPECT_EQ(d.vout[0].script_pubkey.address, "bcrt1q8wqsjrysxe9wlpnwe7ngg095570uq308nktqcl");
    EXPECT_EQ(d.vout[0].script_pubkey.type, "witness_v0_keyhash");
    EXPECT_EQ(format_btc(d.vout[1].value), "0.00000000");
    EXPECT_EQ(d.vout[1].script_pubkey.asm_text,
              "OP_RETURN aa21a9ede2f61c3f71d1defd3fa999dfa36953755c690689799962b48bebd836974e8cf9");
    EXPECT_EQ(d.vout[1].script_pubkey.descriptor,
              "raw(6a24aa21a9ede2f61c3f71d1defd3fa999dfa36953755c690689799962b48bebd836974e8cf9)"
              "#cav96mf3");
    EXPECT_FALSE(d.vout[1].script_pubkey.address);
    EXPECT_EQ(d.vout[1].script_pubkey.type, "nulldata");
}

// A signed P2PKH spend on a testnet-prefixed chain as Core 28 printed it (a published test
// fixture): the scriptSig's signature shows its hash type as [ALL]; a 2-byte OP_RETURN push
// prints as a number.
TEST(TxDecode, ASignedP2pkhSpendWithAnOpReturnNumber) {
    const auto d = decode_hex(
        "0300000001499c8368bfffd814210be8149d555933e58106de851ddab70ad145e94d877dc6000000006a4730"
        "44022032ae74d15ba45916b8183748e20317d1d84347fd27d458c7c0f296f1837347d802205e5df2aa058fb6"
        "b88452b80843f05c5cbb9848c98e73919218fca5fa831daa210121025bfb039e390283e1682c53aa19087725"
        "b63039f9f18d32a3ff3be444669b31dfffffffff0342f99000000000001976a914e6cf69bef993f88d547cd0"
        "a6fca17a4a4ed3e0c588ac00000000000000001976a914e611a8894f845a0a99e8f87d16850ef1bbfea81988"
        "ac0000000000000000046a02486900000000",
        testnet3());
    EXPECT_EQ(d.size, 238u);
    EXPECT_EQ(d.weight, 952u);
    EXPECT_EQ(d.vin[0].txid, "c67d874de945d10ab7da1d85de0681e53359559d14e80b2114d8ffbf68839c49");
    EXPECT_FALSE(d.vin[0].witness);
    EXPECT_EQ(d.vin[0].script_sig.asm_text,
              "3044022032ae74d15ba45916b8183748e20317d1d84347fd27d458c7c0f296f1837347d802205e5df2"
              "aa058fb6b88452b80843f05c5cbb9848c98e73919218fca5fa831daa21[ALL] "
              "025bfb039e390283e1682c53aa19087725b63039f9f18d32a3ff3be444669b31df");
    EXPECT_EQ(d.vout[0].script_pubkey.descriptor, "addr(n2ZNBVFB9Rob6CBxUz4L7JhkkRsohddptN)#vwhka9fn");
    EXPECT_EQ(d.vout[1].script_pubkey.descriptor, "addr(n2VSs6f787ebhgRRnURdLtinCkPjDT4zZ7)#2l0s7aqf");
    EXPECT_EQ(d.vout[1].script_pubkey.type, "pubkeyhash");
    EXPECT_EQ(d.vout[2].script_pubkey.asm_text, "OP_RETURN 26952");
    EXPECT_EQ(d.vout[2].script_pubkey.descriptor, "raw(6a024869)#nz6xdglz");
}

// BIP-380's checksum test vector, and published Core outputs for rawtr() and P2A.
TEST(Descriptor, ChecksumsAndInferenceMatchCore) {
    EXPECT_EQ(descriptor_checksum("raw(deadbeef)"), "89f8spxm");
    EXPECT_EQ(descriptor_checksum("raw(\x01)"), "");
    EXPECT_EQ(infer_descriptor(hex("51203b8b3ab1453eb47e2d4903b963776680e30863df3625d3e74292338ae7928da1"),
                               mainnet()),
              "rawtr(3b8b3ab1453eb47e2d4903b963776680e30863df3625d3e74292338ae7928da1)#tv35u9pg");
    EXPECT_EQ(infer_descriptor(hex("6a5d0414011400"), mainnet()), "raw(6a5d0414011400)#cwmyltm8");
    EXPECT_EQ(script_to_asm(hex("6a5d0414011400")), "OP_RETURN 13 1310996");
    EXPECT_EQ(infer_descriptor(hex("0014c3f1f018c993180e667d6fcc51af0036a38a9729"), mainnet()),
              "addr(bc1qc0clqxxfjvvquenadlx9rtcqx63c49ef0pfw29)#vrdfe95j");
    EXPECT_EQ(infer_descriptor(hex("a9146582f2551e2a47e1ae8b03fb666401ed7c4552ef87"), mainnet()),
              "addr(3Awm3FNpmwrbvAFVThRUFqgpbVuqWisni9)#j8r6vh28");
    // P2PK and bare multisig name their keys; the same with a hybrid key falls back to raw().
    const std::string key = "02" + std::string(64, 'a');
    const auto pk = infer_descriptor(hex("21" + key + "ac"), mainnet());
    const std::string pk_text = std::string("pk(").append(key).append(")");
    EXPECT_EQ(pk, pk_text + "#" + descriptor_checksum(pk_text));
    const std::string multisig = "51" "21" + key + "51ae";
    const std::string multi = "multi(1," + key + ")";
    EXPECT_EQ(infer_descriptor(hex(multisig), mainnet()), multi + "#" + descriptor_checksum(multi));
    const std::string hybrid = "06" + std::string(128, 'b');
    EXPECT_EQ(infer_descriptor(hex("41" + hybrid + "ac"), mainnet()).substr(0, 4), "raw(");
}

// Core's Solver where it differs from Datt's own classify(): any OP_RETURN of pushes,
// multisig keys judged by size only, v0 programs of other sizes nonstandard, P2A.
TEST(ScriptSolver, FollowsCoreSolver) {
    auto type = [](std::string_view script) {
        return std::string(txout_type_name(solve_script(hex(script)).type));
    };
    EXPECT_EQ(type("6a"), "nulldata");
    EXPECT_EQ(type("6a" "4c05" "0102"), "nonstandard");  // a truncated push
    EXPECT_EQ(type("6a01020103" "60" "4f"), "nulldata");  // pushes and OP_16, OP_1NEGATE
    EXPECT_EQ(type("6a61"), "nonstandard");               // OP_NOP is not a push
    EXPECT_EQ(type("51024e73"), "anchor");
    EXPECT_EQ(type("0003010203"), "nonstandard");
    EXPECT_EQ(type("5203010203"), "witness_unknown");
    EXPECT_EQ(type("00"), "nonstandard");
    // A 1-of-1 with a key of the right size that is not a point: multisig for Core.
    EXPECT_EQ(type("5121" "02" + std::string(64, 'f') + "51ae"), "multisig");
    // Non-minimal m (a PUSHDATA1 of 1): not multisig.
    EXPECT_EQ(type("4c0101" "21" "02" + std::string(64, 'f') + "51ae"), "nonstandard");
    EXPECT_EQ(type("21" "03" + std::string(64, 'f') + "ac"), "pubkey");
    EXPECT_EQ(type("21" "04" + std::string(64, 'f') + "ac"), "nonstandard");  // size mismatch
    EXPECT_EQ(type(""), "nonstandard");
}

TEST(ScriptAsm, NumbersPushesOpcodesAndErrors) {
    EXPECT_EQ(script_to_asm(hex("00")), "0");
    EXPECT_EQ(script_to_asm(hex("4f515f60")), "-1 1 15 16");
    EXPECT_EQ(script_to_asm(hex("0181")), "-1");         // ScriptNum: 0x81 = -1
    EXPECT_EQ(script_to_asm(hex("020100")), "1");        // not minimal, still a number
    EXPECT_EQ(script_to_asm(hex("04ffffffff")), "-2147483647");
    EXPECT_EQ(script_to_asm(hex("050102030405")), "0102030405");
    EXPECT_EQ(script_to_asm(hex("b1b2ba50ff")), "OP_CHECKLOCKTIMEVERIFY OP_CHECKSEQUENCEVERIFY "
                                                "OP_CHECKSIGADD OP_RESERVED OP_INVALIDOPCODE");
    EXPECT_EQ(script_to_asm(hex("bb")), "OP_UNKNOWN");
    EXPECT_EQ(script_to_asm(hex("76" "4c05" "0102")), "OP_DUP [error]");
    EXPECT_EQ(script_to_asm(hex("")), "");
    // A valid DER signature + SINGLE|ANYONECANPAY decodes in a scriptSig only, and never
    // after OP_RETURN; an undefined hash type (0x04) stays hex.
    const std::string der =
        "3044022032ae74d15ba45916b8183748e20317d1d84347fd27d458c7c0f296f1837347d802205e5df2aa05"
        "8fb6b88452b80843f05c5cbb9848c98e73919218fca5fa831daa21";
    EXPECT_EQ(script_to_asm(hex("47" + der + "83"), true), der + "[SINGLE|ANYONECANPAY]");
    EXPECT_EQ(script_to_asm(hex("47" + der + "83"), false), der + "83");
    EXPECT_EQ(script_to_asm(hex("6a47" + der + "83"), true), "OP_RETURN " + der + "83");
    EXPECT_EQ(script_to_asm(hex("47" + der + "04"), true), der + "04");
}

TEST(TxDecode, FormatBtcIsCoreValueFromAmount) {
    EXPECT_EQ(format_btc(Sats{0}), "0.00000000");
    EXPECT_EQ(format_btc(Sats{1}), "0.00000001");
    EXPECT_EQ(format_btc(Sats{2'100'000'000'000'000}), "21000000.00000000");
    EXPECT_EQ(format_btc(Sats{-150'000'000}), "-1.50000000");
    EXPECT_EQ(format_btc(Sats{INT64_MIN}), "-92233720368.54775808");
    EXPECT_EQ(format_btc(Sats{INT64_MAX}), "92233720368.54775807");
}

}  // namespace
}  // namespace datt::bitcoin
