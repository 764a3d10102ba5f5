// Uint256: an unsigned 256-bit integer for proof-of-work targets and chain work, with the
// arithmetic of Bitcoin Core's arith_uint256 (the parts SPV needs): compare, add, subtract,
// shifts, multiply by a 32-bit word, divide. Wrapping operations wrap modulo 2^256 exactly
// as Core's do (consensus code such as the retarget multiplication relies on Core's result,
// overflow included); checked_add() is for sums that must not wrap (chain work).
//
// Limbs are 32-bit words, least significant first, so nothing needs a 128-bit type (wasm32).
// Byte conversions: a block hash or target in Bitcoin's internal byte order is the number
// in little-endian (Core's UintToArith256); hex is the big-endian form Core's GetHex() prints.
#pragma once

#include <array>
#include <compare>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "util/bytes.h"
#include "util/result.h"

namespace datt::bitcoin {

class Uint256 {
  public:
    static constexpr size_t kWords = 8;

    constexpr Uint256() = default;
    constexpr explicit Uint256(uint64_t value)
        : words_{static_cast<uint32_t>(value), static_cast<uint32_t>(value >> 32)} {}

    static Uint256 from_le_bytes(const ByteArray<32>& bytes);
    ByteArray<32> to_le_bytes() const;
    // Exactly 64 hex digits, most significant first. Error codes: hex_wrong_length,
    // hex_invalid_char.
    [[nodiscard]] static Result<Uint256> from_hex(std::string_view hex);
    std::string to_hex() const;

    bool is_zero() const;
    // Index of the highest set bit plus one; 0 for zero.
    unsigned bits() const;
    uint64_t low64() const { return words_[0] | (static_cast<uint64_t>(words_[1]) << 32); }

    friend bool operator==(const Uint256&, const Uint256&) = default;
    friend std::strong_ordering operator<=>(const Uint256& a, const Uint256& b);

    Uint256 operator~() const;
    Uint256& operator+=(const Uint256& other);  // modulo 2^256
    Uint256& operator-=(const Uint256& other);  // modulo 2^256
    Uint256& operator<<=(unsigned shift);       // bits shifted past 255 are lost
    Uint256& operator>>=(unsigned shift);
    Uint256& operator*=(uint32_t factor);  // modulo 2^256
    // Integer division; the divisor must not be zero (a bug in the caller: asserted).
    Uint256& operator/=(const Uint256& divisor);

    friend Uint256 operator+(Uint256 a, const Uint256& b) { return a += b; }
    friend Uint256 operator-(Uint256 a, const Uint256& b) { return a -= b; }
    friend Uint256 operator<<(Uint256 a, unsigned shift) { return a <<= shift; }
    friend Uint256 operator>>(Uint256 a, unsigned shift) { return a >>= shift; }
    friend Uint256 operator*(Uint256 a, uint32_t factor) { return a *= factor; }
    friend Uint256 operator/(Uint256 a, const Uint256& b) { return a /= b; }

    // a + b, or nothing when the sum does not fit in 256 bits.
    static std::optional<Uint256> checked_add(const Uint256& a, const Uint256& b);

  private:
    std::array<uint32_t, kWords> words_{};
};

}  // namespace datt::bitcoin
