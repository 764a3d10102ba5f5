// Totals of verified tips. Several tip events may name one payment (a payer republishing
// theirs); a payment counts once: each outpoint (txid, vout) adds its sats once, the first
// time it appears. Give only tips verify_tip() verified, for one target (the caller groups
// by target: a tip belongs under a post when its target is the post's id and its author the
// post's author).
#pragma once

#include <cstdint>
#include <optional>
#include <span>

#include "bitcoin/amount.h"
#include "util/bytes.h"

namespace datt::tip {

struct PaidOutput {
    Hash256 txid{};  // internal byte order
    uint32_t vout = 0;
    bitcoin::Sats sats;
};

struct TipTotal {
    bitcoin::Sats sats;     // over distinct outpoints
    uint32_t payments = 0;  // distinct outpoints
};

// nullopt when the sum would pass 21e6 BTC or an amount is outside 0..21e6 BTC (neither
// happens with verified tips: they are outputs of real transactions).
[[nodiscard]] std::optional<TipTotal> total_tips(std::span<const PaidOutput> verified);

}  // namespace datt::tip
