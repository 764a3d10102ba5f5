// Coin selection (select_coins) on arbitrary pools and parameters: the values the wasm layer
// hands in come from outside, so the selection must hold its promises on any of them.
//
// Input: a rate byte, a replacement floor byte, value_out and fixed_value_in (u32), the fixed
// weight (u16), min_change and change_spend_fee (u16), then coins of 6 bytes (value u32,
// input weight u16). The random seed is the first 32 bytes of the input.
//
// Invariants checked:
//   - success: distinct indices in range, every selected coin worth more than its input fee,
//     the reported sums right, the effective value (plus fixed inputs) pays the target, and
//     with change expected it also pays the change output and min_change;
//   - Branch and Bound: no change, the excess within the cost of change;
//   - Single Random Draw: without its last coin the draw would not have reached its goal;
//   - nothing selected only when the fixed inputs pay the target;
//   - wallet_insufficient_funds exactly when the coins' positive effective values fall short,
//     with that shortfall in the message; other failures only with documented codes;
//   - the same input gives the same selection.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "bitcoin/wallet/coin_selection.h"
#include "check.h"

namespace {

using namespace datt::bitcoin;
using namespace datt::bitcoin::wallet;

struct Reader {
    const uint8_t* data;
    size_t size;
    size_t at = 0;
    uint64_t take(size_t n) {
        uint64_t v = 0;
        for (size_t i = 0; i < n; ++i, ++at)
            v |= uint64_t{at < size ? data[at] : uint8_t{0}} << (8 * i);
        return v;
    }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    Reader in{data, size};
    CoinSelectionParams p;
    const uint64_t rate_byte = in.take(1);
    const uint64_t floor_byte = in.take(1);
    p.fee.rate = FeeRate::msat_per_vb(1'000 + rate_byte * 250);
    if (floor_byte != 0) {
        p.fee.floor = Sats{static_cast<int64_t>(floor_byte * 97)};
        p.fee.floor_rate = FeeRate::sat_per_vb(static_cast<uint32_t>(1 + floor_byte % 5));
    }
    p.value_out = Sats{static_cast<int64_t>(in.take(4))};
    p.fixed_value_in = Sats{static_cast<int64_t>(in.take(4) % 2'000'000)};
    p.fixed_weight = in.take(2);
    p.change_output_weight = 124;
    p.min_change = Sats{static_cast<int64_t>(in.take(2))};
    p.change_spend_fee = Sats{static_cast<int64_t>(in.take(2))};
    for (size_t i = 0; i < p.random_seed.size() && i < size; ++i) p.random_seed[i] = data[i];
    std::vector<SelectionCandidate> coins;
    while (in.at + 6 <= size && coins.size() < 2'000)
        coins.push_back(SelectionCandidate{Sats{static_cast<int64_t>(in.take(4))}, in.take(2)});

    const FeeRate marginal = p.fee.marginal_rate();
    const int64_t fixed_fee = p.fee.fee_for_weight(p.fixed_weight)->value();
    const int64_t target = p.value_out.value() + fixed_fee - p.fixed_value_in.value();
    const int64_t change_fee = marginal.fee_for_weight(p.change_output_weight)->value();
    int64_t available = 0;
    for (const auto& c : coins)
        available += std::max<int64_t>(
            0, c.value.value() - marginal.fee_for_weight(c.input_weight)->value());

    auto result = select_coins(coins, p);
    if (!result.ok()) {
        DATT_FUZZ_CHECK(result.error().code == "wallet_insufficient_funds");
        DATT_FUZZ_CHECK(target > 0 && available < target);
        DATT_FUZZ_CHECK(result.error().message.find("short by " +
                                                    std::to_string(target - available) + " sats") !=
                        std::string::npos);
        return 0;
    }
    const CoinSelection& s = *result;
    std::set<size_t> distinct(s.selected.begin(), s.selected.end());
    DATT_FUZZ_CHECK(distinct.size() == s.selected.size());
    int64_t value = 0, effective = 0;
    for (size_t i : s.selected) {
        DATT_FUZZ_CHECK(i < coins.size());
        const int64_t e =
            coins[i].value.value() - marginal.fee_for_weight(coins[i].input_weight)->value();
        DATT_FUZZ_CHECK(e > 0);
        value += coins[i].value.value();
        effective += e;
    }
    DATT_FUZZ_CHECK(s.selected_value == Sats{value});
    DATT_FUZZ_CHECK(s.selected_effective_value == Sats{effective});
    DATT_FUZZ_CHECK(effective >= target);
    const int64_t goal = s.change_expected ? target + change_fee + p.min_change.value() : target;
    DATT_FUZZ_CHECK(effective >= goal);
    switch (s.algorithm) {
        case SelectionAlgorithm::kFixedInputsOnly:
            DATT_FUZZ_CHECK(target <= 0 && s.selected.empty());
            break;
        case SelectionAlgorithm::kBranchAndBound:
            DATT_FUZZ_CHECK(!s.change_expected);
            DATT_FUZZ_CHECK(effective - target <= change_fee + p.change_spend_fee.value());
            break;
        case SelectionAlgorithm::kSingleRandomDraw: {
            DATT_FUZZ_CHECK(!s.selected.empty());
            const size_t last = s.selected.back();
            const int64_t last_effective =
                coins[last].value.value() -
                marginal.fee_for_weight(coins[last].input_weight)->value();
            DATT_FUZZ_CHECK(effective - last_effective < goal);
            break;
        }
    }
    auto again = select_coins(coins, p);
    DATT_FUZZ_CHECK(again.ok() && again->selected == s.selected);
    return 0;
}
