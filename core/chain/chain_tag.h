// The chain tag: the place of an event in its author's content chain (docs/protocol.md
// "Content chains").
//
//   ["chain", <chain id>, "0"]                 the first event of a chain
//   ["chain", <chain id>, <seq>, <prev id>]    every later one
//
// - chain id: 32 lowercase hex characters (16 bytes), drawn at random by a device the first
//   time it signs for an identity and never shared with another device, so two browsers
//   holding one account write two chains and never fork each other;
// - seq: decimal, no sign, no leading zero, 0 .. 2^53-1 (exact as a JavaScript number);
// - prev id: the id of the event at seq-1 of the same chain, 64 lowercase hex characters;
//   present exactly when seq > 0.
// It is an ordinary tag: other Nostr clients ignore it, and the signature covers it.
//
// Error codes (stable):
//   chain_tag_malformed     not ["chain", ...] with 3 or 4 strings
//   chain_id_invalid        the chain id is not 32 lowercase hex characters
//   chain_seq_invalid       seq is not canonical decimal in 0 .. 2^53-1
//   chain_prev_invalid      prev is not 64 lowercase hex, or present at seq 0, or absent after
//   chain_tag_duplicate     (link_of) the event has more than one chain tag
//   chain_kind_not_chained  (link_of) a chain tag on a kind that is not regular: relays keep
//                           only the newest replaceable version and never store ephemeral
//                           ones, so such a chain would always show gaps
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "event/event.h"
#include "util/bytes.h"
#include "util/result.h"

namespace datt::chain {

inline constexpr std::string_view kChainTagName = "chain";
inline constexpr uint64_t kMaxSeq = (uint64_t{1} << 53) - 1;

struct ChainId {
    ByteArray<16> bytes{};

    // From 16 random bytes the shell supplies (core has no RNG).
    static ChainId from_random(std::span<const uint8_t, 16> random);
    std::string to_hex() const;

    friend bool operator==(const ChainId&, const ChainId&) = default;
    friend bool operator<(const ChainId& a, const ChainId& b) { return a.bytes < b.bytes; }
};

// A valid chain tag; constructible only through parse() or make().
class ChainTag {
  public:
    [[nodiscard]] static Result<ChainTag> parse(const event::Tag& tag);
    // prev must be present exactly when seq > 0; seq <= kMaxSeq.
    [[nodiscard]] static Result<ChainTag> make(const ChainId& chain, uint64_t seq,
                                               const std::optional<Hash256>& prev);

    const ChainId& chain() const { return chain_; }
    uint64_t seq() const { return seq_; }
    const std::optional<Hash256>& prev() const { return prev_; }

    // The tag's strings; parse() of the result gives back an equal ChainTag.
    event::Tag to_tag() const;

    friend bool operator==(const ChainTag&, const ChainTag&) = default;

  private:
    ChainTag() = default;
    ChainId chain_{};
    uint64_t seq_ = 0;
    std::optional<Hash256> prev_;
};

// An event's place in a chain: its author, id and valid chain tag.
class ChainLink {
  public:
    // nullopt for an unchained event (no chain tag: another client's, shown as unchained).
    [[nodiscard]] static Result<std::optional<ChainLink>> of(const event::Event& event);

    const ByteArray<32>& author() const { return author_; }
    const Hash256& id() const { return id_; }
    int64_t created_at() const { return created_at_; }
    event::Kind kind() const { return kind_; }
    const ChainTag& tag() const { return tag_; }
    const ChainId& chain() const { return tag_.chain(); }
    uint64_t seq() const { return tag_.seq(); }
    const std::optional<Hash256>& prev() const { return tag_.prev(); }

    friend bool operator==(const ChainLink&, const ChainLink&) = default;

  private:
    explicit ChainLink(ChainTag tag) : tag_(std::move(tag)) {}
    ByteArray<32> author_{};
    Hash256 id_{};
    int64_t created_at_ = 0;
    event::Kind kind_ = 0;
    ChainTag tag_;
};

}  // namespace datt::chain
