// CompactSize, BigSize and the NIP-77 varint against their specifications:
// - BigSize: every case of BOLT #1 appendix A ("BigSize Decoding Tests" and "BigSize
//   Encoding Tests"), names as the spec gives them;
// - CompactSize: the boundaries of Bitcoin Core's ReadCompactSize/WriteCompactSize
//   (serialize.h) and the non-canonical forms its serialize_tests reject;
// - NIP-77: values worked out by hand from the spec's rule (base-128, most significant
//   digit first, high bit on every byte but the last, as few digits as possible).
#include "util/varint.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "util/hex.h"

namespace datt {
namespace {

Bytes hex(std::string_view text) {
    auto decoded = from_hex(text);
    EXPECT_TRUE(decoded.ok()) << text;
    return decoded.ok() ? *decoded : Bytes{};
}

struct Case {
    const char* name;
    uint64_t value;
    const char* bytes;
};

constexpr uint64_t kMax = UINT64_MAX;

// BOLT #1 appendix A: the decoding cases that succeed (also the encoding cases).
const std::vector<Case> kBigSizeValid = {
    {"zero", 0, "00"},
    {"one byte high", 252, "fc"},
    {"two byte low", 253, "fd00fd"},
    {"two byte high", 65535, "fdffff"},
    {"four byte low", 65536, "fe00010000"},
    {"four byte high", 4294967295, "feffffffff"},
    {"eight byte low", 4294967296, "ff0000000100000000"},
    {"eight byte high", kMax, "ffffffffffffffffff"},
};

struct FailCase {
    const char* name;
    const char* bytes;
    const char* code;
};

// BOLT #1 appendix A: the decoding cases that fail ("decoded bigsize is not canonical",
// "unexpected EOF", "EOF").
const std::vector<FailCase> kBigSizeInvalid = {
    {"two byte not canonical", "fd00fc", "non_canonical_big_size"},
    {"four byte not canonical", "fe0000ffff", "non_canonical_big_size"},
    {"eight byte not canonical", "ff00000000ffffffff", "non_canonical_big_size"},
    {"two byte short read", "fd00", "truncated"},
    {"four byte short read", "feffff", "truncated"},
    {"eight byte short read", "ffffffffff", "truncated"},
    {"one byte no read", "", "truncated"},
    {"two byte no read", "fd", "truncated"},
    {"four byte no read", "fe", "truncated"},
    {"eight byte no read", "ff", "truncated"},
};

TEST(BigSize, Bolt1DecodingAndEncodingTests) {
    for (const Case& c : kBigSizeValid) {
        SCOPED_TRACE(c.name);
        const Bytes bytes = hex(c.bytes);
        ByteReader reader(bytes);
        auto value = read_big_size(reader);
        ASSERT_TRUE(value.ok()) << value.error().code;
        EXPECT_EQ(*value, c.value);
        EXPECT_TRUE(reader.at_end());
        ByteWriter writer;
        write_big_size(writer, c.value);
        EXPECT_EQ(to_hex(writer.bytes()), c.bytes);
        EXPECT_EQ(big_size_length(c.value), bytes.size());
    }
    for (const FailCase& c : kBigSizeInvalid) {
        SCOPED_TRACE(c.name);
        const Bytes bytes = hex(c.bytes);
        ByteReader reader(bytes);
        auto value = read_big_size(reader);
        ASSERT_FALSE(value.ok());
        EXPECT_EQ(value.error().code, c.code);
        EXPECT_EQ(reader.position(), 0u);
    }
}

TEST(CompactSize, BoundariesAreLittleEndian) {
    const std::vector<Case> cases = {
        {"zero", 0, "00"},
        {"one byte high", 252, "fc"},
        {"two byte low", 253, "fdfd00"},
        {"two byte high", 65535, "fdffff"},
        {"four byte low", 65536, "fe00000100"},
        {"MAX_SIZE", 0x02000000, "fe00000002"},
        {"four byte high", 4294967295, "feffffffff"},
        {"eight byte low", 4294967296, "ff0000000001000000"},
        {"eight byte high", kMax, "ffffffffffffffffff"},
    };
    for (const Case& c : cases) {
        SCOPED_TRACE(c.name);
        const Bytes bytes = hex(c.bytes);
        ByteReader reader(bytes);
        auto value = read_compact_size(reader, kCompactSizeNoLimit);
        ASSERT_TRUE(value.ok()) << value.error().code;
        EXPECT_EQ(*value, c.value);
        EXPECT_TRUE(reader.at_end());
        ByteWriter writer;
        write_compact_size(writer, c.value);
        EXPECT_EQ(to_hex(writer.bytes()), c.bytes);
        EXPECT_EQ(compact_size_length(c.value), bytes.size());
    }
}

TEST(CompactSize, NonCanonicalFormsAreRejected) {
    // Each is the shortest form's value written in the next longer form.
    for (const char* text : {"fdfc00", "fd0000", "feffff0000", "fe00000000", "ffffffffff00000000",
                             "ff0000000000000000"}) {
        SCOPED_TRACE(text);
        const Bytes bytes = hex(text);
        ByteReader reader(bytes);
        auto value = read_compact_size(reader, kCompactSizeNoLimit);
        ASSERT_FALSE(value.ok());
        EXPECT_EQ(value.error().code, "non_canonical_compact_size");
        EXPECT_EQ(reader.position(), 0u);
    }
}

TEST(CompactSize, MaxSizeIsTheDefaultLimit) {
    const Bytes at_limit = hex("fe00000002");
    ByteReader ok_reader(at_limit);
    EXPECT_EQ(*read_compact_size(ok_reader), 0x02000000u);

    const Bytes above = hex("fe01000002");
    ByteReader reader(above);
    auto value = read_compact_size(reader);
    ASSERT_FALSE(value.ok());
    EXPECT_EQ(value.error().code, "compact_size_too_large");
    EXPECT_EQ(reader.position(), 0u);
    EXPECT_EQ(*read_compact_size(reader, kCompactSizeNoLimit), 0x02000001u);

    // A caller's own bound; canonicality is judged first, as in Core.
    const Bytes small = hex("fd0001");
    ByteReader bounded(small);
    EXPECT_EQ(read_compact_size(bounded, 255).error().code, "compact_size_too_large");
    const Bytes non_canonical_and_large = hex("ff0100000200000000");
    ByteReader both(non_canonical_and_large);
    EXPECT_EQ(read_compact_size(both).error().code, "non_canonical_compact_size");
}

TEST(CompactSize, TruncatedBodies) {
    for (const char* text : {"", "fd", "fd00", "fe000000", "ff00000000000000"}) {
        SCOPED_TRACE(text);
        const Bytes bytes = hex(text);
        ByteReader reader(bytes);
        EXPECT_EQ(read_compact_size(reader).error().code, "truncated");
        EXPECT_EQ(reader.position(), 0u);
    }
}

TEST(CompactSize, ReadsInSequence) {
    const Bytes bytes = hex("05fd0001fe00000100ff");
    ByteReader reader(bytes);
    EXPECT_EQ(*read_compact_size(reader), 5u);
    EXPECT_EQ(*read_compact_size(reader), 256u);
    EXPECT_EQ(*read_compact_size(reader), 65536u);
    EXPECT_EQ(reader.position(), 9u);
    EXPECT_EQ(read_compact_size(reader).error().code, "truncated");
    EXPECT_EQ(reader.position(), 9u);
}

TEST(Nip77Varint, HandWorkedValues) {
    const std::vector<Case> cases = {
        {"zero", 0, "00"},
        {"one digit high", 127, "7f"},
        {"two digits low", 128, "8100"},
        {"300 = 2*128 + 44", 300, "822c"},
        {"two digits high", 16383, "ff7f"},
        {"three digits low", 16384, "818000"},
        {"2^32", uint64_t{1} << 32, "9080808000"},
        {"2^63", uint64_t{1} << 63, "81808080808080808000"},
        {"2^64 - 1", kMax, "81ffffffffffffffff7f"},
    };
    for (const Case& c : cases) {
        SCOPED_TRACE(c.name);
        const Bytes bytes = hex(c.bytes);
        ByteReader reader(bytes);
        auto value = read_nip77_varint(reader);
        ASSERT_TRUE(value.ok()) << value.error().code;
        EXPECT_EQ(*value, c.value);
        EXPECT_TRUE(reader.at_end());
        ByteWriter writer;
        write_nip77_varint(writer, c.value);
        EXPECT_EQ(to_hex(writer.bytes()), c.bytes);
        EXPECT_EQ(nip77_varint_length(c.value), bytes.size());
    }
}

TEST(Nip77Varint, RejectsLeadingZeroDigitsOverflowAndTruncation) {
    const std::vector<FailCase> cases = {
        {"leading zero digit", "8000", "non_canonical_nip77_varint"},
        {"leading zero digit before a long value", "80ff7f", "non_canonical_nip77_varint"},
        {"2^64", "82808080808080808000", "nip77_varint_too_large"},
        {"eleven digits", "8180808080808080808000", "nip77_varint_too_large"},
        {"empty", "", "truncated"},
        {"no last digit", "81", "truncated"},
        {"no last digit after several", "ffffff", "truncated"},
    };
    for (const FailCase& c : cases) {
        SCOPED_TRACE(c.name);
        const Bytes bytes = hex(c.bytes);
        ByteReader reader(bytes);
        auto value = read_nip77_varint(reader);
        ASSERT_FALSE(value.ok());
        EXPECT_EQ(value.error().code, c.code);
        EXPECT_EQ(reader.position(), 0u);
    }
}

TEST(Nip77Varint, ZeroDigitsAfterTheFirstAreFine) {
    // Only the leading digit may not be zero; inner zero digits carry value.
    const Bytes bytes = hex("8180007f");
    ByteReader reader(bytes);
    EXPECT_EQ(*read_nip77_varint(reader), uint64_t{1} << 14);
    EXPECT_EQ(*read_nip77_varint(reader), 127u);
    EXPECT_TRUE(reader.at_end());
}

}  // namespace
}  // namespace datt
