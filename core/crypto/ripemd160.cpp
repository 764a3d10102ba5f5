#include "crypto/ripemd160.h"

#include <bit>
#include <cstring>

#include "crypto/byte_order.h"
#include "crypto/sha256.h"

namespace datt::crypto {
namespace {

using detail::load_le32;
using detail::store_le32;
using detail::store_le64;

// Tables from the RIPEMD-160 paper (Dobbertin, Bosselaers, Preneel), section "Description".
// Message word selection for the left and right lines.
constexpr uint8_t kWordLeft[80] = {
    0, 1,  2,  3,  4,  5,  6,  7,  8,  9, 10, 11, 12, 13, 14, 15,  //
    7, 4,  13, 1,  10, 6,  15, 3,  12, 0, 9,  5,  2,  14, 11, 8,   //
    3, 10, 14, 4,  9,  15, 8,  1,  2,  7, 0,  6,  13, 11, 5,  12,  //
    1, 9,  11, 10, 0,  8,  12, 4,  13, 3, 7,  15, 14, 5,  6,  2,   //
    4, 0,  5,  9,  7,  12, 2,  10, 14, 1, 3,  8,  11, 6,  15, 13,
};
constexpr uint8_t kWordRight[80] = {
    5,  14, 7,  0, 9, 2,  11, 4,  13, 6,  15, 8,  1,  10, 3,  12,  //
    6,  11, 3,  7, 0, 13, 5,  10, 14, 15, 8,  12, 4,  9,  1,  2,   //
    15, 5,  1,  3, 7, 14, 6,  9,  11, 8,  12, 2,  10, 0,  4,  13,  //
    8,  6,  4,  1, 3, 11, 15, 0,  5,  12, 2,  13, 9,  7,  10, 14,  //
    12, 15, 10, 4, 1, 5,  8,  7,  6,  2,  13, 14, 0,  3,  9,  11,
};
// Left-rotation amounts.
constexpr uint8_t kShiftLeft[80] = {
    11, 14, 15, 12, 5,  8,  7,  9,  11, 13, 14, 15, 6,  7,  9,  8,   //
    7,  6,  8,  13, 11, 9,  7,  15, 7,  12, 15, 9,  11, 7,  13, 12,  //
    11, 13, 6,  7,  14, 9,  13, 15, 14, 8,  13, 6,  5,  12, 7,  5,   //
    11, 12, 14, 15, 14, 15, 9,  8,  9,  14, 5,  6,  8,  6,  5,  12,  //
    9,  15, 5,  11, 6,  8,  13, 12, 5,  12, 13, 14, 11, 8,  5,  6,
};
constexpr uint8_t kShiftRight[80] = {
    8,  9,  9,  11, 13, 15, 15, 5,  7,  7,  8,  11, 14, 14, 12, 6,   //
    9,  13, 15, 7,  12, 8,  9,  11, 7,  7,  12, 7,  6,  15, 13, 11,  //
    9,  7,  15, 11, 8,  6,  6,  14, 12, 13, 5,  14, 13, 13, 7,  5,   //
    15, 5,  8,  11, 14, 14, 6,  14, 6,  9,  12, 9,  12, 5,  15, 8,   //
    8,  5,  12, 9,  12, 5,  14, 6,  8,  13, 6,  5,  15, 13, 11, 11,
};
// Added constants per round of 16 steps.
constexpr uint32_t kConstLeft[5] = {0x00000000, 0x5a827999, 0x6ed9eba1, 0x8f1bbcdc, 0xa953fd4e};
constexpr uint32_t kConstRight[5] = {0x50a28be6, 0x5c4dd124, 0x6d703ef3, 0x7a6d76e9, 0x00000000};

constexpr uint32_t kInitialState[5] = {0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0};

// The five boolean functions f1..f5; the right line uses them in reverse order.
inline uint32_t boolean_function(int round, uint32_t x, uint32_t y, uint32_t z) {
    switch (round) {
        case 0:
            return x ^ y ^ z;
        case 1:
            return (x & y) | (~x & z);
        case 2:
            return (x | ~y) ^ z;
        case 3:
            return (x & z) | (y & ~z);
        default:
            return x ^ (y | ~z);
    }
}

void compress(uint32_t state[5], const uint8_t* block) {
    uint32_t words[16];
    for (int i = 0; i < 16; ++i) words[i] = load_le32(block + 4 * i);

    uint32_t al = state[0], bl = state[1], cl = state[2], dl = state[3], el = state[4];
    uint32_t ar = al, br = bl, cr = cl, dr = dl, er = el;
    for (int j = 0; j < 80; ++j) {
        const int round = j / 16;
        uint32_t t = std::rotl(al + boolean_function(round, bl, cl, dl) + words[kWordLeft[j]] +
                                   kConstLeft[round],
                               kShiftLeft[j]) +
                     el;
        al = el;
        el = dl;
        dl = std::rotl(cl, 10);
        cl = bl;
        bl = t;

        t = std::rotl(ar + boolean_function(4 - round, br, cr, dr) + words[kWordRight[j]] +
                          kConstRight[round],
                      kShiftRight[j]) +
            er;
        ar = er;
        er = dr;
        dr = std::rotl(cr, 10);
        cr = br;
        br = t;
    }
    const uint32_t t = state[1] + cl + dr;
    state[1] = state[2] + dl + er;
    state[2] = state[3] + el + ar;
    state[3] = state[4] + al + br;
    state[4] = state[0] + bl + cr;
    state[0] = t;
}

}  // namespace

Ripemd160::Ripemd160() {
    std::memcpy(state_, kInitialState, sizeof(state_));
}

Ripemd160& Ripemd160::write(std::span<const uint8_t> data) {
    blocks_.write(data, [this](const uint8_t* block) { compress(state_, block); });
    return *this;
}

std::array<uint8_t, 20> Ripemd160::finalize() {
    // MD4-style: the bit length little-endian.
    uint8_t length_field[8];
    store_le64(length_field, blocks_.total_bytes() << 3);
    blocks_.pad(length_field, [this](const uint8_t* block) { compress(state_, block); });

    std::array<uint8_t, 20> digest;
    for (int i = 0; i < 5; ++i) store_le32(digest.data() + 4 * i, state_[i]);
    return digest;
}

std::array<uint8_t, 20> ripemd160(std::span<const uint8_t> data) {
    return Ripemd160().write(data).finalize();
}

std::array<uint8_t, 20> hash160(std::span<const uint8_t> data) {
    return ripemd160(sha256(data));
}

}  // namespace datt::crypto
