// A deterministic stream of random numbers from caller-supplied randomness.
//
// core/ has no random number generator: whatever must be unpredictable (which coins a
// single random draw picks, where change goes among the outputs) is drawn from a 32-byte
// seed the shell takes from its OS source (crypto.getRandomValues, /dev/urandom). The same
// seed gives the same choices, so tests and benchmarks are reproducible.
//
// Block i of the stream is SHA-256(seed || i as u64 little-endian); numbers are read from it
// 8 bytes at a time, little-endian. uniform(n) rejects draws above the largest multiple of n
// so that every value in [0, n) is equally likely.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "util/bytes.h"

namespace datt::bitcoin::wallet {

using RandomSeed = ByteArray<32>;

class SeededRandom {
  public:
    explicit SeededRandom(const RandomSeed& seed) : seed_(seed) {}
    ~SeededRandom();
    SeededRandom(const SeededRandom&) = delete;
    SeededRandom& operator=(const SeededRandom&) = delete;

    uint64_t next_u64();
    // A value in [0, bound); bound must be > 0.
    uint64_t uniform(uint64_t bound);

    // Fisher-Yates: every order equally likely.
    template <class T>
    void shuffle(std::span<T> items) {
        for (size_t i = items.size(); i > 1; --i) {
            const size_t j = static_cast<size_t>(uniform(i));
            std::swap(items[i - 1], items[j]);
        }
    }

  private:
    RandomSeed seed_;
    ByteArray<32> block_{};
    uint64_t counter_ = 0;
    size_t used_ = sizeof(block_);  // bytes of block_ already consumed
};

}  // namespace datt::bitcoin::wallet
