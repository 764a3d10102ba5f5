// Fee bumps of waiting transactions: see fee_bump.h.
#include "channel/fee_bump.h"

#include <algorithm>
#include <limits>

namespace datt::channel {

namespace {
constexpr uint64_t kMaxFeerate = std::numeric_limits<uint32_t>::max();
}  // namespace

uint32_t scheduled_bumps(const FeeBumpWindow& window, uint32_t tip) {
    const uint32_t span = window.deadline_height > window.start_height ? window.deadline_height - window.start_height : 0;
    const uint32_t elapsed = tip > window.start_height ? tip - window.start_height : 0;
    const uint32_t threshold = span / 2;
    if (elapsed < threshold) return 0;
    const uint32_t step = std::max<uint32_t>(1, span / 8);
    return std::min<uint32_t>(kMaxFeeBumps, 1 + (elapsed - threshold) / step);
}

uint32_t scheduled_feerate(const FeeBumpWindow& window, uint32_t tip) {
    uint64_t feerate = window.base_feerate_per_kw;
    for (uint32_t i = scheduled_bumps(window, tip); i > 0; --i) {
        feerate = std::min(kMaxFeerate, std::max(2 * feerate, feerate + kMinBumpPerKw));
    }
    return static_cast<uint32_t>(feerate);
}

uint32_t capped_feerate(bitcoin::Sats value, size_t weight) {
    if (weight == 0 || value.value() <= 0) return 0;
    const uint64_t cap = static_cast<uint64_t>(value.value() / 2) * 1000 / weight;
    return static_cast<uint32_t>(std::min(kMaxFeerate, cap));
}

std::optional<uint32_t> fee_bump(const FeeBumpWindow& window, uint32_t current_feerate_per_kw, bitcoin::Sats value,
                                 size_t weight, uint32_t tip) {
    const uint32_t target = std::min(scheduled_feerate(window, tip), capped_feerate(value, weight));
    if (static_cast<uint64_t>(target) < static_cast<uint64_t>(current_feerate_per_kw) + kMinBumpPerKw) {
        return std::nullopt;
    }
    return target;
}

}  // namespace datt::channel
