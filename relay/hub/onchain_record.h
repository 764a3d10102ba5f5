// What the hub knows of one channel on chain (relay/hub/chain_watch.h), stored in
// hub_onchain (sqlite_schema.h, version 7) through the single writer before anything in
// it is broadcast: the funding output's height, the transaction that spent it, and the
// resolver's answer (channel/chain_resolver.h) with how far each transaction got.
//
// Stored layout (big-endian integers), version 4:
//   u8  version = 4
//   u8  flags: bit 0 funding_height present, bit 1 spend present, bit 2 spend_height present
//   [u32 funding_height]
//   [32 spend_txid, u8 FundingSpendKind, u64 commitment_number]       (bit 1)
//   [u32 spend_height]                                                (bit 2)
//   u16 n, then n times:
//     u8 ResolutionKind, 32 parent_txid, u16 csv, u32 cltv,
//     u8 progress (0 waiting, 1 confirmed, 2 lost), [u32 confirmed_height] (progress 1),
//     u8 tx flags: bit 0 htlc_id present, bit 1 failed_back, [u64 htlc_id]   (version 2)
//     u32 length, `length` bytes of the signed transaction (bitcoin::serialize)
//   u16 m, then m times u32: the spend's outputs that may be ours and are not claimed
//   u8 spend tx present (0 or 1; version 3), [u32 length, the spend's bytes]
//   u16 k (version 3), then k times: u32 height, u32 length, the bytes of a cheater's HTLC tx
//   u16 j (version 4), then j times, for each transaction whose fee was bumped (in index
//     order): u16 its index in the n above, u32 feerate_per_kw (not 0), u8 r
//     (<= channel::kMaxFeeBumps), r times u32 length and the bytes of an older version
// Version 1 (written before the HTLC ids) still loads: its transactions have no htlc_id
// and none is failed_back (hub/onchain_fail_back.h then matches by payment hash and expiry).
// Version 3 (written before fee bumps, relay/hub/justice_fee_bump.h) loads with none.
// Version 2 (written before the spend's own bytes were kept) loads without them; the chain
// watch's rescan from the spend's block at start tells the spend again and a revoked
// commitment's bytes are kept then (chain_watch.cpp funding_spent), stored as version 3.
// Stored bytes are untrusted (a damaged file): parse_onchain_record checks every field, the
// counts (at most kMaxOnchainTxs, kMaxUnresolved, kMaxRevokedHtlcs cheater txs) and each
// transaction's bytes (parse_transaction, at most kMaxOnchainTxBytes; the spend's must hash
// to spend_txid), and that nothing follows.
//
// Error codes: onchain_record_invalid (a field out of range, unknown version or kind),
// onchain_record_too_large (a count or a length over its bound), plus ByteReader's
// truncated / trailing_bytes and parse_transaction's.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "bitcoin/tx.h"
#include "channel/chain_resolver.h"
#include "util/bytes.h"
#include "util/result.h"

namespace datt::relay::hub {

inline constexpr size_t kMaxOnchainTxs = 2 * 483 + 4;  // two per HTLC, to_local, to_remote
inline constexpr size_t kMaxUnresolved = 483 + 2;
inline constexpr size_t kMaxOnchainTxBytes = 100'000;
inline constexpr size_t kMaxRevokedHtlcs = 2 * 483;

enum class TxProgress : uint8_t {
    kWaiting = 0,    // not in a block yet (broadcast when due, again on each new block)
    kConfirmed = 1,  // ours is in a block
    kLost = 2,       // its input was spent by another transaction (the remote's claim)
};

struct OnchainTx {
    channel::Resolution resolution;
    TxProgress progress = TxProgress::kWaiting;
    uint32_t confirmed_height = 0;  // kConfirmed
    // A timeout whose payer's HTLC the hub failed back (stored with that fail-back, so the
    // same transaction never fails back another; hub/onchain_fail_back.h).
    bool failed_back = false;
    // Set once the hub replaced `resolution.tx` at a higher feerate (justice_fee_bump.h):
    // its feerate (0: the resolver's, never bumped) and the versions it replaced, oldest
    // first; any of them may be the one mined (chain_watch.cpp then makes it resolution.tx).
    uint32_t feerate_per_kw = 0;
    std::vector<bitcoin::Transaction> replaced;
    bool operator==(const OnchainTx& other) const;
};

// The remote's HTLC-timeout/-success of its revoked commitment, mined before our justice tx
// took that output (hub/revoked_htlc_txs.h), and the block it is in: the parent of our
// revoked_htlc_sweep.
struct CheaterHtlcTx {
    bitcoin::Transaction tx;
    uint32_t height = 0;
    bool operator==(const CheaterHtlcTx& other) const;
};

struct OnchainRecord {
    std::optional<uint32_t> funding_height;
    std::optional<Hash256> spend_txid;  // the transaction that spent the funding output
    channel::FundingSpendKind spend_kind = channel::FundingSpendKind::kUnknown;
    uint64_t commitment_number = 0;
    std::optional<uint32_t> spend_height;  // once in a block
    std::vector<OnchainTx> txs;
    std::vector<uint32_t> unresolved;
    // The spend's own bytes, kept for a revoked commitment (the resolver needs them again
    // when the cheater's HTLC txs show up), and those HTLC txs, in the order seen.
    std::optional<bitcoin::Transaction> spend_tx;
    std::vector<CheaterHtlcTx> cheater_htlc_txs;
    bool operator==(const OnchainRecord&) const = default;
};

Bytes serialize_onchain_record(const OnchainRecord& record);
[[nodiscard]] Result<OnchainRecord> parse_onchain_record(ByteSpan bytes);

// A revoked commitment of the remote's that held HTLCs (the machine's
// RemoteCommitmentRevoked event), stored in hub_revoked so that a justice transaction takes
// its HTLC outputs too (one without HTLCs needs nothing stored: the shachain has its
// secret). Layout (big-endian):
//   u64 number, 32 per_commitment_secret, u64 to_local msat, u64 to_remote msat,
//   u16 n (1..kMaxRevokedHtlcs), n times: u8 direction (0 offered, 1 received, the remote's
//   view), u64 id, u64 amount msat, 32 payment_hash, u32 cltv_expiry
// Error codes: onchain_record_invalid, onchain_record_too_large, truncated, trailing_bytes.
Bytes serialize_revoked_commitment(const channel::RemoteCommitmentRevoked& revoked);
[[nodiscard]] Result<channel::RemoteCommitmentRevoked> parse_revoked_commitment(ByteSpan bytes);

}  // namespace datt::relay::hub
