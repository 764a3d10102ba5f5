// BOLT-1/BOLT-2 message encoding: every message round-trips byte for byte; the layout is
// checked against bytes written out by hand from the spec's field lists; the TLV rules
// (minimal BigSize, ascending types, unknown even refused, unknown odd kept, known lengths)
// and the parser's limits each refuse with their code.
#include <gtest/gtest.h>

#include "channel/messages.h"
#include "channel/tlv_stream.h"
#include "crypto/ecdsa.h"
#include "util/hex.h"

namespace datt::channel {
namespace {

crypto::SecretKey key_of(uint8_t fill) {
    ByteArray<32> bytes{};
    bytes.fill(fill);
    return crypto::SecretKey::from_bytes(bytes).value();
}
crypto::PubKey point_of(uint8_t fill) { return crypto::pubkey(key_of(fill)); }
crypto::EcdsaSignature signature_of(uint8_t fill) {
    ByteArray<32> hash{};
    hash.fill(static_cast<uint8_t>(fill ^ 0x5a));
    return crypto::ecdsa_sign(key_of(fill), hash);
}
ByteArray<32> bytes32(uint8_t fill) {
    ByteArray<32> out{};
    out.fill(fill);
    return out;
}
Bytes hex(std::string_view s) { return from_hex(s).value(); }
Bytes cat(std::initializer_list<ByteSpan> parts) {
    Bytes out;
    for (ByteSpan p : parts) out.insert(out.end(), p.begin(), p.end());
    return out;
}

Bytes round_trip(const Message& message) {
    const Bytes bytes = serialize_message(message);
    const auto parsed = parse_message(bytes);
    EXPECT_TRUE(parsed.ok()) << (parsed.ok() ? "" : parsed.error().code);
    if (!parsed.ok()) return bytes;
    EXPECT_EQ(message_type(*parsed), message_type(message));
    EXPECT_EQ(serialize_message(*parsed), bytes);
    return bytes;
}

std::vector<Message> one_of_each() {
    OpenChannel open{bytes32(1), bytes32(2), bitcoin::Sats{1'000'000}, bitcoin::Msats{5000},
                     bitcoin::Sats{546}, bitcoin::Msats{900'000'000}, bitcoin::Sats{10'000},
                     bitcoin::Msats{1}, 253, 144, 483, point_of(3), point_of(4), point_of(5),
                     point_of(6), point_of(7), point_of(8), 1, TlvStream{}};
    open.tlvs.set(tlv::kUpfrontShutdownScript, hex("0014" + std::string(40, 'a')));
    open.tlvs.set(tlv::kChannelType, hex("1000"));
    AcceptChannel accept{bytes32(2), bitcoin::Sats{546}, bitcoin::Msats{900'000'000},
                         bitcoin::Sats{10'000}, bitcoin::Msats{1}, 3, 144, 483, point_of(9),
                         point_of(10), point_of(11), point_of(12), point_of(13), point_of(14),
                         TlvStream{}};
    ChannelReady ready{bytes32(3), point_of(15), TlvStream{}};
    ready.tlvs.set(tlv::kShortChannelId, hex("0000010000020003"));
    ClosingSigned closing{bytes32(3), bitcoin::Sats{1000}, signature_of(16), TlvStream{}};
    closing.tlvs.set(tlv::kFeeRange, hex("00000000000001f400000000000007d0"));
    UpdateAddHtlc add{bytes32(3), 7, bitcoin::Msats{1000}, bytes32(4), 500, {}, TlvStream{}};
    add.onion_routing_packet.fill(0x42);
    CommitmentSigned commit{bytes32(3), signature_of(17), {signature_of(18), signature_of(19)},
                            TlvStream{}};
    ChannelReestablish reestablish{bytes32(3), 5, 4, bytes32(9), point_of(20), TlvStream{}};
    reestablish.tlvs.set(tlv::kMyCurrentFundingLocked, Bytes(33, 0x07));
    return {
        ErrorMessage{false, bytes32(0), Bytes{'b', 'a', 'd'}, TlvStream{}},
        ErrorMessage{true, bytes32(3), Bytes{}, TlvStream{}},
        open,
        accept,
        FundingCreated{bytes32(2), bytes32(5), 1, signature_of(21), TlvStream{}},
        FundingSigned{bytes32(3), signature_of(22), TlvStream{}},
        ready,
        Shutdown{bytes32(3), hex("0014" + std::string(40, 'b')), TlvStream{}},
        closing,
        add,
        UpdateFulfillHtlc{bytes32(3), 7, bytes32(6), TlvStream{}},
        UpdateFailHtlc{bytes32(3), 7, Bytes(300, 0x11), TlvStream{}},
        commit,
        RevokeAndAck{bytes32(3), bytes32(8), point_of(23), TlvStream{}},
        reestablish,
        HubChallengeRequest{bytes32(0), TlvStream{}},
        HubChallenge{bytes32(0), bytes32(10), TlvStream{}},
        ChannelAttach{bytes32(3), signature_of(24), TlvStream{}},
        HubOpenRequest{bytes32(0), bitcoin::Sats{250'000}, TlvStream{}},
    };
}

TEST(ChannelMessages, EveryMessageRoundTrips) {
    const auto messages = one_of_each();
    EXPECT_EQ(messages.size(), 19u);
    for (const Message& m : messages) {
        SCOPED_TRACE(static_cast<int>(message_type(m)));
        round_trip(m);
    }
}

TEST(ChannelMessages, LayoutAsTheSpecListsIt) {
    // revoke_and_ack: type 133 | channel_id | per_commitment_secret | next point.
    const crypto::PubKey point = point_of(23);
    const Bytes expected = cat({hex("0085"), bytes32(3), bytes32(8), point.bytes()});
    EXPECT_EQ(serialize_message(RevokeAndAck{bytes32(3), bytes32(8), point, TlvStream{}}),
              expected);

    // update_add_htlc: type 128 | channel_id | id u64 | amount u64 | hash | cltv u32 | onion,
    // then a blinded_path TLV (type 0, length 33).
    UpdateAddHtlc add{bytes32(3), 0x0102030405060708, bitcoin::Msats{0x1122334455667788},
                      bytes32(4), 0x000001f4, {}, TlvStream{}};
    add.onion_routing_packet.fill(0x42);
    add.tlvs.set(tlv::kBlindedPath, Bytes(point.bytes().begin(), point.bytes().end()));
    const Bytes onion(kOnionPacketSize, 0x42);
    const Bytes expected_add = cat({hex("0080"), bytes32(3), hex("0102030405060708"),
                                    hex("1122334455667788"), bytes32(4), hex("000001f4"), onion,
                                    hex("0021"), point.bytes()});
    EXPECT_EQ(round_trip(add), expected_add);

    // commitment_signed: the HTLC signatures are counted by a u16.
    const auto sig = signature_of(17);
    const auto compact = sig.serialize_compact();
    CommitmentSigned commit{bytes32(3), sig, {sig}, TlvStream{}};
    EXPECT_EQ(round_trip(commit), cat({hex("0084"), bytes32(3), compact, hex("0001"), compact}));

    // Datt's hub messages (experimental odd types 55921, 55923, 55925: 0xda71..).
    EXPECT_EQ(round_trip(HubChallengeRequest{bytes32(0), TlvStream{}}), cat({hex("da71"), bytes32(0)}));
    EXPECT_EQ(round_trip(HubChallenge{bytes32(0), bytes32(10), TlvStream{}}),
              cat({hex("da73"), bytes32(0), bytes32(10)}));
    EXPECT_EQ(round_trip(ChannelAttach{bytes32(3), sig, TlvStream{}}), cat({hex("da75"), bytes32(3), compact}));
    EXPECT_EQ(round_trip(HubOpenRequest{bytes32(0), bitcoin::Sats{250'000}, TlvStream{}}),
              cat({hex("da77"), bytes32(0), hex("000000000003d090")}));
}

TEST(ChannelMessages, HubConnectionMessagesAreStrict) {
    auto code = [](const Bytes& bytes) {
        auto parsed = parse_message(bytes);
        return parsed ? std::string("ok") : parsed.error().code;
    };
    // The challenge messages are about the connection: channel_id must be all zero.
    EXPECT_EQ(code(cat({hex("da71"), bytes32(1)})), "wire_nonzero_channel_id");
    EXPECT_EQ(code(cat({hex("da73"), bytes32(1), bytes32(10)})), "wire_nonzero_channel_id");
    EXPECT_EQ(code(cat({hex("da77"), bytes32(1), hex("000000000003d090")})), "wire_nonzero_channel_id");
    EXPECT_EQ(code(cat({hex("da77"), bytes32(0), hex("8000000000000000")})), "wire_amount_out_of_range");
    EXPECT_EQ(code(cat({hex("da73"), bytes32(0), Bytes(31, 0x0a)})), "wire_truncated");
    EXPECT_EQ(code(cat({hex("da75"), bytes32(3), Bytes(63, 0x01)})), "wire_truncated");
    // A signature whose r is not below the group order.
    EXPECT_EQ(code(cat({hex("da75"), bytes32(3), Bytes(32, 0xff), Bytes(32, 0x01)})), "wire_bad_signature");
    // Unknown even TLVs are refused, unknown odd kept.
    EXPECT_EQ(code(cat({hex("da71"), bytes32(0), hex("0200")})), "tlv_unknown_even_type");
    EXPECT_EQ(code(cat({hex("da71"), bytes32(0), hex("0300")})), "ok");
    // hub_open_request (0xda77) is theirs too; the next odd type after them is still unknown.
    EXPECT_EQ(code(cat({hex("da77"), bytes32(0)})), "wire_truncated");
    EXPECT_EQ(code(cat({hex("da79"), bytes32(0)})), "wire_unknown_odd_message");
}

// BOLT-1's extension rules, on an `init`-like tail of a known message: funding_signed.
Bytes funding_signed_with(std::string_view tlv_hex) {
    FundingSigned m{bytes32(3), signature_of(22), TlvStream{}};
    Bytes bytes = serialize_message(m);
    const Bytes tail = hex(tlv_hex);
    bytes.insert(bytes.end(), tail.begin(), tail.end());
    return bytes;
}

TEST(ChannelMessages, TlvStreamRules) {
    // Unknown odd records are kept and written back.
    const Bytes odd = funding_signed_with("c9012acb0104");
    const auto parsed = parse_message(odd);
    ASSERT_TRUE(parsed.ok());
    EXPECT_EQ(std::get<FundingSigned>(*parsed).tlvs.records().size(), 2u);
    EXPECT_EQ(serialize_message(*parsed), odd);

    const std::pair<const char*, const char*> refused[] = {
        {"01", "tlv_truncated"},                 // a type and nothing else
        {"c901", "tlv_truncated"},               // a length past the end
        {"ca012a", "tlv_unknown_even_type"},     // unknown even type
        {"c90101c90102", "tlv_not_ascending"},   // the same type twice
        {"cb0101c90102", "tlv_not_ascending"},   // descending
        {"fd00c90100", "tlv_non_minimal_big_size"},  // type 0xc9 written in 3 bytes
        {"c9fd000100", "tlv_non_minimal_big_size"},  // length 1 in 3 bytes
        {"00", "tlv_truncated"},                 // type 0, no length
        {"0000", "tlv_unknown_even_type"},       // funding_signed knows no TLV
    };
    for (const auto& [tail, code] : refused) {
        SCOPED_TRACE(tail);
        const auto result = parse_message(funding_signed_with(tail));
        ASSERT_FALSE(result.ok());
        EXPECT_EQ(result.error().code, code);
    }
}

TEST(ChannelMessages, KnownTlvLengthsAndPoints) {
    ChannelReady ready{bytes32(3), point_of(15), TlvStream{}};
    ready.tlvs.set(tlv::kShortChannelId, Bytes(7, 0));
    EXPECT_EQ(parse_message(serialize_message(ready)).error().code, "tlv_bad_length");

    UpdateAddHtlc add{bytes32(3), 1, bitcoin::Msats{1}, bytes32(4), 1, {}, TlvStream{}};
    Bytes not_a_point(33, 0);
    not_a_point[0] = 0x02;  // x = 0 is not on the curve
    add.tlvs.set(tlv::kBlindedPath, not_a_point);
    EXPECT_EQ(parse_message(serialize_message(add)).error().code, "wire_bad_point");

    UpdateFulfillHtlc fulfill{bytes32(3), 1, bytes32(6), TlvStream{}};
    fulfill.tlvs.set(tlv::kAttributionData, Bytes(kAttributionDataSize, 1));
    round_trip(fulfill);
    fulfill.tlvs.set(tlv::kAttributionData, Bytes(kAttributionDataSize - 1, 1));
    EXPECT_EQ(parse_message(serialize_message(fulfill)).error().code, "tlv_bad_length");
}

TEST(ChannelMessages, BadFieldsAreRefused) {
    // A point in a fixed field: revoke_and_ack's last 33 bytes.
    Bytes bytes = serialize_message(RevokeAndAck{bytes32(3), bytes32(8), point_of(23), TlvStream{}});
    bytes[bytes.size() - 33] = 0x04;  // not a compressed prefix
    EXPECT_EQ(parse_message(bytes).error().code, "wire_bad_point");

    // A signature with r = n (the group order) is not a signature.
    Bytes signed_bytes = serialize_message(FundingSigned{bytes32(3), signature_of(22), TlvStream{}});
    const Bytes order = hex("fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141");
    std::copy(order.begin(), order.end(), signed_bytes.begin() + 2 + 32);
    EXPECT_EQ(parse_message(signed_bytes).error().code, "wire_bad_signature");

    // funding_satoshis above 2^63 - 1.
    Bytes open = serialize_message(one_of_each()[2]);
    open[2 + 64] = 0x80;
    EXPECT_EQ(parse_message(open).error().code, "wire_amount_out_of_range");

    // Truncation anywhere in the fixed fields.
    const Bytes whole = serialize_message(one_of_each()[2]);
    for (size_t cut = 0; cut < whole.size(); cut += 7) {
        const auto result = parse_message(ByteSpan(whole.data(), cut));
        if (cut < 2 + 32 * 2 + 8 * 6 + 4 + 2 + 2 + 33 * 6 + 1) {
            ASSERT_FALSE(result.ok()) << cut;
            EXPECT_EQ(result.error().code, "wire_truncated") << cut;
        }
    }

    // commitment_signed announcing more signatures than it may carry.
    Bytes commit = hex("0084");
    commit.insert(commit.end(), 32 + 64, 0);
    commit[2 + 32 + 31] = 1;  // r = 1
    commit[2 + 32 + 63] = 1;  // s = 1
    for (uint8_t b : hex("03c7")) commit.push_back(b);  // 967
    EXPECT_EQ(parse_message(commit).error().code, "wire_too_many_htlcs");
    commit[commit.size() - 1] = 0xc6;  // 966: now the signatures are missing
    EXPECT_EQ(parse_message(commit).error().code, "wire_truncated");
}

TEST(ChannelMessages, UnknownTypesAndSize) {
    EXPECT_EQ(parse_message(hex("8001")).error().code, "wire_unknown_odd_message");
    EXPECT_EQ(parse_message(hex("8000")).error().code, "wire_unknown_even_message");
    EXPECT_EQ(parse_message(hex("00")).error().code, "wire_truncated");
    Bytes huge = serialize_message(ErrorMessage{false, bytes32(0), Bytes(65000, 'x'), TlvStream{}});
    EXPECT_TRUE(parse_message(huge).ok());
    huge.resize(kMaxMessageSize + 1, 0x01);
    EXPECT_EQ(parse_message(huge).error().code, "wire_message_too_large");
}

}  // namespace
}  // namespace datt::channel
