// What a hub charges to forward a payment: a base fee plus a proportional part, as BOLT-7's
// channel_update expresses it (fee_base_msat, fee_proportional_millionths), computed on
// the amount forwarded. The relay advertises its fees in NIP-11 `fees.channel`
// (docs/protocol.md "Channels"); a client adds them on top of what the payee asks.
//
//   fee(amount) = base_msat + floor(amount_msat * proportional_ppm / 1,000,000)
//
// Exact in msat, checked: the product is computed without overflow for every u64 amount.
//
// Error codes (stable):
//   hub_fee_overflow         the fee or the amount plus the fee passes 2^64 - 1 msat
//   hub_fee_bad_policy       proportional_ppm above 1,000,000 (more than 100%)
#pragma once

#include <cstdint>

#include "bitcoin/amount.h"
#include "util/result.h"

namespace datt::channel {

inline constexpr uint32_t kMaxProportionalPpm = 1'000'000;

struct HubFees {
    bitcoin::Msats base;
    uint32_t proportional_ppm = 0;
};

[[nodiscard]] Status check_hub_fees(const HubFees& fees);
// The fee for forwarding `outgoing` msat.
[[nodiscard]] Result<bitcoin::Msats> forwarding_fee(const HubFees& fees, bitcoin::Msats outgoing);
// What the payer sends the hub so that the payee receives `outgoing`: outgoing + fee.
[[nodiscard]] Result<bitcoin::Msats> amount_with_fee(const HubFees& fees, bitcoin::Msats outgoing);

}  // namespace datt::channel
