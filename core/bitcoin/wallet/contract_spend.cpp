#include "bitcoin/wallet/contract_spend.h"

#include <string>

#include "bitcoin/script_templates.h"
#include "bitcoin/wallet/policy.h"
#include "bitcoin/wallet/tx_builder.h"

namespace datt::bitcoin::wallet {

Result<UnsignedTransaction> build_contract_spend(const ContractSpendRequest& request) {
    const InputDescription& input = request.input;
    if (auto ok = check_input(input); !ok) return ok.error();
    if (input.kind == SpendKind::kP2wpkh)
        return make_error("wallet_not_contract_input",
                          "a P2WPKH input is spent by build_payment, not as a contract");
    if (!input.value.in_money_range())
        return make_error("wallet_bad_amount", "the input value is outside [0, MAX_MONEY]");
    if (request.fee_rate < kMinRelayFeeRate)
        return make_error("wallet_fee_rate_too_low", request.fee_rate.to_string() +
                                                         " is below the minimum relay fee " +
                                                         kMinRelayFeeRate.to_string());
    const ScriptType destination_type = classify(request.destination);
    if (destination_type == ScriptType::kNonStandard || destination_type == ScriptType::kNullData)
        return make_error("wallet_bad_change_script",
                          "the destination is not a standard output that can be paid");

    UnsignedTransaction result;
    Transaction& tx = result.tx;
    tx.version = 2;
    tx.lock_time = request.lock_time;
    TxIn in;
    in.prevout = input.outpoint;
    in.sequence = kRbfSequence;
    switch (input.kind) {
        case SpendKind::kP2wpkh:
        case SpendKind::kMultisig2of2:
        case SpendKind::kHashLockPreimage:
            break;
        case SpendKind::kTimelock:
            if (auto cltv = match_cltv(input.witness_script)) tx.lock_time = cltv->lock;
            if (auto csv = match_csv(input.witness_script)) in.sequence = csv->lock;
            break;
        case SpendKind::kHashLockTimeout:
            tx.lock_time = match_hash_lock(input.witness_script)->refund_lock_time;  // checked
            break;
    }
    tx.inputs.push_back(in);
    tx.outputs.push_back(TxOut{Sats{0}, request.destination});
    result.inputs.push_back(input);
    result.max_weight = max_signed_weight(tx, result.inputs);
    const auto fee = request.fee_rate.fee_for_weight(result.max_weight);
    if (!fee) return make_error("wallet_fee_overflow", "the fee cannot be computed");
    const int64_t left = input.value.value() - fee->value();
    if (left < dust_threshold(request.destination).value())
        return make_error("wallet_dust_output",
                          std::to_string(input.value.value()) + " sats less a fee of " +
                              std::to_string(fee->value()) + " leaves " + std::to_string(left) +
                              ", below the destination's dust threshold");
    tx.outputs[0].value = Sats{left};
    result.fee = *fee;
    return result;
}

}  // namespace datt::bitcoin::wallet
