#include "tip/verify_tip.h"

#include <algorithm>
#include <string>

#include "bitcoin/merkle_block.h"
#include "bitcoin/tx.h"
#include "tip/commitment.h"

namespace datt::tip {
namespace {

TipVerdict verdict(TipStatus status, std::string code, std::string message) {
    TipVerdict out;
    out.status = status;
    out.reason = make_error(std::move(code), std::move(message));
    return out;
}

TipVerdict invalid(std::string code, std::string message) {
    return verdict(TipStatus::kInvalid, std::move(code), std::move(message));
}

TipVerdict pending(std::string code, std::string message) {
    return verdict(TipStatus::kPending, std::move(code), std::move(message));
}

}  // namespace

TipVerdict verify_tip(const bitcoin::Network& network, const bitcoin::HeaderChainState& chain,
                      const Tip& tip, const TipEvidence& evidence, uint32_t min_confirmations) {
    const TipPayment& payment = tip.payment();
    if (payment.network->name != network.name || chain.genesis_hash() != network.genesis_hash) {
        return invalid("tip_wrong_network", "the tip pays on " + payment.network->name +
                                                ", this chain is " + network.name + "'s");
    }

    auto tx = bitcoin::parse_transaction(evidence.transaction);
    if (!tx) return invalid("tip_tx_invalid", tx.error().code + ": " + tx.error().message);
    if (bitcoin::txid(*tx) != payment.txid) {
        return invalid("tip_txid_mismatch", "the transaction is not the one the tip names");
    }
    if (payment.vout >= tx->outputs.size()) {
        return invalid("tip_vout_out_of_range",
                       "the transaction has no output " + std::to_string(payment.vout));
    }
    const bitcoin::TxOut& output = tx->outputs[payment.vout];
    if (output.script_pubkey != tip.paid_address().script_pubkey()) {
        return invalid("tip_wrong_address", "the output does not pay the author's address " +
                                                tip.paid_address().to_string());
    }
    if (output.value != payment.sats) {
        return invalid("tip_amount_mismatch",
                       "the output carries " + std::to_string(output.value.value()) +
                           " sats, the tip claims " + std::to_string(payment.sats.value()));
    }
    if (!find_commitment(*tx, tip.target(), tip.payer())) {
        return invalid("tip_no_commitment", "no OP_RETURN output commits to this target and payer");
    }

    if (!evidence.merkle_block) {
        return pending("tip_unconfirmed", "no merkle proof: the payment is not known mined");
    }
    auto proof = bitcoin::verify_merkle_block(*evidence.merkle_block);
    if (!proof) {
        return invalid("tip_proof_invalid", proof.error().code + ": " + proof.error().message);
    }
    const bool proves_txid =
        std::any_of(proof->matches.begin(), proof->matches.end(),
                    [&](const bitcoin::MerkleMatch& match) { return match.txid == payment.txid; });
    if (!proves_txid) {
        return invalid("tip_proof_wrong_tx", "the merkle proof does not prove this transaction");
    }

    const auto headers = evidence.headers_to_tip;
    if (headers.empty() || bitcoin::block_hash(headers.front()) != proof->block_hash) {
        TipVerdict out = pending("tip_not_in_chain", "the proof's block is not in this chain");
        out.block_hash = proof->block_hash;
        return out;
    }
    const auto broken = [&](std::string message) {
        TipVerdict out = pending("tip_chain_broken", std::move(message));
        out.block_hash = proof->block_hash;
        return out;
    };
    if (headers.size() > static_cast<uint64_t>(chain.height()) + 1) {
        return broken("more headers than the chain holds");
    }
    Hash256 previous = proof->block_hash;
    for (size_t i = 1; i < headers.size(); ++i) {
        if (headers[i].prev_block != previous) {
            return broken("header " + std::to_string(i) + " does not link to the one before");
        }
        previous = bitcoin::block_hash(headers[i]);
    }
    if (previous != chain.tip().hash) return broken("the headers do not end at the chain's tip");

    TipVerdict out;
    out.confirmations = static_cast<uint32_t>(headers.size());
    out.height = chain.height() - (out.confirmations - 1);
    out.block_hash = proof->block_hash;
    if (out.confirmations < min_confirmations) {
        out.status = TipStatus::kPending;
        out.reason = make_error("tip_too_few_confirmations",
                                std::to_string(out.confirmations) + " of " +
                                    std::to_string(min_confirmations) + " confirmations");
        return out;
    }
    out.status = TipStatus::kVerified;
    return out;
}

}  // namespace datt::tip
