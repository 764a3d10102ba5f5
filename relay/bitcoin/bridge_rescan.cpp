// A client's `watch` of outpoints with `from_height` (docs/protocol.md "Bitcoin bridge"): the
// spends mined while it was away (a channel's funding spent by the hub's commitment while no
// tab was open) are found by scanning those blocks once, and told to that client alone as the
// usual `spend` notifications (with `tx`, `height`, `block`), then `rescanned`.
//
// Bounds: an outpoint the node says is unspent (gettxout, mempool included) is not looked
// for; at most kMaxRescanDepth blocks below the tip are scanned (a deeper from_height starts
// there, and the reply says so); kMaxRescanBlocksPerPoll blocks per poll for all clients
// together (the rest next poll); one pending range per connection (a new request widens it).
#include <algorithm>

#include "bitcoin/display_hash.h"
#include "bridge/bridge.h"
#include "util/hex.h"

namespace datt::relay::bitcoin_bridge {
namespace {

constexpr uint32_t kMaxRescanDepth = 4032;         // twice the longest to_self_delay (2,016)
constexpr uint32_t kMaxRescanBlocksPerPoll = 50;

}  // namespace

Result<json> Bridge::start_rescan(Watch& watch, const std::vector<OutPointKey>& outpoints, uint32_t from_height) {
    uint32_t tip;
    {
        std::lock_guard lock(state_mutex_);
        tip = height_;
    }
    // Nothing spends in the genesis block (its coinbase is not even in the node's tx index).
    const uint32_t oldest = tip >= kMaxRescanDepth ? tip - kMaxRescanDepth + 1 : 1;
    const uint32_t from = std::max(from_height, oldest);
    // Blocks above the tip are scanned for every watch anyway: nothing to look back for.
    if (from > tip) return json{{"from_height", from}, {"to_height", tip}, {"spent", 0}};
    std::vector<json> params;
    for (const auto& [txid, vout] : outpoints) {
        params.push_back(json::array({bitcoin::to_display_hex(txid), vout, true}));
    }
    auto outs = batch("gettxout", params);
    if (!outs) return outs.error();
    size_t spent = 0;
    for (size_t i = 0; i < outs->size(); ++i) {
        auto unspent = txout_result((*outs)[i]);
        if (!unspent) return unspent.error();
        if (*unspent) continue;
        if (!watch.rescan) watch.rescan = Rescan{{}, from, from};
        watch.rescan->outpoints.insert(outpoints[i]);
        watch.rescan->from = std::min(watch.rescan->from, from);
        watch.rescan->next = std::min(watch.rescan->next, from);
        ++spent;
    }
    if (spent > 0) next_poll_ = std::chrono::steady_clock::now();
    return json{{"from_height", from}, {"to_height", tip}, {"spent", spent}};
}

Status Bridge::rescan_for_clients() {
    uint32_t tip;
    {
        std::lock_guard lock(state_mutex_);
        tip = height_;
    }
    uint32_t budget = kMaxRescanBlocksPerPoll;
    for (auto& [id, watch] : watches_) {
        while (watch.rescan && budget > 0) {
            Rescan& rescan = *watch.rescan;
            if (rescan.next > tip || rescan.outpoints.empty()) {
                notify(id, {{"type", "rescanned"}, {"from_height", rescan.from}, {"to_height", rescan.next - 1}});
                watch.rescan.reset();
                break;
            }
            auto block = block_hash_at(rescan.next);
            if (!block) return block.error();
            auto txs = block_transactions(*block);
            if (!txs) return txs.error();
            for (const BlockTx& t : *txs) {
                std::optional<Bytes> raw;
                for (size_t vin = 0; vin < t.tx.inputs.size(); ++vin) {
                    const bitcoin::OutPoint& prev = t.tx.inputs[vin].prevout;
                    if (!rescan.outpoints.erase({prev.txid, prev.index})) continue;
                    if (!raw) raw = bitcoin::serialize(t.tx);
                    notify(id, spend_event(prev, t.txid, vin, *raw, rescan.next, &*block));
                    confirmed_[t.txid] = rescan.next;  // told `unconfirmed` if a reorg takes it
                }
            }
            ++rescan.next;
            --budget;
        }
    }
    if (budget == 0) next_poll_ = std::chrono::steady_clock::now();  // more to scan
    return Ok{};
}

}  // namespace datt::relay::bitcoin_bridge
