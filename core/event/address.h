// NIP-01 addresses: the slot "<kind>:<pubkey hex>:<d>" in which a relay keeps only the
// newest version (event/time_id.h `supersedes`) of a replaceable or addressable event.
//
// - Replaceable kinds (0, 3, 10000-19999) have one slot per (kind, pubkey): d is "".
// - Addressable kinds (30000-39999) have one per (kind, pubkey, d), d being the first value
//   of the first `d` tag ("" when there is none).
// - Regular and ephemeral kinds have no address.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "event/event.h"
#include "event/kind.h"
#include "util/bytes.h"

namespace datt::event {

struct Address {
    Kind kind = 0;
    ByteArray<32> pubkey{};
    std::string d;

    bool operator==(const Address&) const = default;
};

// The slot `event` occupies, or nullopt for regular and ephemeral kinds.
std::optional<Address> address_of(const Event& event);

// The same from an event's fields, for callers that hold them without the parsed Event (the
// web app's store derives it for events it verified earlier, in another worker).
std::optional<Address> address_of(Kind kind, const ByteArray<32>& pubkey, const Tags& tags);

// Parses an `a` tag value "<kind>:<pubkey>:<d>". nullopt (names nothing) unless: kind is
// decimal digits (no sign) of a replaceable or addressable kind <= 65535, pubkey is 64 hex
// characters (either case), and for a replaceable kind d is empty. d may hold any text,
// colons included.
std::optional<Address> parse_address(std::string_view value);

// "<kind>:<lowercase pubkey hex>:<d>" (parse_address gives back an equal Address).
std::string format_address(const Address& address);

}  // namespace datt::event
