#include "tip/canonical_decimal.h"

namespace datt::tip {

std::optional<uint64_t> parse_canonical_decimal(std::string_view text, uint64_t max) {
    // 20 digits hold every uint64_t; longer text cannot be canonical and at most `max`.
    if (text.empty() || text.size() > 20 || (text.size() > 1 && text[0] == '0')) {
        return std::nullopt;
    }
    uint64_t value = 0;
    for (char c : text) {
        if (c < '0' || c > '9') return std::nullopt;
        const uint64_t digit = static_cast<uint64_t>(c - '0');
        // value * 10 + digit > max, without overflowing
        if (digit > max || value > (max - digit) / 10) return std::nullopt;
        value = value * 10 + digit;
    }
    return value;
}

}  // namespace datt::tip
