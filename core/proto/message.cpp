#include "proto/message.h"

#include <nlohmann/json.hpp>
#include <optional>
#include <set>

#include "util/hex.h"
#include "util/json_string.h"

namespace datt::proto {
namespace {

using nlohmann::json;

// At most `max_bytes` of valid UTF-8 `text`, never cutting a character in two (replies
// quoting client input must stay valid UTF-8, or browsers drop the connection).
std::string utf8_prefix(const std::string& text, size_t max_bytes) {
    if (text.size() <= max_bytes) return text;
    size_t end = max_bytes;
    while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xc0) == 0x80) --end;
    return text.substr(0, end) + "...";
}

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

std::string_view trim(std::string_view s) {
    while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
    while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
    return s;
}

// ["EVENT", {...}]: the event text is cut out of the envelope unparsed, so that
// Event::parse sees the author's bytes (duplicate members and all) exactly once.
Result<ClientMessage> event_envelope(std::string_view text) {
    std::string_view rest = trim(text);
    rest.remove_prefix(1);  // '['
    rest = trim(rest);
    constexpr std::string_view kType = "\"EVENT\"";
    rest.remove_prefix(kType.size());
    rest = trim(rest);
    if (rest.empty() || rest.front() != ',' || rest.back() != ']') {
        return make_error("message_syntax", "EVENT message must be [\"EVENT\", <event>]");
    }
    rest.remove_prefix(1);
    rest.remove_suffix(1);
    return ClientMessage{EventMessage{trim(rest)}};
}

Error filter_error(const std::string& message) { return make_error("filter_invalid", message); }

// RFC 8259 section 8.1: JSON text sent over a network must not begin with a byte order mark
// (nlohmann's parser skips one silently, so it is checked first).
bool starts_with_bom(std::string_view text) {
    return text.starts_with("\xEF\xBB\xBF");
}

// nlohmann keeps the last of duplicate member names silently; Event::parse refuses them
// (duplicate_field), and filters are held to the same rule. Parsing with this callback
// records the first duplicate name and which object it was in: the ordinal, in document
// order, of the outermost object at `element_depth` (1 for the members of a message array,
// 0 for a lone filter) that contains it.
class DuplicateMembers {
  public:
    explicit DuplicateMembers(int element_depth) : element_depth_(element_depth) {}

    struct Found {
        size_t object;  // ordinal of the outermost object at element_depth
        std::string name;
    };
    const std::optional<Found>& found() const { return found_; }

    json::parser_callback_t callback() {
        return [this](int depth, json::parse_event_t event, json& parsed) {
            switch (event) {
                case json::parse_event_t::object_start:
                    if (depth == element_depth_) ++objects_;
                    open_.emplace_back();
                    break;
                case json::parse_event_t::object_end:
                    if (!open_.empty()) open_.pop_back();
                    break;
                case json::parse_event_t::key:
                    if (!found_ && !open_.empty() &&
                        !open_.back().insert(parsed.get<std::string>()).second && objects_ > 0) {
                        found_ = Found{objects_ - 1, parsed.get<std::string>()};
                    }
                    break;
                case json::parse_event_t::array_start:
                case json::parse_event_t::array_end:
                case json::parse_event_t::value:
                    break;
            }
            return true;
        };
    }

  private:
    const int element_depth_;
    size_t objects_ = 0;                       // objects started at element_depth_
    std::vector<std::set<std::string>> open_;  // member names of each open object
    std::optional<Found> found_;
};

Error duplicate_member(const std::string& name) {
    return make_error("duplicate_field",
                      "filter member \"" + utf8_prefix(name, 32) + "\" appears twice");
}

template <size_t N>
Result<std::vector<ByteArray<N>>> hex_list(const json& value, const char* name,
                                          const FilterLimits& limits) {
    if (!value.is_array()) return filter_error(std::string(name) + " must be an array");
    if (value.size() > limits.max_values) {
        return filter_error(std::string(name) + " has more than " +
                            std::to_string(limits.max_values) + " entries");
    }
    std::vector<ByteArray<N>> out;
    out.reserve(value.size());
    for (const json& item : value) {
        if (!item.is_string() || !is_lower_hex(item.get_ref<const std::string&>(), 2 * N)) {
            return filter_error(std::string(name) + " entries must be " + std::to_string(2 * N) +
                                " lowercase hex characters");
        }
        out.push_back(*from_hex_fixed<N>(item.get_ref<const std::string&>()));
    }
    return out;
}

Result<int64_t> timestamp(const json& value, const char* name) {
    if (!value.is_number_unsigned() && !(value.is_number_integer() && value.get<int64_t>() >= 0)) {
        return filter_error(std::string(name) + " must be a non-negative integer");
    }
    const uint64_t v = value.get<uint64_t>();
    return static_cast<int64_t>(std::min<uint64_t>(v, static_cast<uint64_t>(INT64_MAX)));
}

Result<Filter> filter_from_json(const json& object, const FilterLimits& limits) {
    if (!object.is_object()) return filter_error("a filter must be a JSON object");
    Filter filter;
    for (const auto& [key, value] : object.items()) {
        if (key == "ids") {
            auto ids = hex_list<32>(value, "ids", limits);
            if (!ids) return ids.error();
            filter.ids = std::move(*ids);
        } else if (key == "authors") {
            auto authors = hex_list<32>(value, "authors", limits);
            if (!authors) return authors.error();
            filter.authors = std::move(*authors);
        } else if (key == "kinds") {
            if (!value.is_array()) return filter_error("kinds must be an array");
            if (value.size() > limits.max_values) return filter_error("kinds has too many entries");
            std::vector<event::Kind> kinds;
            for (const json& kind : value) {
                if (!kind.is_number_integer() || kind.get<int64_t>() < 0 || kind.get<int64_t>() > 65535) {
                    return filter_error("kinds entries must be integers between 0 and 65535");
                }
                kinds.push_back(static_cast<event::Kind>(kind.get<int64_t>()));
            }
            filter.kinds = std::move(kinds);
        } else if (key == "since" || key == "until") {
            auto t = timestamp(value, key.c_str());
            if (!t) return t.error();
            (key == "since" ? filter.since : filter.until) = *t;
        } else if (key == "limit") {
            if (!value.is_number_integer() || value.get<int64_t>() < 0) {
                return filter_error("limit must be a non-negative integer");
            }
            filter.limit = static_cast<uint32_t>(std::min<uint64_t>(value.get<uint64_t>(), UINT32_MAX));
        } else if (key == "search") {
            if (!value.is_string()) return filter_error("search must be a string");
            if (value.get_ref<const std::string&>().size() > limits.max_search_bytes) {
                return filter_error("search is longer than " + std::to_string(limits.max_search_bytes) + " bytes");
            }
            filter.search = value.get<std::string>();
        } else if (key.size() == 2 && key[0] == '#' &&
                   ((key[1] >= 'a' && key[1] <= 'z') || (key[1] >= 'A' && key[1] <= 'Z'))) {
            if (!value.is_array()) return filter_error(key + " must be an array of strings");
            if (value.size() > limits.max_values) return filter_error(key + " has too many entries");
            if (filter.tags.size() >= limits.max_tag_conditions) {
                return filter_error("more than " + std::to_string(limits.max_tag_conditions) + " tag conditions");
            }
            TagCondition condition{key[1], {}};
            for (const json& v : value) {
                if (!v.is_string()) return filter_error(key + " must be an array of strings");
                if (v.get_ref<const std::string&>().size() > limits.max_value_bytes) {
                    return filter_error(key + " value is longer than " + std::to_string(limits.max_value_bytes) + " bytes");
                }
                condition.values.push_back(v.get<std::string>());
            }
            filter.tags.push_back(std::move(condition));
        } else {
            return filter_error("unsupported filter member \"" + key + "\"");
        }
    }
    return filter;
}

Result<std::string> subscription_id(const json& message, const MessageLimits& limits) {
    if (message.size() < 2 || !message[1].is_string()) {
        return make_error("bad_subscription_id", "subscription id must be a string");
    }
    const std::string& id = message[1].get_ref<const std::string&>();
    if (id.empty() || id.size() > limits.max_subscription_id_chars) {
        return make_error("bad_subscription_id", "subscription id must be 1 to " +
                                                     std::to_string(limits.max_subscription_id_chars) +
                                                     " characters");
    }
    return id;
}

// NEG-OPEN, NEG-MSG, NEG-CLOSE (NIP-77): the subscription id first, so that everything
// after it can be answered with NEG-ERR for that id.
Result<ClientMessage> negentropy_message(const std::string& type, const json& message,
                                         const MessageLimits& limits,
                                         const std::optional<DuplicateMembers::Found>& duplicate) {
    auto sub = subscription_id(message, limits);
    if (!sub) return sub.error();
    auto invalid = [&](Error error) { return ClientMessage{InvalidNegentropy{*sub, std::move(error)}}; };
    if (type == "NEG-CLOSE") {
        if (message.size() != 2) return invalid(make_error("neg_syntax", "NEG-CLOSE takes only a subscription id"));
        return ClientMessage{NegCloseMessage{std::move(*sub)}};
    }
    const bool open = type == "NEG-OPEN";
    const size_t members = open ? 4 : 3;
    if (message.size() != members) {
        return invalid(make_error("neg_syntax", type + (open ? " must be [\"NEG-OPEN\", <subscription id>, <filter>, <hex message>]"
                                                             : " must be [\"NEG-MSG\", <subscription id>, <hex message>]")));
    }
    const json& payload = message[members - 1];
    if (!payload.is_string()) return invalid(make_error("neg_syntax", "the negentropy message must be a hex string"));
    auto bytes = from_hex(payload.get_ref<const std::string&>());
    if (!bytes) return invalid(make_error("bad_hex", "the negentropy message is not hex: " + bytes.error().message));
    if (!open) return ClientMessage{NegMsgMessage{std::move(*sub), std::move(*bytes)}};
    // The filter is the message's first object (the type and subscription id are strings).
    if (message[2].is_object() && duplicate && duplicate->object == 0) {
        return invalid(duplicate_member(duplicate->name));
    }
    auto filter = filter_from_json(message[2], limits.filter);
    if (!filter) return invalid(filter.error());
    return ClientMessage{NegOpenMessage{std::move(*sub), std::move(*filter), std::move(*bytes)}};
}

}  // namespace

Result<ClientMessage> parse_client_message(std::string_view text, const MessageLimits& limits) {
    if (text.size() > limits.max_message_bytes) {
        return make_error("message_too_large", "message is " + std::to_string(text.size()) +
                                                   " bytes; the limit is " +
                                                   std::to_string(limits.max_message_bytes));
    }
    if (starts_with_bom(text)) {
        return make_error("message_syntax",
                          "message starts with a UTF-8 byte order mark, which JSON sent over a "
                          "network must not have (RFC 8259 section 8.1)");
    }
    // EVENT is the hot path: recognise it without building a DOM of the event.
    std::string_view head = trim(text);
    if (head.size() > 1 && head.front() == '[') {
        std::string_view after = trim(head.substr(1));
        if (after.starts_with("\"EVENT\"")) return event_envelope(text);
    }
    DuplicateMembers duplicates(1);
    json message = json::parse(text, duplicates.callback(), /*allow_exceptions=*/false);
    if (message.is_discarded()) return make_error("message_syntax", "message is not valid JSON");
    if (!message.is_array() || message.empty() || !message[0].is_string()) {
        return make_error("message_syntax", "message must be a JSON array starting with a type string");
    }
    const std::string& type = message[0].get_ref<const std::string&>();
    if (type == "REQ" || type == "COUNT") {
        auto sub = subscription_id(message, limits);
        if (!sub) return sub.error();
        std::vector<Filter> filters;
        if (message.size() - 2 > limits.max_filters) {
            return ClientMessage{InvalidSubscription{
                *sub, make_error("too_many_filters", "more than " + std::to_string(limits.max_filters) +
                                                         " filters")}};
        }
        size_t objects = 0;  // objects among the members before message[i]: the type and
                             // the subscription id are strings, so this is the object ordinal
        for (size_t i = 2; i < message.size(); ++i) {
            if (message[i].is_object()) {
                const auto& duplicate = duplicates.found();
                if (duplicate && duplicate->object == objects) {
                    return ClientMessage{
                        InvalidSubscription{*sub, duplicate_member(duplicate->name)}};
                }
                ++objects;
            }
            auto filter = filter_from_json(message[i], limits.filter);
            if (!filter) return ClientMessage{InvalidSubscription{*sub, filter.error()}};
            filters.push_back(std::move(*filter));
        }
        if (filters.empty()) {
            return ClientMessage{InvalidSubscription{*sub, filter_error("at least one filter is required")}};
        }
        if (type == "REQ") return ClientMessage{ReqMessage{std::move(*sub), std::move(filters)}};
        return ClientMessage{CountMessage{std::move(*sub), std::move(filters)}};
    }
    if (type == "CLOSE") {
        auto sub = subscription_id(message, limits);
        if (!sub) return sub.error();
        return ClientMessage{CloseMessage{std::move(*sub)}};
    }
    if (type == "NEG-OPEN" || type == "NEG-MSG" || type == "NEG-CLOSE") {
        return negentropy_message(type, message, limits, duplicates.found());
    }
    if (type == "BTC") {
        auto btc = parse_btc_message(text, limits.btc);
        if (!btc) return btc.error();
        return std::visit([](auto&& m) { return ClientMessage{std::move(m)}; }, std::move(*btc));
    }
    if (type == "EVENT") return make_error("message_syntax", "EVENT message must be [\"EVENT\", <event>]");
    return make_error("message_unknown_type", "unknown message type \"" + utf8_prefix(type, 32) + "\"");
}

Result<Filter> parse_filter(std::string_view text, const FilterLimits& limits) {
    if (starts_with_bom(text)) return filter_error("filter starts with a UTF-8 byte order mark");
    DuplicateMembers duplicates(0);
    json object = json::parse(text, duplicates.callback(), /*allow_exceptions=*/false);
    if (object.is_discarded()) return filter_error("filter is not valid JSON");
    if (duplicates.found()) return duplicate_member(duplicates.found()->name);
    return filter_from_json(object, limits);
}

std::string filter_to_json(const Filter& filter) {
    json out = json::object();
    auto hex_array = [](const auto& values) {
        json a = json::array();
        for (const auto& v : values) a.push_back(to_hex(v));
        return a;
    };
    if (filter.ids) out["ids"] = hex_array(*filter.ids);
    if (filter.authors) out["authors"] = hex_array(*filter.authors);
    if (filter.kinds) out["kinds"] = *filter.kinds;
    for (const TagCondition& c : filter.tags) out[std::string("#") + c.name] = c.values;
    if (filter.since) out["since"] = *filter.since;
    if (filter.until) out["until"] = *filter.until;
    if (filter.limit) out["limit"] = *filter.limit;
    if (filter.search) out["search"] = *filter.search;
    return out.dump();
}

std::string format_ok(std::string_view event_id_hex, bool accepted, std::string_view message) {
    std::string out = "[\"OK\",";
    append_json_string(out, event_id_hex);
    out += accepted ? ",true," : ",false,";
    append_json_string(out, message);
    out += ']';
    return out;
}

std::string format_event(std::string_view subscription_id, std::string_view event_json) {
    std::string out;
    out.reserve(event_json.size() + subscription_id.size() + 16);
    out += "[\"EVENT\",";
    append_json_string(out, subscription_id);
    out += ',';
    out += event_json;
    out += ']';
    return out;
}

std::string format_eose(std::string_view subscription_id) {
    std::string out = "[\"EOSE\",";
    append_json_string(out, subscription_id);
    out += ']';
    return out;
}

std::string format_closed(std::string_view subscription_id, std::string_view message) {
    std::string out = "[\"CLOSED\",";
    append_json_string(out, subscription_id);
    out += ',';
    append_json_string(out, message);
    out += ']';
    return out;
}

std::string format_notice(std::string_view message) {
    std::string out = "[\"NOTICE\",";
    append_json_string(out, message);
    out += ']';
    return out;
}

std::string format_count(std::string_view subscription_id, uint64_t count) {
    std::string out = "[\"COUNT\",";
    append_json_string(out, subscription_id);
    out += ",{\"count\":" + std::to_string(count) + "}]";
    return out;
}

std::string format_neg_msg(std::string_view subscription_id, ByteSpan message) {
    std::string out = "[\"NEG-MSG\",";
    append_json_string(out, subscription_id);
    out += ",\"";
    out += to_hex(message);
    out += "\"]";
    return out;
}

std::string format_neg_err(std::string_view subscription_id, std::string_view reason) {
    std::string out = "[\"NEG-ERR\",";
    append_json_string(out, subscription_id);
    out += ',';
    append_json_string(out, reason);
    out += ']';
    return out;
}

std::string format_neg_open(std::string_view subscription_id, const Filter& filter,
                            ByteSpan message) {
    std::string out = "[\"NEG-OPEN\",";
    append_json_string(out, subscription_id);
    out += ',';
    out += filter_to_json(filter);
    out += ",\"";
    out += to_hex(message);
    out += "\"]";
    return out;
}

std::string format_neg_close(std::string_view subscription_id) {
    std::string out = "[\"NEG-CLOSE\",";
    append_json_string(out, subscription_id);
    out += ']';
    return out;
}

}  // namespace datt::proto
