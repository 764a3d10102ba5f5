#include "bitcoin/wallet/unsigned_tx.h"

#include <string>
#include <utility>

#include "util/varint.h"

namespace datt::bitcoin::wallet {
namespace {

Error mismatch(const std::string& why) {
    return make_error("wallet_unsigned_mismatch", why);
}

}  // namespace

uint64_t max_signed_weight(const Transaction& tx, std::span<const InputDescription> inputs) {
    // Non-witness bytes count four times, witness bytes once (BIP-141); the marker and flag
    // are witness bytes.
    uint64_t base =
        4 + compact_size_length(tx.inputs.size()) + compact_size_length(tx.outputs.size()) + 4;
    for (const TxIn& in : tx.inputs)
        base += 32 + 4 + compact_size_length(in.script_sig.size()) + in.script_sig.size() + 4;
    for (const TxOut& out : tx.outputs) base += output_weight(out) / 4;
    uint64_t witness = 2;
    for (const InputDescription& input : inputs) {
        const auto items = max_witness_item_sizes(input);
        witness += compact_size_length(items.size());
        for (size_t size : items) witness += compact_size_length(size) + size;
    }
    return base * 4 + witness;
}

Status check_unsigned(const UnsignedTransaction& unsigned_tx) {
    const Transaction& tx = unsigned_tx.tx;
    if (tx.inputs.size() != unsigned_tx.inputs.size())
        return mismatch(std::to_string(tx.inputs.size()) + " inputs but " +
                        std::to_string(unsigned_tx.inputs.size()) + " descriptions");
    Sats in{0};
    for (size_t i = 0; i < tx.inputs.size(); ++i) {
        const InputDescription& input = unsigned_tx.inputs[i];
        if (tx.inputs[i].prevout != input.outpoint)
            return mismatch("input " + std::to_string(i) +
                            " spends another outpoint than its description");
        if (auto ok = check_input(input); !ok) return ok.error();
        auto sum = in.checked_add(input.value);
        if (!input.value.in_money_range() || !sum || !sum->in_money_range())
            return make_error("wallet_bad_amount", "input values outside [0, MAX_MONEY]");
        in = *sum;
    }
    Sats out{0};
    for (const TxOut& output : tx.outputs) {
        auto sum = out.checked_add(output.value);
        if (!output.value.in_money_range() || !sum || !sum->in_money_range())
            return make_error("wallet_bad_amount", "output values outside [0, MAX_MONEY]");
        out = *sum;
    }
    if (unsigned_tx.change_output && *unsigned_tx.change_output >= tx.outputs.size())
        return mismatch("the change index is past the outputs");
    if (in.checked_sub(out) != unsigned_tx.fee)
        return mismatch("the fee is not the inputs less the outputs");
    return Ok{};
}

Result<Transaction> with_witnesses(const UnsignedTransaction& unsigned_tx,
                                   std::vector<std::vector<Bytes>> witnesses) {
    if (witnesses.size() != unsigned_tx.tx.inputs.size())
        return mismatch(std::to_string(witnesses.size()) + " witnesses for " +
                        std::to_string(unsigned_tx.tx.inputs.size()) + " inputs");
    Transaction tx = unsigned_tx.tx;
    for (size_t i = 0; i < witnesses.size(); ++i) tx.inputs[i].witness = std::move(witnesses[i]);
    return tx;
}

}  // namespace datt::bitcoin::wallet
