// The hub's stored on-chain record and revoked commitments (relay/hub/onchain_record.h)
// read back from untrusted bytes (a damaged or edited database file).
//
// Invariants checked:
//   - parse_onchain_record accepts or refuses with its documented codes only;
//   - an accepted record respects the bounds (counts, transaction sizes, a spend height
//     only with a spend, transactions only with a spend);
//   - a version 4 record serializes back to exactly the input bytes (one encoding per
//     record); a version 1 record (before the HTLC ids) has no ids and no failed_back, a
//     version 1 or 2 record has no spend bytes and no cheater HTLC txs, a version 1 to 3
//     record no fee bumps, and all serialize as version 4; every one parses back to an
//     equal record (round trip);
//   - a bumped transaction has its feerate, at most kMaxFeeBumps older versions;
//   - stored spend bytes hash to the spend's txid; cheater HTLC txs come only with them.
#include <cstddef>
#include <cstdint>
#include <string>

#include "check.h"
#include "channel/fee_bump.h"
#include "hub/onchain_record.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const datt::ByteSpan bytes(data, size);
    // The same bytes as a stored revoked commitment (hub_revoked): refused with a documented
    // code, or read back to exactly these bytes.
    if (auto revoked = datt::relay::hub::parse_revoked_commitment(bytes); revoked) {
        DATT_FUZZ_CHECK(!revoked->spec.htlcs.empty() && revoked->spec.htlcs.size() <= datt::relay::hub::kMaxRevokedHtlcs);
        DATT_FUZZ_CHECK(datt::relay::hub::serialize_revoked_commitment(*revoked) == datt::Bytes(data, data + size));
    } else {
        const std::string& code = revoked.error().code;
        DATT_FUZZ_CHECK(code == "onchain_record_invalid" || code == "onchain_record_too_large" ||
                        code == "truncated" || code == "trailing_bytes");
    }
    auto record = datt::relay::hub::parse_onchain_record(bytes);
    if (!record) {
        const std::string& code = record.error().code;
        DATT_FUZZ_CHECK(code == "onchain_record_invalid" || code == "onchain_record_too_large" ||
                        code == "truncated" || code == "trailing_bytes" || code.rfind("tx_", 0) == 0);
        return 0;
    }
    DATT_FUZZ_CHECK(record->txs.size() <= datt::relay::hub::kMaxOnchainTxs);
    DATT_FUZZ_CHECK(record->unresolved.size() <= datt::relay::hub::kMaxUnresolved);
    DATT_FUZZ_CHECK(!record->spend_height || record->spend_txid);
    DATT_FUZZ_CHECK(record->txs.empty() || record->spend_txid);
    DATT_FUZZ_CHECK(!record->spend_tx || datt::bitcoin::txid(*record->spend_tx) == record->spend_txid);
    DATT_FUZZ_CHECK(record->cheater_htlc_txs.empty() || record->spend_tx);
    DATT_FUZZ_CHECK(record->cheater_htlc_txs.size() <= datt::relay::hub::kMaxRevokedHtlcs);
    const datt::Bytes again = datt::relay::hub::serialize_onchain_record(*record);
    if (data[0] == 1) {
        for (const auto& t : record->txs) DATT_FUZZ_CHECK(!t.resolution.htlc_id && !t.failed_back);
    }
    for (const auto& t : record->txs) {
        DATT_FUZZ_CHECK(t.replaced.size() <= datt::channel::kMaxFeeBumps);
        DATT_FUZZ_CHECK(t.replaced.empty() || t.feerate_per_kw != 0);
        if (data[0] < 4) DATT_FUZZ_CHECK(t.feerate_per_kw == 0 && t.replaced.empty());
    }
    if (data[0] < 3) DATT_FUZZ_CHECK(!record->spend_tx && record->cheater_htlc_txs.empty());
    if (data[0] < 4) {
        DATT_FUZZ_CHECK(again[0] == 4);
    } else {
        DATT_FUZZ_CHECK(again == datt::Bytes(data, data + size));
    }
    auto back = datt::relay::hub::parse_onchain_record(again);
    DATT_FUZZ_CHECK(back && *back == *record);
    return 0;
}
