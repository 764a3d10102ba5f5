// NIP-01 kind ranges and the standard kinds Datt maps reddit objects onto.
#pragma once

#include <cstdint>

namespace datt::event {

using Kind = uint16_t;  // NIP-01: an integer between 0 and 65535

namespace kinds {
inline constexpr Kind kProfile = 0;          // NIP-01 metadata
inline constexpr Kind kFollowList = 3;       // NIP-02
inline constexpr Kind kDeletion = 5;         // NIP-09 deletion request
inline constexpr Kind kReaction = 7;         // NIP-25 vote: "+" / "-"
inline constexpr Kind kComment = 1111;       // NIP-22: posts and comments
inline constexpr Kind kReport = 1984;        // NIP-56
inline constexpr Kind kRelayList = 10002;    // NIP-65
inline constexpr Kind kCommunity = 34550;    // NIP-72 community definition
}  // namespace kinds

// How a relay stores a kind (NIP-01 "Kinds").
enum class StorageClass {
    kRegular,      // stored, every event kept
    kReplaceable,  // 0, 3, 10000-19999: latest per (pubkey, kind)
    kEphemeral,    // 20000-29999: forwarded, never stored
    kAddressable,  // 30000-39999: latest per (pubkey, kind, d tag)
};

constexpr StorageClass storage_class(Kind kind) {
    if (kind == 0 || kind == 3 || (kind >= 10000 && kind < 20000)) {
        return StorageClass::kReplaceable;
    }
    if (kind >= 20000 && kind < 30000) return StorageClass::kEphemeral;
    if (kind >= 30000 && kind < 40000) return StorageClass::kAddressable;
    return StorageClass::kRegular;
}

}  // namespace datt::event
