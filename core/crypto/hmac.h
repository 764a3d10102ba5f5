// HMAC (RFC 2104) over SHA-256 and SHA-512.
#pragma once

#include <array>
#include <cstdint>
#include <span>

#include "crypto/sha256.h"
#include "crypto/sha512.h"

namespace datt::crypto {

// Keyed state that can be reused: the key's inner/outer pads are hashed once at
// construction, so PBKDF2's thousands of iterations cost two compressions each.
// To MAC several messages under one key, copy a keyed Hmac before writing to it.
// The states are derived from the key, so the destructor wipes them.
template <class Hash>
class Hmac {
public:
    explicit Hmac(std::span<const uint8_t> key);
    Hmac(const Hmac& other) = default;
    Hmac& operator=(const Hmac& other) = default;
    ~Hmac();

    Hmac& write(std::span<const uint8_t> data);
    // Returns the MAC; the object must not be written to afterwards.
    std::array<uint8_t, Hash::kOutputSize> finalize();

private:
    Hash inner_;
    Hash outer_;
};

using HmacSha256 = Hmac<Sha256>;
using HmacSha512 = Hmac<Sha512>;

std::array<uint8_t, 32> hmac_sha256(std::span<const uint8_t> key, std::span<const uint8_t> data);
std::array<uint8_t, 64> hmac_sha512(std::span<const uint8_t> key, std::span<const uint8_t> data);

}  // namespace datt::crypto
