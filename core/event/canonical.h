// The NIP-01 canonical serialization and event id.
//
// The id is sha256 of the UTF-8 JSON array [0,<pubkey hex>,<created_at>,<kind>,<tags>,
// <content>] with no whitespace, where strings escape exactly seven characters
// (LF \n, " \", \ \\, CR \r, TAB \t, BS \b, FF \f) and keep every other character,
// including other control characters, raw. A generic JSON dumper gets ids wrong (it
// escapes e.g. U+0001 as \u0001 or "/" as \/), hence this dedicated writer.
#pragma once

#include <string>
#include <string_view>

#include "event/event.h"

namespace datt::event {

std::string canonical_serialization(const ByteArray<32>& pubkey, const Draft& draft);
Hash256 compute_id(const ByteArray<32>& pubkey, const Draft& draft);

// Appends `text` as a canonical NIP-01 JSON string (with quotes).
void append_canonical_string(std::string& out, std::string_view text);

}  // namespace datt::event
