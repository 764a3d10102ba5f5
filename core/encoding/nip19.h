// NIP-19: bech32-encoded Nostr keys, ids and shareable identifiers.
//
// Bare entities (npub, nsec, note) are bech32 (not bech32m) of 32 bytes. Shareable ones
// (nprofile, nevent, naddr) are bech32 of a TLV list:
//
//   type (1 byte) | length (1 byte) | value (length bytes), repeated
//   0 special  nprofile: 32-byte pubkey; nevent: 32-byte event id; naddr: the "d" tag (UTF-8)
//   1 relay    a relay URL (UTF-8), any number of times
//   2 author   32-byte pubkey (required for naddr, optional for nevent)
//   3 kind     32-bit unsigned big-endian (required for naddr, optional for nevent)
//
// Decoding ignores TLV types it does not know (the spec says so) and types that mean
// nothing for the prefix (e.g. a kind in an nprofile); for a repeated special, author or
// kind the first occurrence wins (as nostr-tools does). The deprecated `nrelay` is an
// unknown prefix. Strings may be all lower- or all upper-case, as bech32 allows.
//
// Error codes (Error::code):
//   nip19_bad_bech32      not a valid bech32 string (the message names the bech32_* code),
//                         longer than kNip19MaxLength, or bad 5-to-8 bit padding
//   nip19_bech32m         a valid bech32m checksum; NIP-19 uses bech32 only
//   nip19_unknown_prefix  the hrp is not npub, nsec, note, nprofile, nevent or naddr
//   nip19_bad_length      a bare entity not 32 bytes, or a pubkey/id/author TLV value not
//                         32 bytes, or a kind TLV value not 4 bytes
//   nip19_bad_tlv         a TLV entry runs past the end of the data, or a relay or
//                         identifier is not valid UTF-8
//   nip19_missing_field   a required TLV is absent (special; naddr's author and kind)
//   nip19_field_too_long  (encode) a relay or identifier longer than 255 bytes
//   nip19_too_long        (encode) the result would exceed kNip19MaxLength characters
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "util/bytes.h"
#include "util/result.h"

namespace datt::encoding {

using ByteSpan32 = std::span<const uint8_t, 32>;

// BIP-173's 90 characters fit only bare entities; TLV strings with relays are longer.
inline constexpr size_t kNip19MaxLength = 5000;

struct Npub {
    ByteArray<32> pubkey;
    bool operator==(const Npub&) const = default;
};

// The secret is wiped when the value is destroyed (each copy wipes its own bytes).
struct Nsec {
    ByteArray<32> secret;
    Nsec() = default;
    explicit Nsec(const ByteArray<32>& bytes) : secret(bytes) {}
    Nsec(const Nsec&) = default;
    Nsec& operator=(const Nsec&) = default;
    ~Nsec();
    bool operator==(const Nsec&) const = default;
};

struct Note {
    ByteArray<32> id;
    bool operator==(const Note&) const = default;
};

struct Nprofile {
    ByteArray<32> pubkey;
    std::vector<std::string> relays;
    bool operator==(const Nprofile&) const = default;
};

struct Nevent {
    ByteArray<32> id;
    std::vector<std::string> relays;
    std::optional<ByteArray<32>> author;
    std::optional<uint32_t> kind;
    bool operator==(const Nevent&) const = default;
};

// Coordinate of a parameterized replaceable event: kind, author, "d" tag.
struct Naddr {
    std::string identifier;
    ByteArray<32> pubkey;
    uint32_t kind = 0;
    std::vector<std::string> relays;
    bool operator==(const Naddr&) const = default;
};

using Nip19Entity = std::variant<Npub, Nsec, Note, Nprofile, Nevent, Naddr>;

// The hrp of an entity: "npub", "nsec", "note", "nprofile", "nevent" or "naddr".
std::string_view nip19_prefix(const Nip19Entity& entity);

// Bare entities cannot fail: 32 bytes always fit. The nsec string holds the secret;
// wiping it is the caller's business.
std::string encode_npub(ByteSpan32 pubkey);
std::string encode_nsec(ByteSpan32 secret);
std::string encode_note(ByteSpan32 id);

// Any entity; TLV entities are written in the order special, relays, author, kind.
[[nodiscard]] Result<std::string> encode_nip19(const Nip19Entity& entity);

[[nodiscard]] Result<Nip19Entity> decode_nip19(std::string_view text);

}  // namespace datt::encoding
