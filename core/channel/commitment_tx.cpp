#include "channel/commitment_tx.h"

#include <algorithm>
#include <numeric>

#include "bitcoin/script_templates.h"
#include "channel/channel_scripts.h"
#include "channel/commitment_number.h"
#include "channel/per_commitment_secret.h"

namespace datt::channel {
namespace {

struct PendingOutput {
    bitcoin::TxOut txout;
    CommitmentOutput info;
    uint32_t cltv_expiry = 0;  // the tie-break between HTLC outputs (0 for balances)
};

// BIP-69 with BOLT-3's cltv tie-break. std::lexicographical_compare on the scripts is
// memcmp over the common prefix, then the shorter first.
bool output_before(const PendingOutput& a, const PendingOutput& b) {
    if (a.txout.value != b.txout.value) return a.txout.value < b.txout.value;
    const auto& sa = a.txout.script_pubkey;
    const auto& sb = b.txout.script_pubkey;
    if (sa != sb) return std::lexicographical_compare(sa.begin(), sa.end(), sb.begin(), sb.end());
    return a.cltv_expiry < b.cltv_expiry;
}

Error balance_mismatch(const char* message) {
    return make_error("channel_balance_mismatch", message);
}

// The funder's balance in whole satoshis less the fee, at least zero.
bitcoin::Sats after_fee(bitcoin::Msats balance, bitcoin::Sats fee) {
    const int64_t remaining = balance.to_sats_floor().value() - fee.value();
    return bitcoin::Sats{std::max<int64_t>(remaining, 0)};
}

}  // namespace

bool needs_htlc_keys(const CommitmentSpec& spec) {
    return std::any_of(spec.htlcs.begin(), spec.htlcs.end(), [&](const CommittedHtlc& htlc) {
        return !is_htlc_trimmed(htlc.direction, htlc.amount, spec.feerate_per_kw, spec.dust_limit);
    });
}

Result<CommitmentTx> build_commitment_tx(const CommitmentSpec& spec) {
    if (spec.commitment_number > kMaxCommitmentIndex) {
        return make_error("channel_commitment_number_out_of_range",
                          "a commitment number has 48 bits");
    }
    if (!spec.funding_amount.in_money_range()) {
        return make_error("channel_bad_funding_amount", "the funding amount is out of range");
    }
    // Every msat of the channel is somewhere: the two balances and the HTLCs.
    std::optional<bitcoin::Msats> total = spec.to_local.checked_add(spec.to_remote);
    for (const CommittedHtlc& htlc : spec.htlcs) {
        if (total) total = total->checked_add(htlc.amount);
    }
    if (!total) return balance_mismatch("the channel's amounts overflow");
    const auto funding_msat = bitcoin::to_msats(spec.funding_amount);
    if (!funding_msat || *total != *funding_msat) {
        return balance_mismatch("to_local + to_remote + HTLCs is not the funding amount");
    }
    if (!spec.htlc_keys && needs_htlc_keys(spec)) {
        return make_error("channel_missing_htlc_keys", "an untrimmed HTLC needs the HTLC keys");
    }

    std::vector<PendingOutput> outputs;
    outputs.reserve(spec.htlcs.size() + 2);
    for (size_t i = 0; i < spec.htlcs.size(); ++i) {
        const CommittedHtlc& htlc = spec.htlcs[i];
        if (is_htlc_trimmed(htlc.direction, htlc.amount, spec.feerate_per_kw, spec.dust_limit)) {
            continue;
        }
        PendingOutput out;
        switch (htlc.direction) {
            case HtlcDirection::kOffered:
                out.info.kind = CommitmentOutputKind::kOfferedHtlc;
                out.info.witness_script =
                    offered_htlc_script(spec.keys.revocation, spec.htlc_keys->local_htlc,
                                        spec.htlc_keys->remote_htlc, htlc.payment_hash);
                break;
            case HtlcDirection::kReceived:
                out.info.kind = CommitmentOutputKind::kReceivedHtlc;
                out.info.witness_script = received_htlc_script(
                    spec.keys.revocation, spec.htlc_keys->local_htlc, spec.htlc_keys->remote_htlc,
                    htlc.payment_hash, htlc.cltv_expiry);
                break;
        }
        out.info.htlc_index = i;
        out.txout = bitcoin::TxOut{htlc.amount.to_sats_floor(),
                                   bitcoin::p2wsh_script_for(out.info.witness_script)};
        out.cltv_expiry = htlc.cltv_expiry;
        outputs.push_back(std::move(out));
    }

    const bitcoin::Sats base_fee = commitment_base_fee(spec.feerate_per_kw, outputs.size());
    const bitcoin::Sats to_local = spec.funder == Side::kLocal ? after_fee(spec.to_local, base_fee)
                                                               : spec.to_local.to_sats_floor();
    const bitcoin::Sats to_remote = spec.funder == Side::kRemote
                                        ? after_fee(spec.to_remote, base_fee)
                                        : spec.to_remote.to_sats_floor();
    if (to_local >= spec.dust_limit) {
        PendingOutput out;
        out.info.kind = CommitmentOutputKind::kToLocal;
        out.info.witness_script =
            to_local_script(spec.keys.revocation, spec.to_self_delay, spec.keys.local_delayed);
        out.txout = bitcoin::TxOut{to_local, bitcoin::p2wsh_script_for(out.info.witness_script)};
        outputs.push_back(std::move(out));
    }
    if (to_remote >= spec.dust_limit) {
        PendingOutput out;
        out.info.kind = CommitmentOutputKind::kToRemote;
        out.txout = bitcoin::TxOut{to_remote, bitcoin::p2wpkh_script(spec.keys.remote_payment)};
        outputs.push_back(std::move(out));
    }
    std::stable_sort(outputs.begin(), outputs.end(), output_before);

    const ObscuredCommitmentNumber obscured =
        obscure_commitment_number(spec.commitment_number, spec.obscuring_factor);
    CommitmentTx result;
    result.base_fee = base_fee;
    result.tx.version = 2;
    result.tx.lock_time = obscured.lock_time;
    bitcoin::TxIn input;
    input.prevout = spec.funding_outpoint;
    input.sequence = obscured.sequence;
    result.tx.inputs.push_back(std::move(input));
    result.tx.outputs.reserve(outputs.size());
    result.outputs.reserve(outputs.size());
    for (PendingOutput& out : outputs) {
        result.tx.outputs.push_back(std::move(out.txout));
        result.outputs.push_back(std::move(out.info));
    }
    return result;
}

}  // namespace datt::channel
