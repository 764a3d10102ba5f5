#include "bitcoin/wallet/tx_builder.h"

#include <algorithm>
#include <set>
#include <string>
#include <utility>

#include "bitcoin/script_templates.h"
#include "crypto/sha256.h"
#include "util/varint.h"

namespace datt::bitcoin::wallet {
namespace {

Error bad_amount(const std::string& what) {
    return make_error("wallet_bad_amount", what + " outside [0, MAX_MONEY]");
}

// A second stream from the same seed, for the order of inputs and outputs, so that it does
// not repeat the draws the coin selection made.
RandomSeed order_seed(const RandomSeed& seed) {
    static constexpr char kDomain[] = "datt/wallet/order";
    return crypto::Sha256()
        .write(as_bytes(std::string_view(kDomain, sizeof(kDomain) - 1)))
        .write(seed)
        .finalize();
}

Status check_payees(const std::vector<TxOut>& payees, Sats& total) {
    if (payees.size() > kMaxPayees)
        return make_error(
            "wallet_too_many_outputs",
            std::to_string(payees.size()) + " payees, at most " + std::to_string(kMaxPayees));
    size_t op_returns = 0;
    total = Sats{0};
    for (size_t i = 0; i < payees.size(); ++i) {
        const TxOut& payee = payees[i];
        const std::string which = "payee " + std::to_string(i);
        auto sum = total.checked_add(payee.value);
        if (!payee.value.in_money_range() || !sum || !sum->in_money_range())
            return bad_amount(which + "'s value or the payees' total");
        total = *sum;
        const ScriptType type = classify(payee.script_pubkey);
        if (type == ScriptType::kNonStandard)
            return make_error("wallet_nonstandard_output", which + " has a non-standard script");
        if (type == ScriptType::kNullData) {
            if (++op_returns > 1)
                return make_error("wallet_multiple_op_return",
                                  "more than one OP_RETURN output is not standard");
            if (payee.value != Sats{0})
                return make_error("wallet_op_return_value",
                                  which + " is an OP_RETURN carrying sats, which would be burned");
            continue;
        }
        if (is_dust(payee))
            return make_error("wallet_dust_output",
                              which + " pays " + std::to_string(payee.value.value()) +
                                  " sats, below its dust threshold of " +
                                  std::to_string(dust_threshold(payee.script_pubkey).value()));
    }
    return Ok{};
}

struct OutPointLess {
    bool operator()(const OutPoint& a, const OutPoint& b) const {
        if (a.txid != b.txid) return a.txid < b.txid;
        return a.index < b.index;
    }
};

}  // namespace

InputDescription describe_coin(const WalletCoin& coin) {
    InputDescription input;
    input.outpoint = coin.outpoint;
    input.value = coin.value;
    input.script_pubkey = coin.script_pubkey;
    input.kind = SpendKind::kP2wpkh;
    input.key_path = coin.path;
    return input;
}

Result<UnsignedTransaction> build_transaction(const TransactionPlan& plan) {
    Sats value_out{0};
    if (auto ok = check_payees(plan.payees, value_out); !ok) return ok.error();
    const ScriptType change_type = classify(plan.change_script);
    if (change_type == ScriptType::kNonStandard || change_type == ScriptType::kNullData)
        return make_error("wallet_bad_change_script", "the change script is not a standard output");

    // Inputs: no outpoint twice, values in range, each what it says it is.
    std::set<OutPoint, OutPointLess> outpoints;
    Sats fixed_value_in{0};
    uint64_t fixed_inputs_weight = 0;
    for (const InputDescription& input : plan.fixed_inputs) {
        if (auto ok = check_input(input); !ok) return ok.error();
        if (!outpoints.insert(input.outpoint).second)
            return make_error("wallet_duplicate_coin", "an outpoint is spent twice");
        auto sum = fixed_value_in.checked_add(input.value);
        if (!input.value.in_money_range() || !sum || !sum->in_money_range())
            return bad_amount("an input value or the inputs' total");
        fixed_value_in = *sum;
        fixed_inputs_weight += max_input_weight(input);
    }
    std::vector<SelectionCandidate> candidates;
    candidates.reserve(plan.coins.size());
    for (const WalletCoin& coin : plan.coins) {
        if (auto ok = check_input(describe_coin(coin)); !ok) return ok.error();
        if (!outpoints.insert(coin.outpoint).second)
            return make_error("wallet_duplicate_coin", "an outpoint is offered twice");
        candidates.push_back(SelectionCandidate{coin.value, p2wpkh_input_weight()});
    }

    // Everything but the chosen inputs and the change output, as the selection sees it.
    const TxOut change_template{Sats{0}, plan.change_script};
    // The counts as they are at most (every coin chosen, change added), so that the weight is
    // never too low: exact unless the wallet has 253 coins or more.
    const size_t most_inputs = plan.fixed_inputs.size() + plan.coins.size();
    uint64_t fixed_weight = 4 * (4 + compact_size_length(most_inputs) +
                                 compact_size_length(plan.payees.size() + 1) + 4) +
                            2 + fixed_inputs_weight;
    for (const TxOut& payee : plan.payees) fixed_weight += output_weight(payee);
    const Sats min_change = dust_threshold(plan.change_script);
    const auto change_spend_fee = plan.discard_fee_rate.fee_for_weight(p2wpkh_input_weight());
    if (!change_spend_fee)
        return make_error("wallet_fee_overflow", "the discard fee rate is absurd");

    CoinSelectionParams params;
    params.value_out = value_out;
    params.fixed_value_in = fixed_value_in;
    params.fixed_weight = fixed_weight;
    params.fee = plan.fee;
    params.change_output_weight = output_weight(change_template);
    params.min_change = min_change;
    params.change_spend_fee = *change_spend_fee;
    params.random_seed = plan.random_seed;
    auto selection = select_coins(candidates, params);
    if (!selection) return selection.error();

    SeededRandom order(order_seed(plan.random_seed));
    std::vector<size_t> chosen = selection->selected;
    if (plan.shuffle_inputs) order.shuffle(std::span<size_t>(chosen));

    UnsignedTransaction result;
    Transaction& tx = result.tx;
    tx.version = plan.version;
    tx.lock_time = plan.lock_time;
    result.inputs = plan.fixed_inputs;
    for (size_t index : chosen) result.inputs.push_back(describe_coin(plan.coins[index]));
    Sats value_in{0};
    for (const InputDescription& input : result.inputs) {
        TxIn in;
        in.prevout = input.outpoint;
        in.sequence = kRbfSequence;
        tx.inputs.push_back(std::move(in));
        value_in = *value_in.checked_add(input.value);  // each part <= MAX_MONEY: no overflow
    }
    if (!value_in.in_money_range()) return bad_amount("the inputs' total");
    tx.outputs = plan.payees;

    // With change first; dropped when what is left for it is dust.
    const size_t position = plan.change_position
                                ? std::min(*plan.change_position, tx.outputs.size())
                                : static_cast<size_t>(order.uniform(tx.outputs.size() + 1));
    tx.outputs.insert(tx.outputs.begin() + static_cast<std::ptrdiff_t>(position), change_template);
    const uint64_t weight_with_change = max_signed_weight(tx, result.inputs);
    const auto fee_with_change = plan.fee.fee_for_weight(weight_with_change);
    if (!fee_with_change) return make_error("wallet_fee_overflow", "the fee cannot be computed");
    // value_in, value_out and the fee are each within [0, MAX_MONEY]: no overflow here.
    const int64_t change = value_in.value() - value_out.value() - fee_with_change->value();
    if (change >= min_change.value()) {
        tx.outputs[position].value = Sats{change};
        result.change_output = static_cast<uint32_t>(position);
        result.fee = *fee_with_change;
        result.max_weight = weight_with_change;
    } else {
        tx.outputs.erase(tx.outputs.begin() + static_cast<std::ptrdiff_t>(position));
        result.max_weight = max_signed_weight(tx, result.inputs);
        const auto needed = plan.fee.fee_for_weight(result.max_weight);
        if (!needed) return make_error("wallet_fee_overflow", "the fee cannot be computed");
        const int64_t fee = value_in.value() - value_out.value();
        if (fee < needed->value())
            return make_error(
                "wallet_insufficient_funds",
                "insufficient funds: short by " + std::to_string(needed->value() - fee) + " sats");
        result.fee = Sats{fee};
    }
    if (result.max_weight > kMaxStandardTxWeight)
        return make_error("wallet_tx_too_large",
                          "the transaction would weigh " + std::to_string(result.max_weight) +
                              ", above the standard " + std::to_string(kMaxStandardTxWeight));
    return result;
}

Result<UnsignedTransaction> build_payment(const PaymentRequest& request) {
    if (request.payees.empty()) return make_error("wallet_no_payees", "nothing to pay");
    if (request.fee_rate < kMinRelayFeeRate)
        return make_error("wallet_fee_rate_too_low", request.fee_rate.to_string() +
                                                         " is below the minimum relay fee " +
                                                         kMinRelayFeeRate.to_string());
    TransactionPlan plan;
    plan.lock_time = request.lock_time;
    plan.coins = request.coins;
    plan.payees = request.payees;
    plan.change_script = request.change_script;
    plan.fee = FeeRequirement{request.fee_rate, Sats{0}, FeeRate()};
    plan.discard_fee_rate = request.discard_fee_rate;
    plan.random_seed = request.random_seed;
    return build_transaction(plan);
}

Result<Transaction> sign_wallet_transaction(const Bip84Account& account,
                                            const UnsignedTransaction& unsigned_tx) {
    if (auto ok = check_unsigned(unsigned_tx); !ok) return ok.error();
    const SighashCache cache = make_sighash_cache(unsigned_tx.tx);
    std::vector<std::vector<Bytes>> witnesses;
    for (size_t i = 0; i < unsigned_tx.inputs.size(); ++i) {
        const InputDescription& input = unsigned_tx.inputs[i];
        if (input.kind != SpendKind::kP2wpkh || !input.key_path)
            return make_error("wallet_not_wallet_input",
                              "input " + std::to_string(i) + " is not a P2WPKH key of the wallet");
        auto key = account.secret_key(*input.key_path);
        if (!key) return key.error();
        auto signature = sign_input(unsigned_tx.tx, i, input, *key, &cache);
        if (!signature) return signature.error();
        auto witness = p2wpkh_witness(*signature, crypto::pubkey(*key));
        if (!witness) return witness.error();
        witnesses.push_back(std::move(*witness));
    }
    return with_witnesses(unsigned_tx, std::move(witnesses));
}

}  // namespace datt::bitcoin::wallet
