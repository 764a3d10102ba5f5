// BIP-32 key derivation: master key from a seed, child keys, and paths.
#pragma once

#include <cstdint>
#include <string_view>

#include "bip32/extended_key.h"
#include "util/bytes.h"
#include "util/result.h"

namespace datt::bip32 {

// The master key: HMAC-SHA512(key "Bitcoin seed", seed). `seed` is 16..64 bytes.
// Error codes: "bip32_seed_length"; "bip32_invalid_master" when the left half is zero or
// not below the curve order (probability about 2^-127; the seed cannot be used).
[[nodiscard]] Result<ExtendedKey> master_from_seed(ByteSpan seed);

// Child `index` of `parent`: private parents give private children (CKDpriv), public
// parents give public children (CKDpub). Error codes:
//   "bip32_hardened_from_public"  index >= kHardenedOffset with a public parent;
//   "bip32_invalid_child"         the derived tweak is >= n or yields zero/infinity
//                                 (probability about 2^-127): BIP-32 says to skip to the
//                                 next index, which is the caller's choice to make;
//   "bip32_depth_overflow"        the parent is already at depth 255.
[[nodiscard]] Result<ExtendedKey> derive_child(const ExtendedKey& parent, uint32_t index);

// Applies parse_path(path) to `key` one child at a time: errors are parse_path's and
// derive_child's.
[[nodiscard]] Result<ExtendedKey> derive_path(const ExtendedKey& key, std::string_view path);

}  // namespace datt::bip32
