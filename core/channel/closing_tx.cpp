#include "channel/closing_tx.h"

#include <algorithm>

#include "bitcoin/sighash.h"

namespace datt::channel {

Result<bitcoin::Transaction> build_closing_tx(const ClosingTxSpec& spec) {
    const bitcoin::Msats& funder_balance =
        spec.funder == Side::kLocal ? spec.local_balance : spec.remote_balance;
    const int64_t funder_sats = funder_balance.to_sats_floor().value();
    if (spec.fee.value() < 0 || spec.fee.value() > funder_sats) {
        return make_error("channel_closing_fee_too_high",
                          "the closing fee is negative or above the funder's balance");
    }
    bitcoin::Sats local = spec.local_balance.to_sats_floor();
    bitcoin::Sats remote = spec.remote_balance.to_sats_floor();
    if (spec.funder == Side::kLocal) {
        local = bitcoin::Sats{local.value() - spec.fee.value()};
    } else {
        remote = bitcoin::Sats{remote.value() - spec.fee.value()};
    }
    bitcoin::Transaction tx;
    tx.version = 2;
    tx.lock_time = 0;
    tx.inputs.push_back(bitcoin::TxIn{spec.funding_outpoint, {}, 0xffffffff, {}});
    if (local >= spec.dust_limit) tx.outputs.push_back({local, spec.local_script});
    if (remote >= spec.dust_limit) tx.outputs.push_back({remote, spec.remote_script});
    std::sort(tx.outputs.begin(), tx.outputs.end(),
              [](const bitcoin::TxOut& a, const bitcoin::TxOut& b) {
                  if (a.value != b.value) return a.value < b.value;
                  return std::lexicographical_compare(a.script_pubkey.begin(),
                                                      a.script_pubkey.end(),
                                                      b.script_pubkey.begin(),
                                                      b.script_pubkey.end());
              });
    return tx;
}

namespace {
Hash256 funding_sighash(const bitcoin::Transaction& tx, ByteSpan script, bitcoin::Sats amount) {
    return bitcoin::segwit_v0_sighash(tx, 0, script, amount, bitcoin::kSighashAll, nullptr);
}
}  // namespace

crypto::EcdsaSignature sign_funding_spend(const bitcoin::Transaction& tx, ByteSpan funding_script,
                                          bitcoin::Sats funding_amount,
                                          const crypto::SecretKey& funding_key) {
    return crypto::ecdsa_sign(funding_key, funding_sighash(tx, funding_script, funding_amount));
}

bool verify_funding_spend(const bitcoin::Transaction& tx, ByteSpan funding_script,
                          bitcoin::Sats funding_amount, const crypto::PubKey& funding_pubkey,
                          const crypto::EcdsaSignature& signature) {
    return crypto::ecdsa_verify(funding_pubkey,
                                funding_sighash(tx, funding_script, funding_amount), signature,
                                crypto::HighS::kReject);
}

}  // namespace datt::channel
