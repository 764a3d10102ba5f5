#include "bitcoin/wallet/seeded_random.h"

#include <cassert>

#include "crypto/sha256.h"
#include "crypto/wipe.h"

namespace datt::bitcoin::wallet {

SeededRandom::~SeededRandom() {
    crypto::secure_wipe(seed_.data(), seed_.size());
    crypto::secure_wipe(block_.data(), block_.size());
}

uint64_t SeededRandom::next_u64() {
    if (used_ + 8 > block_.size()) {
        uint8_t counter[8];
        for (size_t i = 0; i < 8; ++i) counter[i] = static_cast<uint8_t>(counter_ >> (8 * i));
        ++counter_;
        block_ = crypto::Sha256().write(seed_).write(counter).finalize();
        used_ = 0;
    }
    uint64_t value = 0;
    for (size_t i = 0; i < 8; ++i) value |= uint64_t{block_[used_ + i]} << (8 * i);
    used_ += 8;
    return value;
}

uint64_t SeededRandom::uniform(uint64_t bound) {
    assert(bound > 0);
    // Accept draws below the largest multiple of bound that fits in 2^64.
    const uint64_t limit = UINT64_MAX - UINT64_MAX % bound;
    for (;;) {
        const uint64_t draw = next_u64();
        if (draw < limit) return draw % bound;
    }
}

}  // namespace datt::bitcoin::wallet
