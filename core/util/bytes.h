// Byte containers shared by every core module.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace datt {

using Bytes = std::vector<uint8_t>;
using ByteSpan = std::span<const uint8_t>;
template <size_t N>
using ByteArray = std::array<uint8_t, N>;
using Hash256 = ByteArray<32>;

inline ByteSpan as_bytes(std::string_view s) {
    return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

}  // namespace datt
