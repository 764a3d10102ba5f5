#include "hub/onchain_deadlines.h"

#include <algorithm>

namespace datt::relay::hub {

const char* force_reason_name(ForceReason reason) {
    switch (reason) {
        case ForceReason::kOfferedExpired: return "offered_expired";
        case ForceReason::kFulfilledExpiring: return "fulfilled_expiring";
    }
    return "unknown";
}

std::optional<ForceCloseDecision> force_close_due(const DeadlinePolicy& policy,
                                                  const channel::BalanceSpec& local_commit,
                                                  std::span<const Hash256> preimage_hashes, uint32_t tip) {
    if (tip == 0) return std::nullopt;
    for (const channel::HtlcEntry& h : local_commit.htlcs) {
        // 64-bit sums: an expiry near UINT32_MAX cannot wrap into "due".
        if (h.direction == channel::HtlcDirection::kOffered) {
            if (uint64_t{tip} >= uint64_t{h.cltv_expiry} + policy.offered_grace_blocks) {
                return ForceCloseDecision{ForceReason::kOfferedExpired, h.id, h.cltv_expiry};
            }
            continue;
        }
        const bool known = std::find(preimage_hashes.begin(), preimage_hashes.end(), h.payment_hash) !=
                           preimage_hashes.end();
        if (known && uint64_t{tip} + policy.fulfilled_margin_blocks >= h.cltv_expiry) {
            return ForceCloseDecision{ForceReason::kFulfilledExpiring, h.id, h.cltv_expiry};
        }
    }
    return std::nullopt;
}

}  // namespace datt::relay::hub
