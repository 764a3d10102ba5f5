// Which HTLCs the hub offered to a payee whose channel closed on chain are lost to the payee
// for good, so that the payer's HTLC fails back, pure (Hub::fail_back_timed_out in
// force_close.cpp runs it on each new tip; force_close.h says when and why):
//   - taken back by the hub: a confirmed HTLC-timeout (our commitment) or claim (the
//     payee's) with `final_depth` confirmations fails back the one HTLC it spent, found by
//     the id the resolver gave it (Resolution::htlc_id), so two HTLCs of one payment hash on
//     one channel each wait for their own timeout. A record stored before the ids
//     (onchain_record version 1) matches by payment hash (spends_htlc) and expiry (the
//     lock time is the HTLC's cltv_expiry), one HTLC per transaction. A transaction already
//     failed back (OnchainTx::failed_back) matches nothing;
//   - taken by the hub's justice tx: the payee's revoked commitment was mined and our justice
//     tx, confirmed with `final_depth` confirmations, spent the HTLC's output (matched by
//     payment hash, spends_htlc: a justice tx takes several HTLCs, all failed back in the
//     same round; an HTLC of that hash the payee claimed first revealed its preimage, which
//     fulfils the payer instead). Before, the payer's HTLC waited for its own expiry;
//   - without an output: the payee's commitment (kLocal/kRemoteCommitment) is final, no
//     output of it is left unresolved, and no transaction of the record takes that HTLC
//     (by id; by payment hash in a record without ids): it was trimmed as dust or not in
//     that commitment, so nothing on chain can pay the payee.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "hub/onchain_record.h"
#include "util/bytes.h"

namespace datt::relay::hub {

// An HTLC the hub offered on the payee's channel, neither fulfilled nor failed yet.
struct OfferedHtlc {
    uint64_t id = 0;  // the hub's update_add_htlc id on that channel
    Hash256 payment_hash{};
    uint32_t cltv_expiry = 0;
};

struct FailBack {
    size_t htlc = 0;           // index into the HTLCs given
    std::optional<size_t> tx;  // the record's transaction that took it back; none: no output
    bool operator==(const FailBack&) const = default;
};

// At `tip`, each HTLC of `htlcs` to fail back at most once, in the record's order.
[[nodiscard]] std::vector<FailBack> fail_backs(const OnchainRecord& record,
                                               std::span<const OfferedHtlc> htlcs, uint32_t tip,
                                               uint32_t final_depth);

}  // namespace datt::relay::hub
