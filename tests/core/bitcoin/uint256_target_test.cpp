// Uint256 arithmetic against native 64/128-bit arithmetic and identities; compact bits <->
// target against Bitcoin Core's own table (src/test/arith_uint256_tests.cpp, bignum_SetCompact)
// and the work of known targets.
#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <string>

#include "bitcoin/target.h"
#include "bitcoin/uint256.h"

namespace datt::bitcoin {
namespace {

Uint256 hex(const std::string& text) {
    auto value = Uint256::from_hex(text);
    EXPECT_TRUE(value.ok()) << text;
    return value.ok() ? *value : Uint256{};
}

#if defined(__SIZEOF_INT128__)
using u128 = unsigned __int128;

Uint256 from_u128(u128 value) {
    return (Uint256(static_cast<uint64_t>(value >> 64)) << 64) +
           Uint256(static_cast<uint64_t>(value));
}
#endif

TEST(Uint256, HexAndLittleEndianBytes) {
    const Uint256 one(1);
    ByteArray<32> bytes{};
    bytes[0] = 1;  // a hash's first byte is the number's least significant
    EXPECT_EQ(Uint256::from_le_bytes(bytes), one);
    EXPECT_EQ(one.to_hex(), std::string(63, '0') + "1");
    const std::string text = "00000000ffffffffffffffffffffffffffffffffffffffffffffffffffffffff";
    EXPECT_EQ(hex(text).to_hex(), text);
    EXPECT_EQ(Uint256::from_le_bytes(hex(text).to_le_bytes()), hex(text));
    EXPECT_EQ(hex(text).bits(), 224u);
    EXPECT_EQ(Uint256{}.bits(), 0u);
    EXPECT_EQ(Uint256::from_hex("12").error().code, "hex_wrong_length");
    EXPECT_EQ(Uint256::from_hex(std::string(63, '0') + "g").error().code, "hex_invalid_char");
}

TEST(Uint256, ShiftsAndComparisons) {
    const Uint256 one(1);
    for (unsigned shift = 0; shift < 256; ++shift) {
        const Uint256 power = one << shift;
        EXPECT_EQ(power.bits(), shift + 1);
        EXPECT_EQ(power >> shift, one);
        if (shift < 255) {
            EXPECT_LT(power, power + power) << shift;
        }
        if (shift > 0) {
            EXPECT_GT(power, one << (shift - 1));
        }
    }
    EXPECT_TRUE((one << 256).is_zero());
    EXPECT_TRUE((~Uint256{} >> 256).is_zero());
    EXPECT_EQ(~Uint256{} >> 255, one);
}

TEST(Uint256, AgreesWithNativeArithmetic) {
    std::mt19937_64 random(11);
    for (int i = 0; i < 2000; ++i) {
        const uint64_t a = random() >> (random() % 64);
        const uint64_t b = (random() >> (random() % 64)) | 1;
        const uint32_t small = static_cast<uint32_t>(random());
        EXPECT_EQ((Uint256(a) / Uint256(b)).low64(), a / b);
        EXPECT_EQ((Uint256(a) - Uint256(b)), a >= b ? Uint256(a - b) : ~Uint256(b - a - 1));
        EXPECT_EQ(Uint256(a) < Uint256(b), a < b);
#if defined(__SIZEOF_INT128__)
        const u128 wide_a = (static_cast<u128>(random()) << 64) | random();
        const u128 wide_b = ((static_cast<u128>(random() >> (random() % 64))) << 64) | random() | 1;
        EXPECT_EQ(from_u128(wide_a) / from_u128(wide_b), from_u128(wide_a / wide_b));
        EXPECT_EQ(Uint256(a) * small, from_u128(static_cast<u128>(a) * small));
        EXPECT_EQ(Uint256(a) + Uint256(b), from_u128(static_cast<u128>(a) + b));
#endif
    }
}

TEST(Uint256, DivisionIdentityOnFullWidthNumbers) {
    // For any n and d: n = (n / d) * d + r with r < d; checked with a 32-bit d, where the
    // product can be formed with operator*.
    std::mt19937_64 random(12);
    for (int i = 0; i < 500; ++i) {
        ByteArray<32> bytes;
        for (auto& b : bytes) b = static_cast<uint8_t>(random());
        const Uint256 n = Uint256::from_le_bytes(bytes) >> (random() % 200);
        const uint32_t d = static_cast<uint32_t>(random() >> (random() % 32)) | 1;
        const Uint256 q = n / Uint256(d);
        const Uint256 r = n - q * d;
        EXPECT_LT(r, Uint256(d));
        EXPECT_EQ(q * d + r, n);
    }
}

TEST(Uint256, WrapsAndCheckedAdd) {
    const Uint256 max = ~Uint256{};
    EXPECT_EQ(max + Uint256(1), Uint256{});
    EXPECT_EQ(Uint256{} - Uint256(1), max);
    EXPECT_EQ((max * 2u), max - Uint256(1));  // 2^257 - 2 mod 2^256
    EXPECT_FALSE(Uint256::checked_add(max, Uint256(1)).has_value());
    ASSERT_TRUE(Uint256::checked_add(max - Uint256(1), Uint256(1)).has_value());
    EXPECT_EQ(*Uint256::checked_add(max - Uint256(1), Uint256(1)), max);
}

// Bitcoin Core src/test/arith_uint256_tests.cpp, test case bignum_SetCompact: bits, the
// value SetCompact gives (GetHex), GetCompact of it (with the sign when negative), flags.
struct CompactCase {
    uint32_t bits;
    const char* value;
    uint32_t compact;
    bool negative;
    bool overflow;
};
const CompactCase kCoreCompactCases[] = {
    {0x00000000, "0", 0, false, false},
    {0x00123456, "0", 0, false, false},
    {0x01003456, "0", 0, false, false},
    {0x02000056, "0", 0, false, false},
    {0x03000000, "0", 0, false, false},
    {0x04000000, "0", 0, false, false},
    {0x00923456, "0", 0, false, false},
    {0x01803456, "0", 0, false, false},
    {0x02800056, "0", 0, false, false},
    {0x03800000, "0", 0, false, false},
    {0x04800000, "0", 0, false, false},
    {0x01123456, "12", 0x01120000, false, false},
    {0x01fedcba, "7e", 0x01fe0000, true, false},
    {0x02123456, "1234", 0x02123400, false, false},
    {0x03123456, "123456", 0x03123456, false, false},
    {0x04123456, "12345600", 0x04123456, false, false},
    {0x04923456, "12345600", 0x04923456, true, false},
    {0x05009234, "92340000", 0x05009234, false, false},
    {0x20123456, "1234560000000000000000000000000000000000000000000000000000000000", 0x20123456,
     false, false},
};

std::string padded(const char* value) {
    const std::string text(value);
    return std::string(64 - text.size(), '0') + text;
}

TEST(Compact, BitcoinCoreSetCompactTable) {
    for (const CompactCase& c : kCoreCompactCases) {
        const CompactDecoded decoded = decode_compact(c.bits);
        EXPECT_EQ(decoded.value.to_hex(), padded(c.value)) << std::hex << c.bits;
        EXPECT_EQ(decoded.negative, c.negative) << std::hex << c.bits;
        EXPECT_EQ(decoded.overflow, c.overflow) << std::hex << c.bits;
        EXPECT_EQ(encode_compact(decoded.value, c.negative), c.compact) << std::hex << c.bits;
    }
    const CompactDecoded overflow = decode_compact(0xff123456);
    EXPECT_FALSE(overflow.negative);
    EXPECT_TRUE(overflow.overflow);
    // GetCompact never sets the sign bit for a positive number: 0x80 takes two bytes.
    EXPECT_EQ(encode_compact(Uint256(0x80)), 0x02008000u);
}

TEST(Compact, EncodeIsTheShortestFormOfEveryTarget) {
    // decode(encode(t)) keeps the top 23 or 24 significant bits of t and clears the rest.
    std::mt19937_64 random(13);
    for (int i = 0; i < 2000; ++i) {
        ByteArray<32> bytes;
        for (auto& b : bytes) b = static_cast<uint8_t>(random());
        const Uint256 target = Uint256::from_le_bytes(bytes) >> (random() % 256);
        const uint32_t bits = encode_compact(target);
        const CompactDecoded decoded = decode_compact(bits);
        EXPECT_FALSE(decoded.negative || decoded.overflow);
        EXPECT_LE(decoded.value, target);
        EXPECT_EQ(decoded.value.bits(), target.bits());
        EXPECT_EQ(encode_compact(decoded.value), bits);
    }
}

TEST(Target, InvalidBitsAreRejected) {
    const Uint256 limit = hex("00000000ffffffffffffffffffffffffffffffffffffffffffffffffffffffff");
    for (uint32_t bits : {0x1d80ffffu, 0x00000000u, 0x1d000000u, 0xff123456u, 0x1e00ffffu,
                          0x2100ffffu, 0x04923456u}) {
        auto target = target_from_bits(bits, limit);
        ASSERT_FALSE(target.ok()) << std::hex << bits;
        EXPECT_EQ(target.error().code, "invalid_bits");
    }
    auto difficulty_one = target_from_bits(0x1d00ffff, limit);
    ASSERT_TRUE(difficulty_one.ok());
    EXPECT_EQ(*difficulty_one,
              hex("00000000ffff0000000000000000000000000000000000000000000000000000"));
}

TEST(Target, WorkOfKnownTargets) {
    // Difficulty 1 (0x1d00ffff) is 2^256 / (0xffff * 2^208 + 1) = 0x100010001 hashes: bcoin's
    // networks.js gives that as mainnet's genesis chain work, and 2 for regtest (0x207fffff).
    EXPECT_EQ(work_from_target(decode_compact(0x1d00ffff).value), Uint256(0x100010001));
    EXPECT_EQ(work_from_target(decode_compact(0x207fffff).value), Uint256(2));
    EXPECT_EQ(work_from_target(Uint256(1)), Uint256(1) << 255);
    EXPECT_EQ(work_from_target(~Uint256{}), Uint256(1));
    // Harder targets are more work.
    EXPECT_GT(work_from_target(decode_compact(0x1c05a3f4).value),
              work_from_target(decode_compact(0x1d00ffff).value));
}

}  // namespace
}  // namespace datt::bitcoin
