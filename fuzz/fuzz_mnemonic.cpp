// bip39::mnemonic_to_entropy on untrusted text (mnemonics typed or pasted by users).
//
// Invariants checked:
//   - a rejection carries one of the codes documented in bip39/mnemonic.h and a message,
//     and check_mnemonic() rejects the same text with the same code;
//   - an accepted mnemonic has 12..24 words and encodes its entropy back to the same text;
//   - the input read as entropy: 16/20/24/28/32 bytes give a mnemonic of 3 words per 4
//     bytes that decodes back to the bytes; other lengths give "mnemonic_entropy_length".
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "bip39/mnemonic.h"
#include "check.h"

namespace {

namespace bip39 = datt::bip39;

bool is_documented_mnemonic_error(std::string_view code) {
    return datt::fuzz::is_one_of(code, {"mnemonic_separator", "mnemonic_word_count",
                                        "mnemonic_unknown_word", "mnemonic_checksum"});
}

size_t word_count(std::string_view mnemonic) {
    return static_cast<size_t>(std::count(mnemonic.begin(), mnemonic.end(), ' ')) + 1;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);

    auto entropy = bip39::mnemonic_to_entropy(text);
    auto checked = bip39::check_mnemonic(text);
    DATT_FUZZ_CHECK(checked.ok() == entropy.ok());
    if (!entropy) {
        DATT_FUZZ_CHECK(is_documented_mnemonic_error(entropy.error().code));
        DATT_FUZZ_CHECK(!entropy.error().message.empty());
        DATT_FUZZ_CHECK(checked.error().code == entropy.error().code);
    } else {
        const size_t words = word_count(text);
        DATT_FUZZ_CHECK(words >= 12 && words <= 24 && words % 3 == 0);
        DATT_FUZZ_CHECK(entropy->size() == words / 3 * 4);
        auto again = bip39::entropy_to_mnemonic(*entropy);
        DATT_FUZZ_CHECK(again.ok() && *again == text);
    }

    const datt::ByteSpan bytes(data, size);
    auto mnemonic = bip39::entropy_to_mnemonic(bytes);
    const bool valid_length = size >= 16 && size <= 32 && size % 4 == 0;
    if (!valid_length) {
        DATT_FUZZ_CHECK(!mnemonic.ok() && mnemonic.error().code == "mnemonic_entropy_length");
        return 0;
    }
    DATT_FUZZ_CHECK(mnemonic.ok());
    DATT_FUZZ_CHECK(word_count(*mnemonic) == size / 4 * 3);
    auto decoded = bip39::mnemonic_to_entropy(*mnemonic);
    DATT_FUZZ_CHECK(decoded.ok());
    DATT_FUZZ_CHECK(datt::Bytes(bytes.begin(), bytes.end()) == *decoded);
    return 0;
}
