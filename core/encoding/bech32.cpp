#include "encoding/bech32.h"

#include <array>
#include <optional>

namespace datt::encoding {
namespace {

constexpr std::string_view kCharset = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";
constexpr size_t kChecksumLength = 6;
constexpr char kSeparator = '1';

// The value the checksum polymod must yield (BIP-173 uses 1, BIP-350 this constant).
constexpr uint32_t kBech32Constant = 1;
constexpr uint32_t kBech32mConstant = 0x2bc830a3;

constexpr uint32_t checksum_constant(Bech32Variant variant) {
    return variant == Bech32Variant::kBech32 ? kBech32Constant : kBech32mConstant;
}

// Character -> 5-bit value (either case), -1 outside the charset.
constexpr std::array<int8_t, 128> make_charset_table() {
    std::array<int8_t, 128> table{};
    table.fill(-1);
    for (size_t i = 0; i < kCharset.size(); ++i) {
        const char c = kCharset[i];
        table[static_cast<uint8_t>(c)] = static_cast<int8_t>(i);
        if (c >= 'a' && c <= 'z')
            table[static_cast<uint8_t>(c - 'a' + 'A')] = static_cast<int8_t>(i);
    }
    return table;
}
constexpr std::array<int8_t, 128> kCharsetValue = make_charset_table();

char to_lower(char c) {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

bool is_printable_ascii(char c) {
    const auto byte = static_cast<unsigned char>(c);
    return byte >= 33 && byte <= 126;
}

// BCH code over GF(32) from BIP-173: the checksum is the remainder of this polynomial.
uint32_t polymod_step(uint32_t checksum, uint8_t value) {
    static constexpr uint32_t kGenerator[5] = {0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd,
                                               0x2a1462b3};
    const uint32_t top = checksum >> 25;
    checksum = ((checksum & 0x1ffffff) << 5) ^ value;
    for (int i = 0; i < 5; ++i) {
        if ((top >> i) & 1) checksum ^= kGenerator[i];
    }
    return checksum;
}

// Polymod over the expanded hrp (high bits, zero, low bits) followed by `data`.
// `hrp` must already be lower-case.
uint32_t polymod(std::string_view hrp, ByteSpan data) {
    uint32_t checksum = 1;
    for (char c : hrp) checksum = polymod_step(checksum, static_cast<uint8_t>(c) >> 5);
    checksum = polymod_step(checksum, 0);
    for (char c : hrp) checksum = polymod_step(checksum, static_cast<uint8_t>(c) & 31);
    for (uint8_t value : data) checksum = polymod_step(checksum, value);
    return checksum;
}

}  // namespace

Result<std::string> bech32_encode(Bech32Variant variant, std::string_view hrp, ByteSpan data,
                                  size_t max_length) {
    if (hrp.empty()) return make_error("bech32_invalid_hrp", "the hrp is empty");
    std::string text;
    text.reserve(hrp.size() + 1 + data.size() + kChecksumLength);
    for (char c : hrp) {
        if (!is_printable_ascii(c)) {
            return make_error("bech32_invalid_hrp", "hrp characters must be ASCII 33..126");
        }
        text += to_lower(c);
    }
    const std::string_view lower_hrp(text);
    if (lower_hrp.size() + 1 + data.size() + kChecksumLength > max_length) {
        return make_error("bech32_too_long", "the encoding would exceed " +
                                                 std::to_string(max_length) + " characters");
    }
    for (uint8_t value : data) {
        if (value >= 32) return make_error("bech32_invalid_data", "data values must be below 32");
    }

    // Six zero groups stand in for the checksum while computing it.
    uint32_t checksum = polymod(lower_hrp, data);
    for (size_t i = 0; i < kChecksumLength; ++i) checksum = polymod_step(checksum, 0);
    checksum ^= checksum_constant(variant);

    text += kSeparator;
    for (uint8_t value : data) text += kCharset[value];
    for (size_t i = 0; i < kChecksumLength; ++i) {
        text += kCharset[(checksum >> (5 * (kChecksumLength - 1 - i))) & 31];
    }
    return text;
}

Result<Bech32Decoded> bech32_decode(std::string_view text, size_t max_length) {
    if (text.size() > max_length) {
        return make_error("bech32_too_long",
                          "the string exceeds " + std::to_string(max_length) + " characters");
    }
    bool has_lower = false;
    bool has_upper = false;
    for (char c : text) {
        if (!is_printable_ascii(c)) {
            return make_error("bech32_invalid_char", "characters must be ASCII 33..126");
        }
        has_lower |= c >= 'a' && c <= 'z';
        has_upper |= c >= 'A' && c <= 'Z';
    }
    if (has_lower && has_upper) {
        return make_error("bech32_mixed_case", "the string mixes upper and lower case");
    }

    // The hrp may itself contain '1', so the separator is the last one.
    const size_t separator = text.rfind(kSeparator);
    if (separator == std::string_view::npos) {
        return make_error("bech32_no_separator", "no '1' separator");
    }
    if (separator == 0) return make_error("bech32_empty_hrp", "the hrp is empty");
    if (text.size() - separator - 1 < kChecksumLength) {
        return make_error("bech32_checksum_too_short", "fewer than 6 checksum characters");
    }

    Bech32Decoded decoded;
    decoded.hrp.reserve(separator);
    for (char c : text.substr(0, separator)) decoded.hrp += to_lower(c);
    Bytes values;
    values.reserve(text.size() - separator - 1);
    for (char c : text.substr(separator + 1)) {
        const int8_t value = kCharsetValue[static_cast<uint8_t>(c)];
        if (value < 0) {
            return make_error("bech32_invalid_data_char",
                              std::string("'") + c + "' is not a Bech32 character");
        }
        values.push_back(static_cast<uint8_t>(value));
    }

    const uint32_t residue = polymod(decoded.hrp, values);
    if (residue == kBech32Constant) {
        decoded.variant = Bech32Variant::kBech32;
    } else if (residue == kBech32mConstant) {
        decoded.variant = Bech32Variant::kBech32m;
    } else {
        return make_error("bech32_bad_checksum", "the checksum is invalid");
    }
    values.resize(values.size() - kChecksumLength);
    decoded.data = std::move(values);
    return decoded;
}

Result<Bytes> convert_bits(ByteSpan values, unsigned from_bits, unsigned to_bits, bool pad) {
    const uint32_t out_mask = (1u << to_bits) - 1;
    uint32_t accumulator = 0;  // only the low from_bits + to_bits bits matter
    unsigned pending_bits = 0;
    Bytes out;
    out.reserve(values.size() * from_bits / to_bits + 1);
    for (uint8_t value : values) {
        if ((value >> from_bits) != 0) {
            return make_error("convert_bits_invalid_value",
                              "a value is wider than " + std::to_string(from_bits) + " bits");
        }
        accumulator = (accumulator << from_bits) | value;
        pending_bits += from_bits;
        while (pending_bits >= to_bits) {
            pending_bits -= to_bits;
            out.push_back(static_cast<uint8_t>((accumulator >> pending_bits) & out_mask));
        }
    }
    if (pad) {
        if (pending_bits > 0) {
            out.push_back(
                static_cast<uint8_t>((accumulator << (to_bits - pending_bits)) & out_mask));
        }
    } else if (pending_bits >= from_bits) {
        return make_error("convert_bits_excess_padding", "more padding bits than one input group");
    } else if (((accumulator << (to_bits - pending_bits)) & out_mask) != 0) {
        return make_error("convert_bits_nonzero_padding", "padding bits are not zero");
    }
    return out;
}

namespace {

// BIP-141 and BIP-350 rules shared by encode and decode.
std::optional<Error> check_witness_program(uint8_t version, size_t program_size) {
    if (version > 16) {
        return make_error("segwit_invalid_version", "witness versions run from 0 to 16");
    }
    if (program_size < 2 || program_size > 40) {
        return make_error("segwit_invalid_program_length", "a witness program holds 2 to 40 bytes");
    }
    if (version == 0 && program_size != 20 && program_size != 32) {
        return make_error("segwit_invalid_program_length",
                          "a version 0 witness program holds 20 or 32 bytes");
    }
    return std::nullopt;
}

Bech32Variant variant_for_version(uint8_t version) {
    return version == 0 ? Bech32Variant::kBech32 : Bech32Variant::kBech32m;
}

}  // namespace

Result<std::string> segwit_address_encode(std::string_view hrp, uint8_t version, ByteSpan program) {
    if (auto error = check_witness_program(version, program.size())) return *error;
    auto groups = convert_bits(program, 8, 5, true);
    if (!groups) return groups.error();
    Bytes data{version};
    data.insert(data.end(), groups->begin(), groups->end());
    return bech32_encode(variant_for_version(version), hrp, data);
}

Result<WitnessProgram> segwit_address_decode(std::string_view hrp, std::string_view address) {
    auto decoded = bech32_decode(address);
    if (!decoded) return decoded.error();
    std::string expected_hrp;
    for (char c : hrp) expected_hrp += to_lower(c);
    if (decoded->hrp != expected_hrp) {
        return make_error("segwit_wrong_hrp", "the address is for hrp '" + decoded->hrp + "'");
    }
    const Bytes& data = decoded->data;
    if (data.empty()) return make_error("segwit_empty_data", "the address has no witness version");

    const uint8_t version = data[0];
    if (version > 16) {
        return make_error("segwit_invalid_version", "witness versions run from 0 to 16");
    }
    auto program = convert_bits(ByteSpan(data).subspan(1), 5, 8, false);
    if (!program) {
        return make_error("segwit_invalid_padding", "the witness program has invalid padding");
    }
    if (auto error = check_witness_program(version, program->size())) return *error;
    if (decoded->variant != variant_for_version(version)) {
        return make_error("segwit_wrong_variant", version == 0
                                                      ? "version 0 addresses use Bech32"
                                                      : "version 1+ addresses use Bech32m");
    }
    return WitnessProgram{version, std::move(program.value())};
}

}  // namespace datt::encoding
