// Template part of hex.h.
#pragma once

#include <algorithm>

namespace datt {

template <size_t N>
Result<ByteArray<N>> from_hex_fixed(std::string_view hex) {
    if (hex.size() != 2 * N) {
        return make_error("hex_wrong_length", "expected " + std::to_string(2 * N) +
                                                  " hex characters, got " +
                                                  std::to_string(hex.size()));
    }
    auto decoded = from_hex(hex);
    if (!decoded) return decoded.error();
    ByteArray<N> out;
    std::copy(decoded->begin(), decoded->end(), out.begin());
    return out;
}

}  // namespace datt
