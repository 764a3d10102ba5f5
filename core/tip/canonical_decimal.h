// Numbers in tags: canonical decimal (ASCII digits, no sign, no leading zero, "0" alone for
// zero), so each number has one spelling and a parsed tag prints back to its input.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace datt::tip {

// The value when `text` is canonical decimal and at most `max`, else nullopt.
std::optional<uint64_t> parse_canonical_decimal(std::string_view text, uint64_t max);

}  // namespace datt::tip
