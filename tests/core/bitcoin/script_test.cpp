#include <gtest/gtest.h>

#include "bitcoin/opcodes.h"
#include "bitcoin/script.h"
#include "bitcoin/script_num.h"
#include "util/hex.h"

namespace datt::bitcoin {
namespace {

Bytes hex(std::string_view s) { return from_hex(s).value(); }

TEST(ScriptNum, EncodesSignInTheTopBitOfTheLastByte) {
    EXPECT_EQ(ScriptNum::encode(0), Bytes{});
    EXPECT_EQ(ScriptNum::encode(1), hex("01"));
    EXPECT_EQ(ScriptNum::encode(-1), hex("81"));
    EXPECT_EQ(ScriptNum::encode(127), hex("7f"));
    EXPECT_EQ(ScriptNum::encode(128), hex("8000"));
    EXPECT_EQ(ScriptNum::encode(-128), hex("8080"));
    EXPECT_EQ(ScriptNum::encode(255), hex("ff00"));
    EXPECT_EQ(ScriptNum::encode(256), hex("0001"));
    EXPECT_EQ(ScriptNum::encode(-256), hex("0081"));
    EXPECT_EQ(ScriptNum::encode(0x7fffffff), hex("ffffff7f"));
    EXPECT_EQ(ScriptNum::encode(-0x80000000LL), hex("0000008080"));
    EXPECT_EQ(ScriptNum::encode(INT64_MIN), hex("000000000000008080"));
}

TEST(ScriptNum, DecodeRoundTripsAndChecksMinimalForm) {
    for (int64_t v : {0LL, 1LL, -1LL, 127LL, 128LL, -128LL, 32767LL, -32768LL, 0x7fffffffLL,
                      -0x7fffffffLL}) {
        auto decoded = ScriptNum::decode(ScriptNum::encode(v), true);
        ASSERT_TRUE(decoded) << v;
        EXPECT_EQ(decoded->value(), v);
    }
    EXPECT_FALSE(ScriptNum::decode(hex("00"), true));    // zero with a sign byte
    EXPECT_FALSE(ScriptNum::decode(hex("80"), true));    // negative zero
    EXPECT_FALSE(ScriptNum::decode(hex("0100"), true));  // padding
    EXPECT_TRUE(ScriptNum::decode(hex("8000"), true));   // 128 needs the 0x00
    EXPECT_EQ(ScriptNum::decode(hex("0100"), false)->value(), 1);
    EXPECT_EQ(ScriptNum::decode(hex("80"), false)->value(), 0);
    EXPECT_FALSE(ScriptNum::decode(hex("0000000001"), false));  // 5 bytes, max 4
    EXPECT_EQ(ScriptNum::decode(hex("ffffffff7f"), true, 5)->value(), 0x7fffffffffLL);
    EXPECT_EQ(ScriptNum(5000000000LL).clamped_int(), INT32_MAX);
    EXPECT_EQ(ScriptNum(-5000000000LL).clamped_int(), INT32_MIN);
}

TEST(Script, BuilderMakesMinimalPushes) {
    const Bytes data75(75, 0xaa), data76(76, 0xbb), data256(256, 0xcc);
    auto script = ScriptBuilder()
                      .push({})
                      .push(hex("05"))
                      .push(hex("81"))
                      .push(hex("11"))
                      .push(data75)
                      .push(data76)
                      .push(data256)
                      .push_int(-1)
                      .push_int(16)
                      .push_int(17)
                      .push_int(-2)
                      .push_int(1000)
                      .build();
    ASSERT_TRUE(script.ok());
    auto ops = parse_script(*script);
    ASSERT_TRUE(ops.ok());
    ASSERT_EQ(ops->size(), 12u);
    const auto& o = *ops;
    EXPECT_EQ(o[0].opcode, OP_0);
    EXPECT_EQ(o[1].opcode, OP_5);
    EXPECT_EQ(o[2].opcode, OP_1NEGATE);
    EXPECT_EQ(o[3].opcode, 0x01);
    EXPECT_EQ(o[4].opcode, 75);
    EXPECT_EQ(o[5].opcode, OP_PUSHDATA1);
    EXPECT_EQ(o[6].opcode, OP_PUSHDATA2);
    EXPECT_EQ(o[7].opcode, OP_1NEGATE);
    EXPECT_EQ(o[8].opcode, OP_16);
    EXPECT_EQ(Bytes(o[9].data.begin(), o[9].data.end()), hex("11"));
    EXPECT_EQ(Bytes(o[10].data.begin(), o[10].data.end()), hex("82"));
    EXPECT_EQ(Bytes(o[11].data.begin(), o[11].data.end()), hex("e803"));
    for (const ScriptOp& op : o) EXPECT_TRUE(!op.is_push() || is_minimal_push(op));
    EXPECT_EQ(Bytes(o[6].data.begin(), o[6].data.end()), data256);
    EXPECT_TRUE(is_push_only(*script));
}

TEST(Script, BuilderRefusesPushesOverTheElementLimit) {
    auto script = ScriptBuilder().push(Bytes(521, 0)).build();
    ASSERT_FALSE(script.ok());
    EXPECT_EQ(script.error().code, "script_push_too_large");
    EXPECT_TRUE(ScriptBuilder().push(Bytes(520, 0)).build().ok());
}

TEST(Script, NonMinimalPushesAreSeen) {
    const Bytes script = hex("4c01aa" "0105" "4d0100aa" "01aa");
    auto ops = parse_script(script);  // ops point into `script`
    ASSERT_TRUE(ops.ok());
    ASSERT_EQ(ops->size(), 4u);
    EXPECT_FALSE(is_minimal_push((*ops)[0]));  // PUSHDATA1 for one byte
    EXPECT_FALSE(is_minimal_push((*ops)[1]));  // 0x05 should be OP_5
    EXPECT_FALSE(is_minimal_push((*ops)[2]));
    EXPECT_TRUE(is_minimal_push((*ops)[3]));
}

TEST(Script, TruncatedPushesAreErrors) {
    for (const char* s : {"01", "02aa", "4c", "4c02aa", "4d01", "4d0200aa", "4e010000", "4e01000000"}) {
        auto ops = parse_script(hex(s));
        ASSERT_FALSE(ops.ok()) << s;
        EXPECT_EQ(ops.error().code, "script_truncated_push");
        EXPECT_FALSE(is_push_only(hex(s)));
    }
    // The reader stays at the failing operation.
    const Bytes script = hex("76" "02aa");
    ScriptReader reader(script);
    ASSERT_TRUE(reader.next().ok());
    EXPECT_FALSE(reader.next().ok());
    EXPECT_EQ(reader.position(), 1u);
}

TEST(Script, OpsCoverTheScriptExactly) {
    const Bytes script = hex("0014" "0000000000000000000000000000000000000000" "ac" "4c00" "ff");
    auto ops = parse_script(script);
    ASSERT_TRUE(ops.ok());
    size_t position = 0;
    for (const ScriptOp& op : *ops) {
        EXPECT_EQ(op.begin, position);
        position = op.end;
    }
    EXPECT_EQ(position, script.size());
}

TEST(Script, WitnessProgramsAndP2sh) {
    auto p2wpkh = witness_program(hex("0014" "1111111111111111111111111111111111111111"));
    ASSERT_TRUE(p2wpkh);
    EXPECT_EQ(p2wpkh->version, 0);
    EXPECT_EQ(p2wpkh->program.size(), 20u);
    auto v1 = witness_program(hex("5120" "1111111111111111111111111111111111111111111111111111111111111111"));
    ASSERT_TRUE(v1);
    EXPECT_EQ(v1->version, 1);
    EXPECT_FALSE(witness_program(hex("0001aa")));  // 1-byte program: too short
    EXPECT_FALSE(witness_program(hex("4f02aaaa")));  // OP_1NEGATE is no version
    EXPECT_FALSE(witness_program(hex("00" "4c02aaaa")));  // not a direct push
    EXPECT_TRUE(is_p2sh(hex("a914" "1111111111111111111111111111111111111111" "87")));
    EXPECT_FALSE(is_p2sh(hex("a914" "1111111111111111111111111111111111111111" "88")));
}

TEST(Opcodes, NamesAsCoreWritesThem) {
    EXPECT_EQ(opcode_name(OP_DUP), "OP_DUP");
    EXPECT_EQ(opcode_name(OP_0), "0");
    EXPECT_EQ(opcode_name(OP_16), "16");
    EXPECT_EQ(opcode_name(OP_1NEGATE), "-1");
    EXPECT_EQ(opcode_name(OP_CHECKLOCKTIMEVERIFY), "OP_CHECKLOCKTIMEVERIFY");
    EXPECT_EQ(opcode_name(0xc0), "OP_UNKNOWN");
    EXPECT_EQ(opcode_from_name("DUP"), OP_DUP);
    EXPECT_EQ(opcode_from_name("OP_HASH160"), OP_HASH160);
    EXPECT_EQ(opcode_from_name("NOP2"), OP_CHECKLOCKTIMEVERIFY);
    EXPECT_EQ(opcode_from_name("NOP3"), OP_CHECKSEQUENCEVERIFY);
    EXPECT_EQ(opcode_from_name("FOO"), std::nullopt);
}

}  // namespace
}  // namespace datt::bitcoin
