// The hub's own unilateral closes and the settling of payments from the chain: see
// force_close.h.
#include "hub/force_close.h"

#include "bitcoin/display_hash.h"
#include "channel/onchain_sweeps.h"
#include "crypto/sha256.h"
#include "engine/log.h"
#include "hub/htlc_outcome.h"
#include "hub/hub.h"
#include "hub/onchain_fail_back.h"
#include "hub/revoked_htlc_txs.h"
#include "util/hex.h"

namespace datt::relay::hub {

using channel::ChannelId;
using channel::FundingSpendKind;
using channel::ResolutionKind;

// make(): the stored decisions (untrusted bytes: a row that does not parse, or whose
// commitment does not spend its channel's funding output, is logged and left out).
void Hub::load_force_close(const StoreReader::StoredForceClose& row) {
    const std::string name = "hub force close of " + to_hex(row.channel_id);
    ChannelId id{};
    auto tx = bitcoin::parse_transaction(row.commitment);
    if (row.channel_id.size() != id.size() || !tx || row.height < 0 || row.height > UINT32_MAX ||
        (row.reason != static_cast<int64_t>(ForceReason::kOfferedExpired) &&
         row.reason != static_cast<int64_t>(ForceReason::kFulfilledExpiring))) {
        log::error(name + " is malformed; left out");
        return;
    }
    std::copy(row.channel_id.begin(), row.channel_id.end(), id.begin());
    auto live = channels_.find(id);
    if (live == channels_.end() || tx->inputs.size() != 1 ||
        !(tx->inputs[0].prevout == live->second.state.funding_outpoint)) {
        log::error(name + ": not a commitment of a stored channel; left out");
        return;
    }
    force_closes_[id] = ForceClose{static_cast<ForceReason>(row.reason), static_cast<uint32_t>(row.height),
                                   std::move(*tx)};
}

// The preimages the hub holds for HTLCs it received on the channel: the payees' (stored
// with the forwards) and its own fulfils not yet irrevocably committed.
std::vector<Hash256> Hub::known_preimages(const Live& live) const {
    const ChannelId& id = live.state.channel_id;
    std::vector<Hash256> preimages;
    for (const auto& [key, forward] : forwards_) {
        if (forward.in_channel == id && forward.preimage) preimages.push_back(*forward.preimage);
    }
    for (const auto* list : {&live.state.local_proposed, &live.state.local_signed, &live.state.local_acked}) {
        for (const channel::Update& u : *list) {
            if (const auto* f = std::get_if<channel::UpdateFulfillHtlc>(&u)) preimages.push_back(f->payment_preimage);
        }
    }
    return preimages;
}

void Hub::force_close_due_channels(Out& out, uint32_t tip) {
    for (auto& [id, live] : channels_) {
        if (!live.stored || live.refused || !live.state.local_commit || closed_on_chain(id)) continue;
        std::vector<Hash256> hashes;
        for (const Hash256& p : known_preimages(live)) hashes.push_back(crypto::sha256(p));
        if (auto due = force_close_due(deadlines_, live.state.local_commit->spec, hashes, tip)) {
            force_close(out, live, *due, tip);
        }
    }
}

void Hub::force_close(Out& out, Live& live, const ForceCloseDecision& decision, uint32_t tip) {
    const ChannelId id = live.state.channel_id;
    const std::string name = "hub channel " + to_hex(id);
    auto close = channel::local_commitment_close(live.state, live.secrets);
    if (!close) {  // our state cannot be signed: nothing to broadcast (tried again next block)
        log::error(name + ": cannot build its commitment to close on chain: " + close.error().code + ": " +
                   close.error().message);
        return;
    }
    log::warn(name + ": closing on chain (" + force_reason_name(decision.reason) + ": HTLC " +
              std::to_string(decision.htlc_id) + ", expiry " + std::to_string(decision.cltv_expiry) + ", tip " +
              std::to_string(tip) + "), commitment " + bitcoin::to_display_hex(bitcoin::txid(close->commitment_tx)));
    out.commands.push_back(PutHubForceClose{id, static_cast<uint8_t>(decision.reason), tip,
                                            bitcoin::serialize(close->commitment_tx)});
    force_closes_[id] = ForceClose{decision.reason, tip, std::move(close->commitment_tx)};
    out.after.push_back([this, reason = static_cast<size_t>(decision.reason)] { ++force_closes_total_[reason]; });
    detach_closed(out, live, id, "the hub is closing the channel on chain");
    broadcast_force_close(out, id);
}

// Once `out` is committed: the stored commitment to the node, until its spend is seen.
void Hub::broadcast_force_close(Out& out, const ChannelId& id) {
    auto found = force_closes_.find(id);
    if (!chain_ || found == force_closes_.end()) return;
    auto record = onchain_.find(id);
    if (record != onchain_.end() && record->second.spend_txid) return;  // the chain watch has it
    const std::string what = "hub channel " + to_hex(id) + ": commitment " +
                             bitcoin::to_display_hex(bitcoin::txid(found->second.commitment));
    out.after.push_back([this, raw = bitcoin::serialize(found->second.commitment), what] {
        chain_->broadcast(raw, [this, what](Result<BroadcastVerdict> verdict) {
            if (!verdict || !verdict->accepted) {
                ++broadcast_refusals_;
                log::info(what + " not accepted: " +
                          (verdict ? verdict->reason : verdict.error().code + ": " + verdict.error().message));
            } else {
                log::info(what + " broadcast");
            }
        });
    });
}

// The payee's HTLCs the hub took back on chain (or that had no output there), once final:
// the payers' fail back, each once (onchain_fail_back.h); the timeout that took one back is
// marked in the record stored with the forward.
void Hub::fail_back_timed_out(Out& out, uint32_t tip) {
    for (auto& [id, record] : onchain_) {
        std::vector<std::pair<ChannelId, uint64_t>> keys;
        std::vector<OfferedHtlc> htlcs;
        for (const auto& [key, forward] : forwards_) {
            if (forward.out_channel != id || !forward.out_htlc || forward.preimage || forward.failed) continue;
            keys.push_back(key);
            htlcs.push_back(OfferedHtlc{*forward.out_htlc, forward.payment_hash, forward.out_cltv});
        }
        if (keys.empty()) continue;
        const std::vector<FailBack> due = fail_backs(record, htlcs, tip, config_.hub_onchain_final_depth);
        for (const FailBack& f : due) {
            HubForward& forward = forwards_.at(keys[f.htlc]);
            log::info("hub: the payment " + to_hex(forward.payment_hash) + " (HTLC " + std::to_string(*forward.out_htlc) +
                      ") was " + (f.tx ? "taken back on chain" : "left without an output on chain") +
                      " from channel " + to_hex(id) + "; failing it back to " + to_hex(forward.in_channel));
            if (f.tx) record.txs[*f.tx].failed_back = true;
            forward.failed = true;
            receipts_.erase(keys[f.htlc]);
            out.commands.push_back(PutHubForward{forward});
            out.after.push_back([this] { ++onchain_fail_backs_; });
        }
        if (due.empty()) continue;
        put_onchain(out, id);
        for (const FailBack& f : due) {
            auto found = forwards_.find(keys[f.htlc]);
            if (found != forwards_.end()) settle(out, found->second);
        }
    }
}

// A transaction spending an HTLC output of a channel closed on chain: the preimage the
// payee revealed there fulfils the payer's HTLC.
void Hub::learn_preimages(Out& out, const bitcoin::Transaction& tx) {
    std::vector<std::pair<std::pair<ChannelId, uint64_t>, Hash256>> learnt;
    for (const auto& [key, forward] : forwards_) {
        if (!forward.out_htlc || forward.preimage || forward.failed || !closed_on_chain(forward.out_channel)) continue;
        if (auto preimage = preimage_in(tx, forward.payment_hash)) learnt.emplace_back(key, *preimage);
    }
    for (const auto& [key, preimage] : learnt) {
        auto found = forwards_.find(key);
        if (found == forwards_.end()) continue;
        HubForward& forward = found->second;
        log::info("hub: the payee revealed the preimage of " + to_hex(forward.payment_hash) + " on chain (" +
                  bitcoin::to_display_hex(bitcoin::txid(tx)) + "); fulfilling the payer's HTLC");
        forward.preimage = preimage;
        out.commands.push_back(PutHubForward{forward});
        out.after.push_back([this] { ++onchain_fulfils_; });
        publish_receipt(out, forward);
        settle(out, forward);
    }
}

// The revoked commitments of a channel whose funding spend is deep enough and whose justice
// txs are all settled (revoked_htlc_txs.h, forget_revoked): the resolver ran on that spend
// long ago (reorganizations deeper than that are not handled).
void Hub::prune_revoked(Out& out, uint32_t tip) {
    for (auto it = revoked_.begin(); it != revoked_.end();) {
        auto record = onchain_.find(it->first);
        if (record == onchain_.end() || !forget_revoked(record->second, tip)) {
            ++it;
            continue;
        }
        log::info("hub channel " + to_hex(it->first) + ": its funding spend is final; " +
                  std::to_string(it->second.size()) + " revoked commitment(s) forgotten");
        out.commands.push_back(DeleteHubRevoked{it->first});
        it = revoked_.erase(it);
    }
}

// Forwards whose payee side ended (fulfilled or failed) and whose payer's channel closed on
// chain, its funding spend hub_onchain_final_depth deep: settle() can never reach that
// payer again, and its resolver ran long ago with the preimages these rows held.
void Hub::forget_closed_forwards(Out& out, uint32_t tip) {
    for (auto it = forwards_.begin(); it != forwards_.end();) {
        const HubForward& forward = it->second;
        auto record = onchain_.find(forward.in_channel);
        const bool ended = forward.preimage || forward.failed;
        if (!ended || record == onchain_.end() || !record->second.spend_txid || !record->second.spend_height ||
            uint64_t{tip} + 1 < uint64_t{*record->second.spend_height} + config_.hub_onchain_final_depth) {
            ++it;
            continue;
        }
        log::info("hub: the forward of " + to_hex(forward.payment_hash) + " is over: its payer's channel " +
                  to_hex(forward.in_channel) + " is closed on chain; its row goes");
        out.commands.push_back(DeleteHubForward{it->first.first, it->first.second});
        receipts_.erase(it->first);
        it = forwards_.erase(it);
    }
}

}  // namespace datt::relay::hub
