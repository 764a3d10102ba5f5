// Writes a string as an RFC 8259 JSON string literal. Minimal escaping: the short forms
// for " \ LF CR TAB BS FF and \u00XX for the other control characters; everything else
// (including non-ASCII UTF-8 and "/") is copied raw. Input must be valid UTF-8.
#pragma once

#include <string>
#include <string_view>

namespace datt {

void append_json_string(std::string& out, std::string_view text);

}  // namespace datt
