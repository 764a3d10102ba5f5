// NIP-01 events.
//
// An `Event` can only be obtained from parse() or sign(), so holding one means: every
// field has the right type and size, the id is the sha256 of the canonical serialization,
// the pubkey is a valid x-only key and the BIP-340 signature over the id verifies.
//
// Error codes returned by parse() (stable; shells map them to NIP-01 `invalid:` replies):
//   too_large          the JSON text exceeds Limits::max_json_bytes
//   invalid_utf8       the JSON text is not valid UTF-8
//   json_syntax        not well-formed JSON (RFC 8259)
//   json_too_deep      nesting deeper than Limits::max_json_depth
//   not_object         the top-level value is not a JSON object
//   duplicate_field    a member name appears twice
//   missing_field      id, pubkey, created_at, kind, tags, content or sig is absent
//   wrong_type         a member has the wrong JSON type (message names the field)
//   bad_hex            id, pubkey or sig is not lowercase hex of the right length
//   bad_pubkey         pubkey is not an x coordinate on secp256k1
//   created_at_range   created_at is negative or outside the Limits window
//   kind_range         kind is not an integer in 0..65535
//   content_too_large  content exceeds Limits::max_content_bytes
//   too_many_tags      more than Limits::max_tags tags
//   tag_too_large      a tag has too many strings or a string is too long
//   id_mismatch        id is not sha256 of the canonical serialization
//   bad_signature      the signature does not verify for pubkey and id
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "crypto/secp256k1.h"
#include "crypto/xonly_key_cache.h"
#include "event/kind.h"
#include "event/limits.h"
#include "util/bytes.h"
#include "util/result.h"

namespace datt::event {

using Tag = std::vector<std::string>;
using Tags = std::vector<Tag>;

// What an author fills in; the pubkey, id and signature follow from the key.
struct Draft {
    int64_t created_at = 0;
    Kind kind = 0;
    Tags tags;
    std::string content;
};

class Event {
public:
    // Parses and fully validates untrusted JSON (see the error codes above).
    [[nodiscard]] static Result<Event> parse(std::string_view json, const Limits& limits = {});
    // The same, taking the author's parsed key from `keys` when it holds it (and adding it
    // when not): what a caller verifying many events from the same authors uses.
    [[nodiscard]] static Result<Event> parse(std::string_view json, const Limits& limits,
                                             crypto::XOnlyKeyCache& keys);

    // Signs a draft. Fails (same codes as parse) when the draft breaks `limits` or holds
    // invalid UTF-8. `aux_rand` is fresh randomness from the shell (BIP-340).
    [[nodiscard]] static Result<Event> sign(const Draft& draft, const crypto::SecretKey& key,
                                            std::span<const uint8_t, 32> aux_rand,
                                            const Limits& limits = {});

    const Hash256& id() const { return id_; }
    const ByteArray<32>& pubkey() const { return pubkey_; }
    int64_t created_at() const { return created_at_; }
    Kind kind() const { return kind_; }
    const Tags& tags() const { return tags_; }
    const std::string& content() const { return content_; }
    const ByteArray<64>& sig() const { return sig_; }

    // The first value of the first tag named `name` (e.g. "d"), if any.
    std::optional<std::string_view> tag_value(std::string_view name) const;

    // Compact wire JSON, valid RFC 8259 (control characters escaped); parse() of the
    // output gives back an equal event.
    std::string to_json() const;

    bool operator==(const Event&) const = default;

private:
    Event() = default;
    static Result<Event> parse_with(std::string_view json, const Limits& limits,
                                    crypto::XOnlyKeyCache* keys);

    Hash256 id_{};
    ByteArray<32> pubkey_{};
    int64_t created_at_ = 0;
    Kind kind_ = 0;
    Tags tags_;
    std::string content_;
    ByteArray<64> sig_{};
};

// The first value of the first tag named `name` (a tag with at least two strings), if any.
std::optional<std::string_view> tag_value(const Tags& tags, std::string_view name);

// Checks a draft against limits and UTF-8 rules without signing it.
[[nodiscard]] Status check_draft(const Draft& draft, const Limits& limits = {});

// Parses an unsigned event template {created_at, kind, tags, content} as nostr tools write
// it; id, pubkey and sig members are ignored if present. Same error codes as parse().
[[nodiscard]] Result<Draft> parse_draft(std::string_view json, const Limits& limits = {});

}  // namespace datt::event
