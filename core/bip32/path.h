// BIP-32 derivation path syntax, e.g. "m/44'/0'/0'/0/1".
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "util/result.h"

namespace datt::bip32 {

// Strict grammar, no whitespace:
//   path      = "m" *("/" component)
//   component = index ["'" / "h"]        ; the suffix marks a hardened child
//   index     = "0" / %x31-39 *DIGIT     ; decimal, no leading zeros, below 2^31
// "m" stands for the key the path is applied to. Returns the child numbers in order, with
// kHardenedOffset added for hardened components. Error code: "bip32_bad_path".
[[nodiscard]] Result<std::vector<uint32_t>> parse_path(std::string_view path);

}  // namespace datt::bip32
