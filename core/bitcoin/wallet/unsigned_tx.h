// An unsigned transaction as the wallet builds it: the transaction without witnesses, and
// for every input what signing it needs (the value and script of the output it spends, its
// derivation path or witness script). Not a PSBT: a plain value, which the wasm layer turns
// into JSON field by field (docs/bitcoin.md, "Unsigned transactions", gives the shape).
//
// Error codes of check_unsigned():
//   wallet_unsigned_mismatch  inputs and descriptions differ in number or outpoints, the
//                             change index is out of range, or the fee is not the inputs
//                             less the outputs
//   wallet_bad_amount         a value outside [0, MAX_MONEY] or sums above it
// and check_input()'s (spend.h).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "bitcoin/amount.h"
#include "bitcoin/tx.h"
#include "bitcoin/wallet/spend.h"
#include "util/result.h"

namespace datt::bitcoin::wallet {

struct UnsignedTransaction {
    // Version, inputs (outpoints and sequences, no scriptSig, no witness), outputs, lock time.
    Transaction tx;
    // One per tx.inputs, in the same order.
    std::vector<InputDescription> inputs;
    // The index in tx.outputs of the wallet's change, if it has one.
    std::optional<uint32_t> change_output;
    // The inputs' values less the outputs'.
    Sats fee;
    // The weight once signed, at most (signatures counted at 72 bytes).
    uint64_t max_weight = 0;

    uint64_t max_vsize() const { return (max_weight + 3) / 4; }
    bool operator==(const UnsignedTransaction&) const = default;
};

// The weight of `tx` once each input carries its largest witness: the BIP-141 weight of the
// transaction with the witness items of max_witness_item_sizes() in place.
uint64_t max_signed_weight(const Transaction& tx, std::span<const InputDescription> inputs);

// Whether the parts agree (see the error codes above); for descriptions from outside.
[[nodiscard]] Status check_unsigned(const UnsignedTransaction& unsigned_tx);

// The transaction with these witnesses, one per input; wallet_unsigned_mismatch when the
// count differs.
[[nodiscard]] Result<Transaction> with_witnesses(const UnsignedTransaction& unsigned_tx,
                                                 std::vector<std::vector<Bytes>> witnesses);

}  // namespace datt::bitcoin::wallet
