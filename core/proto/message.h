// NIP-01 client->relay messages (parsed from untrusted text) and relay->client messages
// (formatted). Pure: the relay's network and storage code live in relay/.
//
// Client messages: ["EVENT", <event>], ["REQ", <sub id>, <filter>...],
// ["COUNT", <sub id>, <filter>...] (NIP-45), ["CLOSE", <sub id>], and NIP-77's
// ["NEG-OPEN", <sub id>, <filter>, <hex message>], ["NEG-MSG", <sub id>, <hex message>],
// ["NEG-CLOSE", <sub id>].
//
// Error codes of parse_client_message (the relay answers them with NOTICE):
//   message_too_large     longer than MessageLimits::max_message_bytes
//   message_syntax        not a JSON array starting with a string, malformed JSON, or a
//                         UTF-8 byte order mark before the JSON (RFC 8259 section 8.1)
//   message_unknown_type  a type other than EVENT, REQ, COUNT, CLOSE, NEG-OPEN, NEG-MSG,
//                         NEG-CLOSE, BTC
//   bad_subscription_id   missing, not a string, empty or longer than 64 characters
//   bad_request_id, btc_syntax  a BTC message without a usable request id (btc_request.h)
// A BTC message with a usable request id yields a BtcRequest, or an InvalidBtcRequest
// (answered with BTC-ERR) carrying btc_request.h's codes.
// A REQ/COUNT whose subscription id is fine but whose filters are not yields an
// InvalidSubscription (answered with CLOSED), with codes:
//   too_many_filters      more than MessageLimits::max_filters
//   filter_invalid        a filter is malformed (the message says which member and why)
//   duplicate_field       a filter has a member name twice (as Event::parse refuses for
//                         events; JSON parsers differ on which one wins)
// A NEG-OPEN/NEG-MSG whose subscription id is fine but whose filter or payload is not
// yields an InvalidNegentropy (answered with NEG-ERR), with codes filter_invalid and:
//   neg_syntax            wrong member count, or the payload is not a string
//   bad_hex               the payload is not an even-length string of hex digits
//   duplicate_field       the filter has a member name twice (as in REQ)
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "proto/btc_request.h"
#include "proto/filter.h"
#include "util/result.h"

namespace datt::proto {

struct MessageLimits {
    size_t max_message_bytes = 256 * 1024;
    size_t max_filters = 10;
    size_t max_subscription_id_chars = 64;
    FilterLimits filter;
    BtcLimits btc;
};

// The event member is passed on unparsed: Event::parse validates it (and may run on
// another thread). `event_json` points into the parsed message text.
struct EventMessage {
    std::string_view event_json;
};

struct ReqMessage {
    std::string subscription_id;
    std::vector<Filter> filters;
};

struct CountMessage {
    std::string subscription_id;
    std::vector<Filter> filters;
};

struct CloseMessage {
    std::string subscription_id;
};

struct InvalidSubscription {
    std::string subscription_id;
    Error error;
};

// NIP-77. The payload is the negentropy message, hex-decoded here and validated by
// core/sync; filter.limit is kept but a relay reconciles the whole matching set.
struct NegOpenMessage {
    std::string subscription_id;
    Filter filter;
    Bytes message;
};
struct NegMsgMessage {
    std::string subscription_id;
    Bytes message;
};
struct NegCloseMessage {
    std::string subscription_id;
};
struct InvalidNegentropy {
    std::string subscription_id;
    Error error;
};

using ClientMessage =
    std::variant<EventMessage, ReqMessage, CountMessage, CloseMessage, InvalidSubscription,
                 NegOpenMessage, NegMsgMessage, NegCloseMessage, InvalidNegentropy,
                 BtcRequest, InvalidBtcRequest>;

[[nodiscard]] Result<ClientMessage> parse_client_message(std::string_view text,
                                                         const MessageLimits& limits = {});

// Parses one filter object (as JSON text), e.g. for tests and client-side tools. Codes:
// filter_invalid (also for a leading byte order mark), duplicate_field.
[[nodiscard]] Result<Filter> parse_filter(std::string_view json, const FilterLimits& limits = {});

// Serializes a filter as a JSON object (the inverse of parse_filter).
std::string filter_to_json(const Filter& filter);

// Relay->client messages. Strings are JSON-escaped; `event_json` is inserted verbatim
// and must be a serialized event (Event::to_json or the stored copy of it).
std::string format_ok(std::string_view event_id_hex, bool accepted, std::string_view message);
std::string format_event(std::string_view subscription_id, std::string_view event_json);
std::string format_eose(std::string_view subscription_id);
std::string format_closed(std::string_view subscription_id, std::string_view message);
std::string format_notice(std::string_view message);
std::string format_count(std::string_view subscription_id, uint64_t count);
// NIP-77, both directions: ["NEG-MSG", <sub id>, <lowercase hex>], and the relay's
// ["NEG-ERR", <sub id>, <reason>] ("blocked: ...", "closed: ...", "invalid: ...").
std::string format_neg_msg(std::string_view subscription_id, ByteSpan message);
std::string format_neg_err(std::string_view subscription_id, std::string_view reason);
// The client side: ["NEG-OPEN", <sub id>, <filter>, <hex>] and ["NEG-CLOSE", <sub id>].
std::string format_neg_open(std::string_view subscription_id, const Filter& filter,
                            ByteSpan message);
std::string format_neg_close(std::string_view subscription_id);

}  // namespace datt::proto
