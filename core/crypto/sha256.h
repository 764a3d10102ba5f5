// SHA-256 (FIPS 180-4). core/crypto depends on nothing else in core: std types only.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "crypto/block_buffer.h"

namespace datt::crypto {

class Sha256 {
public:
    static constexpr size_t kOutputSize = 32;
    static constexpr size_t kBlockSize = 64;

    Sha256();
    Sha256& write(std::span<const uint8_t> data);
    // Returns the digest; the object must not be written to afterwards.
    std::array<uint8_t, 32> finalize();

private:
    uint32_t state_[8];
    detail::BlockBuffer<64> blocks_;
};

std::array<uint8_t, 32> sha256(std::span<const uint8_t> data);

// SHA256(SHA256(data)): Bitcoin's HASH256 (txids, block hashes, checksums, legacy and
// BIP-143 sighashes). For data written in pieces: sha256(Sha256().write(..).finalize()).
std::array<uint8_t, 32> sha256d(std::span<const uint8_t> data);

}  // namespace datt::crypto
