#include "channel/chain_resolver.h"

#include <algorithm>

#include "bitcoin/script_templates.h"
#include "channel/channel_commitments.h"
#include "channel/commitment_number.h"
#include "channel/commitment_tx.h"
#include "channel/key_derivation.h"
#include "channel/onchain_sweeps.h"
#include "channel/per_commitment_secret.h"
#include "crypto/sha256.h"

namespace datt::channel {
namespace {

#define RESOLVE_TRY(var, expr)                      \
    auto var##_result = (expr);                     \
    if (!var##_result) return var##_result.error(); \
    auto var = std::move(var##_result).value()

// A sweep whose output would be dust is not worth a transaction: the output is reported
// unresolved instead; other errors are real.
Status add_unless_dust(Result<bitcoin::Transaction> tx, Resolution r, uint32_t output,
                       ChainResolution& out) {
    if (!tx) {
        if (tx.error().code != "channel_sweep_below_dust") return tx.error();
        out.unresolved.push_back(output);
        return Ok{};
    }
    r.tx = std::move(tx).value();
    out.to_broadcast.push_back(std::move(r));
    return Ok{};
}

const Hash256* preimage_for(std::span<const Hash256> preimages, const Hash256& payment_hash) {
    for (const Hash256& p : preimages) {
        if (crypto::sha256(p) == payment_hash) return &p;
    }
    return nullptr;
}

// Our to_remote output on a remote commitment (static_remotekey: P2WPKH of our payment
// basepoint), swept at once.
Status sweep_our_to_remote(const ResolverInputs& in, const bitcoin::Transaction& spend,
                           ChainResolution& out) {
    const bitcoin::Script ours =
        bitcoin::p2wpkh_script(crypto::pubkey(in.secrets.payment_basepoint_secret));
    const Hash256 txid = bitcoin::txid(spend);
    for (size_t i = 0; i < spend.outputs.size(); ++i) {
        if (spend.outputs[i].script_pubkey != ours) continue;
        const auto index = static_cast<uint32_t>(i);
        Resolution r{ResolutionKind::kToRemoteSweep, {}, txid, 0, 0};
        if (auto ok = add_unless_dust(build_to_remote_sweep({txid, index}, spend.outputs[i],
                                                            in.secrets.payment_basepoint_secret,
                                                            in.sweep_script, in.feerate_per_kw),
                                      r, index, out);
            !ok) {
            return ok.error();
        }
    }
    return Ok{};
}

Result<ChainResolution> resolve_local(const ResolverInputs& in, const LocalCommitmentClose& close,
                                      uint64_t number) {
    ChainResolution out{FundingSpendKind::kLocalCommitment, number, {}, {}};
    const bitcoin::Transaction& commitment = close.commitment_tx;
    const Hash256 txid = bitcoin::txid(commitment);
    const uint16_t delay = close.spec.to_self_delay;
    for (size_t i = 0; i < close.outputs.size(); ++i) {
        if (close.outputs[i].kind != CommitmentOutputKind::kToLocal) continue;
        const auto index = static_cast<uint32_t>(i);
        if (auto ok = add_unless_dust(
                build_delayed_sweep({txid, index}, commitment.outputs[i].value,
                                    close.to_local_script, close.local_delayed_key, delay,
                                    in.sweep_script, in.feerate_per_kw),
                Resolution{ResolutionKind::kToLocalSweep, {}, txid, delay, 0}, index, out);
            !ok) {
            return ok.error();
        }
    }
    for (size_t i = 0; i < close.htlc_txs.size(); ++i) {
        const HtlcTx& h = close.htlc_txs[i];
        const uint32_t output = h.tx.inputs[0].prevout.index;
        Result<bitcoin::Transaction> second = make_error("", "");
        ResolutionKind kind = ResolutionKind::kHtlcTimeout;
        if (h.kind == CommitmentOutputKind::kOfferedHtlc) {
            second = signed_htlc_timeout_tx(close, i);
        } else {
            const Hash256* preimage =
                preimage_for(in.preimages, close.spec.htlcs[h.htlc_index].payment_hash);
            if (!preimage) {  // the remote takes it back after its timeout
                out.unresolved.push_back(output);
                continue;
            }
            second = signed_htlc_success_tx(close, i, *preimage);
            kind = ResolutionKind::kHtlcSuccess;
        }
        if (!second) return second.error();
        const bitcoin::Transaction& htlc_tx = second.value();
        const Hash256 htlc_txid = bitcoin::txid(htlc_tx);
        out.to_broadcast.push_back(
            Resolution{kind, htlc_tx, txid, 0, htlc_tx.lock_time, in.channel.local_commit->spec.htlcs[h.htlc_index].id});
        if (auto ok = add_unless_dust(
                build_delayed_sweep({htlc_txid, 0}, htlc_tx.outputs[0].value, close.to_local_script,
                                    close.local_delayed_key, delay, in.sweep_script,
                                    in.feerate_per_kw),
                Resolution{ResolutionKind::kSecondStageSweep, {}, htlc_txid, delay, 0}, output,
                out);
            !ok) {
            return ok.error();
        }
    }
    return out;
}

// The justice parameters of the remote's revoked commitment `number`: its stored HTLCs, or
// when we kept none for that number, to_local alone with the shachain's secret.
Result<JusticeParams> revoked_params(const ResolverInputs& in, const bitcoin::Transaction& spend,
                                     uint64_t number) {
    std::optional<RemoteCommitmentRevoked> revoked;
    for (const RemoteCommitmentRevoked& r : in.revoked) {
        if (r.number == number) revoked = r;
    }
    if (!revoked) {
        RESOLVE_TRY(index, commitment_index(number));
        RESOLVE_TRY(secret, in.channel.remote_secrets.derive(index));
        revoked = RemoteCommitmentRevoked{number, secret, BalanceSpec{}};
    }
    return justice_params(in.channel, in.secrets, *revoked, spend, in.sweep_script,
                          in.feerate_per_kw);
}

// Nothing left to take (or only dust) is no error for the justice tx.
bool nothing_left(const Result<bitcoin::Transaction>& justice) {
    return !justice && (justice.error().code == "channel_nothing_to_sweep" ||
                        justice.error().code == "channel_sweep_below_dust");
}

Result<ChainResolution> resolve_revoked(const ResolverInputs& in, const bitcoin::Transaction& spend,
                                        uint64_t number) {
    ChainResolution out{FundingSpendKind::kRevokedCommitment, number, {}, {}};
    RESOLVE_TRY(params, revoked_params(in, spend, number));
    const Hash256 txid = bitcoin::txid(spend);
    auto justice = build_justice_tx(params);
    if (justice) {
        out.to_broadcast.push_back(
            Resolution{ResolutionKind::kJustice, justice.value(), txid, 0, 0});
    } else if (!nothing_left(justice)) {
        return justice.error();
    }
    if (auto ok = sweep_our_to_remote(in, spend, out); !ok) return ok.error();
    // Nothing of it opens with the revocation key nor pays us: not the remote's (our own old
    // commitment carries numbers from the same space).
    if (out.to_broadcast.empty() && !justice) out.kind = FundingSpendKind::kUnknown;
    return out;
}

}  // namespace

Result<ChainResolution> resolve_funding_spend(const ResolverInputs& in,
                                              const bitcoin::Transaction& spend) {
    const Channel& c = in.channel;
    const bool spends_funding =
        std::any_of(spend.inputs.begin(), spend.inputs.end(),
                    [&](const bitcoin::TxIn& i) { return i.prevout == c.funding_outpoint; });
    if (!spends_funding) {
        return make_error("channel_not_a_funding_spend",
                          "the tx does not spend the funding output");
    }
    const Hash256 txid = bitcoin::txid(spend);
    if (c.closing_tx && bitcoin::txid(*c.closing_tx) == txid) {
        return ChainResolution{FundingSpendKind::kCooperativeClose, 0, {}, {}};
    }
    const std::optional<uint64_t> number = commitment_number_of(spend, c.obscuring_factor);
    if (!number || !c.local_commit || !c.remote_commit) {
        return ChainResolution{FundingSpendKind::kUnknown, 0, {}, {}};
    }
    RESOLVE_TRY(local, local_commitment_close(c, in.secrets));
    if (bitcoin::txid(local.commitment_tx) == txid) return resolve_local(in, local, *number);

    const RemoteCommit& remote =
        c.remote_commit->number == *number
            ? *c.remote_commit
            : (c.remote_next_commit && c.remote_next_commit->commit.number == *number
                   ? c.remote_next_commit->commit
                   : *c.remote_commit);
    if (remote.number == *number) {
        RESOLVE_TRY(spec,
                    remote_commitment_spec(c, remote.per_commitment_point, *number, remote.spec));
        RESOLVE_TRY(built, build_commitment_tx(spec));
        if (bitcoin::txid(built.tx) == txid) {
            ChainResolution out{FundingSpendKind::kRemoteCommitment, *number, {}, {}};
            RESOLVE_TRY(htlc_key, derive_privkey(in.secrets.htlc_basepoint_secret,
                                                 remote.per_commitment_point));
            for (size_t i = 0; i < built.outputs.size(); ++i) {
                const CommitmentOutput& o = built.outputs[i];
                if (o.kind != CommitmentOutputKind::kOfferedHtlc &&
                    o.kind != CommitmentOutputKind::kReceivedHtlc) {
                    continue;
                }
                const auto index = static_cast<uint32_t>(i);
                const CommittedHtlc& h = spec.htlcs[o.htlc_index];
                // The remote's view: an HTLC it received is one we offered.
                const bool we_offered = o.kind == CommitmentOutputKind::kReceivedHtlc;
                std::optional<Hash256> preimage;
                if (!we_offered) {
                    const Hash256* known = preimage_for(in.preimages, h.payment_hash);
                    if (!known) {
                        out.unresolved.push_back(index);
                        continue;
                    }
                    preimage = *known;
                }
                const Resolution r{we_offered ? ResolutionKind::kClaimHtlcTimeout
                                              : ResolutionKind::kClaimHtlcSuccess,
                                   {},
                                   txid,
                                   0,
                                   we_offered ? h.cltv_expiry : 0,
                                   remote.spec.htlcs[o.htlc_index].id};
                if (auto ok = add_unless_dust(
                        build_htlc_claim({txid, index}, spend.outputs[i].value, o.witness_script,
                                         htlc_key, preimage, h.cltv_expiry, in.sweep_script,
                                         in.feerate_per_kw),
                        r, index, out);
                    !ok) {
                    return ok.error();
                }
            }
            if (auto ok = sweep_our_to_remote(in, spend, out); !ok) return ok.error();
            return out;
        }
    }
    if (*number < c.remote_commit->number) return resolve_revoked(in, spend, *number);
    return ChainResolution{FundingSpendKind::kUnknown, *number, {}, {}};
}

Result<ChainResolution> resolve_revoked_htlc_txs(const ResolverInputs& in,
                                                 const bitcoin::Transaction& revoked_commitment,
                                                 std::span<const bitcoin::Transaction> htlc_txs) {
    RESOLVE_TRY(first, resolve_funding_spend(in, revoked_commitment));
    if (first.kind != FundingSpendKind::kRevokedCommitment) {
        return make_error("channel_not_revoked_commitment",
                          "the transaction is not a revoked commitment of the remote's");
    }
    ChainResolution out{FundingSpendKind::kRevokedCommitment, first.commitment_number, {}, {}};
    RESOLVE_TRY(params, revoked_params(in, revoked_commitment, first.commitment_number));
    const Hash256 txid = bitcoin::txid(revoked_commitment);
    auto justice = build_justice_tx(params, htlc_txs);
    if (justice) {
        out.to_broadcast.push_back(
            Resolution{ResolutionKind::kJustice, justice.value(), txid, 0, 0});
    } else if (!nothing_left(justice)) {
        return justice.error();
    }
    for (const bitcoin::Transaction& htlc_tx : htlc_txs) {
        const auto spent = std::find_if(htlc_tx.inputs.begin(), htlc_tx.inputs.end(),
                                        [&](const bitcoin::TxIn& i) { return i.prevout.txid == txid; });
        auto swept = build_revoked_htlc_sweep(params, htlc_tx);
        if (spent == htlc_tx.inputs.end() ||
            (!swept && swept.error().code == "channel_nothing_to_sweep")) {
            return make_error("channel_not_an_htlc_tx",
                              "the transaction is not an HTLC tx of the revoked commitment");
        }
        if (auto ok = add_unless_dust(
                std::move(swept),
                Resolution{ResolutionKind::kRevokedHtlcSweep, {}, bitcoin::txid(htlc_tx), 0, 0},
                spent->prevout.index, out);
            !ok) {
            return ok.error();
        }
    }
    return out;
}

uint32_t earliest_height(const Resolution& r, uint32_t parent_height) {
    const uint32_t after_parent = parent_height + std::max<uint32_t>(r.csv, 1);
    return std::max(after_parent, r.cltv == 0 ? 0 : r.cltv + 1);
}

const char* spend_kind_name(FundingSpendKind kind) {
    switch (kind) {
        case FundingSpendKind::kCooperativeClose: return "cooperative_close";
        case FundingSpendKind::kLocalCommitment: return "local_commitment";
        case FundingSpendKind::kRemoteCommitment: return "remote_commitment";
        case FundingSpendKind::kRevokedCommitment: return "revoked_commitment";
        case FundingSpendKind::kUnknown: return "unknown";
    }
    return "unknown";
}

const char* resolution_kind_name(ResolutionKind kind) {
    switch (kind) {
        case ResolutionKind::kJustice: return "justice";
        case ResolutionKind::kToLocalSweep: return "to_local_sweep";
        case ResolutionKind::kToRemoteSweep: return "to_remote_sweep";
        case ResolutionKind::kHtlcTimeout: return "htlc_timeout";
        case ResolutionKind::kHtlcSuccess: return "htlc_success";
        case ResolutionKind::kSecondStageSweep: return "second_stage_sweep";
        case ResolutionKind::kClaimHtlcTimeout: return "claim_htlc_timeout";
        case ResolutionKind::kClaimHtlcSuccess: return "claim_htlc_success";
        case ResolutionKind::kRevokedHtlcSweep: return "revoked_htlc_sweep";
    }
    return "unknown";
}

}  // namespace datt::channel
