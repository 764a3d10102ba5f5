#include "bitcoin/wallet/fee_rate.h"

namespace datt::bitcoin::wallet {

std::optional<FeeRate> FeeRate::paid(Sats fee, uint64_t vsize) {
    if (fee.value() < 0 || vsize == 0) return std::nullopt;
    const auto sats = static_cast<uint64_t>(fee.value());
    if (sats > UINT64_MAX / 1000) return std::nullopt;
    return FeeRate(sats * 1000 / vsize);
}

std::optional<Sats> FeeRate::fee_for_vsize(uint64_t vsize) const {
    if (vsize != 0 && msat_per_vb_ > UINT64_MAX / vsize) return std::nullopt;
    const uint64_t msat = msat_per_vb_ * vsize;
    const uint64_t sats = msat / 1000 + (msat % 1000 != 0 ? 1 : 0);
    if (sats > static_cast<uint64_t>(kMaxMoney.value())) return std::nullopt;
    return Sats{static_cast<int64_t>(sats)};
}

std::optional<Sats> FeeRate::fee_for_weight(uint64_t weight) const {
    return fee_for_vsize(weight / 4 + (weight % 4 != 0 ? 1 : 0));
}

std::optional<FeeRate> FeeRate::checked_add(FeeRate other) const {
    if (msat_per_vb_ > UINT64_MAX - other.msat_per_vb_) return std::nullopt;
    return FeeRate(msat_per_vb_ + other.msat_per_vb_);
}

std::string FeeRate::to_string() const {
    std::string text = std::to_string(msat_per_vb_ / 1000);
    if (const uint64_t fraction = msat_per_vb_ % 1000; fraction != 0) {
        std::string digits = std::to_string(fraction);
        digits.insert(0, 3 - digits.size(), '0');
        while (digits.back() == '0') digits.pop_back();
        text += "." + digits;
    }
    return text + " sat/vB";
}

}  // namespace datt::bitcoin::wallet
