// BIP-125 replace-by-fee: a replacement that pays more for a stuck wallet transaction.
//
// bump_fee() keeps every payee output (script, value and order) and the original inputs
// (first, in their order), and raises the fee to at least
//   max(fee_rate x vsize, original fee + incremental relay fee x vsize)
// for the replacement's own vsize as signed: BIP-125 rule 3 (an absolute fee no lower than
// the original's) and rule 4 (it pays for its own relay at the incremental rate, 1 sat/vB by
// default). The extra fee comes from the change output first (kept at its place, with its
// script, while it stays above its dust threshold; dropped into fees when it would not),
// then from added coins, chosen like a payment's (coin_selection.h), with new change to the
// original change script, or to `change_script` when the original had none.
// Rule 1 holds because every input signals (nSequence 0xfffffffd), rule 5 is about the
// mempool. Rule 2 (no new unconfirmed inputs) is the caller's: offer only confirmed coins.
//
// Error codes, besides build_transaction()'s (tx_builder.h) and check_unsigned()'s:
//   wallet_fee_rate_too_low  a rate below kMinRelayFeeRate
//   wallet_not_replaceable   the original does not signal BIP-125 (some nSequence above
//                            0xfffffffd)
#pragma once

#include <vector>

#include "bitcoin/wallet/fee_rate.h"
#include "bitcoin/wallet/policy.h"
#include "bitcoin/wallet/seeded_random.h"
#include "bitcoin/wallet/tx_builder.h"
#include "bitcoin/wallet/unsigned_tx.h"
#include "util/result.h"

namespace datt::bitcoin::wallet {

struct BumpRequest {
    UnsignedTransaction original;   // as build_payment() made it (fee and change index)
    FeeRate fee_rate;               // the new rate
    std::vector<WalletCoin> coins;  // confirmed coins that may be added
    // New change when the original had none (the account's next unused change script).
    Script change_script;
    FeeRate incremental_relay_fee = kIncrementalRelayFeeRate;
    FeeRate discard_fee_rate = kDustRelayFeeRate;
    RandomSeed random_seed{};
};

[[nodiscard]] Result<UnsignedTransaction> bump_fee(const BumpRequest& request);

}  // namespace datt::bitcoin::wallet
