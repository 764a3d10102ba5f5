#include "invoice/features.h"

#include <algorithm>
#include <array>
#include <string>

namespace datt::invoice {
namespace {

struct KnownFeature {
    uint16_t even_bit;
    std::string_view name;
};

// BOLT-9's features with context 9 (lightning/bolts 09-features.md @ a3772650).
constexpr std::array<KnownFeature, 6> kKnown{{
    {8, "var_onion_optin"},
    {14, "payment_secret"},
    {16, "basic_mpp"},
    {24, "option_route_blinding"},
    {36, "option_attribution_data"},
    {48, "option_payment_metadata"},
}};

constexpr uint16_t kPaymentSecret = 14;
constexpr uint16_t kBasicMpp = 16;

}  // namespace

std::optional<FeatureBits> FeatureBits::from_bits(std::vector<uint16_t> bits) {
    std::sort(bits.begin(), bits.end());
    bits.erase(std::unique(bits.begin(), bits.end()), bits.end());
    if (!bits.empty() && bits.back() > kMaxFeatureBit) return std::nullopt;
    FeatureBits out;
    out.bits_ = std::move(bits);
    return out;
}

Result<FeatureBits> FeatureBits::from_words(ByteSpan words) {
    if (!words.empty() && words.front() == 0) {
        return make_error("invoice_features_not_minimal",
                          "the features field starts with a zero word (not minimal)");
    }
    FeatureBits out;
    // Word i from the end holds bits 5i .. 5i+4.
    for (size_t from_end = 0; from_end < words.size(); ++from_end) {
        const uint8_t word = words[words.size() - 1 - from_end];
        for (unsigned b = 0; b < 5; ++b) {
            if (word & (1u << b)) out.bits_.push_back(static_cast<uint16_t>(from_end * 5 + b));
        }
    }
    return out;
}

bool FeatureBits::has(uint16_t bit) const {
    return std::binary_search(bits_.begin(), bits_.end(), bit);
}

bool FeatureBits::supports(uint16_t bit) const {
    const uint16_t even = static_cast<uint16_t>(bit & ~1u);
    return has(even) || has(static_cast<uint16_t>(even + 1));
}

Bytes FeatureBits::to_words() const {
    if (bits_.empty()) return {};
    Bytes words(bits_.back() / 5 + 1, 0);
    for (const uint16_t bit : bits_) words[words.size() - 1 - bit / 5] |= 1u << (bit % 5);
    return words;
}

Bytes FeatureBits::to_bytes() const {
    if (bits_.empty()) return {};
    Bytes bytes(bits_.back() / 8 + 1, 0);
    for (const uint16_t bit : bits_) bytes[bytes.size() - 1 - bit / 8] |= 1u << (bit % 8);
    return bytes;
}

Status FeatureBits::check_payable() const {
    for (const uint16_t bit : bits_) {
        if (bit % 2 == 0 && feature_name(bit).empty()) {
            return make_error(
                "invoice_unknown_required_feature",
                "the invoice requires feature bit " + std::to_string(bit) + ", which is unknown");
        }
    }
    if (supports(kBasicMpp) && !supports(kPaymentSecret)) {
        return make_error("invoice_feature_missing_dependency",
                          "basic_mpp is set without payment_secret, which it depends on");
    }
    return Ok{};
}

std::string_view feature_name(uint16_t bit) {
    const uint16_t even = static_cast<uint16_t>(bit & ~1u);
    for (const auto& known : kKnown) {
        if (known.even_bit == even) return known.name;
    }
    return {};
}

}  // namespace datt::invoice
