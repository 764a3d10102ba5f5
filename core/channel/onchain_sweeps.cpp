#include "channel/onchain_sweeps.h"

#include "channel/fee_bump.h"

#include "bitcoin/script_templates.h"
#include "bitcoin/sighash.h"
#include "bitcoin/sign.h"
#include "channel/channel_commitments.h"
#include "channel/channel_scripts.h"
#include "channel/channel_signatures.h"
#include "channel/commitment_fees.h"
#include "channel/key_derivation.h"
#include "channel/per_commitment_secret.h"

namespace datt::channel {
namespace {

#define SWEEP_TRY(var, expr)                   \
    auto var##_result = (expr);                \
    if (!var##_result) return var##_result.error(); \
    auto var = std::move(var##_result).value()

constexpr size_t kMaxSignatureSize = 73;  // DER at its longest plus the sighash byte

Bytes signature_bytes(const crypto::SecretKey& key, const bitcoin::Transaction& tx, size_t input,
                      ByteSpan script, bitcoin::Sats amount) {
    const Hash256 sighash =
        bitcoin::segwit_v0_sighash(tx, input, script, amount, bitcoin::kSighashAll, nullptr);
    Bytes out = crypto::ecdsa_sign(key, sighash).serialize_der();
    out.push_back(bitcoin::kSighashAll);
    return out;
}

struct SweepInput {
    bitcoin::OutPoint outpoint;
    bitcoin::Sats amount;
    bitcoin::Script witness_script;
    Bytes middle;  // the witness item between the signature and the script
    uint32_t sequence = 0xffffffff;
};

// One transaction spending `inputs` to `sweep_script`, each signed with `key`.
Result<bitcoin::Transaction> sweep(const std::vector<SweepInput>& inputs,
                                   const crypto::SecretKey& key,
                                   const bitcoin::Script& sweep_script, uint32_t feerate_per_kw,
                                   uint32_t lock_time = 0) {
    bitcoin::Transaction tx;
    tx.version = 2;
    tx.lock_time = lock_time;
    int64_t total = 0;
    for (const SweepInput& in : inputs) {
        tx.inputs.push_back(bitcoin::TxIn{
            in.outpoint, {}, in.sequence, {Bytes(kMaxSignatureSize, 0), in.middle, in.witness_script}});
        total += in.amount.value();
    }
    tx.outputs.push_back(bitcoin::TxOut{bitcoin::Sats{total}, sweep_script});
    const bitcoin::Sats fee = fee_for_weight(feerate_per_kw, bitcoin::weight(tx));
    const int64_t remaining = total - fee.value();
    if (remaining < kSweepDustLimit.value()) {
        return make_error("channel_sweep_below_dust", "the fee takes what the sweep would carry");
    }
    tx.outputs[0].value = bitcoin::Sats{remaining};
    for (size_t i = 0; i < inputs.size(); ++i) {
        tx.inputs[i].witness[0] =
            signature_bytes(key, tx, i, inputs[i].witness_script, inputs[i].amount);
    }
    return tx;
}

}  // namespace

namespace {

// The revocation private key of a revoked commitment and the scripts it opens: the
// to_local script (also every HTLC transaction's output script, BOLT-3) and its HTLCs'.
struct RevokedScripts {
    crypto::SecretKey revocation_key;
    Bytes revocation_pubkey;  // compressed
    bitcoin::Script to_local;
    std::vector<bitcoin::Script> htlcs;
};

Result<RevokedScripts> revoked_scripts(const JusticeParams& p) {
    SWEEP_TRY(point, per_commitment_point(p.per_commitment_secret));
    SWEEP_TRY(keys, derive_commitment_keys(point, p.owner_basepoints, p.our_basepoints));
    const auto secret_key = crypto::SecretKey::from_bytes(p.per_commitment_secret);
    if (!secret_key) {
        return make_error("channel_not_revoked", "the per-commitment secret is not a key");
    }
    SWEEP_TRY(revocation_key, derive_revocation_privkey(p.revocation_basepoint_secret, *secret_key));
    if (!(crypto::pubkey(revocation_key) == keys.revocation)) {
        return make_error("channel_not_revoked", "the revocation key does not match");
    }
    const auto compressed = keys.revocation.compressed();
    RevokedScripts out{revocation_key, Bytes(compressed.begin(), compressed.end()),
                       to_local_script(keys.revocation, p.to_self_delay, keys.local_delayed), {}};
    if (!p.htlcs.empty()) {
        SWEEP_TRY(htlc_keys, derive_htlc_keys(point, p.owner_basepoints, p.our_basepoints));
        for (const CommittedHtlc& h : p.htlcs) {
            out.htlcs.push_back(
                h.direction == HtlcDirection::kOffered
                    ? offered_htlc_script(keys.revocation, htlc_keys.local_htlc,
                                          htlc_keys.remote_htlc, h.payment_hash)
                    : received_htlc_script(keys.revocation, htlc_keys.local_htlc,
                                           htlc_keys.remote_htlc, h.payment_hash, h.cltv_expiry));
        }
    }
    return out;
}

bool spent_by(const bitcoin::OutPoint& outpoint, std::span<const bitcoin::Transaction> txs) {
    for (const bitcoin::Transaction& tx : txs) {
        for (const bitcoin::TxIn& in : tx.inputs) {
            if (in.prevout == outpoint) return true;
        }
    }
    return false;
}

}  // namespace

Result<bitcoin::Transaction> build_justice_tx(const JusticeParams& p,
                                              std::span<const bitcoin::Transaction> taken) {
    SWEEP_TRY(revoked, revoked_scripts(p));
    const Hash256 txid = bitcoin::txid(p.revoked_commitment);
    std::vector<SweepInput> inputs;
    for (size_t i = 0; i < p.revoked_commitment.outputs.size(); ++i) {
        const bitcoin::OutPoint outpoint{txid, static_cast<uint32_t>(i)};
        if (spent_by(outpoint, taken)) continue;  // its second stage is swept instead
        const bitcoin::TxOut& out = p.revoked_commitment.outputs[i];
        if (out.script_pubkey == bitcoin::p2wsh_script_for(revoked.to_local)) {
            inputs.push_back(SweepInput{outpoint, out.value, revoked.to_local, Bytes{1}, kRbfSequence});
            continue;
        }
        for (const bitcoin::Script& script : revoked.htlcs) {
            if (out.script_pubkey != bitcoin::p2wsh_script_for(script)) continue;
            inputs.push_back(SweepInput{outpoint, out.value, script, revoked.revocation_pubkey, kRbfSequence});
            break;
        }
    }
    if (inputs.empty()) {
        return make_error("channel_nothing_to_sweep", "no output of the commitment is ours");
    }
    return sweep(inputs, revoked.revocation_key, p.sweep_script, p.feerate_per_kw);
}

Result<bitcoin::Transaction> build_revoked_htlc_sweep(const JusticeParams& p,
                                                      const bitcoin::Transaction& htlc_tx) {
    SWEEP_TRY(revoked, revoked_scripts(p));
    const Hash256 txid = bitcoin::txid(htlc_tx);
    std::vector<SweepInput> inputs;
    for (size_t i = 0; i < htlc_tx.outputs.size(); ++i) {
        const bitcoin::TxOut& out = htlc_tx.outputs[i];
        if (out.script_pubkey != bitcoin::p2wsh_script_for(revoked.to_local)) continue;
        inputs.push_back(
            SweepInput{{txid, static_cast<uint32_t>(i)}, out.value, revoked.to_local, Bytes{1}});
    }
    if (inputs.empty()) {
        return make_error("channel_nothing_to_sweep", "no output of the HTLC tx is ours");
    }
    return sweep(inputs, revoked.revocation_key, p.sweep_script, p.feerate_per_kw);
}

Result<JusticeParams> justice_params(const Channel& c, const ChannelSecrets& secrets,
                                     const RemoteCommitmentRevoked& revoked,
                                     const bitcoin::Transaction& commitment_tx,
                                     const bitcoin::Script& sweep_script,
                                     uint32_t feerate_per_kw) {
    if (!c.remote_basepoints) {
        return make_error("channel_nothing_to_sweep", "the channel has no remote keys yet");
    }
    return JusticeParams{commitment_tx,
                         revoked.per_commitment_secret,
                         *c.remote_basepoints,
                         c.local_basepoints,
                         secrets.revocation_basepoint_secret,
                         c.local_config.to_self_delay,
                         committed_htlcs(revoked.spec),
                         sweep_script,
                         feerate_per_kw};
}

Result<LocalCommitmentClose> local_commitment_close(const Channel& c,
                                                    const ChannelSecrets& secrets) {
    if (!c.local_commit) {
        return make_error("channel_wrong_phase", "the channel has no commitment yet");
    }
    const LocalCommit& commit = *c.local_commit;
    SWEEP_TRY(point, local_point(secrets, commit.number));
    SWEEP_TRY(spec, local_commitment_spec(c, point, commit.number, commit.spec));
    SWEEP_TRY(tx, build_commitment_tx(spec));
    const bitcoin::Script script = funding_script(c);
    const crypto::EcdsaSignature ours =
        sign_commitment(tx, script, c.funding_amount, secrets.funding_key);
    bitcoin::Transaction signed_tx = signed_commitment_tx(
        tx, script, c.local_funding_pubkey, ours, *c.remote_funding_pubkey, commit.remote_signature);
    SWEEP_TRY(htlc_txs, build_htlc_txs(tx, spec));
    SWEEP_TRY(htlc_key, derive_privkey(secrets.htlc_basepoint_secret, point));
    SWEEP_TRY(delayed_key, derive_privkey(secrets.delayed_payment_basepoint_secret, point));
    const bitcoin::Script to_local =
        to_local_script(spec.keys.revocation, spec.to_self_delay, spec.keys.local_delayed);
    return LocalCommitmentClose{std::move(signed_tx),      spec,
                                tx.outputs,                std::move(htlc_txs),
                                commit.remote_htlc_signatures, htlc_key,
                                delayed_key,               to_local};
}

namespace {
Status check_htlc_index(const LocalCommitmentClose& close, size_t i, CommitmentOutputKind kind) {
    if (i >= close.htlc_txs.size() || i >= close.remote_htlc_signatures.size() ||
        close.htlc_txs[i].kind != kind) {
        return make_error("channel_not_an_htlc_output", "no such HTLC transaction");
    }
    return Ok{};
}
}  // namespace

Result<bitcoin::Transaction> signed_htlc_timeout_tx(const LocalCommitmentClose& close, size_t i) {
    if (auto ok = check_htlc_index(close, i, CommitmentOutputKind::kOfferedHtlc); !ok) {
        return ok.error();
    }
    const HtlcTx& h = close.htlc_txs[i];
    bitcoin::Transaction tx = h.tx;
    tx.inputs[0].witness = htlc_timeout_witness(h, close.remote_htlc_signatures[i],
                                                sign_htlc_tx(h, close.local_htlc_key));
    return tx;
}

Result<bitcoin::Transaction> signed_htlc_success_tx(const LocalCommitmentClose& close, size_t i,
                                                    const Hash256& payment_preimage) {
    if (auto ok = check_htlc_index(close, i, CommitmentOutputKind::kReceivedHtlc); !ok) {
        return ok.error();
    }
    const HtlcTx& h = close.htlc_txs[i];
    bitcoin::Transaction tx = h.tx;
    tx.inputs[0].witness = htlc_success_witness(h, close.remote_htlc_signatures[i],
                                                sign_htlc_tx(h, close.local_htlc_key),
                                                payment_preimage);
    return tx;
}

Result<bitcoin::Transaction> build_delayed_sweep(const bitcoin::OutPoint& outpoint,
                                                 bitcoin::Sats amount,
                                                 const bitcoin::Script& to_local_script,
                                                 const crypto::SecretKey& local_delayed_key,
                                                 uint16_t to_self_delay,
                                                 const bitcoin::Script& sweep_script,
                                                 uint32_t feerate_per_kw) {
    return sweep({SweepInput{outpoint, amount, to_local_script, Bytes{}, to_self_delay}},
                 local_delayed_key, sweep_script, feerate_per_kw);
}

Result<bitcoin::Transaction> build_htlc_claim(const bitcoin::OutPoint& outpoint,
                                              bitcoin::Sats amount,
                                              const bitcoin::Script& htlc_script,
                                              const crypto::SecretKey& our_htlc_key,
                                              const std::optional<Hash256>& payment_preimage,
                                              uint32_t cltv_expiry,
                                              const bitcoin::Script& sweep_script,
                                              uint32_t feerate_per_kw) {
    if (payment_preimage) {
        return sweep({SweepInput{outpoint, amount, htlc_script,
                                 Bytes(payment_preimage->begin(), payment_preimage->end())}},
                     our_htlc_key, sweep_script, feerate_per_kw);
    }
    // OP_CHECKLOCKTIMEVERIFY needs a non-final sequence for the lock time to count.
    return sweep({SweepInput{outpoint, amount, htlc_script, Bytes{}, 0xfffffffe}}, our_htlc_key,
                 sweep_script, feerate_per_kw, cltv_expiry);
}

Result<bitcoin::Transaction> build_to_remote_sweep(const bitcoin::OutPoint& outpoint,
                                                   const bitcoin::TxOut& output,
                                                   const crypto::SecretKey& payment_basepoint_secret,
                                                   const bitcoin::Script& sweep_script,
                                                   uint32_t feerate_per_kw) {
    const crypto::PubKey key = crypto::pubkey(payment_basepoint_secret);
    if (output.script_pubkey != bitcoin::p2wpkh_script(key)) {
        return make_error("channel_not_our_output", "the output is not our to_remote");
    }
    const auto compressed = key.compressed();
    bitcoin::Transaction tx;
    tx.version = 2;
    tx.lock_time = 0;
    tx.inputs.push_back(bitcoin::TxIn{outpoint, {}, bitcoin::kSequenceFinal,
                                      {Bytes(kMaxSignatureSize, 0),
                                       Bytes(compressed.begin(), compressed.end())}});
    tx.outputs.push_back(bitcoin::TxOut{output.value, sweep_script});
    const bitcoin::Sats fee = fee_for_weight(feerate_per_kw, bitcoin::weight(tx));
    const int64_t remaining = output.value.value() - fee.value();
    if (remaining < kSweepDustLimit.value()) {
        return make_error("channel_sweep_below_dust", "the fee takes what the sweep would carry");
    }
    tx.outputs[0].value = bitcoin::Sats{remaining};
    SWEEP_TRY(witness, bitcoin::sign_p2wpkh_input(tx, 0, output.value, payment_basepoint_secret,
                                                  bitcoin::kSighashAll, nullptr));
    tx.inputs[0].witness = std::move(witness);
    return tx;
}

}  // namespace datt::channel
