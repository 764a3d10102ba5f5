// Operating-system randomness for the native shells (the core never draws its own).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

namespace datt::cli {

// Fills `out` from getrandom(2); aborts the process if the kernel cannot supply bytes,
// since continuing without randomness would produce guessable keys.
void fill_random(std::span<uint8_t> out);

template <size_t N>
std::array<uint8_t, N> random_bytes() {
    std::array<uint8_t, N> out;
    fill_random(out);
    return out;
}

}  // namespace datt::cli
