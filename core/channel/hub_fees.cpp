#include "channel/hub_fees.h"

#include <string>

namespace datt::channel {

namespace {
Error overflow() {
    return make_error("hub_fee_overflow", "the forwarding fee does not fit in 64 bits of msat");
}
}  // namespace

Status check_hub_fees(const HubFees& fees) {
    if (fees.proportional_ppm > kMaxProportionalPpm) {
        return make_error("hub_fee_bad_policy",
                          "proportional fee " + std::to_string(fees.proportional_ppm) +
                              " ppm is above 1,000,000 (100%)");
    }
    return Ok{};
}

Result<bitcoin::Msats> forwarding_fee(const HubFees& fees, bitcoin::Msats outgoing) {
    if (auto ok = check_hub_fees(fees); !ok) return ok.error();
    // amount * ppm / 1e6 split as (q * 1e6 + r) * ppm / 1e6 = q * ppm + r * ppm / 1e6, so
    // nothing overflows before the checked multiply (r * ppm < 1e12).
    constexpr uint64_t kMillion = 1'000'000;
    const uint64_t q = outgoing.value() / kMillion;
    const uint64_t r = outgoing.value() % kMillion;
    const auto whole = bitcoin::Msats{q}.checked_mul(fees.proportional_ppm);
    if (!whole) return overflow();
    const auto proportional = whole->checked_add(bitcoin::Msats{r * fees.proportional_ppm / kMillion});
    if (!proportional) return overflow();
    const auto fee = proportional->checked_add(fees.base);
    if (!fee) return overflow();
    return *fee;
}

Result<bitcoin::Msats> amount_with_fee(const HubFees& fees, bitcoin::Msats outgoing) {
    auto fee = forwarding_fee(fees, outgoing);
    if (!fee) return fee.error();
    const auto total = outgoing.checked_add(*fee);
    if (!total) return overflow();
    return *total;
}

}  // namespace datt::channel
