// bech32_decode and segwit_address_decode on untrusted text (addresses, NIP-19 strings).
//
// The input is used three ways: as the text itself; split into an hrp and 5-bit data that
// are encoded and decoded (the fuzzer cannot forge a 30-bit checksum, so this reaches the
// decoder's success path); and as a witness program for a segwit address.
//
// Invariants checked:
//   - a rejection carries one of the codes documented in encoding/bech32.h and a message;
//   - an accepted string re-encodes (same variant, hrp, data) to the text lower-cased, and
//     a larger max_length accepts it with the same result;
//   - encode then decode gives back the variant, the hrp lower-cased and the data;
//   - an accepted segwit address re-encodes to the text lower-cased; a valid witness
//     program encodes and decodes back; convert_bits 8->5->8 is the identity.
#include <algorithm>
#include <cctype>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "check.h"
#include "encoding/bech32.h"

namespace {

namespace enc = datt::encoding;

// Long enough for NIP-19 strings, which exceed BIP-173's 90 characters.
constexpr size_t kLongLimit = 1000;

bool is_documented_bech32_error(std::string_view code) {
    return datt::fuzz::is_one_of(
        code, {"bech32_too_long", "bech32_invalid_char", "bech32_mixed_case", "bech32_no_separator",
               "bech32_empty_hrp", "bech32_checksum_too_short", "bech32_invalid_data_char",
               "bech32_bad_checksum"});
}

bool is_documented_segwit_error(std::string_view code) {
    return is_documented_bech32_error(code) ||
           datt::fuzz::is_one_of(code, {"segwit_wrong_hrp", "segwit_empty_data",
                                        "segwit_invalid_version", "segwit_wrong_variant",
                                        "segwit_invalid_padding", "segwit_invalid_program_length"});
}

std::string lowered(std::string_view text) {
    std::string out(text);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

void check_text(std::string_view text) {
    auto decoded = enc::bech32_decode(text);
    auto decoded_long = enc::bech32_decode(text, kLongLimit);
    if (decoded) {
        DATT_FUZZ_CHECK(decoded_long.ok());
        DATT_FUZZ_CHECK(decoded_long->variant == decoded->variant);
        DATT_FUZZ_CHECK(decoded_long->hrp == decoded->hrp && decoded_long->data == decoded->data);
    } else {
        DATT_FUZZ_CHECK(is_documented_bech32_error(decoded.error().code));
        DATT_FUZZ_CHECK(!decoded.error().message.empty());
    }
    if (decoded_long) {
        DATT_FUZZ_CHECK(lowered(decoded_long->hrp) == decoded_long->hrp);
        auto encoded = enc::bech32_encode(decoded_long->variant, decoded_long->hrp,
                                          decoded_long->data, kLongLimit);
        DATT_FUZZ_CHECK(encoded.ok() && *encoded == lowered(text));
    } else {
        DATT_FUZZ_CHECK(is_documented_bech32_error(decoded_long.error().code));
    }

    auto address = enc::segwit_address_decode("bc", text);
    if (!address) {
        DATT_FUZZ_CHECK(is_documented_segwit_error(address.error().code));
        DATT_FUZZ_CHECK(!address.error().message.empty());
        return;
    }
    auto encoded = enc::segwit_address_encode("bc", address->version, address->program);
    DATT_FUZZ_CHECK(encoded.ok() && *encoded == lowered(text));
}

// Byte 0 picks the variant and the hrp length; the next bytes become hrp characters
// (ASCII 33..126) and the rest 5-bit data values.
void check_encode_decode(const uint8_t* data, size_t size) {
    if (size == 0) return;
    const auto variant = (data[0] & 1) ? enc::Bech32Variant::kBech32m : enc::Bech32Variant::kBech32;
    const size_t hrp_length = std::min<size_t>((data[0] >> 1) % 84 + 1, size - 1);
    std::string hrp;
    for (size_t i = 1; i <= hrp_length; ++i) hrp += static_cast<char>(33 + data[i] % 94);
    datt::Bytes values;
    for (size_t i = 1 + hrp_length; i < size; ++i) values.push_back(data[i] & 31);

    auto encoded = enc::bech32_encode(variant, hrp, values, kLongLimit);
    if (hrp.empty()) {
        DATT_FUZZ_CHECK(!encoded.ok() && encoded.error().code == "bech32_invalid_hrp");
        return;
    }
    if (hrp.size() + 1 + values.size() + 6 > kLongLimit) {
        DATT_FUZZ_CHECK(!encoded.ok() && encoded.error().code == "bech32_too_long");
        return;
    }
    DATT_FUZZ_CHECK(encoded.ok());
    DATT_FUZZ_CHECK(encoded->size() == hrp.size() + 1 + values.size() + 6);
    auto decoded = enc::bech32_decode(*encoded, kLongLimit);
    DATT_FUZZ_CHECK(decoded.ok());
    DATT_FUZZ_CHECK(decoded->variant == variant);
    DATT_FUZZ_CHECK(decoded->hrp == lowered(hrp));
    DATT_FUZZ_CHECK(decoded->data == values);
}

// Byte 0 is the witness version (mod 17 most of the time); the rest is the program.
void check_witness_program(const uint8_t* data, size_t size) {
    if (size == 0) return;
    const uint8_t version = data[0] < 0xf0 ? data[0] % 17 : data[0];
    const datt::ByteSpan program(data + 1, size - 1);

    auto groups = enc::convert_bits(program, 8, 5, true);
    DATT_FUZZ_CHECK(groups.ok());
    auto bytes = enc::convert_bits(*groups, 5, 8, false);
    DATT_FUZZ_CHECK(bytes.ok());
    DATT_FUZZ_CHECK(datt::Bytes(program.begin(), program.end()) == *bytes);

    auto address = enc::segwit_address_encode("tb", version, program);
    const bool valid = version <= 16 && program.size() >= 2 && program.size() <= 40 &&
                       (version != 0 || program.size() == 20 || program.size() == 32);
    DATT_FUZZ_CHECK(address.ok() == valid);
    if (!valid) {
        DATT_FUZZ_CHECK(address.error().code == "segwit_invalid_version" ||
                        address.error().code == "segwit_invalid_program_length");
        return;
    }
    auto decoded = enc::segwit_address_decode("TB", *address);
    DATT_FUZZ_CHECK(decoded.ok());
    DATT_FUZZ_CHECK(decoded->version == version);
    DATT_FUZZ_CHECK(datt::Bytes(program.begin(), program.end()) == decoded->program);
    auto other_network = enc::segwit_address_decode("bc", *address);
    DATT_FUZZ_CHECK(!other_network.ok() && other_network.error().code == "segwit_wrong_hrp");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    check_text(std::string_view(reinterpret_cast<const char*>(data), size));
    check_encode_decode(data, size);
    check_witness_program(data, size);
    return 0;
}
