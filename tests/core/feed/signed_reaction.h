// Test support for feed tests: deterministic keys (secret key n, so voter n's x-only key is
// the x coordinate of n*G) and events signed with zero aux randomness.
#pragma once

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <string>
#include <utility>

#include "crypto/secp256k1.h"
#include "event/event.h"

namespace datt::feed::testing {

inline crypto::SecretKey key(uint8_t n) {
    std::array<uint8_t, 32> bytes{};
    bytes[31] = n;
    return *crypto::SecretKey::from_bytes(bytes);
}

inline event::Event sign(uint8_t voter, int64_t created_at, event::Kind kind, event::Tags tags,
                         std::string content) {
    const std::array<uint8_t, 32> aux{};
    auto event = event::Event::sign({created_at, kind, std::move(tags), std::move(content)},
                                    key(voter), aux);
    EXPECT_TRUE(event.ok());
    return std::move(event).value();
}

}  // namespace datt::feed::testing
