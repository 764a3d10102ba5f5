// Test support for community tests: deterministic keys (secret key n), signed posts,
// comments, definitions and moderation entries of one community.
#pragma once

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <string>
#include <utility>

#include "community/definition.h"
#include "community/moderation.h"
#include "crypto/secp256k1.h"
#include "event/address.h"
#include "event/event.h"
#include "util/hex.h"

namespace datt::community::testing {

inline crypto::SecretKey key(uint8_t n) {
    std::array<uint8_t, 32> bytes{};
    bytes[31] = n;
    return *crypto::SecretKey::from_bytes(bytes);
}

inline event::Event sign(uint8_t signer, event::Draft draft) {
    const std::array<uint8_t, 32> aux{};
    auto event = event::Event::sign(draft, key(signer), aux);
    EXPECT_TRUE(event.ok());
    return std::move(event).value();
}

inline ByteArray<32> pub(uint8_t n) {
    return sign(n, {0, 1, {}, ""}).pubkey();
}

// One community seen from the tests: its owner, name and events.
struct Community {
    uint8_t owner;
    std::string name;

    event::Address address() const { return {34550, pub(owner), name}; }
    std::string a() const { return event::format_address(address()); }

    event::Event definition(std::vector<uint8_t> moderators, event::Tags extra = {},
                            int64_t created_at = 1'000) const {
        event::Tags tags{{"d", name}};
        for (uint8_t m : moderators) tags.push_back({"p", to_hex(pub(m)), "", "moderator"});
        for (event::Tag& tag : extra) tags.push_back(std::move(tag));
        return sign(owner, {created_at, 34550, std::move(tags), "{}"});
    }
    Definition parsed(std::vector<uint8_t> moderators, event::Tags extra = {}) const {
        auto parsed = Definition::parse(definition(std::move(moderators), std::move(extra)));
        EXPECT_TRUE(parsed.ok());
        return std::move(parsed).value();
    }
    event::Event post(uint8_t author, int64_t created_at, std::string content = "post") const {
        return sign(author, {created_at,
                             1111,
                             {{"A", a()}, {"a", a()}, {"K", "34550"}, {"k", "34550"}},
                             std::move(content)});
    }
    event::Event comment(uint8_t author, int64_t created_at, const event::Event& parent,
                         std::string content = "comment") const {
        return sign(author,
                    {created_at,
                     1111,
                     {{"A", a()}, {"K", "34550"}, {"e", to_hex(parent.id())}, {"k", "1111"}},
                     std::move(content)});
    }
    event::Event act(uint8_t actor, Action action, const ByteArray<32>& target, int64_t created_at,
                     std::string reason = "") const {
        return sign(actor,
                    moderation_draft(action, address(), target, created_at, std::move(reason)));
    }
};

}  // namespace datt::community::testing
