// The hub's fee bumps of its justice txs: see justice_fee_bump.h.
#include "hub/justice_fee_bump.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "channel/fee_bump.h"

namespace datt::relay::hub {

using channel::ResolutionKind;

namespace {

bool same_inputs(const bitcoin::Transaction& a, const bitcoin::Transaction& b) {
    return std::equal(a.inputs.begin(), a.inputs.end(), b.inputs.begin(), b.inputs.end(),
                      [](const bitcoin::TxIn& x, const bitcoin::TxIn& y) { return x.prevout == y.prevout; });
}

// What the justice tx takes: the revoked commitment's outputs it spends.
bitcoin::Sats value_taken(const bitcoin::Transaction& justice, const bitcoin::Transaction& commitment) {
    const Hash256 txid = bitcoin::txid(commitment);
    int64_t sum = 0;
    for (const bitcoin::TxIn& in : justice.inputs) {
        if (in.prevout.txid == txid && in.prevout.index < commitment.outputs.size()) {
            sum += commitment.outputs[in.prevout.index].value.value();
        }
    }
    return bitcoin::Sats{sum};
}

// The justice tx the resolver gives at `feerate` over the same inputs as `current`.
Result<bitcoin::Transaction> rebuilt(const OnchainRecord& record, const channel::ResolverInputs& in,
                                     uint32_t feerate, const bitcoin::Transaction& current) {
    const channel::ResolverInputs at{in.channel, in.secrets, in.revoked, in.preimages, in.sweep_script, feerate};
    std::vector<bitcoin::Transaction> htlc_txs;
    for (const CheaterHtlcTx& c : record.cheater_htlc_txs) htlc_txs.push_back(c.tx);
    auto resolved = htlc_txs.empty() ? channel::resolve_funding_spend(at, *record.spend_tx)
                                     : channel::resolve_revoked_htlc_txs(at, *record.spend_tx, htlc_txs);
    if (!resolved) return resolved.error();
    for (channel::Resolution& r : resolved->to_broadcast) {
        if (r.kind == ResolutionKind::kJustice && same_inputs(r.tx, current)) return std::move(r.tx);
    }
    return make_error("hub_justice_not_rebuilt", "the resolver gives no justice tx over the same inputs");
}

}  // namespace

Result<size_t> bump_justice_fee(OnchainRecord& record, const channel::ResolverInputs& in, uint32_t tip) {
    if (!record.spend_tx || !record.spend_height) return size_t{0};
    const channel::FeeBumpWindow window{in.feerate_per_kw, *record.spend_height,
                                        *record.spend_height + in.channel.local_config.to_self_delay};
    std::vector<std::pair<size_t, std::pair<bitcoin::Transaction, uint32_t>>> bumps;
    for (size_t i = 0; i < record.txs.size(); ++i) {
        const OnchainTx& t = record.txs[i];
        if (t.resolution.kind != ResolutionKind::kJustice || t.progress != TxProgress::kWaiting) continue;
        if (t.replaced.size() >= channel::kMaxFeeBumps) continue;
        const uint32_t current = t.feerate_per_kw != 0 ? t.feerate_per_kw : in.feerate_per_kw;
        const auto feerate = channel::fee_bump(window, current, value_taken(t.resolution.tx, *record.spend_tx),
                                               bitcoin::weight(t.resolution.tx), tip);
        if (!feerate) continue;
        auto tx = rebuilt(record, in, *feerate, t.resolution.tx);
        if (!tx) return tx.error();
        bumps.push_back({i, {std::move(*tx), *feerate}});
    }
    // Applied once all are rebuilt: on error the record is unchanged.
    for (auto& [i, bump] : bumps) {
        OnchainTx& t = record.txs[i];
        t.replaced.push_back(std::move(t.resolution.tx));
        t.resolution.tx = std::move(bump.first);
        t.feerate_per_kw = bump.second;
    }
    return bumps.size();
}

const bitcoin::Transaction* version_with_txid(const OnchainTx& t, const Hash256& txid) {
    if (bitcoin::txid(t.resolution.tx) == txid) return &t.resolution.tx;
    for (const bitcoin::Transaction& older : t.replaced) {
        if (bitcoin::txid(older) == txid) return &older;
    }
    return nullptr;
}

bool adopt_version(OnchainTx& t, const Hash256& txid) {
    if (bitcoin::txid(t.resolution.tx) == txid) return true;
    for (bitcoin::Transaction& older : t.replaced) {
        if (bitcoin::txid(older) != txid) continue;
        std::swap(older, t.resolution.tx);
        return true;
    }
    return false;
}

}  // namespace datt::relay::hub
