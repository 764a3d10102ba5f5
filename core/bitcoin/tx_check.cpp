#include "bitcoin/tx_check.h"

#include <algorithm>
#include <vector>

namespace datt::bitcoin {
namespace {

bool is_null(const OutPoint& prevout) {
    return prevout.index == 0xffffffff &&
           std::all_of(prevout.txid.begin(), prevout.txid.end(), [](uint8_t b) { return b == 0; });
}

bool outpoint_less(const OutPoint& a, const OutPoint& b) {
    if (a.txid != b.txid) return a.txid < b.txid;
    return a.index < b.index;
}

constexpr size_t kMaxBlockWeight = 4'000'000;

}  // namespace

bool is_coinbase(const Transaction& tx) {
    return tx.inputs.size() == 1 && is_null(tx.inputs[0].prevout);
}

Status check_transaction(const Transaction& tx) {
    if (tx.inputs.empty()) return make_error("tx_no_inputs", "transaction has no inputs");
    if (tx.outputs.empty()) return make_error("tx_no_outputs", "transaction has no outputs");
    if (base_size(tx) * 4 > kMaxBlockWeight)
        return make_error("tx_oversize", "transaction weighs more than a block may");
    Sats total{0};
    for (const TxOut& out : tx.outputs) {
        if (out.value.value() < 0)
            return make_error("tx_output_negative", "an output's value is negative");
        if (out.value > kMaxMoney)
            return make_error("tx_output_too_large", "an output's value is above 21 million BTC");
        // Both are in [0, MAX_MONEY]: the sum cannot overflow.
        total = *total.checked_add(out.value);
        if (!total.in_money_range())
            return make_error("tx_output_total_too_large",
                              "the outputs add up to more than 21 million BTC");
    }
    std::vector<OutPoint> prevouts;
    prevouts.reserve(tx.inputs.size());
    for (const TxIn& in : tx.inputs) prevouts.push_back(in.prevout);
    std::sort(prevouts.begin(), prevouts.end(), outpoint_less);
    if (std::adjacent_find(prevouts.begin(), prevouts.end()) != prevouts.end())
        return make_error("tx_duplicate_input", "two inputs spend the same output");
    if (is_coinbase(tx)) {
        const size_t size = tx.inputs[0].script_sig.size();
        if (size < 2 || size > 100)
            return make_error("tx_coinbase_script_size",
                              "a coinbase scriptSig must be 2 to 100 bytes");
    } else {
        for (const TxIn& in : tx.inputs)
            if (is_null(in.prevout))
                return make_error("tx_null_prevout", "an input spends the null outpoint");
    }
    return Ok{};
}

}  // namespace datt::bitcoin
