// The protocol rules kept once in core/event: the two event orders (time_id.h), NIP-01
// addresses (address.h) and the NIP-09 deletion rule (deletion.h). Keys are the secret keys
// 1 and 2, whose x-only public keys are the x coordinates of G and 2G (SEC 2), so the
// expected authors come from outside our code.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "event/address.h"
#include "event/deletion.h"
#include "event/time_id.h"
#include "util/hex.h"

namespace datt::event {
namespace {

const std::string kG = "79be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798";
const std::string k2G = "c6047f9441ed7d6d3045406e95c07cd85c778e4b8cef3ca7abac09b95c709ee5";

Event sign(uint8_t key, int64_t created_at, Kind kind, Tags tags = {}, std::string content = "") {
    std::array<uint8_t, 32> secret{};
    secret[31] = key;
    const std::array<uint8_t, 32> aux{};
    auto event = Event::sign({created_at, kind, std::move(tags), std::move(content)},
                             *crypto::SecretKey::from_bytes(secret), aux);
    EXPECT_TRUE(event.ok());
    return std::move(event).value();
}

Hash256 filled(uint8_t byte) {
    Hash256 id{};
    id.fill(byte);
    return id;
}

TEST(TimeIdOrder, AscendingIsCreatedAtThenIdBytes) {
    const TimeId a{100, filled(0xff)};
    const TimeId b{101, filled(0x00)};
    const TimeId c{101, filled(0x01)};
    EXPECT_LT(a, b);
    EXPECT_LT(b, c);
    EXPECT_LT(a, c);
    EXPECT_EQ(a, (TimeId{100, filled(0xff)}));
    // Bytes compare as unsigned: 0x80 sorts after 0x7f (as "80" after "7f" in hex).
    Hash256 high{};
    high[0] = 0x80;
    Hash256 low{};
    low[0] = 0x7f;
    low[31] = 0xff;
    EXPECT_LT((TimeId{5, low}), (TimeId{5, high}));
    EXPECT_LT((TimeId{-1, high}), (TimeId{0, low}));
}

TEST(TimeIdOrder, SupersedesIsLaterCreatedAtThenLowestId) {
    EXPECT_TRUE(supersedes({200, filled(9)}, {100, filled(1)}));
    EXPECT_FALSE(supersedes({100, filled(1)}, {200, filled(9)}));
    EXPECT_TRUE(supersedes({100, filled(1)}, {100, filled(2)}));
    EXPECT_FALSE(supersedes({100, filled(2)}, {100, filled(1)}));
    EXPECT_FALSE(supersedes({100, filled(1)}, {100, filled(1)}));

    // As a comparator: newest first, and within a second lowest id first, which is not
    // the reverse of the ascending order.
    std::vector<TimeId> items = {{100, filled(2)}, {300, filled(5)}, {100, filled(1)},
                                 {200, filled(7)}, {300, filled(3)}};
    std::sort(items.begin(), items.end(), supersedes);
    const std::vector<TimeId> feed = {{300, filled(3)}, {300, filled(5)}, {200, filled(7)},
                                      {100, filled(1)}, {100, filled(2)}};
    EXPECT_EQ(items, feed);
    std::sort(items.begin(), items.end());
    const std::vector<TimeId> ascending = {{100, filled(1)}, {100, filled(2)}, {200, filled(7)},
                                           {300, filled(3)}, {300, filled(5)}};
    EXPECT_EQ(items, ascending);
}

TEST(Address, OfEachKindClass) {
    const ByteArray<32> g = *from_hex_fixed<32>(kG);
    EXPECT_EQ(address_of(sign(1, 1, 0, {{"d", "ignored"}})), (Address{0, g, ""}));
    EXPECT_EQ(address_of(sign(1, 1, 3)), (Address{3, g, ""}));
    EXPECT_EQ(address_of(sign(1, 1, 10002)), (Address{10002, g, ""}));
    EXPECT_EQ(address_of(sign(1, 1, 19999)), (Address{19999, g, ""}));
    EXPECT_EQ(address_of(sign(1, 1, 34550, {{"t", "x"}, {"d", "first"}, {"d", "second"}})),
              (Address{34550, g, "first"}));
    EXPECT_EQ(address_of(sign(1, 1, 30000)), (Address{30000, g, ""}));  // no d tag
    EXPECT_EQ(address_of(sign(1, 1, 39999, {{"d"}})), (Address{39999, g, ""}));
    for (Kind regular : {1, 2, 4, 5, 7, 1111, 9999, 40000, 65535}) {
        EXPECT_FALSE(address_of(sign(1, 1, regular, {{"d", "x"}}))) << regular;
    }
    for (Kind ephemeral : {20000, 29999}) EXPECT_FALSE(address_of(sign(1, 1, ephemeral)));
}

TEST(Address, FromFieldsAgreesWithTheEvent) {
    const std::vector<std::pair<Kind, Tags>> cases = {
        {0, {{"d", "ignored"}}}, {10002, {}}, {34550, {{"t", "x"}, {"d", "first"}, {"d", "second"}}},
        {34550, {{"d"}, {"d", "second"}}}, {30000, {}}, {1111, {{"d", "x"}}}, {20000, {}}};
    for (const auto& [kind, tags] : cases) {
        const Event event = sign(2, 5, kind, tags);
        EXPECT_EQ(address_of(event.kind(), event.pubkey(), event.tags()), address_of(event)) << kind;
    }
    EXPECT_EQ(tag_value(Tags{{"d"}, {"d", "x"}, {"d", "y"}}, "d"), "x");
    EXPECT_FALSE(tag_value(Tags{{"d"}, {"e", "x"}}, "d"));
}

TEST(Address, ParseAndFormat) {
    const ByteArray<32> g = *from_hex_fixed<32>(kG);
    EXPECT_EQ(parse_address("34550:" + kG + ":bitcoin"), (Address{34550, g, "bitcoin"}));
    EXPECT_EQ(parse_address("30023:" + kG + ":a:b:c"), (Address{30023, g, "a:b:c"}));
    EXPECT_EQ(parse_address("30023:" + kG + ":"), (Address{30023, g, ""}));
    EXPECT_EQ(parse_address("0:" + kG + ":"), (Address{0, g, ""}));
    std::string upper = kG;
    std::transform(upper.begin(), upper.end(), upper.begin(), ::toupper);
    EXPECT_EQ(parse_address("10002:" + upper + ":"), (Address{10002, g, ""}));
    EXPECT_EQ(parse_address("030023:" + kG + ":x"), (Address{30023, g, "x"}));

    for (const std::string& bad : std::vector<std::string>{"0:" + kG + ":d", "1:" + kG + ":", "1111:" + kG + ":x", "20000:" + kG + ":",
          "40000:" + kG + ":", "65536:" + kG + ":", "+0:" + kG + ":", "-1:" + kG + ":",
          ":" + kG + ":", "30023:" + kG, "30023:" + kG.substr(2) + ":",
          "30023:" + kG + "00:", "x:" + kG + ":", std::string("30023::x"), std::string("30023"),
          std::string("")}) {
        EXPECT_FALSE(parse_address(bad)) << bad;
    }
    const Address a{34550, *from_hex_fixed<32>(k2G), "datt:dev"};
    EXPECT_EQ(format_address(a), "34550:" + k2G + ":datt:dev");
    EXPECT_EQ(parse_address(format_address(a)), a);
}

TEST(Deletion, RequestNamesOwnTargets) {
    const Hash256 x = filled(0xab);
    std::string upper_x(64, 'A');
    const std::string own_a = "30023:" + kG + ":post";
    const Event request = sign(1, 500, 5,
                               {{"e", to_hex(x)},
                                {"e", upper_x},
                                {"e", to_hex(x)},  // repeated: kept once
                                {"e", "short"},
                                {"e"},
                                {"a", own_a},
                                {"a", "30023:" + k2G + ":post"},  // another author's: dropped
                                {"a", "1:" + kG + ":"},           // a regular kind: names nothing
                                {"k", "1"}});
    const auto parsed = deletion_request_of(request);
    ASSERT_TRUE(parsed);
    EXPECT_EQ(parsed->author, *from_hex_fixed<32>(kG));
    EXPECT_EQ(parsed->created_at, 500);
    EXPECT_EQ(parsed->ids, (std::vector<Hash256>{x, filled(0xaa)}));
    EXPECT_EQ(parsed->addresses, (std::vector<Address>{*parse_address(own_a)}));
    EXPECT_FALSE(deletion_request_of(sign(1, 500, 1, {{"e", to_hex(x)}})));
}

TEST(Deletion, DeletesOnlyTheAuthorsNamedEventsAndVersionsUpToItsTime) {
    const Event note = sign(1, 100, 1, {}, "note");
    const Event other_author_note = sign(2, 100, 1, {}, "theirs");
    const Event earlier_request = sign(1, 90, 5, {}, "a request");
    const Event article = sign(1, 200, 30023, {{"d", "post"}}, "v1");
    const Event article_same_second = sign(1, 300, 30023, {{"d", "post"}}, "v2");
    const Event article_later = sign(1, 301, 30023, {{"d", "post"}}, "v3");
    const Event other_d = sign(1, 200, 30023, {{"d", "other"}}, "other");
    const Event profile = sign(1, 50, 0, {}, "{}");
    const Event request = sign(1, 300, 5,
                               {{"e", to_hex(note.id())},
                                {"e", to_hex(other_author_note.id())},
                                {"e", to_hex(earlier_request.id())},
                                {"a", "30023:" + kG + ":post"},
                                {"a", "0:" + kG + ":"}});
    const DeletionRequest r = *deletion_request_of(request);
    EXPECT_TRUE(deletes(r, note));
    EXPECT_FALSE(deletes(r, other_author_note));
    EXPECT_FALSE(deletes(r, earlier_request));  // deleting a deletion has no effect
    EXPECT_TRUE(deletes(r, article));
    EXPECT_TRUE(deletes(r, article_same_second));
    EXPECT_FALSE(deletes(r, article_later));
    EXPECT_FALSE(deletes(r, other_d));
    EXPECT_TRUE(deletes(r, profile));
    EXPECT_FALSE(deletes(r, request));

    // Another author's request names the same things and deletes none of them.
    const Event foreign = sign(2, 300, 5,
                               {{"e", to_hex(note.id())}, {"a", "30023:" + kG + ":post"}});
    const DeletionRequest f = *deletion_request_of(foreign);
    EXPECT_TRUE(f.addresses.empty());
    EXPECT_FALSE(deletes(f, note));
    EXPECT_FALSE(deletes(f, article));

    EXPECT_TRUE(may_delete(r, note.pubkey(), 1));
    EXPECT_FALSE(may_delete(r, note.pubkey(), 5));
    EXPECT_FALSE(may_delete(r, other_author_note.pubkey(), 1));
    EXPECT_TRUE(covers_version(r, 300));
    EXPECT_FALSE(covers_version(r, 301));
}

}  // namespace
}  // namespace datt::event
