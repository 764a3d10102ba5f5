// Coin selection: which of the wallet's coins pay for a transaction.
//
// Algorithm (docs/bitcoin.md, "Coin selection", says why):
//   1. Effective values: each coin counts for its value less the fee of the input that
//      spends it at the fee rate. Coins worth nothing or less after that fee are never
//      selected (spending them costs more than they bring).
//   2. Branch and Bound (the idea of Bitcoin Core's SelectCoinsBnB, Erhardt 2016): a
//      depth-first search, coins by effective value from the largest, for a set whose
//      effective value lands in [target, target + cost of change]. Such a set needs no
//      change output: the excess, at most what a change output would cost to create and
//      later spend, goes to fees. Among the sets found the one with the smallest excess wins;
//      the search stops at an exact match or after kBnbMaxTries steps.
//   3. Otherwise Single Random Draw: coins in an order drawn from the caller's seed
//      (seeded_random.h) until they pay the target, a change output and a change worth at
//      least the dust threshold. If all coins together cannot reach that, but reach the
//      target, the shortest prefix that pays the target is taken without change (the excess
//      is then below the change output's fee plus the dust threshold).
//   4. Neither: wallet_insufficient_funds, with the shortfall in sats in the message.
//
// Every sum here is conservative: the fixed part and every input are rounded up to whole
// vbytes and whole satoshis separately, so the fee a selection is checked against is never
// below what the finished transaction needs (tx_builder.h then computes the exact fee of the
// real transaction, and gives any difference to the change or, without change, to fees).
//
// Error codes:
//   wallet_insufficient_funds  the coins cannot pay the target (message: "short by N sats")
//   wallet_too_many_coins      more than kMaxSelectionCandidates candidates
//   wallet_bad_amount          a coin value or the target outside [0, MAX_MONEY], or the
//                              coins together above MAX_MONEY
//   wallet_fee_overflow        a fee that cannot be computed (an absurd rate or size)
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "bitcoin/amount.h"
#include "bitcoin/wallet/fee_rate.h"
#include "bitcoin/wallet/seeded_random.h"
#include "util/result.h"

namespace datt::bitcoin::wallet {

inline constexpr size_t kBnbMaxTries = 100'000;
inline constexpr size_t kMaxSelectionCandidates = 100'000;

// What a transaction must pay: at least `rate` per vbyte and at least `floor` plus
// `floor_rate` per vbyte (BIP-125 rules 3 and 4 for a replacement: the original's fee
// plus the incremental relay fee for the replacement's own size). A plain payment leaves
// the floor at zero.
struct FeeRequirement {
    FeeRate rate;
    Sats floor{0};
    FeeRate floor_rate;

    // max(rate x vsize, floor + floor_rate x vsize); nullopt on overflow.
    [[nodiscard]] std::optional<Sats> fee_for_vsize(uint64_t vsize) const;
    // The same, of ceil(weight / 4) vbytes.
    [[nodiscard]] std::optional<Sats> fee_for_weight(uint64_t weight) const;
    // The larger of the two rates: what each added vbyte costs at most.
    FeeRate marginal_rate() const { return rate > floor_rate ? rate : floor_rate; }
};

// A coin the selection may use.
struct SelectionCandidate {
    Sats value;
    // The weight its input adds to the transaction as signed (tx_size.h), witness included.
    uint64_t input_weight = 0;
};

struct CoinSelectionParams {
    // What the rest of the transaction pays and weighs: the payees' total, the value of
    // inputs that are spent whatever is selected (a replacement's original inputs), and the
    // weight of everything but the selected inputs and the change output (version, counts,
    // lock time, segwit marker, payees, fixed inputs as signed).
    Sats value_out{0};
    Sats fixed_value_in{0};
    uint64_t fixed_weight = 0;
    FeeRequirement fee;

    // The change output: its weight, the least it may carry (its dust threshold), and what
    // spending it later costs (its input at the discard fee rate, as Core's
    // m_change_fee + cost of spending it). Change below min_change goes to fees.
    uint64_t change_output_weight = 0;
    Sats min_change{0};
    Sats change_spend_fee{0};

    RandomSeed random_seed{};
};

enum class SelectionAlgorithm {
    kFixedInputsOnly,   // the fixed inputs already pay: nothing selected
    kBranchAndBound,    // a changeless set
    kSingleRandomDraw,  // a random draw, usually with change
};

struct CoinSelection {
    // Indices into the candidates, in the order they were chosen.
    std::vector<size_t> selected;
    SelectionAlgorithm algorithm = SelectionAlgorithm::kFixedInputsOnly;
    // Whether the selection expects a change output (the builder decides finally, from the
    // exact size).
    bool change_expected = false;
    // Selected value, and effective value (value less input fees at the marginal rate).
    Sats selected_value{0};
    Sats selected_effective_value{0};
};

[[nodiscard]] Result<CoinSelection> select_coins(std::span<const SelectionCandidate> candidates,
                                                 const CoinSelectionParams& params);

}  // namespace datt::bitcoin::wallet
