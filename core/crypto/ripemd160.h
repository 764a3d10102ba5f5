// RIPEMD-160 (Dobbertin, Bosselaers, Preneel 1996), used by HASH160 for BIP-32
// fingerprints and P2WPKH programs.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "crypto/block_buffer.h"

namespace datt::crypto {

class Ripemd160 {
public:
    static constexpr size_t kOutputSize = 20;

    Ripemd160();
    Ripemd160& write(std::span<const uint8_t> data);
    std::array<uint8_t, 20> finalize();

private:
    uint32_t state_[5];
    detail::BlockBuffer<64> blocks_;
};

std::array<uint8_t, 20> ripemd160(std::span<const uint8_t> data);

// RIPEMD160(SHA256(data)): Bitcoin's HASH160.
std::array<uint8_t, 20> hash160(std::span<const uint8_t> data);

}  // namespace datt::crypto
