// SHA-512 (FIPS 180-4), used by HMAC-SHA512 (BIP-32, BIP-39 PBKDF2).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "crypto/block_buffer.h"

namespace datt::crypto {

class Sha512 {
public:
    static constexpr size_t kOutputSize = 64;
    static constexpr size_t kBlockSize = 128;

    Sha512();
    Sha512& write(std::span<const uint8_t> data);
    std::array<uint8_t, 64> finalize();

private:
    uint64_t state_[8];
    detail::BlockBuffer<128> blocks_;
};

std::array<uint8_t, 64> sha512(std::span<const uint8_t> data);

}  // namespace datt::crypto
