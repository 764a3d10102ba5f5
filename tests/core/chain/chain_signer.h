// Test support for chain tests: deterministic keys (secret key n) and a device that signs a
// chain of events for one key, as a Datt client does.
#pragma once

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>

#include "chain/chain_tag.h"
#include "crypto/secp256k1.h"
#include "event/event.h"
#include "event/kind.h"

namespace datt::chain::testing {

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

inline ChainId chain_id(uint8_t n) {
    std::array<uint8_t, 16> random{};
    random.fill(n);
    return ChainId::from_random(random);
}

inline event::Tag chain_tag(const ChainId& chain, uint64_t seq,
                            const std::optional<Hash256>& prev) {
    auto tag = ChainTag::make(chain, seq, prev);
    EXPECT_TRUE(tag.ok());
    return tag->to_tag();
}

// One device of one identity: its own chain id, appending to its own chain.
class Device {
  public:
    Device(uint8_t signer, uint8_t chain) : signer_(signer), chain_(chain_id(chain)) {}

    event::Event sign_next(event::Kind kind, event::Tags tags, std::string content,
                           int64_t created_at) {
        tags.push_back(chain_tag(chain_, seq_, prev_));
        event::Event event = sign(signer_, {created_at, kind, std::move(tags), std::move(content)});
        ++seq_;
        prev_ = event.id();
        return event;
    }
    event::Event post(std::string content, int64_t created_at = 1'700'000'000) {
        return sign_next(event::kinds::kComment, {}, std::move(content), created_at + seq_);
    }

    const ChainId& chain() const { return chain_; }
    uint64_t seq() const { return seq_; }
    const std::optional<Hash256>& prev() const { return prev_; }

  private:
    uint8_t signer_;
    ChainId chain_;
    uint64_t seq_ = 0;
    std::optional<Hash256> prev_;
};

inline ChainLink link_of(const event::Event& event) {
    auto link = ChainLink::of(event);
    EXPECT_TRUE(link.ok() && link->has_value());
    return **link;
}

}  // namespace datt::chain::testing
