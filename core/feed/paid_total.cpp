#include "feed/paid_total.h"

#include <set>
#include <utility>

namespace datt::feed {

std::optional<std::map<Hash256, bitcoin::Sats>> paid_sats(std::span<const ChainPayment> chain,
                                                          std::span<const ChannelPayment> channel) {
    std::map<Hash256, bitcoin::Sats> totals;
    std::set<std::pair<Hash256, uint32_t>> outpoints;
    for (const ChainPayment& payment : chain) {
        if (!payment.sats.in_money_range()) return std::nullopt;
        if (!outpoints.emplace(payment.txid, payment.vout).second) continue;
        auto sum = totals[payment.target].checked_add(payment.sats);
        if (!sum || !sum->in_money_range()) return std::nullopt;
        totals[payment.target] = *sum;
    }
    std::map<Hash256, bitcoin::Msats> msats;
    std::set<Hash256> hashes;
    for (const ChannelPayment& payment : channel) {
        if (!hashes.insert(payment.payment_hash).second) continue;
        auto sum = msats[payment.target].checked_add(payment.amount);
        if (!sum) return std::nullopt;
        msats[payment.target] = *sum;
    }
    for (const auto& [target, amount] : msats) {
        const bitcoin::Sats sats = amount.to_sats_floor();
        if (!sats.in_money_range()) return std::nullopt;
        auto sum = totals[target].checked_add(sats);
        if (!sum || !sum->in_money_range()) return std::nullopt;
        totals[target] = *sum;
    }
    return totals;
}

}  // namespace datt::feed
