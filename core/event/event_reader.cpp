#include "event/event_reader.h"

#include <nlohmann/json.hpp>

#include "util/utf8.h"

namespace datt::event {
namespace {

using nlohmann::json;

enum class Member { kUnknown, kId, kPubkey, kCreatedAt, kKind, kTags, kContent, kSig };

Member member_of(std::string_view name) {
    if (name == "id") return Member::kId;
    if (name == "pubkey") return Member::kPubkey;
    if (name == "created_at") return Member::kCreatedAt;
    if (name == "kind") return Member::kKind;
    if (name == "tags") return Member::kTags;
    if (name == "content") return Member::kContent;
    if (name == "sig") return Member::kSig;
    return Member::kUnknown;
}

const char* member_name(Member m) {
    switch (m) {
        case Member::kId: return "id";
        case Member::kPubkey: return "pubkey";
        case Member::kCreatedAt: return "created_at";
        case Member::kKind: return "kind";
        case Member::kTags: return "tags";
        case Member::kContent: return "content";
        case Member::kSig: return "sig";
        case Member::kUnknown: return "unknown";
    }
    return "unknown";
}

// Depth 0 is outside everything, 1 inside the event object, 2 inside "tags", 3 inside
// one tag. Values of unknown members are skipped whatever their shape, up to the limit.
class Reader {
public:
    explicit Reader(const Limits& limits) : limits_(limits) {}

    bool null() { return scalar("null"); }
    bool boolean(bool) { return scalar("a boolean"); }
    bool number_float(json::number_float_t, const json::string_t&) {
        return scalar("a non-integer number");
    }
    bool binary(json::binary_t&) { return scalar("binary"); }

    bool number_integer(json::number_integer_t value) {
        if (value >= 0) return number_unsigned(static_cast<uint64_t>(value));
        if (!at_member_value()) return scalar("a number");
        if (member_ == Member::kCreatedAt) return fail("created_at_range", "created_at is negative");
        if (member_ == Member::kKind) return fail("kind_range", "kind is negative");
        return scalar("a number");
    }

    bool number_unsigned(json::number_unsigned_t value) {
        if (!at_member_value()) return scalar("a number");
        if (member_ == Member::kCreatedAt) {
            if (value > static_cast<uint64_t>(limits_.max_created_at) ||
                static_cast<int64_t>(value) < limits_.min_created_at) {
                return fail("created_at_range", "created_at " + std::to_string(value) +
                                                    " is outside the accepted window");
            }
            out_.created_at = static_cast<int64_t>(value);
            return true;
        }
        if (member_ == Member::kKind) {
            if (value > 65535) return fail("kind_range", "kind must be between 0 and 65535");
            out_.kind = static_cast<int64_t>(value);
            return true;
        }
        return scalar("a number");
    }

    bool string(json::string_t& value) {
        if (in_tag()) {
            if (value.size() > limits_.max_tag_value_bytes) {
                return fail("tag_too_large", "a tag value exceeds " +
                                                 std::to_string(limits_.max_tag_value_bytes) +
                                                 " bytes");
            }
            Tag& tag = out_.tags->back();
            if (tag.size() >= limits_.max_tag_values) {
                return fail("tag_too_large", "a tag has more than " +
                                                 std::to_string(limits_.max_tag_values) +
                                                 " values");
            }
            tag.push_back(std::move(value));
            return true;
        }
        if (!at_member_value()) return scalar("a string");
        switch (member_) {
            case Member::kId: out_.id = std::move(value); return true;
            case Member::kPubkey: out_.pubkey = std::move(value); return true;
            case Member::kSig: out_.sig = std::move(value); return true;
            case Member::kContent:
                if (value.size() > limits_.max_content_bytes) {
                    return fail("content_too_large",
                                "content exceeds " + std::to_string(limits_.max_content_bytes) +
                                    " bytes");
                }
                out_.content = std::move(value);
                return true;
            default: return scalar("a string");
        }
    }

    bool start_object(std::size_t) {
        if (depth_ == 0) {
            depth_ = 1;
            return true;
        }
        if (skipping()) return descend();
        return wrong_type("an object");
    }

    bool key(json::string_t& name) {
        if (depth_ != 1) return true;  // inside a skipped value
        member_ = member_of(name);
        if (member_ == Member::kUnknown) return true;
        const unsigned bit = 1u << static_cast<unsigned>(member_);
        if (seen_ & bit) return fail("duplicate_field", "member \"" + name + "\" appears twice");
        seen_ |= bit;
        return true;
    }

    bool end_object() {
        --depth_;
        return true;
    }

    bool start_array(std::size_t) {
        if (depth_ == 0) return fail("not_object", "an event must be a JSON object");
        if (skipping()) return descend();
        if (depth_ == 1 && member_ == Member::kTags) {
            out_.tags.emplace();
            depth_ = 2;
            return true;
        }
        if (depth_ == 2) {
            if (out_.tags->size() >= limits_.max_tags) {
                return fail("too_many_tags",
                            "more than " + std::to_string(limits_.max_tags) + " tags");
            }
            out_.tags->emplace_back();
            depth_ = 3;
            return true;
        }
        return wrong_type("an array");
    }

    bool end_array() {
        --depth_;
        return true;
    }

    bool parse_error(std::size_t position, const std::string&, const nlohmann::detail::exception&) {
        if (error_) return false;  // our own stop, reported as such
        return fail("json_syntax", "malformed JSON near byte " + std::to_string(position));
    }

    std::optional<Error>& error() { return error_; }
    RawEvent& result() { return out_; }

private:
    bool at_member_value() const { return depth_ == 1; }
    bool in_tag() const { return depth_ == 3 && member_ == Member::kTags; }
    bool skipping() const { return depth_ >= 1 && member_ == Member::kUnknown; }

    bool descend() {
        if (depth_ + 1 > limits_.max_json_depth) {
            return fail("json_too_deep", "JSON nesting deeper than " +
                                             std::to_string(limits_.max_json_depth));
        }
        ++depth_;
        return true;
    }

    // A scalar where the shape allows one only for unknown members (or nowhere).
    bool scalar(const char* what) {
        if (depth_ == 0) return fail("not_object", "an event must be a JSON object");
        if (skipping()) return true;
        return wrong_type(what);
    }

    bool wrong_type(const char* what) {
        std::string expected;
        switch (member_) {
            case Member::kId:
            case Member::kPubkey:
            case Member::kSig:
            case Member::kContent: expected = "a string"; break;
            case Member::kCreatedAt:
            case Member::kKind: expected = "an integer"; break;
            case Member::kTags: expected = "an array of arrays of strings"; break;
            case Member::kUnknown: expected = "valid"; break;
        }
        return fail("wrong_type", std::string(member_name(member_)) + " must be " + expected +
                                      ", got " + what);
    }

    bool fail(std::string code, std::string message) {
        if (!error_) error_ = make_error(std::move(code), std::move(message));
        return false;
    }

    const Limits& limits_;
    size_t depth_ = 0;
    Member member_ = Member::kUnknown;
    unsigned seen_ = 0;
    RawEvent out_;
    std::optional<Error> error_;
};

}  // namespace

Result<RawEvent> read_raw_event(std::string_view json_text, const Limits& limits) {
    if (json_text.size() > limits.max_json_bytes) {
        return make_error("too_large", "event JSON is " + std::to_string(json_text.size()) +
                                           " bytes; the limit is " +
                                           std::to_string(limits.max_json_bytes));
    }
    if (size_t bad = first_invalid_utf8(json_text); bad != json_text.size()) {
        return make_error("invalid_utf8", "invalid UTF-8 at byte " + std::to_string(bad));
    }
    // RFC 8259 section 8.1: no byte order mark before JSON text (nlohmann would skip it).
    if (json_text.starts_with("\xEF\xBB\xBF")) {
        return make_error("json_syntax", "event JSON starts with a UTF-8 byte order mark");
    }
    Reader reader(limits);
    const bool ok = json::sax_parse(json_text.begin(), json_text.end(), &reader,
                                    json::input_format_t::json, /*strict=*/true);
    if (reader.error()) return *reader.error();
    if (!ok) return make_error("json_syntax", "malformed JSON");
    return std::move(reader.result());
}

}  // namespace datt::event
