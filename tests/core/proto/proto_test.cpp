// core/proto: client message parsing, filter parsing and matching, reply formatting.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "proto/filter.h"
#include "proto/message.h"
#include "util/hex.h"
#include "util/utf8.h"

namespace datt::proto {
namespace {

using nlohmann::json;

crypto::SecretKey key(uint8_t n) {
    std::array<uint8_t, 32> bytes{};
    bytes[31] = n;
    return *crypto::SecretKey::from_bytes(bytes);
}

event::Event make_event(uint8_t author, event::Kind kind, int64_t created_at, event::Tags tags,
                        std::string content = "") {
    std::array<uint8_t, 32> aux{};
    auto e = event::Event::sign({created_at, kind, std::move(tags), std::move(content)}, key(author), aux);
    return std::move(e).value();
}

template <class T>
const T& as(const Result<ClientMessage>& parsed) {
    EXPECT_TRUE(parsed.ok()) << (parsed.ok() ? "" : parsed.error().message);
    EXPECT_TRUE(std::holds_alternative<T>(*parsed));
    return std::get<T>(*parsed);
}

std::string error_code(const Result<ClientMessage>& parsed) {
    EXPECT_FALSE(parsed.ok());
    return parsed.ok() ? "" : parsed.error().code;
}

TEST(Message, EventPassesTheEventTextThrough) {
    const std::string event = make_event(1, 1, 100, {}).to_json();
    for (const std::string& text : {"[\"EVENT\"," + event + "]", " [ \"EVENT\" ,\n" + event + " ] \n"}) {
        auto parsed = parse_client_message(text);
        EXPECT_EQ(as<EventMessage>(parsed).event_json, event);
    }
    EXPECT_EQ(error_code(parse_client_message("[\"EVENT\"]")), "message_syntax");
    EXPECT_EQ(error_code(parse_client_message("[\"EVENT\" " + event + "]")), "message_syntax");
    EXPECT_EQ(error_code(parse_client_message("[\"EVENT\"," + event)), "message_syntax");
    EXPECT_EQ(error_code(parse_client_message("[\"EVENT\", 1, 2")), "message_syntax");
}

TEST(Message, ReqCountClose) {
    auto req = parse_client_message(R"(["REQ","sub1",{"kinds":[1,1111],"limit":10},{"#t":["a"]}])");
    const auto& r = as<ReqMessage>(req);
    EXPECT_EQ(r.subscription_id, "sub1");
    ASSERT_EQ(r.filters.size(), 2u);
    EXPECT_EQ(r.filters[0].kinds, (std::vector<event::Kind>{1, 1111}));
    EXPECT_EQ(r.filters[0].limit, 10u);
    ASSERT_EQ(r.filters[1].tags.size(), 1u);
    EXPECT_EQ(r.filters[1].tags[0].name, 't');

    auto count = parse_client_message(R"(["COUNT","c",{"authors":[]}])");
    EXPECT_EQ(as<CountMessage>(count).subscription_id, "c");
    auto close = parse_client_message(R"(["CLOSE","sub1"])");
    EXPECT_EQ(as<CloseMessage>(close).subscription_id, "sub1");
}

TEST(Message, EnvelopeErrors) {
    EXPECT_EQ(error_code(parse_client_message("")), "message_syntax");
    EXPECT_EQ(error_code(parse_client_message("{}")), "message_syntax");
    EXPECT_EQ(error_code(parse_client_message("[]")), "message_syntax");
    EXPECT_EQ(error_code(parse_client_message("[1]")), "message_syntax");
    EXPECT_EQ(error_code(parse_client_message("[\"REQ\",")), "message_syntax");
    EXPECT_EQ(error_code(parse_client_message("[\"AUTH\",{}]")), "message_unknown_type");
    EXPECT_EQ(error_code(parse_client_message("[\"req\",\"a\",{}]")), "message_unknown_type");
    // A long unknown type is quoted shortened, without splitting a UTF-8 character.
    auto long_type = parse_client_message("[\"" + std::string(31, 'a') + "\xc3\xa9\"]");
    ASSERT_FALSE(long_type.ok());
    EXPECT_TRUE(is_valid_utf8(long_type.error().message)) << long_type.error().message;
    EXPECT_NE(long_type.error().message.find(std::string(31, 'a') + "..."), std::string::npos);
    EXPECT_EQ(error_code(parse_client_message("[\"REQ\"]")), "bad_subscription_id");
    EXPECT_EQ(error_code(parse_client_message("[\"REQ\",1,{}]")), "bad_subscription_id");
    EXPECT_EQ(error_code(parse_client_message("[\"REQ\",\"\",{}]")), "bad_subscription_id");
    EXPECT_EQ(error_code(parse_client_message("[\"REQ\",\"" + std::string(65, 'x') + "\",{}]")),
              "bad_subscription_id");
    EXPECT_EQ(error_code(parse_client_message("[\"CLOSE\"]")), "bad_subscription_id");
    MessageLimits small;
    small.max_message_bytes = 10;
    EXPECT_EQ(error_code(parse_client_message("[\"CLOSE\",\"abcdef\"]", small)), "message_too_large");
}

TEST(Message, InvalidFiltersKeepTheSubscriptionId) {
    auto check = [](const std::string& text, const std::string& code) {
        auto parsed = parse_client_message(text);
        const auto& invalid = as<InvalidSubscription>(parsed);
        EXPECT_EQ(invalid.subscription_id, "s") << text;
        EXPECT_EQ(invalid.error.code, code) << text;
    };
    check(R"(["REQ","s"])", "filter_invalid");
    check(R"(["REQ","s",1])", "filter_invalid");
    check(R"(["REQ","s",{"kinds":[-1]}])", "filter_invalid");
    check(R"(["REQ","s",{"kinds":[65536]}])", "filter_invalid");
    check(R"(["REQ","s",{"kinds":"1"}])", "filter_invalid");
    check(R"(["REQ","s",{"ids":["ABC"]}])", "filter_invalid");
    check(R"(["REQ","s",{"authors":["00"]}])", "filter_invalid");
    check(R"(["REQ","s",{"since":-5}])", "filter_invalid");
    check(R"(["REQ","s",{"until":1.5}])", "filter_invalid");
    check(R"(["REQ","s",{"limit":-1}])", "filter_invalid");
    check(R"(["REQ","s",{"#e":[1]}])", "filter_invalid");
    check(R"(["REQ","s",{"#ee":["x"]}])", "filter_invalid");
    check(R"(["REQ","s",{"search":5}])", "filter_invalid");
    check(R"(["REQ","s",{"unknown":1}])", "filter_invalid");
    check(R"(["COUNT","s",{},{},{},{},{},{},{},{},{},{},{}])", "too_many_filters");
}

TEST(Filter, ParseRoundTrip) {
    const std::string hex64(64, 'a');
    auto filter = parse_filter(R"({"ids":[")" + hex64 + R"("],"authors":[")" + hex64 +
                               R"("],"kinds":[0,7],"#e":["x","y"],"#T":[],"since":5,"until":9,"limit":3,"search":"hi there"})");
    ASSERT_TRUE(filter.ok()) << filter.error().message;
    auto again = parse_filter(filter_to_json(*filter));
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(*again, *filter);
    EXPECT_EQ(filter->tags.size(), 2u);
    EXPECT_EQ(filter->search, "hi there");
}

TEST(Filter, MatchingRules) {
    const auto e = make_event(1, 1111, 1000, {{"e", "root"}, {"t", "bitcoin"}, {"p"}}, "Hello Nostr World");
    auto f = [](const std::string& json) { return *parse_filter(json); };
    EXPECT_TRUE(matches(f("{}"), e));
    EXPECT_TRUE(matches(f(R"({"kinds":[1,1111]})"), e));
    EXPECT_FALSE(matches(f(R"({"kinds":[1]})"), e));
    EXPECT_FALSE(matches(f(R"({"kinds":[]})"), e));
    EXPECT_TRUE(matches(f(R"({"ids":[")" + to_hex(e.id()) + R"("]})"), e));
    EXPECT_FALSE(matches(f(R"({"ids":[]})"), e));
    EXPECT_TRUE(matches(f(R"({"authors":[")" + to_hex(e.pubkey()) + R"("]})"), e));
    EXPECT_FALSE(matches(f(R"({"authors":[")" + std::string(64, '0') + R"("]})"), e));
    EXPECT_TRUE(matches(f(R"({"since":1000,"until":1000})"), e));
    EXPECT_FALSE(matches(f(R"({"since":1001})"), e));
    EXPECT_FALSE(matches(f(R"({"until":999})"), e));
    EXPECT_TRUE(matches(f(R"({"#e":["root","x"],"#t":["bitcoin"]})"), e));
    EXPECT_FALSE(matches(f(R"({"#e":["root"],"#t":["ether"]})"), e));
    EXPECT_FALSE(matches(f(R"({"#p":[""]})"), e));  // a tag without a value matches nothing
    EXPECT_FALSE(matches(f(R"({"#E":["root"]})"), e));  // tag names are case-sensitive
    EXPECT_TRUE(matches(f(R"({"search":"nostr hello"})"), e));
    EXPECT_TRUE(matches(f(R"({"search":"  WORLD "})"), e));
    EXPECT_FALSE(matches(f(R"({"search":"nostr bitcoin"})"), e));
    EXPECT_TRUE(matches_any({f(R"({"kinds":[1]})"), f(R"({"kinds":[1111]})")}, e));
    EXPECT_FALSE(matches_any({}, e));
}

TEST(Format, RelayMessagesAreValidJson) {
    EXPECT_EQ(format_ok("ab", true, ""), R"(["OK","ab",true,""])");
    EXPECT_EQ(format_ok("ab", false, "invalid: \"quoted\""), R"(["OK","ab",false,"invalid: \"quoted\""])");
    EXPECT_EQ(format_eose("s\n"), R"(["EOSE","s\n"])");
    EXPECT_EQ(format_closed("s", "blocked: no"), R"(["CLOSED","s","blocked: no"])");
    EXPECT_EQ(format_notice("x"), R"(["NOTICE","x"])");
    EXPECT_EQ(format_count("c", 42), R"(["COUNT","c",{"count":42}])");
    const auto e = make_event(2, 1, 5, {}, "a\x01");
    json parsed = json::parse(format_event("sub", e.to_json()));
    EXPECT_EQ(parsed[0], "EVENT");
    EXPECT_EQ(parsed[1], "sub");
    EXPECT_EQ(parsed[2]["content"], "a\x01");
}

TEST(Message, NegentropyMessagesParseAndFormat) {
    auto open = parse_client_message(R"(["NEG-OPEN","n1",{"kinds":[1]},"6100000200"])");
    const auto& o = as<NegOpenMessage>(open);
    EXPECT_EQ(o.subscription_id, "n1");
    EXPECT_EQ(o.filter.kinds, (std::vector<event::Kind>{1}));
    EXPECT_EQ(o.message, (Bytes{0x61, 0x00, 0x00, 0x02, 0x00}));
    EXPECT_EQ(format_neg_open("n1", o.filter, o.message), R"(["NEG-OPEN","n1",{"kinds":[1]},"6100000200"])");

    auto msg = parse_client_message(R"(["NEG-MSG","n1","61AB"])");
    EXPECT_EQ(as<NegMsgMessage>(msg).message, (Bytes{0x61, 0xab}));
    EXPECT_EQ(format_neg_msg("n1", Bytes{0x61, 0xab}), R"(["NEG-MSG","n1","61ab"])");
    EXPECT_EQ(as<NegCloseMessage>(parse_client_message(R"(["NEG-CLOSE","n1"])")).subscription_id, "n1");
    EXPECT_EQ(format_neg_close("n1"), R"(["NEG-CLOSE","n1"])");
    EXPECT_EQ(format_neg_err("n\"1", "closed: idle"), R"(["NEG-ERR","n\"1","closed: idle"])");
}

TEST(Message, MalformedNegentropyMessagesNameTheirSubscription) {
    auto code_of = [](std::string_view text) {
        auto parsed = parse_client_message(text);
        const auto& invalid = as<InvalidNegentropy>(parsed);
        EXPECT_EQ(invalid.subscription_id, "n");
        return invalid.error.code;
    };
    EXPECT_EQ(code_of(R"(["NEG-MSG","n","61a"])"), "bad_hex");
    EXPECT_EQ(code_of(R"(["NEG-MSG","n","zz"])"), "bad_hex");
    EXPECT_EQ(code_of(R"(["NEG-MSG","n",61])"), "neg_syntax");
    EXPECT_EQ(code_of(R"(["NEG-MSG","n"])"), "neg_syntax");
    EXPECT_EQ(code_of(R"(["NEG-OPEN","n","61"])"), "neg_syntax");
    EXPECT_EQ(code_of(R"(["NEG-OPEN","n",{"kinds":"x"},"61"])"), "filter_invalid");
    EXPECT_EQ(code_of(R"(["NEG-OPEN","n",{},"61","extra"])"), "neg_syntax");
    // A filter member twice is refused as in REQ (nlohmann would keep the last silently);
    // the same name in a nested object, or a repeated name in the payload position, is not
    // a duplicate member of the filter.
    EXPECT_EQ(code_of(R"(["NEG-OPEN","n",{"kinds":[1],"kinds":[2]},"61"])"), "duplicate_field");
    EXPECT_TRUE(std::holds_alternative<NegOpenMessage>(
        *parse_client_message(R"(["NEG-OPEN","n",{"kinds":[1],"#t":["kinds"]},"6100000200"])")));
    EXPECT_EQ(code_of(R"(["NEG-CLOSE","n",1])"), "neg_syntax");
    // Without a usable subscription id there is nobody to answer with NEG-ERR.
    EXPECT_EQ(error_code(parse_client_message(R"(["NEG-MSG",7,"61"])")), "bad_subscription_id");
}

}  // namespace
}  // namespace datt::proto
