// Context-free consensus checks of a transaction (Bitcoin Core's CheckTransaction): what
// can be said of a transaction without its inputs' outputs or the chain. A parsed
// transaction (tx.h) is well-formed bytes; this says whether it could ever be valid.
//
// Error codes (Core's reject reason in parentheses):
//   tx_no_inputs               (bad-txns-vin-empty)
//   tx_no_outputs              (bad-txns-vout-empty)
//   tx_oversize                (bad-txns-oversize) legacy size * 4 > 4,000,000
//   tx_output_negative         (bad-txns-vout-negative)
//   tx_output_too_large        (bad-txns-vout-toolarge) an output above MAX_MONEY
//   tx_output_total_too_large  (bad-txns-txouttotal-toolarge)
//   tx_duplicate_input         (bad-txns-inputs-duplicate, CVE-2018-17144)
//   tx_coinbase_script_size    (bad-cb-length) coinbase scriptSig not 2..100 bytes
//   tx_null_prevout            (bad-txns-prevout-null) a non-coinbase input spends nothing
#pragma once

#include "bitcoin/tx.h"
#include "util/result.h"

namespace datt::bitcoin {

// One input spending the null outpoint (txid zero, index 0xffffffff).
bool is_coinbase(const Transaction& tx);

[[nodiscard]] Status check_transaction(const Transaction& tx);

}  // namespace datt::bitcoin
