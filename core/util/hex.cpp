#include "util/hex.h"

namespace datt {
namespace {

int nibble(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

}  // namespace

std::string to_hex(ByteSpan bytes) {
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string out(bytes.size() * 2, '\0');
    for (size_t i = 0; i < bytes.size(); ++i) {
        out[2 * i] = kDigits[bytes[i] >> 4];
        out[2 * i + 1] = kDigits[bytes[i] & 0x0f];
    }
    return out;
}

Result<Bytes> from_hex(std::string_view hex) {
    if (hex.size() % 2 != 0) {
        return make_error("hex_odd_length", "hex string has an odd number of characters");
    }
    Bytes out(hex.size() / 2);
    for (size_t i = 0; i < out.size(); ++i) {
        int hi = nibble(hex[2 * i]);
        int lo = nibble(hex[2 * i + 1]);
        if (hi < 0 || lo < 0) {
            return make_error("hex_invalid_char", "non-hex character at offset " +
                                                      std::to_string(hi < 0 ? 2 * i : 2 * i + 1));
        }
        out[i] = static_cast<uint8_t>(hi << 4 | lo);
    }
    return out;
}

bool is_lower_hex(std::string_view s, size_t chars) {
    if (s.size() != chars) return false;
    for (char c : s) {
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
    }
    return true;
}

}  // namespace datt
