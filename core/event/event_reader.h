// Streaming reader that turns untrusted event JSON into unchecked fields.
//
// It runs on nlohmann's SAX parser, so no DOM is built, the first problem stops the
// parse, duplicate members are caught (a DOM silently keeps the last one, letting two
// implementations read different events from the same bytes), and nesting is bounded.
// Validation of hex, ranges, id and signature is left to event.cpp.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "event/event.h"

namespace datt::event {

struct RawEvent {
    std::optional<std::string> id;
    std::optional<std::string> pubkey;
    std::optional<int64_t> created_at;
    std::optional<int64_t> kind;
    std::optional<Tags> tags;
    std::optional<std::string> content;
    std::optional<std::string> sig;
};

// Codes: too_large, invalid_utf8, json_syntax, json_too_deep, not_object,
// duplicate_field, wrong_type, created_at_range, kind_range, content_too_large,
// too_many_tags, tag_too_large.
[[nodiscard]] Result<RawEvent> read_raw_event(std::string_view json, const Limits& limits);

}  // namespace datt::event
