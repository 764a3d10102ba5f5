#include "hub/onchain_fail_back.h"

#include <algorithm>

#include "hub/htlc_outcome.h"

namespace datt::relay::hub {
namespace {

using channel::ResolutionKind;

bool is_timeout(const OnchainTx& t) {
    return t.resolution.kind == ResolutionKind::kHtlcTimeout ||
           t.resolution.kind == ResolutionKind::kClaimHtlcTimeout;
}

bool final_at(uint32_t height, uint32_t tip, uint32_t final_depth) {
    return uint64_t{tip} + 1 >= uint64_t{height} + final_depth;  // 64-bit: no wrap near UINT32_MAX
}

// Whether the timeout `t` spends `htlc`'s output: by id, or (a record without ids) by
// payment hash and expiry.
bool takes_back(const OnchainTx& t, const OfferedHtlc& htlc) {
    if (!is_timeout(t)) return false;
    if (t.resolution.htlc_id) return *t.resolution.htlc_id == htlc.id;
    return t.resolution.cltv == htlc.cltv_expiry && spends_htlc(t.resolution.tx, htlc.payment_hash);
}

// Whether anything in the record spends `htlc`'s output (it has one in the commitment).
bool has_output(const OnchainRecord& record, const OfferedHtlc& htlc) {
    return std::any_of(record.txs.begin(), record.txs.end(), [&](const OnchainTx& t) {
        return t.resolution.htlc_id ? is_timeout(t) && *t.resolution.htlc_id == htlc.id
                                    : spends_htlc(t.resolution.tx, htlc.payment_hash);
    });
}

}  // namespace

std::vector<FailBack> fail_backs(const OnchainRecord& record, std::span<const OfferedHtlc> htlcs,
                                 uint32_t tip, uint32_t final_depth) {
    std::vector<FailBack> out;
    std::vector<bool> taken(htlcs.size(), false);
    for (size_t i = 0; i < record.txs.size(); ++i) {
        const OnchainTx& t = record.txs[i];
        if (t.failed_back || t.progress != TxProgress::kConfirmed ||
            !final_at(t.confirmed_height, tip, final_depth)) {
            continue;
        }
        if (t.resolution.kind == ResolutionKind::kJustice) {
            // Every HTLC output of the payee's revoked commitment it took: none can pay the payee now.
            for (size_t h = 0; h < htlcs.size(); ++h) {
                if (taken[h] || !spends_htlc(t.resolution.tx, htlcs[h].payment_hash)) continue;
                taken[h] = true;
                out.push_back(FailBack{h, i});
            }
            continue;
        }
        for (size_t h = 0; h < htlcs.size(); ++h) {
            if (taken[h] || !takes_back(t, htlcs[h])) continue;
            taken[h] = true;
            out.push_back(FailBack{h, i});
            break;  // one transaction takes back one HTLC
        }
    }
    const bool commitment = record.spend_kind == channel::FundingSpendKind::kLocalCommitment ||
                            record.spend_kind == channel::FundingSpendKind::kRemoteCommitment;
    if (!commitment || !record.spend_height || !record.unresolved.empty() ||
        !final_at(*record.spend_height, tip, final_depth)) {
        return out;
    }
    for (size_t h = 0; h < htlcs.size(); ++h) {
        if (!taken[h] && !has_output(record, htlcs[h])) out.push_back(FailBack{h, std::nullopt});
    }
    return out;
}

}  // namespace datt::relay::hub
