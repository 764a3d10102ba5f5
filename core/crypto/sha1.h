// SHA-1 (FIPS 180-4), for Bitcoin's OP_SHA1 only. SHA-1 is broken for collision
// resistance: nothing in Datt may use it to identify or authenticate data.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "crypto/block_buffer.h"

namespace datt::crypto {

class Sha1 {
public:
    static constexpr size_t kOutputSize = 20;
    static constexpr size_t kBlockSize = 64;

    Sha1();
    Sha1& write(std::span<const uint8_t> data);
    // Returns the digest; the object must not be written to afterwards.
    std::array<uint8_t, 20> finalize();

private:
    uint32_t state_[5];
    detail::BlockBuffer<64> blocks_;
};

std::array<uint8_t, 20> sha1(std::span<const uint8_t> data);

}  // namespace datt::crypto
