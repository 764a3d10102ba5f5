// Base58 (Bitcoin alphabet) and Base58Check (payload + 4-byte double-SHA256 checksum),
// used for BIP-32 extended keys and legacy addresses.
//
// Error codes (Error::code):
//   base58_too_long           input longer than kBase58MaxDecodeLength characters
//   base58_invalid_char       a character outside the Base58 alphabet (including spaces)
//   base58check_too_short     decoded data shorter than the 4-byte checksum
//   base58check_bad_checksum  the checksum does not match the payload
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "util/bytes.h"
#include "util/result.h"

namespace datt::encoding {

// Decoding is quadratic in the input length and the input is untrusted, so it is
// capped; real payloads (extended keys: 111 chars) are far below this.
inline constexpr size_t kBase58MaxDecodeLength = 1024;

// Each leading zero byte becomes a leading '1'.
std::string base58_encode(ByteSpan data);

// Strict: no whitespace is skipped. The empty string decodes to no bytes.
[[nodiscard]] Result<Bytes> base58_decode(std::string_view text);

std::string base58check_encode(ByteSpan payload);

// Returns the payload without its checksum.
[[nodiscard]] Result<Bytes> base58check_decode(std::string_view text);

}  // namespace datt::encoding
