#include "bip32/path.h"

#include <string>

#include "bip32/extended_key.h"

namespace datt::bip32 {

namespace {

Error bad_path(const std::string& why) {
    return make_error("bip32_bad_path", why);
}

bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

}  // namespace

Result<std::vector<uint32_t>> parse_path(std::string_view path) {
    if (path.empty() || path[0] != 'm') return bad_path("a path starts with \"m\"");
    std::vector<uint32_t> children;
    size_t pos = 1;
    while (pos < path.size()) {
        if (path[pos] != '/') {
            return bad_path("expected '/' at character " + std::to_string(pos + 1));
        }
        ++pos;
        size_t digits_start = pos;
        uint64_t index = 0;
        while (pos < path.size() && is_digit(path[pos])) {
            index = index * 10 + static_cast<uint64_t>(path[pos] - '0');
            if (index >= kHardenedOffset) {
                return bad_path("child index at character " + std::to_string(digits_start + 1) +
                                " is not below 2^31");
            }
            ++pos;
        }
        size_t digit_count = pos - digits_start;
        if (digit_count == 0) {
            return bad_path("expected a child index at character " +
                            std::to_string(digits_start + 1));
        }
        if (digit_count > 1 && path[digits_start] == '0') {
            return bad_path("child index at character " + std::to_string(digits_start + 1) +
                            " has a leading zero");
        }
        bool hardened = pos < path.size() && (path[pos] == '\'' || path[pos] == 'h');
        if (hardened) ++pos;
        children.push_back(static_cast<uint32_t>(index) + (hardened ? kHardenedOffset : 0));
    }
    return children;
}

}  // namespace datt::bip32
