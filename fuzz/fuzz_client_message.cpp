// proto::parse_client_message on untrusted bytes (every WebSocket text frame a relay gets).
//
// Invariants checked:
//   - a rejection (and an InvalidSubscription) carries one of the codes documented in
//     proto/message.h and a message, and the relay's reply built from that message
//     (NOTICE, or CLOSED with the subscription id) is valid JSON that reads back the same
//     strings: error text quoting client input must not break the reply;
//   - an EVENT's event_json lies inside the message text, with no surrounding whitespace;
//   - a REQ/COUNT/CLOSE subscription id has 1..64 bytes and every reply naming it (EOSE,
//     CLOSED, COUNT) is valid JSON holding the same id;
//   - REQ/COUNT carry 1..max_filters filters, each surviving filter_to_json -> parse_filter;
//   - NEG-OPEN/NEG-MSG payloads re-encode (format_neg_msg, format_neg_open) to messages
//     that parse back to the same id, filter and bytes; an InvalidNegentropy has a
//     documented code and its NEG-ERR reply reads back.
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>

#include "check.h"
#include "proto/message.h"

namespace {

namespace proto = datt::proto;
using nlohmann::json;

bool is_documented_message_error(std::string_view code) {
    return datt::fuzz::is_one_of(code, {"message_too_large", "message_syntax",
                                        "message_unknown_type", "bad_subscription_id",
                                        "bad_request_id", "btc_syntax"});
}

// `reply` must be a JSON array of `expected` strings (a relay->client message).
void check_reply(const std::string& reply, std::initializer_list<std::string_view> expected) {
    const json parsed = json::parse(reply, nullptr, /*allow_exceptions=*/false);
    DATT_FUZZ_CHECK(parsed.is_array() && parsed.size() == expected.size());
    size_t i = 0;
    for (std::string_view value : expected) {
        DATT_FUZZ_CHECK(parsed[i].is_string() && parsed[i].get<std::string>() == value);
        ++i;
    }
}

void check_subscription_id(const std::string& id) {
    DATT_FUZZ_CHECK(!id.empty() && id.size() <= proto::MessageLimits{}.max_subscription_id_chars);
    check_reply(proto::format_eose(id), {"EOSE", id});
    check_reply(proto::format_closed(id, "closed"), {"CLOSED", id, "closed"});
    const json count = json::parse(proto::format_count(id, 7), nullptr, false);
    DATT_FUZZ_CHECK(count.is_array() && count.size() == 3 && count[1] == id);
}

void check_filters(const std::vector<proto::Filter>& filters) {
    DATT_FUZZ_CHECK(!filters.empty() && filters.size() <= proto::MessageLimits{}.max_filters);
    for (const proto::Filter& filter : filters) {
        const std::string text = proto::filter_to_json(filter);
        auto again = proto::parse_filter(text);
        DATT_FUZZ_CHECK(again.ok());
        DATT_FUZZ_CHECK(*again == filter);
        DATT_FUZZ_CHECK(proto::filter_to_json(*again) == text);
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    auto message = proto::parse_client_message(text);
    if (!message) {
        DATT_FUZZ_CHECK(is_documented_message_error(message.error().code));
        DATT_FUZZ_CHECK(!message.error().message.empty());
        check_reply(proto::format_notice(message.error().message),
                    {"NOTICE", message.error().message});
        return 0;
    }
    std::visit(
        [&](const auto& m) {
            using T = std::decay_t<decltype(m)>;
            if constexpr (std::is_same_v<T, proto::EventMessage>) {
                const char* begin = m.event_json.data();
                DATT_FUZZ_CHECK(begin >= text.data() &&
                                begin + m.event_json.size() <= text.data() + text.size());
                // Trimmed of JSON's whitespace (RFC 8259: space, tab, LF, CR). Other bytes,
                // such as a vertical tab, stay for Event::parse to refuse as json_syntax.
                const auto json_space = [](char c) {
                    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
                };
                if (!m.event_json.empty()) {
                    DATT_FUZZ_CHECK(!json_space(m.event_json.front()));
                    DATT_FUZZ_CHECK(!json_space(m.event_json.back()));
                }
            } else if constexpr (std::is_same_v<T, proto::InvalidSubscription>) {
                check_subscription_id(m.subscription_id);
                DATT_FUZZ_CHECK(
                    datt::fuzz::is_one_of(m.error.code, {"too_many_filters", "filter_invalid", "duplicate_field"}));
                DATT_FUZZ_CHECK(!m.error.message.empty());
                check_reply(proto::format_closed(m.subscription_id, m.error.message),
                            {"CLOSED", m.subscription_id, m.error.message});
            } else if constexpr (std::is_same_v<T, proto::CloseMessage> ||
                                 std::is_same_v<T, proto::NegCloseMessage>) {
                check_subscription_id(m.subscription_id);
            } else if constexpr (std::is_same_v<T, proto::InvalidNegentropy>) {
                check_subscription_id(m.subscription_id);
                DATT_FUZZ_CHECK(datt::fuzz::is_one_of(m.error.code,
                                                      {"neg_syntax", "bad_hex", "filter_invalid", "duplicate_field"}));
                DATT_FUZZ_CHECK(!m.error.message.empty());
                check_reply(proto::format_neg_err(m.subscription_id, m.error.message),
                            {"NEG-ERR", m.subscription_id, m.error.message});
            } else if constexpr (std::is_same_v<T, proto::NegMsgMessage>) {
                check_subscription_id(m.subscription_id);
                auto again = proto::parse_client_message(proto::format_neg_msg(m.subscription_id, m.message));
                DATT_FUZZ_CHECK(again.ok());
                const auto* same = std::get_if<proto::NegMsgMessage>(&*again);
                DATT_FUZZ_CHECK(same && same->subscription_id == m.subscription_id &&
                                same->message == m.message);
            } else if constexpr (std::is_same_v<T, proto::NegOpenMessage>) {
                check_subscription_id(m.subscription_id);
                check_filters({m.filter});
                auto again = proto::parse_client_message(
                    proto::format_neg_open(m.subscription_id, m.filter, m.message));
                DATT_FUZZ_CHECK(again.ok());
                const auto* same = std::get_if<proto::NegOpenMessage>(&*again);
                DATT_FUZZ_CHECK(same && same->subscription_id == m.subscription_id &&
                                same->filter == m.filter && same->message == m.message);
            } else if constexpr (std::is_same_v<T, proto::BtcRequest> ||
                                 std::is_same_v<T, proto::InvalidBtcRequest>) {
                // fuzz_btc_message checks these in depth.
                check_subscription_id(m.request_id);
            } else {  // ReqMessage, CountMessage
                check_subscription_id(m.subscription_id);
                check_filters(m.filters);
            }
        },
        *message);
    return 0;
}
