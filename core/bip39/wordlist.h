// The BIP-39 English wordlist and word lookup.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace datt::bip39 {

inline constexpr size_t kWordlistSize = 2048;

// Sorted ascending (bytewise), so lookups can binary-search it. Data in wordlist_english.cpp.
extern const std::array<std::string_view, kWordlistSize> kEnglishWordlist;

// Index (0..2047) of an exact, lowercase word; nullopt when the word is not in the list.
std::optional<uint16_t> find_english_word(std::string_view word);

}  // namespace datt::bip39
