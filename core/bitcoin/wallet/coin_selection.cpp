#include "bitcoin/wallet/coin_selection.h"

#include <algorithm>
#include <limits>
#include <string>

namespace datt::bitcoin::wallet {
namespace {

// Money sums below stay within int64: every amount is checked to be in [0, MAX_MONEY] and
// the coins together at most MAX_MONEY, so sums of a few of these cannot overflow.
struct Coin {
    size_t index;       // into the caller's candidates
    int64_t effective;  // value less its input's fee, > 0
};

Error insufficient(int64_t target, int64_t available) {
    return make_error("wallet_insufficient_funds",
                      "insufficient funds: short by " + std::to_string(target - available) +
                          " sats (the coins bring " + std::to_string(available) +
                          " sats after their input fees, " + std::to_string(target) +
                          " are needed)");
}

// Branch and Bound over coins sorted by effective value, largest first. A branch is the
// list of included positions; every position before the last decided one that is not in
// the list was excluded. `suffix[i]` is the effective value of positions i.. (what could
// still be added), so a branch that cannot reach the target even with all of it is cut.
std::optional<std::vector<size_t>> branch_and_bound(const std::vector<Coin>& coins, int64_t target,
                                                    int64_t window) {
    const size_t n = coins.size();
    std::vector<int64_t> suffix(n + 1, 0);
    for (size_t i = n; i-- > 0;) suffix[i] = suffix[i + 1] + coins[i].effective;

    std::vector<size_t> branch;
    std::optional<std::vector<size_t>> best;
    int64_t best_excess = std::numeric_limits<int64_t>::max();
    int64_t value = 0;
    size_t next = 0;  // the next position to decide
    for (size_t tries = 0; tries < kBnbMaxTries; ++tries) {
        bool backtrack = false;
        if (value >= target) {
            // Adding more only raises the excess: record and go back.
            const int64_t excess = value - target;
            if (excess <= window && excess < best_excess) {
                best_excess = excess;
                best = branch;
                if (excess == 0) break;
            }
            backtrack = true;
        } else if (next == n || value + suffix[next] < target) {
            backtrack = true;
        }
        if (!backtrack) {
            value += coins[next].effective;
            branch.push_back(next);
            ++next;
            continue;
        }
        if (branch.empty()) break;  // every branch explored
        // Exclude the last included coin instead, and skip the coins right after it that are
        // worth the same: including one of them in its place gives a set already explored.
        const size_t last = branch.back();
        branch.pop_back();
        value -= coins[last].effective;
        next = last + 1;
        while (next < n && coins[next].effective == coins[last].effective) ++next;
    }
    if (!best) return std::nullopt;
    std::vector<size_t> selected;
    for (size_t position : *best) selected.push_back(coins[position].index);
    return selected;
}

}  // namespace

std::optional<Sats> FeeRequirement::fee_for_vsize(uint64_t vsize) const {
    auto by_rate = rate.fee_for_vsize(vsize);
    auto by_floor_rate = floor_rate.fee_for_vsize(vsize);
    if (!by_rate || !by_floor_rate) return std::nullopt;
    auto by_floor = floor.checked_add(*by_floor_rate);
    if (!by_floor || !by_floor->in_money_range()) return std::nullopt;
    return std::max(*by_rate, *by_floor);
}

std::optional<Sats> FeeRequirement::fee_for_weight(uint64_t weight) const {
    return fee_for_vsize(weight / 4 + (weight % 4 != 0 ? 1 : 0));
}

Result<CoinSelection> select_coins(std::span<const SelectionCandidate> candidates,
                                   const CoinSelectionParams& params) {
    if (candidates.size() > kMaxSelectionCandidates)
        return make_error("wallet_too_many_coins",
                          std::to_string(candidates.size()) + " coins offered, at most " +
                              std::to_string(kMaxSelectionCandidates) + " are considered");
    if (!params.value_out.in_money_range() || !params.fixed_value_in.in_money_range() ||
        !params.min_change.in_money_range() || !params.change_spend_fee.in_money_range() ||
        !params.fee.floor.in_money_range())
        return make_error("wallet_bad_amount", "an amount is outside [0, MAX_MONEY]");

    const FeeRate marginal = params.fee.marginal_rate();
    const auto fixed_fee = params.fee.fee_for_weight(params.fixed_weight);
    const auto change_fee = marginal.fee_for_weight(params.change_output_weight);
    if (!fixed_fee || !change_fee)
        return make_error("wallet_fee_overflow", "the fee at " + marginal.to_string() +
                                                     " cannot be paid by any transaction");

    std::vector<Coin> coins;
    int64_t total_value = 0;
    int64_t available = 0;
    for (size_t i = 0; i < candidates.size(); ++i) {
        const SelectionCandidate& c = candidates[i];
        if (!c.value.in_money_range())
            return make_error("wallet_bad_amount",
                              "coin " + std::to_string(i) + " has a value outside [0, MAX_MONEY]");
        total_value += c.value.value();
        if (total_value > kMaxMoney.value())
            return make_error("wallet_bad_amount", "the coins together exceed MAX_MONEY");
        const auto input_fee = marginal.fee_for_weight(c.input_weight);
        if (!input_fee) continue;  // an input no fee can pay for is never worth spending
        const int64_t effective = c.value.value() - input_fee->value();
        if (effective <= 0) continue;
        coins.push_back(Coin{i, effective});
        available += effective;
    }

    // Everything is at most MAX_MONEY, so these sums and differences fit in int64.
    const int64_t target =
        params.value_out.value() + fixed_fee->value() - params.fixed_value_in.value();
    const int64_t change_cost = change_fee->value() + params.change_spend_fee.value();
    const int64_t with_change = target + change_fee->value() + params.min_change.value();

    CoinSelection selection;
    if (target <= 0) {
        selection.algorithm = SelectionAlgorithm::kFixedInputsOnly;
        selection.change_expected = with_change <= 0;
        return selection;
    }
    if (available < target) return insufficient(target, available);

    auto finish = [&](std::vector<size_t> selected, SelectionAlgorithm algorithm, bool change) {
        selection.selected = std::move(selected);
        selection.algorithm = algorithm;
        selection.change_expected = change;
        int64_t value = 0;
        int64_t effective = 0;
        for (size_t index : selection.selected) {
            value += candidates[index].value.value();
            effective += candidates[index].value.value() -
                         marginal.fee_for_weight(candidates[index].input_weight)->value();
        }
        selection.selected_value = Sats{value};
        selection.selected_effective_value = Sats{effective};
        return selection;
    };

    // Largest first; equal values by index so that the order (and the result) is the same
    // on every platform.
    std::vector<Coin> sorted = coins;
    std::sort(sorted.begin(), sorted.end(), [](const Coin& a, const Coin& b) {
        if (a.effective != b.effective) return a.effective > b.effective;
        return a.index < b.index;
    });
    if (auto exact = branch_and_bound(sorted, target, change_cost))
        return finish(std::move(*exact), SelectionAlgorithm::kBranchAndBound, false);

    // Single Random Draw.
    std::vector<Coin> drawn = coins;
    SeededRandom random(params.random_seed);
    random.shuffle(std::span<Coin>(drawn));
    std::vector<size_t> selected;
    int64_t value = 0;
    std::optional<size_t> pays_target_at;  // prefix length that first reached the target
    for (const Coin& coin : drawn) {
        selected.push_back(coin.index);
        value += coin.effective;
        if (!pays_target_at && value >= target) pays_target_at = selected.size();
        if (value >= with_change)
            return finish(std::move(selected), SelectionAlgorithm::kSingleRandomDraw, true);
    }
    // No change can be afforded, but the target can (available >= target): take the prefix
    // that first paid it.
    selected.resize(*pays_target_at);
    return finish(std::move(selected), SelectionAlgorithm::kSingleRandomDraw, false);
}

}  // namespace datt::bitcoin::wallet
