// BOLT-3 "Fee Calculation" and "Trimmed Outputs" without option_anchors: fees come from the
// expected weights (signatures counted at their longest), never from a transaction's real
// size, so both peers compute the same amounts.
//
//   commitment base fee = feerate_per_kw * (724 + 172 * untrimmed HTLC outputs) / 1000
//   HTLC-timeout fee    = feerate_per_kw * 663 / 1000
//   HTLC-success fee    = feerate_per_kw * 703 / 1000            (all rounded down)
//
// An HTLC is trimmed (no output; its value goes to the fee) when its amount in whole
// satoshis, less the fee of the second-stage transaction that would spend it, is below the
// commitment owner's dust_limit_satoshis: HTLC-timeout for an offered HTLC, HTLC-success for
// a received one. Amounts here cannot overflow: feerate_per_kw is a u32 and the weights are
// bounded by the HTLC count (at most 483 per side in BOLT-2, checked by callers).
#pragma once

#include <cstddef>
#include <cstdint>

#include "bitcoin/amount.h"

namespace datt::channel {

inline constexpr uint64_t kCommitmentBaseWeight = 724;
inline constexpr uint64_t kHtlcOutputWeight = 172;
inline constexpr uint64_t kHtlcTimeoutWeight = 663;
inline constexpr uint64_t kHtlcSuccessWeight = 703;

// Seen from the commitment's owner: offered HTLCs are paid by the owner, received ones to it.
enum class HtlcDirection : uint8_t {
    kOffered,   // owner -> remote; spent by an HTLC-timeout tx on the owner's side
    kReceived,  // remote -> owner; spent by an HTLC-success tx on the owner's side
};

bitcoin::Sats fee_for_weight(uint32_t feerate_per_kw, uint64_t weight);
bitcoin::Sats commitment_base_fee(uint32_t feerate_per_kw, size_t untrimmed_htlcs);
bitcoin::Sats htlc_timeout_fee(uint32_t feerate_per_kw);
bitcoin::Sats htlc_success_fee(uint32_t feerate_per_kw);
// The fee of the HTLC transaction that spends an HTLC of this direction.
bitcoin::Sats second_stage_fee(HtlcDirection direction, uint32_t feerate_per_kw);

bool is_htlc_trimmed(HtlcDirection direction, bitcoin::Msats amount, uint32_t feerate_per_kw,
                     bitcoin::Sats dust_limit);

}  // namespace datt::channel
