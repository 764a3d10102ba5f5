// BIP-39 mnemonic sentences (English wordlist): entropy <-> words.
//
// Accepted mnemonic syntax is strict, with no normalization: lowercase words from the
// English list separated by exactly one ASCII space (0x20), with no leading or trailing
// space and no other whitespace. Shells that accept free-form user input trim, lowercase
// and collapse whitespace before calling, so that the words checked here are the words
// that will be hashed into the seed.
//
// Mnemonics and entropy are secrets: intermediates are wiped here, and callers wipe the
// returned values (crypto::secure_wipe) when done. Error messages never quote words.
#pragma once

#include <string>
#include <string_view>

#include "util/bytes.h"
#include "util/result.h"

namespace datt::bip39 {

// 16, 20, 24, 28 or 32 bytes of entropy -> 12, 15, 18, 21 or 24 words.
// Error code: "mnemonic_entropy_length".
[[nodiscard]] Result<std::string> entropy_to_mnemonic(ByteSpan entropy);

// Words -> the entropy they encode, verifying the checksum. Error codes, checked in order:
//   "mnemonic_separator"     leading/trailing/double space, or a tab, newline or other
//                            ASCII whitespace;
//   "mnemonic_word_count"    not 12, 15, 18, 21 or 24 words;
//   "mnemonic_unknown_word"  a word not in the English list (uppercase included); the
//                            message gives its 1-based position, never the word itself;
//   "mnemonic_checksum"      the checksum bits do not match the entropy.
[[nodiscard]] Result<Bytes> mnemonic_to_entropy(std::string_view mnemonic);

// mnemonic_to_entropy's checks without returning the entropy.
[[nodiscard]] Status check_mnemonic(std::string_view mnemonic);

}  // namespace datt::bip39
