#include "store/stored_content.h"

#include "event/event_reader.h"

namespace datt::relay::sqlite {

event::Limits stored_limits() {
    event::Limits limits;
    limits.max_json_bytes = 16 * 1024 * 1024;
    limits.max_content_bytes = 16 * 1024 * 1024;
    limits.max_tags = 1'000'000;
    limits.max_tag_values = 1'000'000;
    limits.max_tag_value_bytes = 16 * 1024 * 1024;
    return limits;
}

std::optional<std::string> parsed_content(std::string_view json) {
    auto raw = event::read_raw_event(json, stored_limits());
    if (!raw || !raw->content) return std::nullopt;
    return std::move(*raw->content);
}

std::optional<std::string> stored_content(std::string_view json) {
    // Event::to_json ends with "],"content":"<text>","sig":"<128 hex>"}. Inside a JSON
    // string every '"' is escaped, so with no backslash in <text> the first '"' after it
    // ends it, and a JSON ending so has that member at its top level. Anything else (an
    // escape in the text, another layout) goes through the parser.
    constexpr std::string_view kKey = "],\"content\":\"";
    constexpr std::string_view kSig = "\",\"sig\":\"";
    constexpr size_t kTail = kSig.size() + 128 + 2;  // the sig member and the closing "}
    const size_t key = json.find(kKey);
    if (key != std::string_view::npos && json.rfind(kKey) == key) {
        const size_t start = key + kKey.size();
        const size_t end = json.find('"', start);
        if (end != std::string_view::npos && json.size() == end + kTail &&
            json.compare(end, kSig.size(), kSig) == 0 && json.substr(json.size() - 2) == "\"}" &&
            json.substr(start, end - start).find('\\') == std::string_view::npos) {
            return std::string(json.substr(start, end - start));
        }
    }
    return parsed_content(json);
}

}  // namespace datt::relay::sqlite
