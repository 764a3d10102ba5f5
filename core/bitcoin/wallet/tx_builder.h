// Building and signing the wallet's payments.
//
// build_payment() pays `payees` (any standard output: an address's scriptPubKey, a 2-of-2
// channel funding output, an OP_RETURN) from the wallet's P2WPKH coins:
//   - coins chosen by select_coins() (coin_selection.h) at `fee_rate`, change to
//     `change_script` only when it is worth at least its dust threshold (294 sats for
//     P2WPKH at the 3 sat/vB dust relay fee), otherwise the remainder goes to fees;
//   - the fee is that of the transaction as it will be signed (72-byte signatures: spend.h),
//     so the signed transaction pays at least `fee_rate` x its vsize;
//   - version 2; every input's nSequence is 0xfffffffd, which signals BIP-125 replaceability
//     and leaves nLockTime enforced (`lock_time`: pass the chain height to discourage fee
//     sniping, as Core does, or 0);
//   - the inputs' order and the change's place among the outputs are drawn from
//     `random_seed`, so that neither tells which output is change.
// sign_wallet_transaction() signs every P2WPKH input with the account's key at its path.
//
// Error codes, besides select_coins()'s (wallet_insufficient_funds, ...) and check_input()'s:
//   wallet_no_payees             nothing to pay
//   wallet_fee_rate_too_low      below kMinRelayFeeRate (1 sat/vB): no node would relay it
//   wallet_dust_output           a payee below its dust threshold
//   wallet_nonstandard_output    a payee script of no standard type (script_templates.h)
//   wallet_op_return_value       an OP_RETURN output carrying sats (they would be burned)
//   wallet_multiple_op_return    more than one OP_RETURN output (not standard)
//   wallet_bad_change_script     a change script of no standard type, or an OP_RETURN
//   wallet_duplicate_coin        the same outpoint twice
//   wallet_too_many_outputs      more than kMaxPayees payees
//   wallet_tx_too_large          the signed transaction would weigh more than 400,000 (not
//                                standard)
//   wallet_bad_amount            a value outside [0, MAX_MONEY], or sums above it
//   wallet_not_wallet_input      signing an input that is not a P2WPKH with a key path
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "bitcoin/amount.h"
#include "bitcoin/tx.h"
#include "bitcoin/wallet/bip84.h"
#include "bitcoin/wallet/coin_selection.h"
#include "bitcoin/wallet/fee_rate.h"
#include "bitcoin/wallet/policy.h"
#include "bitcoin/wallet/seeded_random.h"
#include "bitcoin/wallet/unsigned_tx.h"
#include "util/result.h"

namespace datt::bitcoin::wallet {

// BIP-125: any nSequence below 0xfffffffe signals replaceability; this one also keeps
// nLockTime enforced and BIP-68 relative locks off (bit 31 set).
inline constexpr uint32_t kRbfSequence = 0xfffffffd;
inline constexpr size_t kMaxPayees = 10'000;

// A P2WPKH coin of the account: the output, what it holds, and the key that spends it.
struct WalletCoin {
    OutPoint outpoint;
    Sats value;
    Script script_pubkey;  // account.script_pubkey(path.chain, path.index)
    KeyPath path;
    bool operator==(const WalletCoin&) const = default;
};

// The coin as an input to sign (kP2wpkh at its key path).
InputDescription describe_coin(const WalletCoin& coin);

struct PaymentRequest {
    std::vector<TxOut> payees;
    std::vector<WalletCoin> coins;
    FeeRate fee_rate;
    // Where change goes: the account's next unused change script (ScanState::next_unused).
    Script change_script;
    uint32_t lock_time = 0;
    RandomSeed random_seed{};
    // The rate at which a change output is valued for spending later (Core's -discardfee,
    // 3 sat/vB): it widens Branch and Bound's changeless window.
    FeeRate discard_fee_rate = kDustRelayFeeRate;
};

[[nodiscard]] Result<UnsignedTransaction> build_payment(const PaymentRequest& request);

// Signs every input (each must be kP2wpkh with a key path of `account`, which must be able to
// sign) and returns the complete transaction.
[[nodiscard]] Result<Transaction> sign_wallet_transaction(const Bip84Account& account,
                                                          const UnsignedTransaction& unsigned_tx);

// What build_payment() and bump_fee() (rbf.h) share: a transaction of fixed inputs, chosen
// coins and payees, with change when it is worth it.
struct TransactionPlan {
    uint32_t version = 2;
    uint32_t lock_time = 0;
    std::vector<InputDescription> fixed_inputs;  // spent whatever else is chosen, first
    std::vector<WalletCoin> coins;               // candidates for the rest
    std::vector<TxOut> payees;                   // in this order
    Script change_script;
    // Where change goes among the outputs (clamped to their count); drawn when absent.
    std::optional<size_t> change_position;
    FeeRequirement fee;
    FeeRate discard_fee_rate = kDustRelayFeeRate;
    RandomSeed random_seed{};
    // Whether to draw the order of the chosen inputs (a replacement keeps its fixed inputs
    // first, in their order, either way).
    bool shuffle_inputs = true;
};

[[nodiscard]] Result<UnsignedTransaction> build_transaction(const TransactionPlan& plan);

}  // namespace datt::bitcoin::wallet
