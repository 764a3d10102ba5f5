#include "channel/htlc_tx.h"

#include "bitcoin/script_templates.h"
#include "bitcoin/sighash.h"
#include "channel/channel_scripts.h"

namespace datt::channel {
namespace {

Bytes with_sighash_all(const crypto::EcdsaSignature& signature) {
    Bytes out = signature.serialize_der();
    out.push_back(bitcoin::kSighashAll);
    return out;
}

}  // namespace

Result<HtlcTx> build_htlc_tx(const CommitmentTx& commitment, const CommitmentSpec& spec,
                             size_t output_index) {
    if (output_index >= commitment.outputs.size()) {
        return make_error("channel_not_an_htlc_output", "no such commitment output");
    }
    const CommitmentOutput& output = commitment.outputs[output_index];
    HtlcDirection direction = HtlcDirection::kOffered;
    switch (output.kind) {
        case CommitmentOutputKind::kOfferedHtlc:
            direction = HtlcDirection::kOffered;
            break;
        case CommitmentOutputKind::kReceivedHtlc:
            direction = HtlcDirection::kReceived;
            break;
        case CommitmentOutputKind::kToLocal:
        case CommitmentOutputKind::kToRemote:
            return make_error("channel_not_an_htlc_output",
                              "that commitment output is not an HTLC");
    }
    const CommittedHtlc& htlc = spec.htlcs.at(output.htlc_index);
    const bitcoin::Sats input_amount = commitment.tx.outputs[output_index].value;
    // Untrimmed, so amount - fee >= dust_limit >= 0.
    const bitcoin::Sats amount{input_amount.value() -
                               second_stage_fee(direction, spec.feerate_per_kw).value()};

    HtlcTx result;
    result.kind = output.kind;
    result.htlc_index = output.htlc_index;
    result.witness_script = output.witness_script;
    result.input_amount = input_amount;
    result.tx.version = 2;
    result.tx.lock_time = direction == HtlcDirection::kOffered ? htlc.cltv_expiry : 0;
    bitcoin::TxIn input;
    input.prevout =
        bitcoin::OutPoint{bitcoin::txid(commitment.tx), static_cast<uint32_t>(output_index)};
    input.sequence = 0;
    result.tx.inputs.push_back(std::move(input));
    const bitcoin::Script delayed =
        to_local_script(spec.keys.revocation, spec.to_self_delay, spec.keys.local_delayed);
    result.tx.outputs.push_back(bitcoin::TxOut{amount, bitcoin::p2wsh_script_for(delayed)});
    return result;
}

Result<std::vector<HtlcTx>> build_htlc_txs(const CommitmentTx& commitment,
                                           const CommitmentSpec& spec) {
    std::vector<HtlcTx> out;
    for (size_t i = 0; i < commitment.outputs.size(); ++i) {
        switch (commitment.outputs[i].kind) {
            case CommitmentOutputKind::kOfferedHtlc:
            case CommitmentOutputKind::kReceivedHtlc: {
                auto htlc_tx = build_htlc_tx(commitment, spec, i);
                if (!htlc_tx) return htlc_tx.error();
                out.push_back(std::move(*htlc_tx));
                break;
            }
            case CommitmentOutputKind::kToLocal:
            case CommitmentOutputKind::kToRemote:
                break;
        }
    }
    return out;
}

std::vector<Bytes> htlc_success_witness(const HtlcTx& htlc_tx,
                                        const crypto::EcdsaSignature& remote_signature,
                                        const crypto::EcdsaSignature& local_signature,
                                        const Hash256& payment_preimage) {
    return {Bytes{}, with_sighash_all(remote_signature), with_sighash_all(local_signature),
            Bytes(payment_preimage.begin(), payment_preimage.end()), htlc_tx.witness_script};
}

std::vector<Bytes> htlc_timeout_witness(const HtlcTx& htlc_tx,
                                        const crypto::EcdsaSignature& remote_signature,
                                        const crypto::EcdsaSignature& local_signature) {
    return {Bytes{}, with_sighash_all(remote_signature), with_sighash_all(local_signature), Bytes{},
            htlc_tx.witness_script};
}

}  // namespace datt::channel
