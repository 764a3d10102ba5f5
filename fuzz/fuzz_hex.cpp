// from_hex on untrusted text (keys, ids and signatures arrive as hex).
//
// Invariants checked:
//   - decoding succeeds exactly when the text is an even number of [0-9a-fA-F], and then
//     to_hex() gives back the text lower-cased;
//   - a rejection is "hex_odd_length" for odd lengths and "hex_invalid_char" otherwise;
//   - is_lower_hex() agrees with "only [0-9a-f]" (of any length);
//   - from_hex_fixed<32> accepts exactly the 64-character texts from_hex accepts;
//   - the input read as bytes survives to_hex() then from_hex().
#include <cctype>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "check.h"
#include "util/hex.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);

    bool all_hex_digits = true;
    std::string lowered(text);
    for (char& c : lowered) {
        if (!std::isxdigit(static_cast<unsigned char>(c))) all_hex_digits = false;
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }

    auto decoded = datt::from_hex(text);
    if (decoded) {
        DATT_FUZZ_CHECK(size % 2 == 0 && all_hex_digits);
        DATT_FUZZ_CHECK(decoded->size() == size / 2);
        DATT_FUZZ_CHECK(datt::to_hex(*decoded) == lowered);
    } else {
        DATT_FUZZ_CHECK(!decoded.error().message.empty());
        if (size % 2 != 0) {
            DATT_FUZZ_CHECK(decoded.error().code == "hex_odd_length");
        } else {
            DATT_FUZZ_CHECK(decoded.error().code == "hex_invalid_char");
            DATT_FUZZ_CHECK(!all_hex_digits);
        }
    }
    // is_lower_hex checks characters only; even length is from_hex's concern.
    DATT_FUZZ_CHECK(datt::is_lower_hex(text, size) == (all_hex_digits && lowered == text));

    const datt::ByteSpan bytes(data, size);
    auto round_trip = datt::from_hex(datt::to_hex(bytes));
    DATT_FUZZ_CHECK(round_trip.ok());
    DATT_FUZZ_CHECK(datt::Bytes(bytes.begin(), bytes.end()) == *round_trip);

    auto fixed = datt::from_hex_fixed<32>(text);
    if (size != 64) {
        DATT_FUZZ_CHECK(!fixed.ok() && fixed.error().code == "hex_wrong_length");
    } else {
        DATT_FUZZ_CHECK(fixed.ok() == decoded.ok());
        if (fixed) DATT_FUZZ_CHECK(datt::Bytes(fixed->begin(), fixed->end()) == *decoded);
    }
    return 0;
}
