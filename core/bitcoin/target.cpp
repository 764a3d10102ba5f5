#include "bitcoin/target.h"

#include <cassert>
#include <cstdio>
#include <string>

namespace datt::bitcoin {
namespace {

std::string bits_hex(uint32_t bits) {
    char text[11];
    std::snprintf(text, sizeof text, "0x%08x", bits);
    return text;
}

}  // namespace

CompactDecoded decode_compact(uint32_t bits) {
    const unsigned size = bits >> 24;
    uint32_t word = bits & 0x007fffff;
    CompactDecoded out;
    if (size <= 3) {
        word >>= 8 * (3 - size);
        out.value = Uint256(word);
    } else {
        out.value = Uint256(word) << (8 * (size - 3));
    }
    out.negative = word != 0 && (bits & 0x00800000) != 0;
    out.overflow =
        word != 0 && (size > 34 || (word > 0xff && size > 33) || (word > 0xffff && size > 32));
    return out;
}

uint32_t encode_compact(const Uint256& value, bool negative) {
    unsigned size = (value.bits() + 7) / 8;
    uint32_t compact = 0;
    if (size <= 3) {
        compact = static_cast<uint32_t>(value.low64() << (8 * (3 - size)));
    } else {
        compact = static_cast<uint32_t>((value >> (8 * (size - 3))).low64());
    }
    // 0x00800000 is the sign bit: a mantissa that would set it moves one byte right.
    if (compact & 0x00800000) {
        compact >>= 8;
        ++size;
    }
    assert((compact & ~0x007fffffu) == 0 && size < 256);
    compact |= size << 24;
    if (negative && (compact & 0x007fffff) != 0) compact |= 0x00800000;
    return compact;
}

Result<Uint256> target_from_bits(uint32_t bits, const Uint256& pow_limit) {
    const CompactDecoded decoded = decode_compact(bits);
    const char* problem = nullptr;
    if (decoded.negative) {
        problem = "is negative";
    } else if (decoded.overflow) {
        problem = "overflows 256 bits";
    } else if (decoded.value.is_zero()) {
        problem = "is zero";
    } else if (decoded.value > pow_limit) {
        problem = "is above the network's proof-of-work limit";
    }
    if (problem) {
        return make_error("invalid_bits", "the target of bits " + bits_hex(bits) + " " + problem);
    }
    return decoded.value;
}

Uint256 work_from_target(const Uint256& target) {
    assert(!target.is_zero());
    const Uint256 divisor = target + Uint256(1);
    if (divisor.is_zero()) return Uint256(1);  // target = 2^256 - 1: 2^256 / 2^256
    // 2^256 / (t + 1) = (2^256 - t - 1) / (t + 1) + 1, and 2^256 - t - 1 = ~t.
    return ~target / divisor + Uint256(1);
}

}  // namespace datt::bitcoin
