#include "crypto/sha1.h"

#include <bit>
#include <cstring>

#include "crypto/byte_order.h"

namespace datt::crypto {
namespace {

using detail::load_be32;
using detail::store_be32;
using detail::store_be64;

// FIPS 180-4 5.3.1.
constexpr uint32_t kInitialState[5] = {0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0};

// One 64-byte block into the chaining state (FIPS 180-4 6.1.2): 80 rounds in four groups
// of 20, each with its own function and constant (4.1.1, 4.2.1).
void compress(uint32_t state[5], const uint8_t* block) {
    uint32_t schedule[80];
    for (int t = 0; t < 16; ++t) schedule[t] = load_be32(block + 4 * t);
    for (int t = 16; t < 80; ++t) {
        schedule[t] =
            std::rotl(schedule[t - 3] ^ schedule[t - 8] ^ schedule[t - 14] ^ schedule[t - 16], 1);
    }

    uint32_t a = state[0], b = state[1], c = state[2], d = state[3], e = state[4];
    for (int t = 0; t < 80; ++t) {
        uint32_t f, k;
        if (t < 20) {
            f = d ^ (b & (c ^ d));  // Ch
            k = 0x5a827999;
        } else if (t < 40) {
            f = b ^ c ^ d;  // Parity
            k = 0x6ed9eba1;
        } else if (t < 60) {
            f = (b & c) | (d & (b | c));  // Maj
            k = 0x8f1bbcdc;
        } else {
            f = b ^ c ^ d;  // Parity
            k = 0xca62c1d6;
        }
        const uint32_t next = std::rotl(a, 5) + f + e + k + schedule[t];
        e = d;
        d = c;
        c = std::rotl(b, 30);
        b = a;
        a = next;
    }
    state[0] += a;
    state[1] += b;
    state[2] += c;
    state[3] += d;
    state[4] += e;
}

}  // namespace

Sha1::Sha1() {
    std::memcpy(state_, kInitialState, sizeof(state_));
}

Sha1& Sha1::write(std::span<const uint8_t> data) {
    blocks_.write(data, [this](const uint8_t* block) { compress(state_, block); });
    return *this;
}

std::array<uint8_t, 20> Sha1::finalize() {
    // As SHA-256's: the bit length, big-endian, ending the last block.
    uint8_t length_field[8];
    store_be64(length_field, blocks_.total_bytes() << 3);
    blocks_.pad(length_field, [this](const uint8_t* block) { compress(state_, block); });

    std::array<uint8_t, 20> digest;
    for (int i = 0; i < 5; ++i) store_be32(digest.data() + 4 * i, state_[i]);
    return digest;
}

std::array<uint8_t, 20> sha1(std::span<const uint8_t> data) {
    return Sha1().write(data).finalize();
}

}  // namespace datt::crypto
