// The `9` field: BOLT-9 feature bits offered or required for this payment.
//
// Bit 0 is the least significant bit of the last word (the field is big-endian); a pair
// 2k (required, even) / 2k+1 (optional, odd) names one feature ("it's OK to be odd").
// The features BOLT-9 allows in invoices (context 9) are known here by name; an unknown
// odd bit is ignored, an unknown even bit makes the invoice unpayable (the decoder fails).
//
//   8/9   var_onion_optin          24/25 option_route_blinding
//   14/15 payment_secret           36/37 option_attribution_data
//   16/17 basic_mpp (needs 14/15)  48/49 option_payment_metadata
//
// Error codes:
//   invoice_features_not_minimal        (decode) the field starts with a zero word
//   invoice_unknown_required_feature    an even bit this code does not know
//   invoice_feature_missing_dependency  basic_mpp without payment_secret
//   invoice_feature_both_bits           (encode) a feature's even and odd bits both set
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "util/bytes.h"
#include "util/result.h"

namespace datt::invoice {

// The largest bit a 9 field can hold: 1023 words of 5 bits.
inline constexpr uint16_t kMaxFeatureBit = 1023 * 5 - 1;

class FeatureBits {
  public:
    FeatureBits() = default;
    // Bits in any order, duplicates allowed; nullopt if one exceeds kMaxFeatureBit.
    [[nodiscard]] static std::optional<FeatureBits> from_bits(std::vector<uint16_t> bits);
    // A 9 field's words (fails only when the first word is zero).
    [[nodiscard]] static Result<FeatureBits> from_words(ByteSpan words);

    // Ascending.
    const std::vector<uint16_t>& bits() const { return bits_; }
    bool empty() const { return bits_.empty(); }
    bool has(uint16_t bit) const;
    // Either bit of the pair that `bit` belongs to.
    bool supports(uint16_t bit) const;
    // The fewest words, none when empty.
    Bytes to_words() const;
    // Big-endian bytes, leading zero bytes dropped (Core Lightning's "features" hex).
    Bytes to_bytes() const;

    // Unknown even bits, dependencies (the decoder's checks).
    [[nodiscard]] Status check_payable() const;

    bool operator==(const FeatureBits&) const = default;

  private:
    std::vector<uint16_t> bits_;
};

// The BOLT-9 name of a known feature bit's pair ("basic_mpp"); empty when unknown.
std::string_view feature_name(uint16_t bit);

}  // namespace datt::invoice
