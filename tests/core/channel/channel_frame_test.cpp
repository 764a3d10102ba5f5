// The WebSocket envelope of channel messages (channel/channel_frame.h): its layout against
// bytes written by hand from the documented table, the round trip, and each refusal with
// its code.
#include <gtest/gtest.h>

#include "channel/channel_frame.h"
#include "util/hex.h"

namespace datt::channel {
namespace {

ByteArray<32> bytes32(uint8_t fill) {
    ByteArray<32> out{};
    out.fill(fill);
    return out;
}
crypto::PubKey point_of(uint8_t fill) {
    return crypto::pubkey(crypto::SecretKey::from_bytes(bytes32(fill)).value());
}

TEST(ChannelFrame, LayoutIsVersionIdThenMessage) {
    const UpdateFulfillHtlc fulfill{bytes32(3), 7, bytes32(6), TlvStream{}};
    const Bytes frame = frame_bytes(fulfill);
    // 01 | 32 x 03 | 0082 (type 130) | 32 x 03 | id u64 7 | 32 x 06
    auto fill = [](const char* byte) {
        std::string s;
        for (int i = 0; i < 32; ++i) s += byte;
        return s;
    };
    const Bytes expected =
        from_hex("01" + fill("03") + "0082" + fill("03") + "0000000000000007" + fill("06")).value();
    EXPECT_EQ(frame, expected);
    auto parsed = parse_frame(frame);
    ASSERT_TRUE(parsed.ok()) << parsed.error().code;
    EXPECT_EQ(parsed->channel_id(), bytes32(3));
    EXPECT_EQ(message_type(parsed->message()), MessageType::kUpdateFulfillHtlc);
    EXPECT_EQ(serialize_frame(*parsed), frame);
}

TEST(ChannelFrame, TemporaryIdAddressesOpenAcceptAndFundingCreated) {
    const OpenChannel open{bytes32(1), bytes32(2), bitcoin::Sats{1'000'000}, bitcoin::Msats{0},
                           bitcoin::Sats{546}, bitcoin::Msats{900'000'000}, bitcoin::Sats{10'000},
                           bitcoin::Msats{1}, 253, 144, 483, point_of(3), point_of(4), point_of(5),
                           point_of(6), point_of(7), point_of(8), 0, TlvStream{}};
    EXPECT_EQ(message_channel_id(open), bytes32(2));  // not the chain hash
    auto parsed = parse_frame(frame_bytes(open));
    ASSERT_TRUE(parsed.ok()) << parsed.error().code;
    EXPECT_EQ(parsed->channel_id(), bytes32(2));
    EXPECT_EQ(serialize_frame(*parsed), frame_bytes(open));
}

TEST(ChannelFrame, RefusesBadFrames) {
    const Bytes good = frame_bytes(ErrorMessage{true, bytes32(0), Bytes{'x'}, TlvStream{}});
    ASSERT_TRUE(parse_frame(good).ok());

    EXPECT_EQ(parse_frame(Bytes{}).error().code, "frame_truncated");
    EXPECT_EQ(parse_frame(Bytes(good.begin(), good.begin() + 34)).error().code, "frame_truncated");

    Bytes version = good;
    version[0] = 2;
    EXPECT_EQ(parse_frame(version).error().code, "frame_bad_version");
    version[0] = 0;
    EXPECT_EQ(parse_frame(version).error().code, "frame_bad_version");

    Bytes other_id = good;
    other_id[1] = 9;
    EXPECT_EQ(parse_frame(other_id).error().code, "frame_channel_id_mismatch");

    Bytes cut = good;
    cut.pop_back();  // the error's data is one byte shorter than its length says
    EXPECT_EQ(parse_frame(cut).error().code, "wire_truncated");

    Bytes unknown = good;
    unknown[33] = 0x7f;
    unknown[34] = 0xfe;  // an even type nobody knows
    EXPECT_EQ(parse_frame(unknown).error().code, "wire_unknown_even_message");

    Bytes huge(kMaxFrameSize + 1, 0);
    huge[0] = kFrameVersion;
    EXPECT_EQ(parse_frame(huge).error().code, "frame_too_large");
}

TEST(ChannelFrame, LargestMessageFits) {
    // An error whose data fills the message to 65,535 bytes: 2 type + 32 id + 2 len + data.
    const size_t data = kMaxMessageSize - 36;
    const Bytes frame = frame_bytes(ErrorMessage{true, bytes32(4), Bytes(data, 'a'), TlvStream{}});
    EXPECT_EQ(frame.size(), kMaxFrameSize);
    auto parsed = parse_frame(frame);
    ASSERT_TRUE(parsed.ok()) << parsed.error().code;
    EXPECT_EQ(serialize_frame(*parsed), frame);
}

}  // namespace
}  // namespace datt::channel
