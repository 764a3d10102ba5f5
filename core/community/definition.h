// A community's definition: its owner's NIP-72 kind 34550 event (addressable; the newest
// version is the one that counts, event/time_id.h `supersedes`).
//
// Read from its tags (docs/protocol.md "Communities"):
//   ["d", <name>]                                   the address 34550:<owner>:<name>
//   ["p", <pubkey>, <relay>, "moderator"]           NIP-72 moderators (64 lowercase hex)
//   ["pow", <bits>]                                 Datt: NIP-13 difficulty required of posts
//                                                   and comments (canonical decimal 0..256)
//   ["origin", <34550 address>, <cutoff>]        Datt: this community continues another
//                                                   one's history up to cutoff (view.h)
// Error codes:
//   community_wrong_kind    the event is not kind 34550
//   community_pow_invalid   a pow tag is not one canonical decimal in 0..256, or repeated
//   community_fork_invalid  an origin tag does not name a kind 34550 address and a cutoff >= 0,
//                           names this community itself, or is repeated
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "event/address.h"
#include "event/event.h"
#include "util/bytes.h"
#include "util/result.h"

namespace datt::community {

inline constexpr event::Kind kDefinitionKind = 34550;

struct ForkOrigin {
    event::Address address;  // the community this one was forked from
    int64_t cutoff = 0;      // its log and posts up to this created_at carry over

    friend bool operator==(const ForkOrigin&, const ForkOrigin&) = default;
};

class Definition {
  public:
    [[nodiscard]] static Result<Definition> parse(const event::Event& event);

    const event::Address& address() const { return address_; }
    const ByteArray<32>& owner() const { return address_.pubkey; }
    // Moderators named by the definition, sorted, without duplicates or the owner.
    const std::vector<ByteArray<32>>& moderators() const { return moderators_; }
    int pow_difficulty() const { return pow_difficulty_; }  // 0: no proof of work required
    const std::optional<ForkOrigin>& forked_from() const { return forked_from_; }

    friend bool operator==(const Definition&, const Definition&) = default;

  private:
    Definition() = default;
    event::Address address_;
    std::vector<ByteArray<32>> moderators_;
    int pow_difficulty_ = 0;
    std::optional<ForkOrigin> forked_from_;
};

// True when `event` is addressed to the community at `address` by an `A` or `a` tag.
bool names_community(const event::Event& event, const event::Address& address);

}  // namespace datt::community
