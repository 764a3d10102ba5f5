// The hub's wallet follows the node's chain (hub_wallet.h "Reorganizations and pending
// coins"): at every tip the bridge tells, a reorganization's disconnected coins are pending
// again at once (committed, shown), then each unspent pending coin the node might have lost
// is asked of it (gettxout, mempool included) and forgotten if the node has it nowhere.
#include "bitcoin/display_hash.h"
#include "engine/log.h"
#include "hub/hub.h"

namespace datt::relay::hub {

void Hub::wallet_tip(const TipSeen& tip) {
    if (!wallet_ || !chain_) return;
    if (tip.fork_height) {
        Out out;
        auto commands = wallet_->on_reorg(*tip.fork_height);
        if (!commands.empty()) {
            log::warn("hub wallet: a reorganization from height " + std::to_string(*tip.fork_height) + ": " +
                      std::to_string(commands.size()) + " coins pending again");
        }
        for (WriteCommand& command : commands) out.commands.push_back(std::move(command));
        publish_wallet(out);
        flush(out);
    }
    // The hub's own transactions not yet known mined: their change is not in the node before
    // they are broadcast.
    std::vector<Hash256> unmined_own;
    for (const auto& [txid, tx] : withdrawals_) unmined_own.push_back(txid);
    for (const auto& [id, tx] : funding_txs_) {
        auto live = channels_.find(id);
        if (live != channels_.end() && !live->second.funding_seen) unmined_own.push_back(bitcoin::txid(tx));
    }
    for (const bitcoin::OutPoint& outpoint : wallet_->to_check(unmined_own)) {
        chain_->unspent_output(outpoint.txid, outpoint.index,
                               [this, outpoint](const Result<std::optional<ChainOutput>>& output) {
            if (!output || output->has_value()) return;  // the node has it (or could not say)
            post([this, outpoint] {
                if (!wallet_) return;
                Out out;
                for (WriteCommand& command : wallet_->gone(outpoint)) out.commands.push_back(std::move(command));
                if (out.commands.empty()) return;
                log::warn("hub wallet: pending coin " + bitcoin::to_display_hex(outpoint.txid) + ":" +
                          std::to_string(outpoint.index) + " is gone from the node: forgotten");
                publish_wallet(out);
                flush(out);
            });
        });
    }
}

}  // namespace datt::relay::hub
