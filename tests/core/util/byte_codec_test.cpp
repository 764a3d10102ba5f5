// ByteReader and ByteWriter: byte order of every width, bounds, errors that leave the
// position alone, spans that point into the input.
#include <gtest/gtest.h>

#include <limits>

#include "util/byte_reader.h"
#include "util/byte_writer.h"

namespace datt {
namespace {

const Bytes kCounting = {0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09};

TEST(ByteReader, ReadsEveryWidthInBothByteOrders) {
    {
        ByteReader r(kCounting);
        EXPECT_EQ(*r.read_u8(), 0x01);
        EXPECT_EQ(*r.read_u16_le(), 0x0302);
        EXPECT_EQ(*r.read_u16_be(), 0x0405);
        EXPECT_EQ(*r.read_u32_le(), 0x09080706u);
        EXPECT_TRUE(r.at_end());
    }
    {
        ByteReader r(kCounting);
        EXPECT_EQ(*r.read_u32_be(), 0x01020304u);
        EXPECT_EQ(r.position(), 4u);
        EXPECT_EQ(r.remaining(), 5u);
    }
    {
        ByteReader r(kCounting);
        EXPECT_EQ(*r.read_u64_le(), 0x0807060504030201ull);
        ByteReader b(kCounting);
        EXPECT_EQ(*b.read_u64_be(), 0x0102030405060708ull);
        EXPECT_EQ(*b.read_u8(), 0x09);
        EXPECT_TRUE(b.at_end());
    }
    // The top bit of each byte survives (no sign extension through int promotion).
    const Bytes high = {0xff, 0xfe, 0xfd, 0xfc, 0xfb, 0xfa, 0xf9, 0xf8};
    ByteReader h(high);
    EXPECT_EQ(*h.read_u64_be(), 0xfffefdfcfbfaf9f8ull);
    ByteReader h2(high);
    EXPECT_EQ(*h2.read_u16_le(), 0xfeff);
    EXPECT_EQ(*h2.read_u32_be(), 0xfdfcfbfau);
}

TEST(ByteReader, TruncatedReadsFailAndKeepThePosition) {
    ByteReader r(kCounting);
    ASSERT_TRUE(r.skip(6).ok());
    auto wide = r.read_u64_le();
    ASSERT_FALSE(wide.ok());
    EXPECT_EQ(wide.error().code, "truncated");
    EXPECT_NE(wide.error().message.find("offset 6"), std::string::npos);
    EXPECT_EQ(r.position(), 6u);
    EXPECT_FALSE(r.read_u32_be().ok());
    EXPECT_FALSE(r.read_array<4>().ok());
    EXPECT_FALSE(r.read_span(4).ok());
    EXPECT_FALSE(r.skip(4).ok());
    EXPECT_EQ(r.position(), 6u);
    EXPECT_EQ(*r.read_u16_be(), 0x0708);
    EXPECT_EQ(*r.read_u8(), 0x09);
    auto past = r.read_u8();
    ASSERT_FALSE(past.ok());
    EXPECT_EQ(past.error().code, "truncated");

    ByteReader empty(ByteSpan{});
    EXPECT_TRUE(empty.at_end());
    EXPECT_EQ(empty.read_u8().error().code, "truncated");
    EXPECT_TRUE(empty.read_span(0).ok());
}

TEST(ByteReader, HugeLengthsDoNotWrap) {
    // A 64-bit length from the input must not be cut to 32 bits (size_t on wasm32).
    ByteReader r(kCounting);
    EXPECT_EQ(r.read_span(std::numeric_limits<uint64_t>::max()).error().code, "truncated");
    EXPECT_EQ(r.read_span(uint64_t{1} << 32).error().code, "truncated");
    EXPECT_EQ(r.skip((uint64_t{1} << 32) + 1).error().code, "truncated");
    EXPECT_EQ(r.position(), 0u);
}

TEST(ByteReader, SpansPointIntoTheInputAndArraysCopy) {
    ByteReader r(kCounting);
    ASSERT_TRUE(r.skip(1).ok());
    auto span = r.read_span(3);
    ASSERT_TRUE(span.ok());
    EXPECT_EQ(span->data(), kCounting.data() + 1);
    EXPECT_EQ(span->size(), 3u);
    auto array = r.read_array<2>();
    ASSERT_TRUE(array.ok());
    EXPECT_EQ(*array, (ByteArray<2>{0x05, 0x06}));
    EXPECT_EQ(r.rest().data(), kCounting.data() + 6);
    EXPECT_EQ(r.rest().size(), 3u);
    EXPECT_EQ(r.position(), 6u);  // rest() does not consume
}

TEST(ByteReader, ExpectEnd) {
    ByteReader r(kCounting);
    ASSERT_TRUE(r.skip(8).ok());
    auto trailing = r.expect_end();
    ASSERT_FALSE(trailing.ok());
    EXPECT_EQ(trailing.error().code, "trailing_bytes");
    ASSERT_TRUE(r.skip(1).ok());
    EXPECT_TRUE(r.expect_end().ok());
}

TEST(ByteWriter, WritesEveryWidthInBothByteOrders) {
    ByteWriter w;
    w.write_u8(0x01).write_u16_le(0x0302).write_u16_be(0x0405).write_u32_le(0x09080706);
    EXPECT_EQ(w.bytes(), kCounting);
    ByteWriter big;
    big.write_u32_be(0x01020304)
        .write_u64_le(0x0c0b0a0908070605ull)
        .write_u64_be(0x0d0e0f1011121314ull);
    EXPECT_EQ(big.bytes(), (Bytes{0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a,
                                  0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x10, 0x11, 0x12, 0x13, 0x14}));
    EXPECT_EQ(big.size(), 20u);
}

TEST(ByteWriter, BytesAndTake) {
    ByteWriter w(4);
    const ByteArray<3> abc = {'a', 'b', 'c'};
    w.write_bytes(abc).write_bytes(ByteSpan{}).write_u8('d');
    const Bytes taken = std::move(w).take();
    EXPECT_EQ(taken, (Bytes{'a', 'b', 'c', 'd'}));
}

TEST(ByteCodec, WriterOutputReadsBack) {
    ByteWriter w;
    w.write_u16_le(0xbeef).write_u32_be(0xdeadbeef).write_u64_le(0x0123456789abcdefull).write_u8(7);
    ByteReader r(w.bytes());
    EXPECT_EQ(*r.read_u16_le(), 0xbeef);
    EXPECT_EQ(*r.read_u32_be(), 0xdeadbeefu);
    EXPECT_EQ(*r.read_u64_le(), 0x0123456789abcdefull);
    EXPECT_EQ(*r.read_u8(), 7);
    EXPECT_TRUE(r.expect_end().ok());
}

}  // namespace
}  // namespace datt
