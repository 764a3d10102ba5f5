// Negentropy v1 message encoding: messages written by other implementations (fq's test
// data, one of them sent by strfry), round trips, and hostile bytes rejected with codes.
#include "sync/message.h"

#include <gtest/gtest.h>

#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "sync_support.h"
#include "util/hex.h"

namespace datt::sync {
namespace {

using test::hex;

std::string read_data_file(const std::string& name) {
    std::ifstream in(std::string(DATT_SOURCE_DIR) + "/tests/core/sync/data/" + name);
    EXPECT_TRUE(in.good()) << name;
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

std::vector<std::vector<std::string>> read_tsv(const std::string& name) {
    std::vector<std::vector<std::string>> rows;
    std::istringstream lines(read_data_file(name));
    for (std::string line; std::getline(lines, line);) {
        std::vector<std::string> fields;
        std::istringstream cells(line);
        for (std::string cell; std::getline(cells, cell, '\t');) fields.push_back(cell);
        rows.push_back(fields);
    }
    return rows;
}

std::string mode_name(const Range& range) {
    if (std::holds_alternative<Skip>(range.payload)) return "skip";
    if (std::holds_alternative<Fingerprint>(range.payload)) return "fingerprint";
    return "idlist";
}

// Reads each message as fq's decoder did (tests/core/sync/data/README.md) and writes it
// back byte for byte: delta timestamps, infinity, prefixes of every length, all modes.
class OtherImplementationsMessage : public ::testing::TestWithParam<const char*> {};

TEST_P(OtherImplementationsMessage, DecodesAsFqDoesAndReencodesToTheSameBytes) {
    const std::string name = GetParam();
    std::string text = read_data_file("fq_" + name + ".hex");
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
    const Bytes bytes = hex(text);
    const auto expected = read_tsv("fq_" + name + ".ranges.tsv");
    ASSERT_FALSE(bytes.empty());

    auto message = decode_message(bytes);
    ASSERT_TRUE(message.ok()) << message.error().code << ": " << message.error().message;
    ASSERT_EQ(message->ranges.size(), expected.size());
    for (size_t i = 0; i < expected.size(); ++i) {
        SCOPED_TRACE(name + " range " + std::to_string(i));
        const Range& range = message->ranges[i];
        const auto& row = expected[i];
        ASSERT_EQ(row.size(), 4u);
        if (row[0] == "inf") {
            EXPECT_TRUE(range.upper.is_infinity());
        } else {
            EXPECT_EQ(range.upper.timestamp(), std::stoull(row[0]));
        }
        EXPECT_EQ(to_hex(range.upper.prefix()), row[1] == "-" ? "" : row[1]);
        EXPECT_EQ(mode_name(range), row[2]);
        if (const auto* fingerprint = std::get_if<Fingerprint>(&range.payload)) {
            EXPECT_EQ(to_hex(*fingerprint), row[3]);
        } else if (const auto* ids = std::get_if<IdList>(&range.payload)) {
            EXPECT_EQ(std::to_string(ids->size()), row[3]);
        }
    }
    EXPECT_EQ(encode_message(*message), bytes);
}

INSTANTIATE_TEST_SUITE_P(Fq, OtherImplementationsMessage,
                         ::testing::Values("smalljustfingerprints", "strfrybigmessage",
                                           "bigmessagewitheverything"));

TEST(Message, StrfryIdListHoldsTheIdsFqShows) {
    std::string text = read_data_file("fq_strfrybigmessage.hex");
    while (!text.empty() && text.back() == '\n') text.pop_back();
    auto message = decode_message(hex(text));
    ASSERT_TRUE(message.ok());
    const auto& ids = std::get<IdList>(message->ranges.at(1).payload);
    ASSERT_EQ(ids.size(), 27u);
    EXPECT_EQ(to_hex(ids.front()),
              "55d7b8d996a09e1e07140d2eec1151d0aac37f8b166a6ff2f7bf27353c935b5e");
    EXPECT_EQ(to_hex(ids.back()),
              "fef909d28ba9bea1c8d678232ace6255e22f4bfdfb4f5735f890ea7c523006f9");
}

// Worked out by hand from the spec.
TEST(Message, HandWrittenEncodings) {
    // The whole universe as one empty IdList: hoytech/negentropy test/protoversion.pl sends
    // exactly these bytes ("full range bound, empty IdList").
    Message empty_list{{{Bound::infinity(), IdList{}}}};
    EXPECT_EQ(to_hex(encode_message(empty_list)), "6100000200");
    EXPECT_EQ(decode_message(hex("6100000200")).value(), empty_list);

    // No ranges at all: "everything settled".
    EXPECT_EQ(to_hex(encode_message(Message{})), "61");

    // Timestamps 1000, 1000 (same, prefix 0a), 1130 then infinity: 1001 = 0x87 0x69,
    // delta 0 -> 1, delta 130 -> 131 = 0x81 0x03.
    Fingerprint fingerprint;
    fingerprint.fill(0xab);
    Message message{{
        {Bound::at_timestamp(1000), Skip{}},
        {*Bound::make(1000, hex("0a")), fingerprint},
        {Bound::at_timestamp(1130), IdList{Hash256{}}},
        {Bound::infinity(), Skip{}},
    }};
    std::string expected = "61 876900 00 01010a 01";
    for (int i = 0; i < 16; ++i) expected += "ab";
    expected += "8103 00 02 01" + std::string(64, '0') + "0000 00";
    EXPECT_EQ(to_hex(encode_message(message)), test::compact(expected));
    EXPECT_EQ(decode_message(hex(expected)).value(), message);

    // Two ranges ending at infinity (the reference can send that: an IdList up to infinity
    // then its closing fingerprint): equal bounds make an empty range, which is allowed.
    EXPECT_TRUE(decode_message(hex("610000020000000100000000000000000000000000000000")).ok());
    // An infinity bound may carry a prefix ("the id doesn't matter").
    EXPECT_TRUE(decode_message(hex("61000103 00")).ok());
}

struct Hostile {
    const char* name;
    const char* hex;
    const char* code;
};

const std::vector<Hostile> kHostile = {
    {"empty", "", "truncated"},
    {"not negentropy", "00", "bad_protocol_version"},
    {"below the version bytes", "5f", "bad_protocol_version"},
    {"above the version bytes", "70", "bad_protocol_version"},
    {"json", "7b7d", "bad_protocol_version"},
    {"version 0", "60", "unsupported_protocol_version"},
    {"version 2", "62aabbccddeeff", "unsupported_protocol_version"},
    {"version 15", "6f", "unsupported_protocol_version"},
    {"bound cut after the timestamp", "6105", "truncated"},
    {"bound cut in the prefix", "61050220", "truncated"},
    {"mode missing", "610500", "truncated"},
    {"non-minimal timestamp varint", "6180050000", "non_canonical_nip77_varint"},
    {"non-minimal prefix length", "6105800100", "non_canonical_nip77_varint"},
    {"non-minimal mode", "610500 8000", "non_canonical_nip77_varint"},
    {"timestamp varint past 64 bits", "61 82ffffffffffffffff7f 0000", "nip77_varint_too_large"},
    {"prefix of 33 bytes", "610021", "bad_id_prefix"},
    {"prefix length with a leading zero digit", "6100 80808080808080808000",
     "non_canonical_nip77_varint"},
    {"prefix length 2^63", "6100 81808080808080808000", "bad_id_prefix"},
    {"mode 3", "61000003", "bad_mode"},
    {"mode 128", "6100008100", "bad_mode"},
    {"fingerprint cut", "61000001 00112233445566778899aabbccddee", "truncated"},
    {"id list cut", "61000002 02 0000000000000000000000000000000000000000000000000000000000000000",
     "truncated"},
    {"id list count with a leading zero digit", "61000002 8080808080808080800000",
     "non_canonical_nip77_varint"},
    {"id list count near 2^64", "61000002 81ffffffffffffffff7f", "truncated"},
    {"id list count 2^52", "61000002 8880808080808000", "truncated"},
    {"prefix going down in one second", "6105018000 01011000", "bad_bound_order"},
    {"finite after infinity", "6100000005000000", "bad_timestamp"},
    // 2^64-2 (largest finite), then a delta of 1 would reach the reserved value.
    {"timestamp reaching infinity", "61 81ffffffffffffffff7f 0000 02 0000", "bad_timestamp"},
    {"timestamp overflowing", "61 0a0000 81ffffffffffffffff7f 0000", "bad_timestamp"},
    {"bad range after good ones", "6100000200 0000 09", "bad_mode"},
};

TEST(Message, HostileBytesAreRejectedWithTheirCode) {
    for (const Hostile& c : kHostile) {
        SCOPED_TRACE(c.name);
        auto message = decode_message(hex(c.hex));
        ASSERT_FALSE(message.ok());
        EXPECT_EQ(message.error().code, c.code) << message.error().message;
        EXPECT_FALSE(message.error().message.empty());
    }
}

TEST(Message, LargestFiniteTimestampIsAccepted) {
    // 2^64-2 encodes as 2^64-1, ten bytes.
    auto message = decode_message(hex("61 81ffffffffffffffff7f 0000"));
    ASSERT_TRUE(message.ok()) << message.error().code;
    EXPECT_EQ(message->ranges.at(0).upper.timestamp(), kInfinity - 1);
    EXPECT_FALSE(message->ranges.at(0).upper.is_infinity());
}

// Random valid messages survive encode/decode, and their bytes survive decode/encode.
TEST(Message, RandomMessagesRoundTrip) {
    std::mt19937_64 rng(2024);
    for (int round = 0; round < 500; ++round) {
        Message message;
        uint64_t timestamp = rng() % 3 == 0 ? 0 : rng() % 2'000'000'000;
        const size_t count = rng() % 40;
        for (size_t i = 0; i < count; ++i) {
            Bound upper;
            if (i + 1 == count && rng() % 2 == 0) {
                upper = Bound::infinity();
            } else {
                // Same second (prefixes decide the order) or later.
                const bool same = i > 0 && rng() % 3 == 0;
                if (!same) timestamp += 1 + rng() % (rng() % 2 ? 10 : 1'000'000'000);
                Bytes prefix(same ? 1 + rng() % 32 : rng() % 3 == 0 ? rng() % 33 : 0);
                for (auto& byte : prefix) byte = static_cast<uint8_t>(rng());
                // Keep prefixes ascending within one second: start with a byte above the
                // previous bound's first byte.
                if (same) {
                    const Bound& previous = message.ranges.back().upper;
                    const unsigned floor = previous.prefix().empty() ? 0 : previous.prefix()[0];
                    if (floor == 0xff)
                        prefix.assign(32, 0xff);
                    else
                        prefix[0] = static_cast<uint8_t>(floor + 1 + rng() % (0xff - floor));
                }
                upper = *Bound::make(timestamp, prefix);
            }
            Range range{upper, Skip{}};
            switch (rng() % 3) {
                case 0:
                    break;
                case 1: {
                    Fingerprint fingerprint;
                    for (auto& byte : fingerprint) byte = static_cast<uint8_t>(rng());
                    range.payload = fingerprint;
                    break;
                }
                default: {
                    IdList ids(rng() % 5);
                    for (auto& id : ids) id = test::random_id(rng);
                    range.payload = ids;
                }
            }
            message.ranges.push_back(range);
            if (upper.is_infinity()) break;
        }
        const Bytes bytes = encode_message(message);
        auto decoded = decode_message(bytes);
        ASSERT_TRUE(decoded.ok()) << decoded.error().code << " round " << round;
        ASSERT_EQ(*decoded, message) << "round " << round;
        ASSERT_EQ(encode_message(*decoded), bytes);
    }
}

TEST(MessageReader, ViewsIdListsWithoutCopyingAndStopsAtTheEnd) {
    const Bytes bytes = hex("61 0000 02 02" + std::string(64, '1') + std::string(64, '2'));
    auto reader = MessageReader::open(bytes);
    ASSERT_TRUE(reader.ok());
    ASSERT_FALSE(reader->at_end());
    auto range = reader->next();
    ASSERT_TRUE(range.ok());
    const auto& ids = std::get<IdListView>(range->payload);
    ASSERT_EQ(ids.size(), 2u);
    EXPECT_EQ(to_hex(ids[0]), std::string(64, '1'));
    EXPECT_EQ(to_hex(ids[1]), std::string(64, '2'));
    EXPECT_TRUE(reader->at_end());
}

}  // namespace
}  // namespace datt::sync
