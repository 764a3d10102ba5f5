#include "hub/onchain_record.h"

#include <algorithm>

#include "channel/fee_bump.h"
#include "util/byte_reader.h"
#include "util/byte_writer.h"

namespace datt::relay::hub {
namespace {

constexpr uint8_t kVersion = 4;
constexpr uint8_t kVersionWithoutBumps = 3;
constexpr uint8_t kVersionWithoutSpendTx = 2;
constexpr uint8_t kVersionWithoutHtlcIds = 1;
constexpr uint8_t kHasHtlcId = 1;  // a transaction's flags
constexpr uint8_t kFailedBack = 2;
constexpr uint8_t kHasFundingHeight = 1;
constexpr uint8_t kHasSpend = 2;
constexpr uint8_t kHasSpendHeight = 4;

#define RECORD_TRY(var, expr)                       \
    auto var##_result = (expr);                     \
    if (!var##_result) return var##_result.error(); \
    auto var = std::move(var##_result).value()

Error invalid(const std::string& what) { return make_error("onchain_record_invalid", what); }

void write_tx(ByteWriter& w, const bitcoin::Transaction& tx) {
    const Bytes raw = bitcoin::serialize(tx);
    w.write_u32_be(static_cast<uint32_t>(raw.size()));
    w.write_bytes(raw);
}

Result<bitcoin::Transaction> read_tx(ByteReader& r) {
    RECORD_TRY(length, r.read_u32_be());
    if (length > kMaxOnchainTxBytes) return make_error("onchain_record_too_large", "a transaction too long");
    RECORD_TRY(raw, r.read_span(length));
    RECORD_TRY(tx, bitcoin::parse_transaction(raw));
    // Stored bytes must be the transaction's own serialization (one encoding per record).
    if (bitcoin::serialize(tx) != Bytes(raw.begin(), raw.end())) return invalid("a transaction not canonical");
    return tx;
}

}  // namespace

bool CheaterHtlcTx::operator==(const CheaterHtlcTx& other) const {
    return height == other.height && bitcoin::serialize(tx) == bitcoin::serialize(other.tx);
}

bool OnchainTx::operator==(const OnchainTx& other) const {
    const channel::Resolution& a = resolution;
    const channel::Resolution& b = other.resolution;
    return a.kind == b.kind && bitcoin::serialize(a.tx) == bitcoin::serialize(b.tx) &&
           a.parent_txid == b.parent_txid && a.csv == b.csv && a.cltv == b.cltv && a.htlc_id == b.htlc_id &&
           progress == other.progress && confirmed_height == other.confirmed_height &&
           failed_back == other.failed_back && feerate_per_kw == other.feerate_per_kw &&
           std::equal(replaced.begin(), replaced.end(), other.replaced.begin(), other.replaced.end(),
                      [](const bitcoin::Transaction& x, const bitcoin::Transaction& y) {
                          return bitcoin::serialize(x) == bitcoin::serialize(y);
                      });
}

Bytes serialize_onchain_record(const OnchainRecord& record) {
    ByteWriter w;
    w.write_u8(kVersion);
    const uint8_t flags = (record.funding_height ? kHasFundingHeight : 0) | (record.spend_txid ? kHasSpend : 0) |
                          (record.spend_height ? kHasSpendHeight : 0);
    w.write_u8(flags);
    if (record.funding_height) w.write_u32_be(*record.funding_height);
    if (record.spend_txid) {
        w.write_bytes(*record.spend_txid);
        w.write_u8(static_cast<uint8_t>(record.spend_kind));
        w.write_u64_be(record.commitment_number);
    }
    if (record.spend_height) w.write_u32_be(*record.spend_height);
    w.write_u16_be(static_cast<uint16_t>(record.txs.size()));
    for (const OnchainTx& t : record.txs) {
        w.write_u8(static_cast<uint8_t>(t.resolution.kind));
        w.write_bytes(t.resolution.parent_txid);
        w.write_u16_be(t.resolution.csv);
        w.write_u32_be(t.resolution.cltv);
        w.write_u8(static_cast<uint8_t>(t.progress));
        if (t.progress == TxProgress::kConfirmed) w.write_u32_be(t.confirmed_height);
        w.write_u8((t.resolution.htlc_id ? kHasHtlcId : 0) | (t.failed_back ? kFailedBack : 0));
        if (t.resolution.htlc_id) w.write_u64_be(*t.resolution.htlc_id);
        write_tx(w, t.resolution.tx);
    }
    w.write_u16_be(static_cast<uint16_t>(record.unresolved.size()));
    for (uint32_t index : record.unresolved) w.write_u32_be(index);
    w.write_u8(record.spend_tx ? 1 : 0);
    if (record.spend_tx) write_tx(w, *record.spend_tx);
    w.write_u16_be(static_cast<uint16_t>(record.cheater_htlc_txs.size()));
    for (const CheaterHtlcTx& c : record.cheater_htlc_txs) {
        w.write_u32_be(c.height);
        write_tx(w, c.tx);
    }
    std::vector<uint16_t> bumped;
    for (size_t i = 0; i < record.txs.size(); ++i) {
        if (record.txs[i].feerate_per_kw != 0) bumped.push_back(static_cast<uint16_t>(i));
    }
    w.write_u16_be(static_cast<uint16_t>(bumped.size()));
    for (uint16_t i : bumped) {
        const OnchainTx& t = record.txs[i];
        w.write_u16_be(i);
        w.write_u32_be(t.feerate_per_kw);
        w.write_u8(static_cast<uint8_t>(t.replaced.size()));
        for (const bitcoin::Transaction& older : t.replaced) write_tx(w, older);
    }
    return std::move(w).take();
}

namespace {

// Version 3's tail: the spend's bytes and the cheater's HTLC txs.
Status parse_cheater_txs(ByteReader& r, OnchainRecord& record) {
    RECORD_TRY(has_spend_tx, r.read_u8());
    if (has_spend_tx > 1) return invalid("unknown spend tx flag");
    if (has_spend_tx) {
        RECORD_TRY(tx, read_tx(r));
        if (!record.spend_txid || bitcoin::txid(tx) != *record.spend_txid) return invalid("the spend's bytes are another tx");
        record.spend_tx = std::move(tx);
    }
    RECORD_TRY(count, r.read_u16_be());
    if (count > kMaxRevokedHtlcs) return make_error("onchain_record_too_large", "too many cheater HTLC txs");
    if (count > 0 && !record.spend_tx) return invalid("cheater HTLC txs without the spend");
    for (uint16_t i = 0; i < count; ++i) {
        RECORD_TRY(height, r.read_u32_be());
        RECORD_TRY(tx, read_tx(r));
        record.cheater_htlc_txs.push_back(CheaterHtlcTx{std::move(tx), height});
    }
    return Ok{};
}

// Version 4's tail: the transactions whose fee was bumped, their feerate and older versions.
Status parse_fee_bumps(ByteReader& r, OnchainRecord& record) {
    RECORD_TRY(count, r.read_u16_be());
    if (count > record.txs.size()) return make_error("onchain_record_too_large", "more bumps than transactions");
    std::optional<uint16_t> previous;
    for (uint16_t n = 0; n < count; ++n) {
        RECORD_TRY(index, r.read_u16_be());
        if (index >= record.txs.size() || (previous && index <= *previous)) return invalid("a bumped tx out of order");
        previous = index;
        OnchainTx& t = record.txs[index];
        RECORD_TRY(feerate, r.read_u32_be());
        if (feerate == 0) return invalid("a bumped tx without its feerate");
        t.feerate_per_kw = feerate;
        RECORD_TRY(versions, r.read_u8());
        if (versions > channel::kMaxFeeBumps) return make_error("onchain_record_too_large", "too many older versions");
        for (uint8_t v = 0; v < versions; ++v) {
            RECORD_TRY(tx, read_tx(r));
            t.replaced.push_back(std::move(tx));
        }
    }
    return Ok{};
}

}  // namespace

Result<OnchainRecord> parse_onchain_record(ByteSpan bytes) {
    ByteReader r(bytes);
    OnchainRecord record;
    RECORD_TRY(version, r.read_u8());
    if (version != kVersion && version != kVersionWithoutBumps && version != kVersionWithoutSpendTx &&
        version != kVersionWithoutHtlcIds) {
        return invalid("unknown version " + std::to_string(version));
    }
    RECORD_TRY(flags, r.read_u8());
    if (flags & ~(kHasFundingHeight | kHasSpend | kHasSpendHeight)) return invalid("unknown flags");
    if ((flags & kHasSpendHeight) && !(flags & kHasSpend)) return invalid("a spend height without a spend");
    if (flags & kHasFundingHeight) {
        RECORD_TRY(height, r.read_u32_be());
        record.funding_height = height;
    }
    if (flags & kHasSpend) {
        RECORD_TRY(txid, r.read_array<32>());
        RECORD_TRY(kind, r.read_u8());
        if (kind > static_cast<uint8_t>(channel::FundingSpendKind::kUnknown)) return invalid("unknown spend kind");
        RECORD_TRY(number, r.read_u64_be());
        record.spend_txid = txid;
        record.spend_kind = static_cast<channel::FundingSpendKind>(kind);
        record.commitment_number = number;
    }
    if (flags & kHasSpendHeight) {
        RECORD_TRY(height, r.read_u32_be());
        record.spend_height = height;
    }
    RECORD_TRY(count, r.read_u16_be());
    if (count > kMaxOnchainTxs) return make_error("onchain_record_too_large", "too many transactions");
    if (count > 0 && !(flags & kHasSpend)) return invalid("transactions without a spend");
    for (uint16_t i = 0; i < count; ++i) {
        OnchainTx t;
        RECORD_TRY(kind, r.read_u8());
        if (kind > static_cast<uint8_t>(channel::ResolutionKind::kRevokedHtlcSweep)) {
            return invalid("unknown resolution kind");
        }
        t.resolution.kind = static_cast<channel::ResolutionKind>(kind);
        RECORD_TRY(parent, r.read_array<32>());
        t.resolution.parent_txid = parent;
        RECORD_TRY(csv, r.read_u16_be());
        RECORD_TRY(cltv, r.read_u32_be());
        t.resolution.csv = csv;
        t.resolution.cltv = cltv;
        RECORD_TRY(progress, r.read_u8());
        if (progress > static_cast<uint8_t>(TxProgress::kLost)) return invalid("unknown progress");
        t.progress = static_cast<TxProgress>(progress);
        if (t.progress == TxProgress::kConfirmed) {
            RECORD_TRY(height, r.read_u32_be());
            t.confirmed_height = height;
        }
        if (version != kVersionWithoutHtlcIds) {
            RECORD_TRY(tx_flags, r.read_u8());
            if (tx_flags & ~(kHasHtlcId | kFailedBack)) return invalid("unknown transaction flags");
            t.failed_back = (tx_flags & kFailedBack) != 0;
            if (tx_flags & kHasHtlcId) {
                RECORD_TRY(htlc_id, r.read_u64_be());
                t.resolution.htlc_id = htlc_id;
            }
        }
        RECORD_TRY(tx, read_tx(r));
        t.resolution.tx = std::move(tx);
        record.txs.push_back(std::move(t));
    }
    RECORD_TRY(unresolved, r.read_u16_be());
    if (unresolved > kMaxUnresolved) return make_error("onchain_record_too_large", "too many unresolved outputs");
    for (uint16_t i = 0; i < unresolved; ++i) {
        RECORD_TRY(index, r.read_u32_be());
        record.unresolved.push_back(index);
    }
    if (version >= kVersionWithoutBumps) {
        if (auto later = parse_cheater_txs(r, record); !later) return later.error();
    }
    if (version == kVersion) {
        if (auto bumps = parse_fee_bumps(r, record); !bumps) return bumps.error();
    }
    if (auto end = r.expect_end(); !end) return end.error();
    return record;
}

Bytes serialize_revoked_commitment(const channel::RemoteCommitmentRevoked& revoked) {
    ByteWriter w;
    w.write_u64_be(revoked.number);
    w.write_bytes(revoked.per_commitment_secret);
    w.write_u64_be(revoked.spec.to_local.value());
    w.write_u64_be(revoked.spec.to_remote.value());
    w.write_u16_be(static_cast<uint16_t>(revoked.spec.htlcs.size()));
    for (const channel::HtlcEntry& h : revoked.spec.htlcs) {
        w.write_u8(h.direction == channel::HtlcDirection::kOffered ? 0 : 1);
        w.write_u64_be(h.id);
        w.write_u64_be(h.amount.value());
        w.write_bytes(h.payment_hash);
        w.write_u32_be(h.cltv_expiry);
    }
    return std::move(w).take();
}

Result<channel::RemoteCommitmentRevoked> parse_revoked_commitment(ByteSpan bytes) {
    ByteReader r(bytes);
    channel::RemoteCommitmentRevoked out;
    RECORD_TRY(number, r.read_u64_be());
    RECORD_TRY(secret, r.read_array<32>());
    RECORD_TRY(to_local, r.read_u64_be());
    RECORD_TRY(to_remote, r.read_u64_be());
    RECORD_TRY(count, r.read_u16_be());
    if (count == 0) return invalid("a revoked commitment stored without HTLCs");
    if (count > kMaxRevokedHtlcs) return make_error("onchain_record_too_large", "too many HTLCs");
    out.number = number;
    out.per_commitment_secret = secret;
    out.spec.to_local = bitcoin::Msats{to_local};
    out.spec.to_remote = bitcoin::Msats{to_remote};
    for (uint16_t i = 0; i < count; ++i) {
        channel::HtlcEntry h;
        RECORD_TRY(direction, r.read_u8());
        if (direction > 1) return invalid("unknown HTLC direction");
        h.direction = direction == 0 ? channel::HtlcDirection::kOffered : channel::HtlcDirection::kReceived;
        RECORD_TRY(id, r.read_u64_be());
        RECORD_TRY(amount, r.read_u64_be());
        RECORD_TRY(hash, r.read_array<32>());
        RECORD_TRY(cltv, r.read_u32_be());
        h.id = id;
        h.amount = bitcoin::Msats{amount};
        h.payment_hash = hash;
        h.cltv_expiry = cltv;
        out.spec.htlcs.push_back(h);
    }
    if (auto end = r.expect_end(); !end) return end.error();
    return out;
}

}  // namespace datt::relay::hub
