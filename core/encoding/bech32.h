// Bech32 (BIP-173) and Bech32m (BIP-350) strings, and segwit addresses built on them.
//
// The generic codec takes any human-readable part (hrp) and 5-bit data, so NIP-19
// (npub/nsec/nevent...) and BOLT-11 can use it; they pass a larger `max_length` where
// their strings exceed BIP-173's 90 characters.
//
// Error codes (Error::code):
//   bech32_too_long                 string (or encoding) longer than max_length
//   bech32_invalid_char             a character outside US-ASCII 33..126
//   bech32_mixed_case               both upper- and lower-case letters
//   bech32_no_separator             no '1' separating hrp and data
//   bech32_empty_hrp                nothing before the separator
//   bech32_checksum_too_short       fewer than 6 characters after the separator
//   bech32_invalid_data_char        a data character outside the Bech32 charset
//   bech32_bad_checksum             checksum matches neither Bech32 nor Bech32m
//   bech32_invalid_hrp              (encode) hrp empty or with characters outside 33..126
//   bech32_invalid_data             (encode) a data value not below 32
//   convert_bits_invalid_value      an input value wider than from_bits
//   convert_bits_excess_padding     (no pad) a whole to_bits-group or more of leftover bits
//   convert_bits_nonzero_padding    (no pad) leftover padding bits are not zero
//   segwit_wrong_hrp                the address's hrp is not the expected network's
//   segwit_empty_data               no witness version in the data
//   segwit_invalid_version          witness version above 16
//   segwit_wrong_variant            v0 not Bech32, or v1+ not Bech32m (BIP-350)
//   segwit_invalid_padding          the program's 5-to-8 bit conversion has bad padding
//   segwit_invalid_program_length   program not 2..40 bytes, or v0 not 20 or 32 bytes
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "util/bytes.h"
#include "util/result.h"

namespace datt::encoding {

// The checksum constant tells the two apart (BIP-350).
enum class Bech32Variant {
    kBech32,   // BIP-173: segwit v0, NIP-19, BOLT-11
    kBech32m,  // BIP-350: segwit v1 and later
};

inline constexpr size_t kBech32MaxLength = 90;  // BIP-173's limit for addresses

struct Bech32Decoded {
    Bech32Variant variant;
    std::string hrp;  // always lower-case
    Bytes data;       // 5-bit values, checksum removed
};

// Writes hrp (lower-cased) + '1' + data + checksum, all lower-case.
[[nodiscard]] Result<std::string> bech32_encode(Bech32Variant variant, std::string_view hrp,
                                                ByteSpan data,
                                                size_t max_length = kBech32MaxLength);

// Accepts all-lower or all-upper case; detects the variant from the checksum.
[[nodiscard]] Result<Bech32Decoded> bech32_decode(std::string_view text,
                                                  size_t max_length = kBech32MaxLength);

// Regroups a sequence of from_bits-wide values into to_bits-wide values (big-endian bit
// order), e.g. 8 -> 5 with pad=true before encoding and 5 -> 8 with pad=false after
// decoding. Widths must be 1..8 (caller's contract).
[[nodiscard]] Result<Bytes> convert_bits(ByteSpan values, unsigned from_bits, unsigned to_bits,
                                         bool pad);

struct WitnessProgram {
    uint8_t version;  // 0..16
    Bytes program;    // 2..40 bytes; 20 or 32 for v0
    bool operator==(const WitnessProgram&) const = default;
};

// hrp is the network's: "bc" (mainnet), "tb" (testnet/signet), "bcrt" (regtest).
[[nodiscard]] Result<std::string> segwit_address_encode(std::string_view hrp, uint8_t version,
                                                        ByteSpan program);

// Fails with segwit_wrong_hrp unless the address belongs to `hrp` (compared ignoring case).
[[nodiscard]] Result<WitnessProgram> segwit_address_decode(std::string_view hrp,
                                                           std::string_view address);

}  // namespace datt::encoding
