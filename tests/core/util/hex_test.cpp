#include "util/hex.h"

#include <gtest/gtest.h>

#include "util/json_string.h"
#include "util/result.h"
#include "util/utf8.h"

namespace datt {
namespace {

TEST(Hex, RoundTripAllBytes) {
    Bytes all(256);
    for (int i = 0; i < 256; ++i) all[i] = static_cast<uint8_t>(i);
    const std::string text = to_hex(all);
    EXPECT_EQ(text.substr(0, 8), "00010203");
    EXPECT_EQ(text.substr(text.size() - 4), "feff");
    auto back = from_hex(text);
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(*back, all);
}

TEST(Hex, AcceptsUpperCaseButIsLowerHexDoesNot) {
    auto decoded = from_hex("DEADbeef");
    ASSERT_TRUE(decoded.ok());
    EXPECT_EQ(*decoded, (Bytes{0xde, 0xad, 0xbe, 0xef}));
    EXPECT_TRUE(is_lower_hex("deadbeef", 8));
    EXPECT_FALSE(is_lower_hex("deadBeef", 8));
    EXPECT_FALSE(is_lower_hex("deadbeef", 6));
}

TEST(Hex, StrictErrors) {
    EXPECT_EQ(from_hex("abc").error().code, "hex_odd_length");
    EXPECT_EQ(from_hex("0x00").error().code, "hex_invalid_char");
    EXPECT_EQ(from_hex("00 1").error().code, "hex_invalid_char");
    EXPECT_EQ(from_hex("0 1").error().code, "hex_odd_length");
    EXPECT_EQ(from_hex(" 001").error().code, "hex_invalid_char");
    EXPECT_EQ(from_hex("zz").error().code, "hex_invalid_char");
    EXPECT_EQ((from_hex_fixed<2>("00").error().code), "hex_wrong_length");
    EXPECT_TRUE(from_hex("").ok());
}

TEST(Utf8, ValidAndInvalidSequences) {
    EXPECT_TRUE(is_valid_utf8(""));
    EXPECT_TRUE(is_valid_utf8("plain ascii \x7f"));
    EXPECT_TRUE(is_valid_utf8("\xc2\x80 \xdf\xbf \xe0\xa0\x80 \xef\xbf\xbf \xf0\x90\x80\x80 \xf4\x8f\xbf\xbf"));
    EXPECT_EQ(first_invalid_utf8("ab\x80"), 2u);        // lone continuation
    EXPECT_EQ(first_invalid_utf8("\xc1\xbf"), 0u);      // overlong 2-byte
    EXPECT_EQ(first_invalid_utf8("\xe0\x9f\xbf"), 0u);  // overlong 3-byte
    EXPECT_EQ(first_invalid_utf8("\xf0\x8f\xbf\xbf"), 0u);  // overlong 4-byte
    EXPECT_EQ(first_invalid_utf8("x\xed\xa0\x80"), 1u);  // surrogate U+D800
    EXPECT_EQ(first_invalid_utf8("\xf4\x90\x80\x80"), 0u);  // U+110000
    EXPECT_EQ(first_invalid_utf8("\xf5\x80\x80\x80"), 0u);
    EXPECT_EQ(first_invalid_utf8("\xe2\x82"), 0u);  // truncated
    EXPECT_EQ(first_invalid_utf8("\xe2\x28\xa1"), 0u);
}

TEST(JsonString, MinimalValidEscaping) {
    std::string out;
    append_json_string(out, std::string("a\"b\\c\nd\re\tf\bg\fh\x01\x1f\x7f/\xc3\xa9", 21));
    EXPECT_EQ(out, "\"a\\\"b\\\\c\\nd\\re\\tf\\bg\\fh\\u0001\\u001f\x7f/\xc3\xa9\"");
    std::string nul;
    append_json_string(nul, std::string("\0", 1));
    EXPECT_EQ(nul, "\"\\u0000\"");
}

TEST(Result, CarriesValueOrError) {
    Result<int> good = 5;
    ASSERT_TRUE(good.ok());
    EXPECT_EQ(*good, 5);
    Result<int> bad = make_error("code", "message");
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error().code, "code");
}

}  // namespace
}  // namespace datt
