#include "crypto/sha256.h"

#include <bit>
#include <cstring>

#include "crypto/byte_order.h"
#include "crypto/sha256_compress.h"

// x86-64 with the SHA extensions (Intel since Goldmont/Ice Lake, AMD since Zen): the
// compression in hardware, chosen at run time. Elsewhere (wasm, other CPUs) the portable one.
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__)) && !defined(__EMSCRIPTEN__)
#define DATT_SHA256_X86 1
#include <cpuid.h>
#include <immintrin.h>
#else
#define DATT_SHA256_X86 0
#endif

namespace datt::crypto {
namespace {

using detail::load_be32;
using detail::store_be32;
using detail::store_be64;

// FIPS 180-4 4.2.2: first 32 bits of the fractional parts of the cube roots of the
// first 64 primes.
constexpr uint32_t kRoundConstants[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

// FIPS 180-4 5.3.3: square roots of the first 8 primes.
constexpr uint32_t kInitialState[8] = {
    0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
};

inline uint32_t big_sigma0(uint32_t x) {
    return std::rotr(x, 2) ^ std::rotr(x, 13) ^ std::rotr(x, 22);
}
inline uint32_t big_sigma1(uint32_t x) {
    return std::rotr(x, 6) ^ std::rotr(x, 11) ^ std::rotr(x, 25);
}
inline uint32_t small_sigma0(uint32_t x) {
    return std::rotr(x, 7) ^ std::rotr(x, 18) ^ (x >> 3);
}
inline uint32_t small_sigma1(uint32_t x) {
    return std::rotr(x, 17) ^ std::rotr(x, 19) ^ (x >> 10);
}
inline uint32_t choose(uint32_t x, uint32_t y, uint32_t z) {
    return z ^ (x & (y ^ z));
}
inline uint32_t majority(uint32_t x, uint32_t y, uint32_t z) {
    return (x & y) | (z & (x | y));
}

#if DATT_SHA256_X86
// CPUID: leaf 7 EBX bit 29 (SHA), leaf 1 ECX bits 9 (SSSE3) and 19 (SSE4.1).
bool has_sha_extensions() {
    unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
    if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx)) return false;
    const bool ssse3_and_sse41 = (ecx & (1u << 9)) && (ecx & (1u << 19));
    if (!__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx)) return false;
    return ssse3_and_sse41 && (ebx & (1u << 29));
}

// The same block function with SHA256RNDS2 (two rounds) and SHA256MSG1/MSG2 (the message
// schedule, four words at a time). The instructions keep the state as two registers,
// (A, B, E, F) and (C, D, G, H), A and C in the highest lanes.
__attribute__((target("sha,ssse3,sse4.1"))) void compress_x86(uint32_t state[8],
                                                              const uint8_t* block) {
    const __m128i byte_swap = _mm_set_epi64x(0x0c0d0e0f08090a0bULL, 0x0405060700010203ULL);
    const __m128i abcd =
        _mm_shuffle_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(state)), 0xB1);
    const __m128i hgfe =
        _mm_shuffle_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(state + 4)), 0x1B);
    __m128i abef = _mm_alignr_epi8(abcd, hgfe, 8);
    __m128i cdgh = _mm_blend_epi16(hgfe, abcd, 0xF0);
    const __m128i abef_in = abef, cdgh_in = cdgh;

    // words[i % 4] holds schedule words 4i .. 4i + 3.
    __m128i words[4];
    for (int i = 0; i < 4; ++i) {
        words[i] = _mm_shuffle_epi8(
            _mm_loadu_si128(reinterpret_cast<const __m128i*>(block + 16 * i)), byte_swap);
    }
    for (int i = 0; i < 16; ++i) {
        if (i >= 4) {
            // W[t] = sigma1(W[t-2]) + W[t-7] + sigma0(W[t-15]) + W[t-16], four at a time.
            __m128i next = _mm_sha256msg1_epu32(words[i % 4], words[(i + 1) % 4]);
            next = _mm_add_epi32(next, _mm_alignr_epi8(words[(i + 3) % 4], words[(i + 2) % 4], 4));
            words[i % 4] = _mm_sha256msg2_epu32(next, words[(i + 3) % 4]);
        }
        __m128i sums = _mm_add_epi32(
            words[i % 4],
            _mm_loadu_si128(reinterpret_cast<const __m128i*>(kRoundConstants + 4 * i)));
        cdgh = _mm_sha256rnds2_epu32(cdgh, abef, sums);  // now the new (A, B, E, F)
        sums = _mm_shuffle_epi32(sums, 0x0E);
        abef = _mm_sha256rnds2_epu32(abef, cdgh, sums);  // abef held (C, D, G, H)
    }
    abef = _mm_add_epi32(abef, abef_in);
    cdgh = _mm_add_epi32(cdgh, cdgh_in);

    const __m128i feba = _mm_shuffle_epi32(abef, 0x1B);
    const __m128i dchg = _mm_shuffle_epi32(cdgh, 0xB1);
    _mm_storeu_si128(reinterpret_cast<__m128i*>(state), _mm_blend_epi16(feba, dchg, 0xF0));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(state + 4), _mm_alignr_epi8(dchg, feba, 8));
}
#endif

// One 64-byte block into the chaining state (FIPS 180-4 6.2.2).
void compress_portable(uint32_t state[8], const uint8_t* block) {
    uint32_t schedule[64];
    for (int t = 0; t < 16; ++t) schedule[t] = load_be32(block + 4 * t);
    for (int t = 16; t < 64; ++t) {
        schedule[t] = small_sigma1(schedule[t - 2]) + schedule[t - 7] +
                      small_sigma0(schedule[t - 15]) + schedule[t - 16];
    }

    uint32_t a = state[0], b = state[1], c = state[2], d = state[3];
    uint32_t e = state[4], f = state[5], g = state[6], h = state[7];
    for (int t = 0; t < 64; ++t) {
        const uint32_t t1 = h + big_sigma1(e) + choose(e, f, g) + kRoundConstants[t] + schedule[t];
        const uint32_t t2 = big_sigma0(a) + majority(a, b, c);
        h = g;
        g = f;
        f = e;
        e = d + t1;
        d = c;
        c = b;
        b = a;
        a = t1 + t2;
    }
    state[0] += a;
    state[1] += b;
    state[2] += c;
    state[3] += d;
    state[4] += e;
    state[5] += f;
    state[6] += g;
    state[7] += h;
}

void compress(uint32_t state[8], const uint8_t* block) {
#if DATT_SHA256_X86
    if (detail::sha256_compress_hardware(state, block)) return;
#endif
    compress_portable(state, block);
}

}  // namespace

namespace detail {

void sha256_compress_portable(uint32_t state[8], const uint8_t* block) {
    compress_portable(state, block);
}

bool sha256_compress_hardware(uint32_t state[8], const uint8_t* block) {
#if DATT_SHA256_X86
    static const bool available = has_sha_extensions();
    if (!available) return false;
    compress_x86(state, block);
    return true;
#else
    (void)state;
    (void)block;
    return false;
#endif
}

}  // namespace detail

Sha256::Sha256() {
    std::memcpy(state_, kInitialState, sizeof(state_));
}

Sha256& Sha256::write(std::span<const uint8_t> data) {
    blocks_.write(data, [this](const uint8_t* block) { compress(state_, block); });
    return *this;
}

std::array<uint8_t, 32> Sha256::finalize() {
    // The length field: the message length in bits, big-endian, ending the last block.
    uint8_t length_field[8];
    store_be64(length_field, blocks_.total_bytes() << 3);
    blocks_.pad(length_field, [this](const uint8_t* block) { compress(state_, block); });

    std::array<uint8_t, 32> digest;
    for (int i = 0; i < 8; ++i) store_be32(digest.data() + 4 * i, state_[i]);
    return digest;
}

std::array<uint8_t, 32> sha256(std::span<const uint8_t> data) {
    return Sha256().write(data).finalize();
}

std::array<uint8_t, 32> sha256d(std::span<const uint8_t> data) {
    return sha256(sha256(data));
}

}  // namespace datt::crypto
