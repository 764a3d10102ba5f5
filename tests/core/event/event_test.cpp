// NIP-01 events: canonical serialization edge cases, sign/parse round trips and
// hostile JSON, each rejection with its stable code.
#include "event/event.h"

#include <gtest/gtest.h>

#include <cstdio>

#include <nlohmann/json.hpp>

#include "crypto/sha256.h"
#include "event/canonical.h"
#include "util/hex.h"

namespace datt::event {
namespace {

using nlohmann::json;

crypto::SecretKey test_key() {
    std::array<uint8_t, 32> bytes{};
    bytes[31] = 3;  // BIP-340 vector 0's key
    return *crypto::SecretKey::from_bytes(bytes);
}

const std::array<uint8_t, 32> kAux{};
const std::string kPubkeyHex = "f9308a019258c31049344f85f89d5229b531c845836f99b08601f113bce036f9";

Event sign(const Draft& draft) {
    auto event = Event::sign(draft, test_key(), kAux);
    EXPECT_TRUE(event.ok()) << (event.ok() ? "" : event.error().message);
    return std::move(event).value();
}

std::string valid_json() { return sign({1700000000, 1, {{"t", "datt"}}, "hello"}).to_json(); }

std::string expect_rejected(const std::string& text, const std::string& code,
                            const Limits& limits = {}) {
    auto parsed = Event::parse(text, limits);
    EXPECT_FALSE(parsed.ok()) << "accepted: " << text.substr(0, 200);
    if (parsed.ok()) return "";
    EXPECT_EQ(parsed.error().code, code) << parsed.error().message << " for " << text.substr(0, 200);
    EXPECT_FALSE(parsed.error().message.empty());
    return parsed.error().message;
}

std::string with(const std::string& field, const json& value) {
    json j = json::parse(valid_json());
    j[field] = value;
    return j.dump();
}

std::string without(const std::string& field) {
    json j = json::parse(valid_json());
    j.erase(field);
    return j.dump();
}

ByteArray<32> pubkey_bytes() { return *from_hex_fixed<32>(kPubkeyHex); }

TEST(Canonical, ExactFormWithNoWhitespace) {
    Draft draft{1700000000, 1111, {{"e", "abc", ""}, {"p"}}, "hi"};
    EXPECT_EQ(canonical_serialization(pubkey_bytes(), draft),
              "[0,\"" + kPubkeyHex + "\",1700000000,1111,[[\"e\",\"abc\",\"\"],[\"p\"]],\"hi\"]");
}

TEST(Canonical, EscapesExactlyTheSevenCharacters) {
    Draft draft{0, 1, {}, "a\nb\"c\\d\re\tf\bg\fh"};
    EXPECT_EQ(canonical_serialization(pubkey_bytes(), draft),
              "[0,\"" + kPubkeyHex + "\",0,1,[],\"a\\nb\\\"c\\\\d\\re\\tf\\bg\\fh\"]");
}

TEST(Canonical, WritesOtherControlCharactersAsLowercaseUnicodeEscapes) {
    // What nostr-tools (JSON.stringify), strfry and serde_json hash: every C0 control other
    // than the seven short forms as \u00xx, lowercase (docs/protocol.md).
    std::string controls;
    std::string expected;
    for (int c = 0; c < 0x20; ++c) {
        controls.push_back(static_cast<char>(c));
        switch (c) {
            case '\n': expected += "\\n"; break;
            case '\r': expected += "\\r"; break;
            case '\t': expected += "\\t"; break;
            case '\b': expected += "\\b"; break;
            case '\f': expected += "\\f"; break;
            default: {
                char buf[8];
                std::snprintf(buf, sizeof buf, "\\u%04x", c);
                expected += buf;
            }
        }
    }
    Draft draft{0, 1, {{controls}}, controls};
    const std::string quoted = "\"" + expected + "\"";
    EXPECT_EQ(canonical_serialization(pubkey_bytes(), draft),
              "[0,\"" + kPubkeyHex + "\",0,1,[[" + quoted + "]]," + quoted + "]");
    EXPECT_NE(expected.find("\\u001f"), std::string::npos);  // lowercase hex digits
}

TEST(Canonical, KeepsEverythingElseRaw) {
    // DEL, '/', non-ASCII and U+2028 stay verbatim, as in JSON.stringify.
    const std::string raw("\x7f/\xc3\xa9\xf0\x9f\x8c\x8d\xe2\x80\xa8<>&'");
    Draft draft{0, 1, {{raw}}, raw};
    const std::string quoted = "\"" + raw + "\"";
    EXPECT_EQ(canonical_serialization(pubkey_bytes(), draft),
              "[0,\"" + kPubkeyHex + "\",0,1,[[" + quoted + "]]," + quoted + "]");
}

TEST(Canonical, EmptyTagsAndEmptyTag) {
    EXPECT_EQ(canonical_serialization(pubkey_bytes(), {5, 0, {}, ""}),
              "[0,\"" + kPubkeyHex + "\",5,0,[],\"\"]");
    EXPECT_EQ(canonical_serialization(pubkey_bytes(), {5, 0, {{}}, ""}),
              "[0,\"" + kPubkeyHex + "\",5,0,[[]],\"\"]");
}

TEST(Canonical, IdIsSha256OfCanonicalForm) {
    // sha256 of the canonical string below, computed with coreutils sha256sum.
    const Draft draft{1700000000, 1, {}, "hello"};
    EXPECT_EQ(canonical_serialization(pubkey_bytes(), draft),
              "[0,\"" + kPubkeyHex + "\",1700000000,1,[],\"hello\"]");
    EXPECT_EQ(to_hex(compute_id(pubkey_bytes(), draft)), "a9d53fee641fe563de947fa330a3b4902e52e249894660aaa521cd039e896128");
}

TEST(Event, SignThenParseRoundTrips) {
    const std::vector<Draft> drafts = {
        {1700000000, 1, {}, ""},
        {0, 65535, {{}}, "\n\"\\\r\t\b\f"},
        {4294967295, 34550, {{"d", "bitcoin"}, {"p", kPubkeyHex, "", "moderator"}}, "x"},
        {1, 1111, {{"t", std::string("\x01\x02\x7f", 3)}}, std::string("nul\0inside", 10)},
        {1700000000, 1, {}, std::string(60000, 'z') + "\xe2\x82\xac"},
    };
    for (const Draft& draft : drafts) {
        Event event = sign(draft);
        EXPECT_EQ(to_hex(event.pubkey()), kPubkeyHex);
        EXPECT_EQ(event.id(), compute_id(event.pubkey(), draft));
        auto parsed = Event::parse(event.to_json());
        ASSERT_TRUE(parsed.ok()) << parsed.error().code << ": " << parsed.error().message;
        EXPECT_EQ(*parsed, event);
        // The wire form is standard JSON that another parser reads back unchanged.
        json j = json::parse(event.to_json());
        EXPECT_EQ(j["content"].get<std::string>(), draft.content);
        EXPECT_EQ(j["id"].get<std::string>(), to_hex(event.id()));
    }
}

TEST(Event, TagValue) {
    Event event = sign({1, 34550, {{"x"}, {"d", "bitcoin"}, {"d", "second"}}, ""});
    EXPECT_EQ(event.tag_value("d"), "bitcoin");
    EXPECT_FALSE(event.tag_value("x").has_value());
    EXPECT_FALSE(event.tag_value("e").has_value());
}

TEST(Event, AcceptsMembersInAnyOrderAndIgnoresUnknownOnes) {
    json j = json::parse(valid_json());
    json reordered = json::object();
    for (const char* k : {"sig", "content", "tags", "kind", "created_at", "pubkey", "id"}) {
        reordered[k] = j[k];
    }
    reordered["relay_hint"] = {{"nested", {1, 2, {{"a", nullptr}}}}};
    auto parsed = Event::parse(reordered.dump());
    ASSERT_TRUE(parsed.ok()) << parsed.error().message;
    EXPECT_EQ(parsed->to_json(), valid_json());
}

TEST(EventParse, SyntaxAndShape) {
    expect_rejected("", "json_syntax");
    expect_rejected("{", "json_syntax");
    expect_rejected("{\"id\":}", "json_syntax");
    expect_rejected(valid_json() + "x", "json_syntax");
    expect_rejected(valid_json() + "{}", "json_syntax");
    expect_rejected("[]", "not_object");
    expect_rejected("42", "not_object");
    expect_rejected("\"event\"", "not_object");
    expect_rejected("null", "not_object");
    expect_rejected("{}", "missing_field");
}

TEST(EventParse, MissingFields) {
    for (const char* field : {"id", "pubkey", "created_at", "kind", "tags", "content", "sig"}) {
        std::string message = expect_rejected(without(field), "missing_field");
        EXPECT_NE(message.find(field), std::string::npos) << message;
    }
}

TEST(EventParse, WrongTypes) {
    for (const char* field : {"id", "pubkey", "content", "sig"}) {
        expect_rejected(with(field, 1), "wrong_type");
        expect_rejected(with(field, nullptr), "wrong_type");
        expect_rejected(with(field, json::array()), "wrong_type");
        expect_rejected(with(field, json::object()), "wrong_type");
    }
    expect_rejected(with("kind", "1"), "wrong_type");
    expect_rejected(with("kind", 1.5), "wrong_type");
    expect_rejected(with("kind", true), "wrong_type");
    expect_rejected(with("created_at", "1700000000"), "wrong_type");
    expect_rejected(with("created_at", 1.7e9), "wrong_type");
    expect_rejected(with("tags", "t"), "wrong_type");
    expect_rejected(with("tags", json::object()), "wrong_type");
    expect_rejected(with("tags", json::parse("[1]")), "wrong_type");
    expect_rejected(with("tags", json::parse("[\"t\"]")), "wrong_type");
    expect_rejected(with("tags", json::parse("[[1]]")), "wrong_type");
    expect_rejected(with("tags", json::parse("[[null]]")), "wrong_type");
    expect_rejected(with("tags", json::parse("[[\"a\",[\"b\"]]]")), "wrong_type");
    expect_rejected(with("tags", json::parse("[{}]")), "wrong_type");
    expect_rejected(with("tags", json::parse("[[{}]]")), "wrong_type");
}

TEST(EventParse, HugeNumbersAndRanges) {
    std::string j = valid_json();
    auto replace = [&](const std::string& from, const std::string& to) {
        std::string out = j;
        out.replace(out.find(from), from.size(), to);
        return out;
    };
    expect_rejected(replace("\"kind\":1", "\"kind\":65536"), "kind_range");
    expect_rejected(replace("\"kind\":1", "\"kind\":-1"), "kind_range");
    expect_rejected(replace("\"kind\":1", "\"kind\":18446744073709551616"), "wrong_type");
    expect_rejected(replace("\"kind\":1", "\"kind\":1e2"), "wrong_type");
    expect_rejected(replace("\"created_at\":1700000000", "\"created_at\":-1"), "created_at_range");
    expect_rejected(replace("\"created_at\":1700000000", "\"created_at\":4294967296"),
                    "created_at_range");
    expect_rejected(replace("\"created_at\":1700000000",
                            "\"created_at\":99999999999999999999999999999999999999"),
                    "wrong_type");
    expect_rejected(replace("\"created_at\":1700000000", "\"created_at\":1e999"), "json_syntax");
    Limits window;
    window.min_created_at = 1700000001;
    expect_rejected(j, "created_at_range", window);
    window.min_created_at = 0;
    window.max_created_at = 1699999999;
    expect_rejected(j, "created_at_range", window);
}

TEST(EventParse, Hex) {
    std::string id = json::parse(valid_json())["id"];
    std::string upper = id;
    for (char& c : upper) c = static_cast<char>(std::toupper(c));
    if (upper != id) expect_rejected(with("id", upper), "bad_hex");
    expect_rejected(with("id", id.substr(2)), "bad_hex");
    expect_rejected(with("id", id + "00"), "bad_hex");
    expect_rejected(with("id", "zz" + id.substr(2)), "bad_hex");
    expect_rejected(with("pubkey", kPubkeyHex.substr(1) + "g"), "bad_hex");
    expect_rejected(with("sig", "00"), "bad_hex");
    // An x coordinate with no point on the curve (BIP-340 vector 5).
    expect_rejected(with("pubkey", "eefdea4cdb677750a420fee807eacf21eb9898ae79b9768766e4faa04a2d4a34"),
                    "bad_pubkey");
}

TEST(EventParse, IdAndSignature) {
    expect_rejected(with("content", "hellO"), "id_mismatch");
    expect_rejected(with("tags", json::array()), "id_mismatch");
    expect_rejected(with("created_at", 1700000001), "id_mismatch");
    std::string sig = json::parse(valid_json())["sig"];
    sig[10] = sig[10] == '0' ? '1' : '0';
    expect_rejected(with("sig", sig), "bad_signature");
    // A valid signature by another key over the same id.
    Draft draft{1700000000, 1, {{"t", "datt"}}, "hello"};
    std::array<uint8_t, 32> other{};
    other[31] = 9;
    auto forged = Event::sign(draft, *crypto::SecretKey::from_bytes(other), kAux);
    ASSERT_TRUE(forged.ok());
    expect_rejected(with("sig", to_hex(forged->sig())), "bad_signature");
}

// With a key cache the same events are accepted and the same ones refused, with the same
// codes, whether the author's key is already in the cache or not.
TEST(EventParse, WithAKeyCacheTheVerdictsAreTheSame) {
    crypto::XOnlyKeyCache keys;
    const std::string good = valid_json();
    std::string bad_sig = json::parse(good)["sig"];
    bad_sig[10] = bad_sig[10] == '0' ? '1' : '0';
    const std::string off_curve = "eefdea4cdb677750a420fee807eacf21eb9898ae79b9768766e4faa04a2d4a34";
    const std::vector<std::string> texts = {good, with("sig", bad_sig), with("content", "hellO"),
                                            with("pubkey", off_curve), good};
    for (int pass = 0; pass < 2; ++pass) {
        for (const std::string& text : texts) {
            auto plain = Event::parse(text);
            auto cached = Event::parse(text, Limits{}, keys);
            ASSERT_EQ(plain.ok(), cached.ok()) << text;
            if (plain.ok()) {
                EXPECT_EQ(*plain, *cached);
            } else {
                EXPECT_EQ(plain.error().code, cached.error().code);
                EXPECT_EQ(plain.error().message, cached.error().message);
            }
        }
    }
    // The author's key (four texts a pass) was parsed once; the off-curve key each pass.
    EXPECT_EQ(keys.misses(), 1u + 2u);
    EXPECT_EQ(keys.hits(), 2u * 4u - 1u);
}

TEST(EventParse, DuplicateMembers) {
    std::string j = valid_json();
    std::string dup = j.substr(0, j.size() - 1) + ",\"content\":\"evil\"}";
    expect_rejected(dup, "duplicate_field");
    std::string dup_id = "{\"id\":\"00\"," + j.substr(1);
    expect_rejected(dup_id, "duplicate_field");
}

TEST(EventParse, Utf8) {
    std::string j = valid_json();
    auto replace_content = [&](const std::string& raw) {
        std::string out = j;
        const std::string from = "\"content\":\"hello\"";
        out.replace(out.find(from), from.size(), "\"content\":\"" + raw + "\"");
        return out;
    };
    expect_rejected(replace_content("\xff"), "invalid_utf8");
    expect_rejected(replace_content("\xc0\xaf"), "invalid_utf8");          // overlong '/'
    expect_rejected(replace_content("\xed\xa0\x80"), "invalid_utf8");      // surrogate
    expect_rejected(replace_content("\xf4\x90\x80\x80"), "invalid_utf8");  // > U+10FFFF
    expect_rejected(replace_content("\xe2\x82"), "invalid_utf8");          // truncated
    expect_rejected(replace_content("\\ud800"), "json_syntax");            // lone escaped surrogate
    expect_rejected(replace_content("raw\x01control"), "json_syntax");     // RFC 8259
    // Valid escapes still decode: the id no longer matches "hello", but parsing got that far.
    expect_rejected(replace_content("\\u00e9\\ud83c\\udf0d\\/"), "id_mismatch");
}

TEST(EventParse, Nesting) {
    // 100k nested arrays: rejected at once, no deep recursion.
    std::string deep(100000, '[');
    expect_rejected(deep, "not_object");
    std::string j = valid_json();
    std::string nested = "{\"x\":" + std::string(50, '[') + std::string(50, ']') + "," + j.substr(1);
    expect_rejected(nested, "json_too_deep");
    std::string deep_object = "{\"x\":" + std::string(5000, '{');
    expect_rejected(deep_object, "json_syntax");  // keys required: stops at the first '{'
}

TEST(EventParse, SizeLimits) {
    Limits limits;
    limits.max_json_bytes = 100;
    expect_rejected(valid_json(), "too_large", limits);

    Draft big{1, 1, {}, std::string(70000, 'a')};
    limits = Limits{};
    limits.max_content_bytes = 80000;
    auto event = Event::sign(big, test_key(), kAux, limits);
    ASSERT_TRUE(event.ok());
    expect_rejected(event->to_json(), "content_too_large");

    Tags many(2001, Tag{"t", "x"});
    limits = Limits{};
    limits.max_tags = 3000;
    auto tagged = Event::sign({1, 1, many, ""}, test_key(), kAux, limits);
    ASSERT_TRUE(tagged.ok());
    expect_rejected(tagged->to_json(), "too_many_tags");

    auto wide = Event::sign({1, 1, {Tag(65, "v")}, ""}, test_key(), kAux, Limits{.max_tag_values = 100});
    ASSERT_TRUE(wide.ok());
    expect_rejected(wide->to_json(), "tag_too_large");
    auto long_value = Event::sign({1, 1, {{"t", std::string(5000, 'v')}}, ""}, test_key(), kAux,
                                  Limits{.max_tag_value_bytes = 10000});
    ASSERT_TRUE(long_value.ok());
    expect_rejected(long_value->to_json(), "tag_too_large");
}

TEST(EventSign, RejectsBadDrafts) {
    auto bad_utf8 = Event::sign({1, 1, {}, "\xff"}, test_key(), kAux);
    ASSERT_FALSE(bad_utf8.ok());
    EXPECT_EQ(bad_utf8.error().code, "invalid_utf8");
    auto bad_tag = Event::sign({1, 1, {{"t", "\xc3"}}, ""}, test_key(), kAux);
    ASSERT_FALSE(bad_tag.ok());
    EXPECT_EQ(bad_tag.error().code, "invalid_utf8");
    auto early = Event::sign({-5, 1, {}, ""}, test_key(), kAux);
    ASSERT_FALSE(early.ok());
    EXPECT_EQ(early.error().code, "created_at_range");
}

TEST(Draft, ParsesTemplatesAndIgnoresSignatureFields) {
    auto draft = parse_draft(R"({"kind":1,"created_at":5,"tags":[["t","a"]],"content":"x","id":"zz"})");
    ASSERT_TRUE(draft.ok()) << draft.error().message;
    EXPECT_EQ(draft->kind, 1);
    EXPECT_EQ(draft->created_at, 5);
    EXPECT_EQ(draft->tags, (Tags{{"t", "a"}}));
    EXPECT_EQ(draft->content, "x");
    auto missing = parse_draft(R"({"kind":1,"tags":[],"content":"x"})");
    ASSERT_FALSE(missing.ok());
    EXPECT_EQ(missing.error().code, "missing_field");
}

}  // namespace
}  // namespace datt::event
