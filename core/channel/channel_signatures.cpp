#include "channel/channel_signatures.h"

#include <algorithm>

#include "bitcoin/sighash.h"

namespace datt::channel {
namespace {

Hash256 input_sighash(const bitcoin::Transaction& tx, ByteSpan script, bitcoin::Sats amount) {
    return bitcoin::segwit_v0_sighash(tx, 0, script, amount, bitcoin::kSighashAll, nullptr);
}

Bytes with_sighash_all(const crypto::EcdsaSignature& signature) {
    Bytes out = signature.serialize_der();
    out.push_back(bitcoin::kSighashAll);
    return out;
}

}  // namespace

crypto::EcdsaSignature sign_commitment(const CommitmentTx& commitment, ByteSpan funding_script,
                                       bitcoin::Sats funding_amount,
                                       const crypto::SecretKey& funding_key) {
    return crypto::ecdsa_sign(funding_key,
                              input_sighash(commitment.tx, funding_script, funding_amount));
}

bool verify_commitment_signature(const CommitmentTx& commitment, ByteSpan funding_script,
                                 bitcoin::Sats funding_amount, const crypto::PubKey& funding_pubkey,
                                 const crypto::EcdsaSignature& signature) {
    return crypto::ecdsa_verify(funding_pubkey,
                                input_sighash(commitment.tx, funding_script, funding_amount),
                                signature, crypto::HighS::kReject);
}

bitcoin::Transaction signed_commitment_tx(const CommitmentTx& commitment, ByteSpan funding_script,
                                          const crypto::PubKey& local_funding_pubkey,
                                          const crypto::EcdsaSignature& local_signature,
                                          const crypto::PubKey& remote_funding_pubkey,
                                          const crypto::EcdsaSignature& remote_signature) {
    const auto local_key = local_funding_pubkey.compressed();
    const auto remote_key = remote_funding_pubkey.compressed();
    const bool local_first = std::lexicographical_compare(local_key.begin(), local_key.end(),
                                                          remote_key.begin(), remote_key.end());
    bitcoin::Transaction tx = commitment.tx;
    const Bytes local = with_sighash_all(local_signature);
    const Bytes remote = with_sighash_all(remote_signature);
    tx.inputs[0].witness = {Bytes{}, local_first ? local : remote, local_first ? remote : local,
                            Bytes(funding_script.begin(), funding_script.end())};
    return tx;
}

crypto::EcdsaSignature sign_htlc_tx(const HtlcTx& htlc_tx, const crypto::SecretKey& htlc_key) {
    return crypto::ecdsa_sign(
        htlc_key, input_sighash(htlc_tx.tx, htlc_tx.witness_script, htlc_tx.input_amount));
}

bool verify_htlc_signature(const HtlcTx& htlc_tx, const crypto::PubKey& htlc_pubkey,
                           const crypto::EcdsaSignature& signature) {
    return crypto::ecdsa_verify(
        htlc_pubkey, input_sighash(htlc_tx.tx, htlc_tx.witness_script, htlc_tx.input_amount),
        signature, crypto::HighS::kReject);
}

}  // namespace datt::channel
