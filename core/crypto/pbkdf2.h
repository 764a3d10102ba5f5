// PBKDF2 (RFC 8018) with HMAC-SHA512, as BIP-39 uses it for the seed.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace datt::crypto {

// `iterations` >= 1 and `output_size` >= 1 are the caller's contract.
std::vector<uint8_t> pbkdf2_hmac_sha512(std::span<const uint8_t> password,
                                        std::span<const uint8_t> salt, uint32_t iterations,
                                        size_t output_size);

}  // namespace datt::crypto
