// base58_decode and base58check_decode on untrusted text (extended keys, legacy addresses).
//
// Invariants checked:
//   - a rejection carries one of the codes documented in encoding/base58.h and a message,
//     with "base58_too_long" exactly for texts over kBase58MaxDecodeLength characters;
//   - Base58 is a bijection (each leading '1' is one zero byte, the rest a number without
//     leading zeros), so an accepted text re-encodes to itself, and the input read as
//     bytes encodes and decodes back;
//   - base58check_decode accepts a text exactly when base58_decode does, the result has at
//     least 4 bytes and its last 4 match the checksum base58check_encode computes.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "check.h"
#include "encoding/base58.h"

namespace {

namespace enc = datt::encoding;

bool is_documented_base58_error(std::string_view code) {
    return datt::fuzz::is_one_of(code, {"base58_too_long", "base58_invalid_char",
                                        "base58check_too_short", "base58check_bad_checksum"});
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);

    auto decoded = enc::base58_decode(text);
    if (!decoded) {
        DATT_FUZZ_CHECK(is_documented_base58_error(decoded.error().code));
        DATT_FUZZ_CHECK(!decoded.error().message.empty());
        DATT_FUZZ_CHECK((decoded.error().code == "base58_too_long") ==
                        (size > enc::kBase58MaxDecodeLength));
    } else {
        DATT_FUZZ_CHECK(size <= enc::kBase58MaxDecodeLength);
        DATT_FUZZ_CHECK(enc::base58_encode(*decoded) == text);
    }

    auto payload = enc::base58check_decode(text);
    if (!payload) {
        const std::string& code = payload.error().code;
        DATT_FUZZ_CHECK(is_documented_base58_error(code));
        DATT_FUZZ_CHECK(!payload.error().message.empty());
        if (decoded) {
            DATT_FUZZ_CHECK(code == "base58check_too_short" || code == "base58check_bad_checksum");
            DATT_FUZZ_CHECK((code == "base58check_too_short") == (decoded->size() < 4));
        }
    } else {
        DATT_FUZZ_CHECK(decoded.ok() && decoded->size() == payload->size() + 4);
        DATT_FUZZ_CHECK(enc::base58check_encode(*payload) == text);
    }

    // Encoding is quadratic too: keep byte inputs to what a decode may return.
    if (size > 700) return 0;
    const datt::ByteSpan bytes(data, size);
    const std::string encoded = enc::base58_encode(bytes);
    auto round_trip = enc::base58_decode(encoded);
    DATT_FUZZ_CHECK(round_trip.ok());
    DATT_FUZZ_CHECK(datt::Bytes(bytes.begin(), bytes.end()) == *round_trip);
    const std::string checked = enc::base58check_encode(bytes);
    auto checked_round_trip = enc::base58check_decode(checked);
    DATT_FUZZ_CHECK(checked_round_trip.ok());
    DATT_FUZZ_CHECK(datt::Bytes(bytes.begin(), bytes.end()) == *checked_round_trip);
    return 0;
}
