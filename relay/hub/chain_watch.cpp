// The hub's chain watch: see chain_watch.h.
#include "hub/chain_watch.h"

#include <algorithm>

#include "bitcoin/display_hash.h"
#include "channel/channel_frame.h"
#include "crypto/sha256.h"
#include "engine/log.h"
#include "hub/hub.h"
#include "hub/justice_fee_bump.h"
#include "hub/revoked_htlc_txs.h"
#include "util/hex.h"

namespace datt::relay::hub {

using channel::ChannelId;
using channel::FundingSpendKind;
using channel::ResolutionKind;

namespace {

constexpr size_t kClosingCounter = 9;  // broadcasts_[9]: cooperative closing transactions

std::string txid_hex(const bitcoin::Transaction& tx) { return bitcoin::to_display_hex(bitcoin::txid(tx)); }

// What the resolver is given for a channel (chain_watch.h, step 2); `preimages` and `revoked`
// must outlive it.
channel::ResolverInputs resolver_inputs(const channel::Channel& state, const channel::ChannelSecrets& secrets,
                                        const std::vector<Hash256>& preimages,
                                        const std::vector<channel::RemoteCommitmentRevoked>& revoked) {
    return {state, secrets, revoked, preimages, state.local_shutdown_script, state.feerate_per_kw};
}

}  // namespace

// start(): where the bridge reports spends, then every stored channel's funding outpoint
// and the inputs of every resolver transaction not yet in a block.
void Hub::watch_chain() {
    if (!chain_) return;
    chain_->set_spend_listener([this](const SpendSeen& spend) { post([this, spend] { spend_seen(spend); }); });
    for (const auto& [id, live] : channels_) watch_funding(live);
    for (const auto& [id, record] : onchain_) {
        for (const OnchainTx& t : record.txs) {
            if (t.progress != TxProgress::kWaiting) continue;
            for (const bitcoin::TxIn& in : t.resolution.tx.inputs) {
                chain_->watch_spend(in.prevout, record.spend_height.value_or(0));
            }
        }
    }
}

void Hub::watch_funding(const Live& live) {
    if (!chain_ || !live.stored) return;
    auto found = onchain_.find(live.state.channel_id);
    uint32_t from = 0;
    if (found != onchain_.end()) {
        // A spend already seen: from its block (it may confirm while we were down);
        // else from the funding's block.
        from = found->second.spend_height ? *found->second.spend_height
                                          : found->second.funding_height.value_or(0);
    }
    chain_->watch_spend(live.state.funding_outpoint, from);
}

// The funding check saw the output with `confirmations`: its block height is kept, for the
// rescan after a restart.
void Hub::note_funding_height(Out& out, const Live& live, uint32_t confirmations) {
    if (!chain_ || confirmations == 0) return;
    const uint32_t tip = chain_->tip_height();
    if (tip + 1 < confirmations) return;  // the bridge's tip lags the node's: next time
    OnchainRecord& record = onchain_[live.state.channel_id];
    if (record.funding_height) return;
    record.funding_height = tip + 1 - confirmations;
    put_onchain(out, live.state.channel_id);
}

void Hub::put_onchain(Out& out, const ChannelId& id) {
    auto found = onchain_.find(id);
    if (found == onchain_.end()) return;
    out.commands.push_back(PutHubOnchain{id, serialize_onchain_record(found->second)});
}

// Its funding output spent, or the hub's own commitment on its way (force_close.h).
bool Hub::closed_on_chain(const ChannelId& id) const {
    if (force_closes_.count(id)) return true;
    auto found = onchain_.find(id);
    return found != onchain_.end() && found->second.spend_txid.has_value();
}

void Hub::spend_seen(const SpendSeen& spend) {
    Out out;
    for (auto& [id, live] : channels_) {
        if (live.stored && live.state.funding_outpoint == spend.outpoint) {
            funding_spent(out, live, spend);
            return flush(out);
        }
    }
    // An input of one of our resolver transactions: ours confirmed, or another took it (the
    // payee's claim of an HTLC with its preimage, which settles the payer's HTLC).
    learn_preimages(out, spend.tx);
    const Hash256 txid = bitcoin::txid(spend.tx);
    for (auto& [id, record] : onchain_) {
        bool changed = false;
        // Another tx took an input of a justice tx of ours: an HTLC tx of the cheater's, maybe
        // (revoked_htlc_txs.h). Told again after a restart too: a record that had no spend
        // bytes then (version 2) has them now (funding_spent), and taking it is idempotent.
        bool justice_lost = false;
        for (OnchainTx& t : record.txs) {
            if (!spend.height) continue;
            const bool spends_it = std::any_of(t.resolution.tx.inputs.begin(), t.resolution.tx.inputs.end(),
                                               [&](const bitcoin::TxIn& in) { return in.prevout == spend.outpoint; });
            if (!spends_it) continue;
            // Ours in any version (a justice tx's fee may have been bumped: justice_fee_bump.h).
            const bool ours = version_with_txid(t, txid) != nullptr;
            justice_lost = justice_lost || (!ours && t.resolution.kind == ResolutionKind::kJustice);
            if (t.progress != TxProgress::kWaiting) continue;
            if (ours) {
                adopt_version(t, txid);  // the record says which version was mined
                t.progress = TxProgress::kConfirmed;
                t.confirmed_height = *spend.height;
                log::info("hub channel " + to_hex(id) + ": our " + resolution_kind_name(t.resolution.kind) + " " +
                          txid_hex(t.resolution.tx) + " is in block " + std::to_string(*spend.height));
            } else {
                t.progress = TxProgress::kLost;
                log::warn("hub channel " + to_hex(id) + ": the output our " + resolution_kind_name(t.resolution.kind) +
                          " claims was spent by " + bitcoin::to_display_hex(txid));
            }
            changed = true;
        }
        if (justice_lost && spend.outpoint.txid == record.spend_txid && take_cheater_htlc_tx(id, record, spend)) {
            changed = true;
        }
        if (changed) {
            put_onchain(out, id);
            broadcast_due(out, id);  // children of a confirmed transaction may be due now
        }
    }
    flush(out);
}

void Hub::funding_spent(Out& out, Live& live, const SpendSeen& spend) {
    const ChannelId id = live.state.channel_id;
    const Hash256 txid = bitcoin::txid(spend.tx);
    OnchainRecord& record = onchain_[id];
    if (record.spend_txid) {
        if (*record.spend_txid != txid) {
            // A replaced spend or a reorganization: not handled (chain_watch.h).
            log::warn("hub channel " + to_hex(id) + ": another spend of the funding output seen (" +
                      bitcoin::to_display_hex(txid) + "); the stored resolution is kept");
            return;
        }
        bool changed = false;
        if (spend.height && !record.spend_height) {
            record.spend_height = *spend.height;
            changed = true;
        }
        // A record stored before the spend's bytes were kept (version 2): the rescan from the
        // spend's block after a restart (watch_funding) brings them, for the cheater's HTLC txs.
        if (record.spend_kind == FundingSpendKind::kRevokedCommitment && !record.spend_tx) {
            record.spend_tx = spend.tx;
            changed = true;
            log::info("hub channel " + to_hex(id) + ": the revoked commitment's bytes are kept now");
        }
        if (changed) {
            put_onchain(out, id);
            broadcast_due(out, id);
        }
        return;
    }
    const std::vector<Hash256> preimages = known_preimages(live);
    auto resolved = channel::resolve_funding_spend(resolver_inputs(live.state, live.secrets, preimages, revoked_[id]),
                                                   spend.tx);
    record.spend_txid = txid;
    record.spend_height = spend.height;
    if (!resolved) {
        // Our bug or a state we cannot read: the channel is closed all the same, nothing to send.
        log::error("hub channel " + to_hex(id) + ": resolving spend " + bitcoin::to_display_hex(txid) + ": " +
                   resolved.error().code + ": " + resolved.error().message);
        record.spend_kind = FundingSpendKind::kUnknown;
    } else {
        record.spend_kind = resolved->kind;
        record.commitment_number = resolved->commitment_number;
        for (channel::Resolution& r : resolved->to_broadcast) {
            record.txs.push_back(OnchainTx{std::move(r), TxProgress::kWaiting, 0});
        }
        record.unresolved = resolved->unresolved;
        // Resolved again if the cheater's HTLC txs beat our justice tx (revoked_htlc_txs.h).
        if (resolved->kind == FundingSpendKind::kRevokedCommitment) record.spend_tx = spend.tx;
    }
    out.after.push_back([this, kind = static_cast<size_t>(record.spend_kind)] { ++spends_[kind]; });  // once stored
    log::info("hub channel " + to_hex(id) + ": funding spent by " + bitcoin::to_display_hex(txid) + " (" +
              spend_kind_name(record.spend_kind) + "), " + std::to_string(record.txs.size()) +
              " transaction(s) to broadcast, " + std::to_string(record.unresolved.size()) + " output(s) unresolved");
    for (const OnchainTx& t : record.txs) {
        for (const bitcoin::TxIn& in : t.resolution.tx.inputs) chain_->watch_spend(in.prevout, spend.height.value_or(0));
    }
    detach_closed(out, live, id, "the channel's funding output was spent on chain");
    put_onchain(out, id);
    broadcast_due(out, id);
}

// A transaction in a block took an output of the revoked commitment from our justice tx: if
// it is the cheater's HTLC tx, the record gets the justice tx without it and the sweep of its
// output (revoked_htlc_txs.h), watched from here on; the caller stores the record (true: it
// changed), then broadcasts what is due. One already taken (told again) changes nothing.
bool Hub::take_cheater_htlc_tx(const ChannelId& id, OnchainRecord& record, const SpendSeen& spend) {
    auto live = channels_.find(id);
    if (live == channels_.end() || !spend.height) return false;
    const Hash256 txid = bitcoin::txid(spend.tx);
    if (std::any_of(record.cheater_htlc_txs.begin(), record.cheater_htlc_txs.end(),
                    [&](const CheaterHtlcTx& c) { return bitcoin::txid(c.tx) == txid; })) {
        return false;
    }
    const std::vector<Hash256> preimages = known_preimages(live->second);
    const size_t before = record.txs.size();
    auto added = hub::take_cheater_htlc_tx(
        record, resolver_inputs(live->second.state, live->second.secrets, preimages, revoked_[id]), spend.tx,
        *spend.height);
    if (!added) {
        log::warn("hub channel " + to_hex(id) + ": " + bitcoin::to_display_hex(txid) +
                  " is not taken again: " + added.error().code + ": " + added.error().message);
        return false;
    }
    log::info("hub channel " + to_hex(id) + ": the cheater's HTLC tx " + bitcoin::to_display_hex(txid) +
              " beat our justice tx: " + std::to_string(*added) + " transaction(s) to take the rest");
    for (size_t i = before; i < record.txs.size(); ++i) {
        for (const bitcoin::TxIn& in : record.txs[i].resolution.tx.inputs) chain_->watch_spend(in.prevout, *spend.height);
    }
    return true;
}

// A new tip: what became due is broadcast, and what is due and not in a block yet again.
void Hub::chain_tick(Out& out) {
    if (!chain_) return;
    const uint32_t tip = chain_->tip_height();
    if (tip == 0 || tip == broadcast_tip_) return;
    broadcast_tip_ = tip;
    force_close_due_channels(out, tip);
    fail_back_timed_out(out, tip);
    prune_revoked(out, tip);
    forget_closed_forwards(out, tip);
    bump_justice_fees(out, tip);
    for (const auto& [id, record] : onchain_) broadcast_due(out, id);
    for (const auto& [id, close] : force_closes_) broadcast_force_close(out, id);
}

// Waiting justice txs past half their window are replaced at a higher feerate
// (justice_fee_bump.h); each record changed is stored here, before broadcast_due sends it.
void Hub::bump_justice_fees(Out& out, uint32_t tip) {
    for (auto& [id, record] : onchain_) {
        auto live = channels_.find(id);
        if (live == channels_.end() || record.spend_kind != FundingSpendKind::kRevokedCommitment) continue;
        if (std::none_of(record.txs.begin(), record.txs.end(), [](const OnchainTx& t) {
                return t.resolution.kind == ResolutionKind::kJustice && t.progress == TxProgress::kWaiting;
            })) {
            continue;
        }
        const std::vector<Hash256> preimages = known_preimages(live->second);
        std::vector<Hash256> before;  // for the log: which were replaced
        for (const OnchainTx& t : record.txs) before.push_back(bitcoin::txid(t.resolution.tx));
        auto bumped = bump_justice_fee(
            record, resolver_inputs(live->second.state, live->second.secrets, preimages, revoked_[id]), tip);
        if (!bumped) {
            log::warn("hub channel " + to_hex(id) + ": justice tx not rebuilt at a higher feerate: " +
                      bumped.error().code + ": " + bumped.error().message);
            continue;
        }
        if (*bumped == 0) continue;
        for (size_t i = 0; i < record.txs.size(); ++i) {
            const OnchainTx& t = record.txs[i];
            if (bitcoin::txid(t.resolution.tx) == before[i]) continue;
            log::info("hub channel " + to_hex(id) + ": justice tx " + bitcoin::to_display_hex(before[i]) +
                      " replaced by " + txid_hex(t.resolution.tx) + " at " + std::to_string(t.feerate_per_kw) +
                      " sat/kw");
        }
        out.after.push_back([this, n = *bumped] { justice_fee_bumps_ += n; });  // once stored
        put_onchain(out, id);
    }
}

// Broadcasts (once `out` is committed) each waiting transaction of the channel's record
// whose parent is in a block and whose delays end by the next block.
void Hub::broadcast_due(Out& out, const ChannelId& id) {
    auto found = onchain_.find(id);
    if (!chain_ || found == onchain_.end()) return;
    const OnchainRecord& record = found->second;
    if (!record.spend_height) return;
    const uint32_t tip = chain_->tip_height();
    for (const OnchainTx& t : record.txs) {
        if (t.progress != TxProgress::kWaiting) continue;
        std::optional<uint32_t> parent_height;
        if (t.resolution.parent_txid == *record.spend_txid) parent_height = record.spend_height;
        for (const CheaterHtlcTx& c : record.cheater_htlc_txs) {
            if (bitcoin::txid(c.tx) == t.resolution.parent_txid) parent_height = c.height;
        }
        for (const OnchainTx& p : record.txs) {
            if (p.progress == TxProgress::kConfirmed && bitcoin::txid(p.resolution.tx) == t.resolution.parent_txid) {
                parent_height = p.confirmed_height;
            }
        }
        if (!parent_height || channel::earliest_height(t.resolution, *parent_height) > tip + 1) continue;
        const size_t counter = static_cast<size_t>(t.resolution.kind);
        const std::string what = std::string(resolution_kind_name(t.resolution.kind)) + " " + txid_hex(t.resolution.tx);
        const std::string name = "hub channel " + to_hex(id);
        out.after.push_back([this, raw = bitcoin::serialize(t.resolution.tx), counter, what, name] {
            ++broadcasts_[counter];
            chain_->broadcast(raw, [this, what, name](Result<BroadcastVerdict> verdict) {
                if (!verdict) {
                    log::warn(name + ": broadcasting " + what + ": " + verdict.error().code + ": " +
                              verdict.error().message);
                } else if (!verdict->accepted) {
                    ++broadcast_refusals_;
                    log::info(name + ": the node refused " + what + ": " + verdict->reason);
                } else {
                    log::info(name + ": broadcast " + what);
                }
            });
        });
    }
}

// The cooperative close both signed: broadcast once the state holding it is committed.
void Hub::broadcast_closing(Out& out, const bitcoin::Transaction& closing_tx) {
    if (!chain_) return;
    const std::string what = "closing transaction " + txid_hex(closing_tx);
    out.after.push_back([this, raw = bitcoin::serialize(closing_tx), what] {
        ++broadcasts_[kClosingCounter];
        chain_->broadcast(raw, [this, what](Result<BroadcastVerdict> verdict) {
            if (!verdict || !verdict->accepted) {
                ++broadcast_refusals_;
                log::info("hub: " + what + " not accepted: " +
                          (verdict ? verdict->reason : verdict.error().code + ": " + verdict.error().message));
            } else {
                log::info("hub: broadcast " + what);
            }
        });
    });
}

std::string Hub::metrics_text() const {
    std::string out =
        "# HELP datt_hub_onchain_spends_total Spends of hub channels' funding outputs seen, by what they were.\n"
        "# TYPE datt_hub_onchain_spends_total counter\n";
    for (uint8_t k = 0; k <= static_cast<uint8_t>(FundingSpendKind::kUnknown); ++k) {
        out += std::string("datt_hub_onchain_spends_total{kind=\"") + spend_kind_name(static_cast<FundingSpendKind>(k)) +
               "\"} " + std::to_string(spends_[k].load()) + "\n";
    }
    out += "# HELP datt_hub_onchain_broadcasts_total Transactions the hub sent to the node (again on each block until mined).\n"
           "# TYPE datt_hub_onchain_broadcasts_total counter\n";
    for (uint8_t k = 0; k <= static_cast<uint8_t>(ResolutionKind::kRevokedHtlcSweep); ++k) {
        out += std::string("datt_hub_onchain_broadcasts_total{kind=\"") +
               resolution_kind_name(static_cast<ResolutionKind>(k)) + "\"} " + std::to_string(broadcasts_[k].load()) +
               "\n";
    }
    out += "datt_hub_onchain_broadcasts_total{kind=\"closing\"} " + std::to_string(broadcasts_[kClosingCounter].load()) +
           "\n";
    out += "# HELP datt_hub_force_closes_total Channels the hub closed on chain itself, by the deadline that made it.\n"
           "# TYPE datt_hub_force_closes_total counter\n";
    for (const ForceReason r : {ForceReason::kOfferedExpired, ForceReason::kFulfilledExpiring}) {
        out += std::string("datt_hub_force_closes_total{reason=\"") + force_reason_name(r) + "\"} " +
               std::to_string(force_closes_total_[static_cast<size_t>(r)].load()) + "\n";
    }
    out += "# HELP datt_hub_onchain_fail_backs_total Payers' HTLCs failed back once the hub's timeout on chain was final.\n"
           "# TYPE datt_hub_onchain_fail_backs_total counter\n"
           "datt_hub_onchain_fail_backs_total " + std::to_string(onchain_fail_backs_.load()) + "\n"
           "# HELP datt_hub_onchain_fulfils_total Payers' HTLCs fulfilled with a preimage the payee revealed on chain.\n"
           "# TYPE datt_hub_onchain_fulfils_total counter\n"
           "datt_hub_onchain_fulfils_total " + std::to_string(onchain_fulfils_.load()) + "\n";
    out += "# HELP datt_hub_justice_fee_bumps_total Justice txs the hub replaced at a higher feerate.\n"
           "# TYPE datt_hub_justice_fee_bumps_total counter\n"
           "datt_hub_justice_fee_bumps_total " + std::to_string(justice_fee_bumps_.load()) + "\n";
    out += "# HELP datt_hub_onchain_broadcast_refusals_total Hub transactions the node did not accept.\n"
           "# TYPE datt_hub_onchain_broadcast_refusals_total counter\n"
           "datt_hub_onchain_broadcast_refusals_total " + std::to_string(broadcast_refusals_.load()) + "\n";
    return out + wallet_metrics();
}

}  // namespace datt::relay::hub
