#include "bitcoin/wallet/sweep.h"

#include <set>
#include <string>
#include <utility>

#include "bitcoin/script_templates.h"
#include "bitcoin/wallet/policy.h"

namespace datt::bitcoin::wallet {

Result<UnsignedTransaction> build_sweep(const SweepRequest& request) {
    if (request.coins.empty()) return make_error("wallet_no_coins", "no coin to sweep");
    if (request.fee_rate < kMinRelayFeeRate)
        return make_error("wallet_fee_rate_too_low", request.fee_rate.to_string() +
                                                         " is below the minimum relay fee " +
                                                         kMinRelayFeeRate.to_string());
    const ScriptType type = classify(request.destination);
    if (type == ScriptType::kNonStandard)
        return make_error("wallet_nonstandard_output", "the destination has a non-standard script");
    if (type == ScriptType::kNullData)
        return make_error("wallet_op_return_value",
                          "the destination is an OP_RETURN: the sats would be burned");

    UnsignedTransaction result;
    result.tx.version = 2;
    result.tx.lock_time = request.lock_time;
    std::set<std::pair<Hash256, uint32_t>> outpoints;
    Sats total{0};
    for (const WalletCoin& coin : request.coins) {
        const InputDescription input = describe_coin(coin);
        if (auto ok = check_input(input); !ok) return ok.error();
        if (!outpoints.insert({coin.outpoint.txid, coin.outpoint.index}).second)
            return make_error("wallet_duplicate_coin", "an outpoint is offered twice");
        auto sum = total.checked_add(coin.value);
        if (!coin.value.in_money_range() || !sum || !sum->in_money_range())
            return make_error("wallet_bad_amount", "a coin's value or the coins' total outside [0, MAX_MONEY]");
        total = *sum;
        TxIn in;
        in.prevout = coin.outpoint;
        in.sequence = kRbfSequence;
        result.tx.inputs.push_back(std::move(in));
        result.inputs.push_back(input);
    }
    result.tx.outputs.push_back(TxOut{Sats{0}, request.destination});
    result.max_weight = max_signed_weight(result.tx, result.inputs);
    if (result.max_weight > kMaxStandardTxWeight)
        return make_error("wallet_tx_too_large",
                          "the sweep would weigh " + std::to_string(result.max_weight) +
                              ", above the standard " + std::to_string(kMaxStandardTxWeight));
    const auto fee = request.fee_rate.fee_for_weight(result.max_weight);
    if (!fee) return make_error("wallet_fee_overflow", "the fee cannot be computed");
    const TxOut out{Sats{total.value() - fee->value()}, request.destination};
    if (out.value.value() <= 0 || is_dust(out))
        return make_error("wallet_dust_output", "all the coins (" + std::to_string(total.value()) +
                                                    " sats) less the fee (" + std::to_string(fee->value()) +
                                                    " sats) would be dust");
    result.tx.outputs[0] = out;
    result.fee = *fee;
    return result;
}

}  // namespace datt::bitcoin::wallet
