// Block hashes, txids and merkle roots are kept in Bitcoin's internal byte order (as hashed
// and serialized) and shown reversed, as a 256-bit number in hex: the form Bitcoin Core's RPC,
// block explorers and `gettxoutproof` users read (genesis: 000000000019d6...).
//
// Error codes: hex_wrong_length, hex_invalid_char.
#pragma once

#include <string>
#include <string_view>

#include "util/bytes.h"
#include "util/result.h"

namespace datt::bitcoin {

std::string to_display_hex(const Hash256& hash);
// Exactly 64 hex digits (either case), in display order.
[[nodiscard]] Result<Hash256> from_display_hex(std::string_view hex);

}  // namespace datt::bitcoin
