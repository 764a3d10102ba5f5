// Test support: deterministic keys (secret key n, a small integer) and events signed with
// them, for the core's tests that need real signed events.
#pragma once

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <utility>

#include "crypto/secp256k1.h"
#include "event/event.h"

namespace datt::testing {

inline crypto::SecretKey key(uint8_t n) {
    std::array<uint8_t, 32> bytes{};
    bytes[31] = n;
    return *crypto::SecretKey::from_bytes(bytes);
}

inline event::Event sign(uint8_t signer, event::Draft draft) {
    const std::array<uint8_t, 32> aux{};
    auto event = event::Event::sign(draft, key(signer), aux);
    EXPECT_TRUE(event.ok()) << (event.ok() ? "" : event.error().code);
    return std::move(event).value();
}

}  // namespace datt::testing
