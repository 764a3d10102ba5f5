#include "bip39/wordlist.h"

#include <algorithm>

namespace datt::bip39 {

std::optional<uint16_t> find_english_word(std::string_view word) {
    auto found = std::lower_bound(kEnglishWordlist.begin(), kEnglishWordlist.end(), word);
    if (found == kEnglishWordlist.end() || *found != word) return std::nullopt;
    return static_cast<uint16_t>(found - kEnglishWordlist.begin());
}

}  // namespace datt::bip39
