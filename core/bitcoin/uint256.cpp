#include "bitcoin/uint256.h"

#include <cassert>

#include "util/hex.h"

namespace datt::bitcoin {

Uint256 Uint256::from_le_bytes(const ByteArray<32>& bytes) {
    Uint256 out;
    for (size_t i = 0; i < kWords; ++i) {
        out.words_[i] = static_cast<uint32_t>(bytes[4 * i]) |
                        (static_cast<uint32_t>(bytes[4 * i + 1]) << 8) |
                        (static_cast<uint32_t>(bytes[4 * i + 2]) << 16) |
                        (static_cast<uint32_t>(bytes[4 * i + 3]) << 24);
    }
    return out;
}

ByteArray<32> Uint256::to_le_bytes() const {
    ByteArray<32> out;
    for (size_t i = 0; i < kWords; ++i) {
        for (size_t b = 0; b < 4; ++b) out[4 * i + b] = static_cast<uint8_t>(words_[i] >> (8 * b));
    }
    return out;
}

Result<Uint256> Uint256::from_hex(std::string_view hex) {
    auto big_endian = from_hex_fixed<32>(hex);
    if (!big_endian.ok()) return big_endian.error();
    ByteArray<32> little_endian;
    for (size_t i = 0; i < 32; ++i) little_endian[i] = (*big_endian)[31 - i];
    return from_le_bytes(little_endian);
}

std::string Uint256::to_hex() const {
    ByteArray<32> big_endian = to_le_bytes();
    for (size_t i = 0; i < 16; ++i) std::swap(big_endian[i], big_endian[31 - i]);
    return datt::to_hex(big_endian);
}

bool Uint256::is_zero() const {
    for (uint32_t word : words_) {
        if (word != 0) return false;
    }
    return true;
}

unsigned Uint256::bits() const {
    for (size_t i = kWords; i-- > 0;) {
        if (words_[i] == 0) continue;
        unsigned top = 31;
        while (!(words_[i] >> top & 1)) --top;
        return static_cast<unsigned>(32 * i) + top + 1;
    }
    return 0;
}

std::strong_ordering operator<=>(const Uint256& a, const Uint256& b) {
    for (size_t i = Uint256::kWords; i-- > 0;) {
        if (a.words_[i] != b.words_[i]) return a.words_[i] <=> b.words_[i];
    }
    return std::strong_ordering::equal;
}

Uint256 Uint256::operator~() const {
    Uint256 out;
    for (size_t i = 0; i < kWords; ++i) out.words_[i] = ~words_[i];
    return out;
}

Uint256& Uint256::operator+=(const Uint256& other) {
    uint64_t carry = 0;
    for (size_t i = 0; i < kWords; ++i) {
        const uint64_t sum = carry + words_[i] + other.words_[i];
        words_[i] = static_cast<uint32_t>(sum);
        carry = sum >> 32;
    }
    return *this;
}

Uint256& Uint256::operator-=(const Uint256& other) {
    uint64_t borrow = 0;
    for (size_t i = 0; i < kWords; ++i) {
        const uint64_t subtrahend = static_cast<uint64_t>(other.words_[i]) + borrow;
        borrow = subtrahend > words_[i] ? 1 : 0;
        words_[i] = static_cast<uint32_t>(words_[i] - subtrahend);
    }
    return *this;
}

Uint256& Uint256::operator<<=(unsigned shift) {
    if (shift >= 256) return *this = Uint256{};
    const size_t word_shift = shift / 32;
    const unsigned bit_shift = shift % 32;
    for (size_t i = kWords; i-- > 0;) {
        uint32_t value = 0;
        if (i >= word_shift) {
            value = words_[i - word_shift] << bit_shift;
            if (bit_shift != 0 && i >= word_shift + 1) {
                value |= words_[i - word_shift - 1] >> (32 - bit_shift);
            }
        }
        words_[i] = value;
    }
    return *this;
}

Uint256& Uint256::operator>>=(unsigned shift) {
    if (shift >= 256) return *this = Uint256{};
    const size_t word_shift = shift / 32;
    const unsigned bit_shift = shift % 32;
    for (size_t i = 0; i < kWords; ++i) {
        uint32_t value = 0;
        if (i + word_shift < kWords) {
            value = words_[i + word_shift] >> bit_shift;
            if (bit_shift != 0 && i + word_shift + 1 < kWords) {
                value |= words_[i + word_shift + 1] << (32 - bit_shift);
            }
        }
        words_[i] = value;
    }
    return *this;
}

Uint256& Uint256::operator*=(uint32_t factor) {
    uint64_t carry = 0;
    for (size_t i = 0; i < kWords; ++i) {
        const uint64_t product = carry + static_cast<uint64_t>(words_[i]) * factor;
        words_[i] = static_cast<uint32_t>(product);
        carry = product >> 32;
    }
    return *this;
}

// Shift-and-subtract long division, starting at the divisor's top bit (as Core's does): a
// target's work divides by a number nearly as long as the dividend, so few rounds run.
Uint256& Uint256::operator/=(const Uint256& divisor_in) {
    const unsigned divisor_bits = divisor_in.bits();
    assert(divisor_bits != 0 && "Uint256 division by zero");
    Uint256 remainder = *this;
    *this = Uint256{};
    const unsigned dividend_bits = remainder.bits();
    if (divisor_bits > dividend_bits) return *this;
    int shift = static_cast<int>(dividend_bits - divisor_bits);
    Uint256 divisor = divisor_in << static_cast<unsigned>(shift);
    while (shift >= 0) {
        if (remainder >= divisor) {
            remainder -= divisor;
            words_[static_cast<size_t>(shift) / 32] |= 1u << (shift % 32);
        }
        divisor >>= 1;
        --shift;
    }
    return *this;
}

std::optional<Uint256> Uint256::checked_add(const Uint256& a, const Uint256& b) {
    const Uint256 sum = a + b;
    if (sum < a) return std::nullopt;  // wrapped
    return sum;
}

}  // namespace datt::bitcoin
