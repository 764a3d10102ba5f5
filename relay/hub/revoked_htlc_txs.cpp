#include "hub/revoked_htlc_txs.h"

#include <algorithm>
#include <vector>

namespace datt::relay::hub {
namespace {

bool holds(const OnchainRecord& record, const Hash256& txid) {
    return std::any_of(record.txs.begin(), record.txs.end(),
                       [&](const OnchainTx& t) { return bitcoin::txid(t.resolution.tx) == txid; });
}

}  // namespace

bool forget_revoked(const OnchainRecord& record, uint32_t tip) {
    if (!record.spend_height || uint64_t{tip} + 1 < uint64_t{*record.spend_height} + kRevokedPruneDepth) return false;
    return std::none_of(record.txs.begin(), record.txs.end(), [](const OnchainTx& t) {
        return t.resolution.kind == channel::ResolutionKind::kJustice && t.progress == TxProgress::kWaiting;
    });
}

Result<size_t> take_cheater_htlc_tx(OnchainRecord& record, const channel::ResolverInputs& in,
                                    const bitcoin::Transaction& htlc_tx, uint32_t height) {
    if (record.spend_kind != channel::FundingSpendKind::kRevokedCommitment || !record.spend_tx) {
        return make_error("hub_no_revoked_spend", "no revoked commitment's bytes in the record");
    }
    const Hash256 txid = bitcoin::txid(htlc_tx);
    std::vector<bitcoin::Transaction> seen;
    for (const CheaterHtlcTx& c : record.cheater_htlc_txs) {
        if (bitcoin::txid(c.tx) != txid) seen.push_back(c.tx);
    }
    seen.push_back(htlc_tx);
    auto resolved = channel::resolve_revoked_htlc_txs(in, *record.spend_tx, seen);
    if (!resolved) return resolved.error();
    const bool known = seen.size() == record.cheater_htlc_txs.size();
    if (!known) record.cheater_htlc_txs.push_back(CheaterHtlcTx{htlc_tx, height});
    size_t added = 0;
    for (channel::Resolution& r : resolved->to_broadcast) {
        if (holds(record, bitcoin::txid(r.tx))) continue;
        record.txs.push_back(OnchainTx{std::move(r), TxProgress::kWaiting, 0});
        ++added;
    }
    for (uint32_t output : resolved->unresolved) {
        if (std::find(record.unresolved.begin(), record.unresolved.end(), output) == record.unresolved.end()) {
            record.unresolved.push_back(output);
        }
    }
    return added;
}

}  // namespace datt::relay::hub
