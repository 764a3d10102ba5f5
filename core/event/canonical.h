// The NIP-01 canonical serialization and event id.
//
// The id is sha256 of the UTF-8 JSON array [0,<pubkey hex>,<created_at>,<kind>,<tags>,
// <content>] with no whitespace. Strings use the seven short escapes (LF \n, " \",
// \ \\, CR \r, TAB \t, BS \b, FF \f), write the other control characters U+0000-U+001F
// as \u00xx (lowercase hex) and keep everything else raw (DEL, "/", non-ASCII, U+2028).
// NIP-01's text says to keep the other control characters raw, but nostr-tools
// (JSON.stringify), strfry and serde_json all write \u00xx, so ids computed the literal
// way are accepted nowhere else: Datt follows the implementations (docs/protocol.md).
// This is util's append_json_string, the same writer as the wire form.
#pragma once

#include <string>
#include <string_view>

#include "event/event.h"

namespace datt::event {

std::string canonical_serialization(const ByteArray<32>& pubkey, const Draft& draft);
Hash256 compute_id(const ByteArray<32>& pubkey, const Draft& draft);

}  // namespace datt::event
