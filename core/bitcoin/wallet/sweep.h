// A sweep: every given coin of the wallet into one output, no change (an operator's
// "withdraw everything", a wallet emptied to another). Pure: coins in, an unsigned
// transaction out, signed with sign_wallet_transaction() (tx_builder.h).
//   - the inputs in the order given, each with nSequence kRbfSequence (BIP-125, nLockTime
//     enforced: pass the chain height as `lock_time` against fee sniping, or 0); version 2;
//   - the fee is `fee_rate` times the transaction's weight once signed (72-byte signatures:
//     spend.h), so the signed transaction pays at least that rate; the one output holds
//     the rest. Its value does not change the weight (an 8-byte field), so it is exact.
//
// Error codes:
//   wallet_no_coins              nothing to sweep
//   wallet_fee_rate_too_low      below kMinRelayFeeRate (1 sat/vB)
//   wallet_nonstandard_output    a destination script of no standard type
//   wallet_op_return_value       an OP_RETURN destination (the sats would be burned)
//   wallet_duplicate_coin        the same outpoint twice
//   wallet_bad_amount            a value outside [0, MAX_MONEY], or the total above it
//   wallet_fee_overflow          the fee cannot be computed
//   wallet_tx_too_large          the signed transaction would weigh more than 400,000
//   wallet_dust_output           what is left after the fee is below the output's dust
//                                threshold (the message has the total and the fee)
// and check_input()'s (spend.h).
#pragma once

#include <cstdint>
#include <vector>

#include "bitcoin/tx.h"
#include "bitcoin/wallet/fee_rate.h"
#include "bitcoin/wallet/tx_builder.h"
#include "bitcoin/wallet/unsigned_tx.h"
#include "util/result.h"

namespace datt::bitcoin::wallet {

struct SweepRequest {
    std::vector<WalletCoin> coins;
    Script destination;
    FeeRate fee_rate;
    uint32_t lock_time = 0;
};

[[nodiscard]] Result<UnsignedTransaction> build_sweep(const SweepRequest& request);

}  // namespace datt::bitcoin::wallet
