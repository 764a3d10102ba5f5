// Spending one contract output (a 2-of-2 channel funding output, a timelocked key, either
// branch of a hash lock) to a single destination, the fee taken from its value.
//
// build_contract_spend() sets what the branch needs for the script to pass:
//   kTimelock with a CLTV script:  nLockTime = the script's lock time (BIP-65 compares them),
//                                  nSequence 0xfffffffd (a final input would disable it)
//   kTimelock with a CSV script:   nSequence = the script's relative lock (BIP-68/112),
//                                  version 2
//   kHashLockTimeout:              nLockTime = the script's refund lock time
//   the others:                    nLockTime = `lock_time` (0, or the height against fee
//                                  sniping), nSequence 0xfffffffd
// Version 2 always. The fee is fee_rate x the vsize once signed (72-byte signatures); the
// output must stay above its dust threshold. Sign with sign_input() (spend.h), assemble the
// witness with the kind's function there, then with_witnesses() (unsigned_tx.h).
//
// Error codes, besides check_input()'s:
//   wallet_not_contract_input  a kP2wpkh input (the wallet pays those with build_payment)
//   wallet_fee_rate_too_low    below kMinRelayFeeRate
//   wallet_dust_output         what is left after the fee is dust (or negative)
//   wallet_bad_change_script   the destination is not a standard output, or an OP_RETURN
#pragma once

#include <cstdint>

#include "bitcoin/tx.h"
#include "bitcoin/wallet/fee_rate.h"
#include "bitcoin/wallet/spend.h"
#include "bitcoin/wallet/unsigned_tx.h"
#include "util/result.h"

namespace datt::bitcoin::wallet {

struct ContractSpendRequest {
    InputDescription input;
    Script destination;
    FeeRate fee_rate;
    uint32_t lock_time = 0;
};

[[nodiscard]] Result<UnsignedTransaction> build_contract_spend(const ContractSpendRequest& request);

}  // namespace datt::bitcoin::wallet
