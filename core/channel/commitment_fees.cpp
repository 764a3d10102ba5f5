#include "channel/commitment_fees.h"

namespace datt::channel {

bitcoin::Sats fee_for_weight(uint32_t feerate_per_kw, uint64_t weight) {
    // 2^32 * a weight below 2^31 stays below 2^63.
    return bitcoin::Sats{static_cast<int64_t>(uint64_t{feerate_per_kw} * weight / 1000)};
}

bitcoin::Sats commitment_base_fee(uint32_t feerate_per_kw, size_t untrimmed_htlcs) {
    return fee_for_weight(feerate_per_kw,
                          kCommitmentBaseWeight + kHtlcOutputWeight * uint64_t{untrimmed_htlcs});
}

bitcoin::Sats htlc_timeout_fee(uint32_t feerate_per_kw) {
    return fee_for_weight(feerate_per_kw, kHtlcTimeoutWeight);
}

bitcoin::Sats htlc_success_fee(uint32_t feerate_per_kw) {
    return fee_for_weight(feerate_per_kw, kHtlcSuccessWeight);
}

bitcoin::Sats second_stage_fee(HtlcDirection direction, uint32_t feerate_per_kw) {
    switch (direction) {
        case HtlcDirection::kOffered:
            return htlc_timeout_fee(feerate_per_kw);
        case HtlcDirection::kReceived:
            return htlc_success_fee(feerate_per_kw);
    }
    return htlc_success_fee(feerate_per_kw);  // unreachable: every direction is handled
}

bool is_htlc_trimmed(HtlcDirection direction, bitcoin::Msats amount, uint32_t feerate_per_kw,
                     bitcoin::Sats dust_limit) {
    // Compared as amount < dust + fee: no subtraction, so nothing can go negative; a limit so
    // large that the sum overflows trims everything.
    int64_t threshold = 0;
    if (__builtin_add_overflow(dust_limit.value(),
                               second_stage_fee(direction, feerate_per_kw).value(), &threshold)) {
        return true;
    }
    return amount.to_sats_floor().value() < threshold;
}

}  // namespace datt::channel
