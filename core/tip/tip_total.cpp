#include "tip/tip_total.h"

#include <algorithm>
#include <utility>
#include <vector>

namespace datt::tip {

std::optional<TipTotal> total_tips(std::span<const PaidOutput> verified) {
    std::vector<std::pair<Hash256, uint32_t>> seen;
    seen.reserve(verified.size());
    for (const PaidOutput& paid : verified) seen.emplace_back(paid.txid, paid.vout);
    std::sort(seen.begin(), seen.end());
    seen.erase(std::unique(seen.begin(), seen.end()), seen.end());

    // Each outpoint once: the first PaidOutput naming it counts.
    std::vector<bool> counted(seen.size(), false);
    TipTotal total;
    for (const PaidOutput& paid : verified) {
        if (!paid.sats.in_money_range()) return std::nullopt;
        const auto key = std::make_pair(paid.txid, paid.vout);
        const size_t index =
            static_cast<size_t>(std::lower_bound(seen.begin(), seen.end(), key) - seen.begin());
        if (counted[index]) continue;
        counted[index] = true;
        const std::optional<bitcoin::Sats> sum = total.sats.checked_add(paid.sats);
        if (!sum || !sum->in_money_range()) return std::nullopt;
        total.sats = *sum;
        ++total.payments;
    }
    return total;
}

}  // namespace datt::tip
