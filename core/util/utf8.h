// UTF-8 validation (RFC 3629): rejects overlong forms, surrogates and code points
// above U+10FFFF. Untrusted text is checked before anything hashes or stores it.
#pragma once

#include <cstddef>
#include <string_view>

namespace datt {

bool is_valid_utf8(std::string_view text);

// Offset of the first invalid byte, or text.size() when the text is valid.
size_t first_invalid_utf8(std::string_view text);

}  // namespace datt
