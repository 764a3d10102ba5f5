// When and how far to raise the fee of a transaction we own that waits for a block before a
// deadline (issue 13 item 4): a justice tx must be mined before the cheater's to_local CSV
// ends, or the cheater sweeps it. Pure: heights and amounts in, a feerate out; the caller
// rebuilds and re-signs its transaction at that feerate (the builders of onchain_sweeps.h
// take one) and replaces the waiting one (BIP-125: its inputs signal with kRbfSequence).
//
// Schedule, over the window [start, deadline] (start: the height it could first be mined at):
//   - no bump while less than half of the window has passed;
//   - from half the window on, one bump at once, then one more every max(1, window / 8)
//     blocks (with to_self_delay 144: at +72, +90, +108, +126, +144, ...), at most
//     kMaxFeeBumps in all (past the deadline it keeps going: the race is not lost yet);
//   - each bump raises the feerate f to max(2 f, f + kMinBumpPerKw).
// Cap: the fee (feerate * weight / 1000) is at most half of the value the transaction takes;
// a bump the cap would make smaller than kMinBumpPerKw is not made.
// Why kMinBumpPerKw = 500 (2 sat/vB): BIP-125 wants the replacement's fee to exceed the
// replaced one's by the incremental relay fee (1 sat/vB, 250 sat/kw) times its own vsize.
// Fees are computed on the 73-byte-signature weight w and rounded down, the real weight is at
// most w, so the fee grows by at least 500 w / 1000 - 1 = w/2 - 1 >= ceil(w/4) when w >= 8.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>

#include "bitcoin/amount.h"

namespace datt::channel {

inline constexpr uint32_t kRbfSequence = 0xfffffffd;  // BIP-125 signal, final for BIP-68
inline constexpr uint32_t kMinBumpPerKw = 500;
inline constexpr uint32_t kMaxFeeBumps = 16;

struct FeeBumpWindow {
    uint32_t base_feerate_per_kw = 0;  // what the transaction was first built at
    uint32_t start_height = 0;
    uint32_t deadline_height = 0;
};

// How many bumps the schedule has made by `tip` (0..kMaxFeeBumps).
[[nodiscard]] uint32_t scheduled_bumps(const FeeBumpWindow& window, uint32_t tip);

// The schedule's feerate at `tip`, uncapped (saturates at UINT32_MAX).
[[nodiscard]] uint32_t scheduled_feerate(const FeeBumpWindow& window, uint32_t tip);

// The highest feerate whose fee on `weight` is at most half of `value`.
[[nodiscard]] uint32_t capped_feerate(bitcoin::Sats value, size_t weight);

// The feerate to rebuild at, when the schedule (capped) asks for at least kMinBumpPerKw over
// `current_feerate_per_kw`; none otherwise.
[[nodiscard]] std::optional<uint32_t> fee_bump(const FeeBumpWindow& window, uint32_t current_feerate_per_kw,
                                               bitcoin::Sats value, size_t weight, uint32_t tip);

}  // namespace datt::channel
