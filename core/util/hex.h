// Strict hexadecimal codec: even length, [0-9a-fA-F] only, no prefix, no spaces.
// NIP-01 fields additionally require lowercase: use is_lower_hex() for that.
#pragma once

#include <string>
#include <string_view>

#include "util/bytes.h"
#include "util/result.h"

namespace datt {

std::string to_hex(ByteSpan bytes);

// Error codes: "hex_odd_length", "hex_invalid_char".
Result<Bytes> from_hex(std::string_view hex);

// Decodes exactly N bytes; also "hex_wrong_length".
template <size_t N>
Result<ByteArray<N>> from_hex_fixed(std::string_view hex);

// True when `s` is exactly `chars` characters of [0-9a-f].
bool is_lower_hex(std::string_view s, size_t chars);

}  // namespace datt

#include "util/hex_impl.h"
