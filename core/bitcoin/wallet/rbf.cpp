#include "bitcoin/wallet/rbf.h"

#include <utility>

namespace datt::bitcoin::wallet {

Result<UnsignedTransaction> bump_fee(const BumpRequest& request) {
    const UnsignedTransaction& original = request.original;
    if (auto ok = check_unsigned(original); !ok) return ok.error();
    if (request.fee_rate < kMinRelayFeeRate)
        return make_error("wallet_fee_rate_too_low", request.fee_rate.to_string() +
                                                         " is below the minimum relay fee " +
                                                         kMinRelayFeeRate.to_string());
    for (const TxIn& in : original.tx.inputs)
        if (in.sequence > kRbfSequence)
            return make_error("wallet_not_replaceable",
                              "an input of the original does not signal BIP-125 replaceability");

    TransactionPlan plan;
    plan.version = original.tx.version;
    plan.lock_time = original.tx.lock_time;
    plan.fixed_inputs = original.inputs;
    plan.coins = request.coins;
    plan.change_script = request.change_script;
    for (size_t i = 0; i < original.tx.outputs.size(); ++i) {
        if (original.change_output && i == *original.change_output) {
            plan.change_script = original.tx.outputs[i].script_pubkey;
            plan.change_position = i;
            continue;
        }
        plan.payees.push_back(original.tx.outputs[i]);
    }
    plan.fee = FeeRequirement{request.fee_rate, original.fee, request.incremental_relay_fee};
    plan.discard_fee_rate = request.discard_fee_rate;
    plan.random_seed = request.random_seed;
    plan.shuffle_inputs = true;  // only the added coins: the original's stay first
    return build_transaction(plan);
}

}  // namespace datt::bitcoin::wallet
