// The on-chain resolver: given a channel's stored state and a transaction seen spending its
// funding output, what to broadcast and from which block (Core Lightning's onchaind, LDK's
// ChannelMonitor), sans I/O: the caller watches the chain, stores what this returns, then
// broadcasts each transaction once the chain reaches its earliest height.
//
// What the spend is, found by rebuilding the commitments we know (txids compared) and by the
// obscured commitment number (commitment_number.h) for the remote's older ones:
//   kCooperativeClose    the agreed closing tx: its outputs are the two wallets'; nothing to do
//   kLocalCommitment     ours: to_local after to_self_delay; each offered HTLC by its
//                        HTLC-timeout (from cltv_expiry), each received HTLC whose preimage
//                        we know by its HTLC-success; each HTLC tx's output after the delay
//   kRemoteCommitment    the remote's current (or next, signed, not yet revoked): our
//                        to_remote at once; each HTLC we offered claimed after its
//                        cltv_expiry, each the remote offered claimed with its preimage when
//                        we know it (else listed in `unresolved`)
//   kRevokedCommitment   an older remote one: the justice tx takes to_local and every HTLC
//                        output we stored (RemoteCommitmentRevoked events) or, when we kept
//                        none for that number, to_local alone (the secret comes from the
//                        shachain); plus our to_remote at once. When no output opens with
//                        the revocation key and none pays us, it is kUnknown instead
//                        If the remote's HTLC txs take HTLC outputs first, resolve_revoked_htlc_txs
//                        rebuilds the justice tx without them and sweeps their outputs.
//   kUnknown             not a commitment of this channel (a bug or a lost state): nothing
// Heights: a transaction spending output of `parent` with relative delay `csv` and lock
// time `cltv` can be in block max(parent_height + max(csv, 1), cltv + 1) (BIP-68, BIP-65
// finality: lock_time < height); earliest_height() computes it.
//
// Error codes: channel_not_a_funding_spend (the tx does not spend the funding outpoint),
// plus those of the builders (onchain_sweeps.h) and key derivation.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "bitcoin/tx.h"
#include "channel/channel_state.h"
#include "util/bytes.h"
#include "util/result.h"

namespace datt::channel {

enum class FundingSpendKind : uint8_t {
    kCooperativeClose = 0,
    kLocalCommitment = 1,
    kRemoteCommitment = 2,
    kRevokedCommitment = 3,
    kUnknown = 4,
};

enum class ResolutionKind : uint8_t {
    kJustice = 0,
    kToLocalSweep = 1,
    kToRemoteSweep = 2,
    kHtlcTimeout = 3,
    kHtlcSuccess = 4,
    kSecondStageSweep = 5,  // the output of our HTLC-timeout/-success tx, after the delay
    kClaimHtlcTimeout = 6,  // an HTLC we offered, from the remote's commitment, after its expiry
    kClaimHtlcSuccess = 7,  // an HTLC the remote offered, from its commitment, with the preimage
    kRevokedHtlcSweep = 8,  // the output of the cheater's HTLC tx, with the revocation key
};

struct Resolution {
    ResolutionKind kind = ResolutionKind::kJustice;
    bitcoin::Transaction tx;  // signed, ready to broadcast
    Hash256 parent_txid{};    // the transaction whose output(s) it spends
    uint16_t csv = 0;         // blocks after the parent's confirmation (0: none)
    uint32_t cltv = 0;        // absolute lock time in blocks (0: none)
    // The HTLC an HTLC-timeout/-success or a claim of one spends, by the id of the side that
    // offered it (ours for the timeouts, the remote's for the successes): two HTLCs of one
    // payment hash are told apart by it. None for the other kinds.
    std::optional<uint64_t> htlc_id = std::nullopt;
};

struct ChainResolution {
    FundingSpendKind kind = FundingSpendKind::kUnknown;
    uint64_t commitment_number = 0;  // for the commitments
    std::vector<Resolution> to_broadcast;
    // Outputs of the spend that may be ours and that are not claimed: received HTLCs whose
    // preimage we lack (the remote takes them back after their expiry), dust sweeps.
    std::vector<uint32_t> unresolved;
};

struct ResolverInputs {
    const Channel& channel;
    const ChannelSecrets& secrets;
    std::span<const RemoteCommitmentRevoked> revoked;  // what the watcher stored
    std::span<const Hash256> preimages;                // of HTLCs we received
    bitcoin::Script sweep_script;                      // where our funds go
    uint32_t feerate_per_kw = 0;
};

[[nodiscard]] Result<ChainResolution> resolve_funding_spend(const ResolverInputs& in,
                                                            const bitcoin::Transaction& spend);

// The remote spent HTLC outputs of its revoked commitment with its own HTLC-timeout/-success
// transactions (`htlc_txs`: every one seen so far) before our justice tx was mined, so that
// justice tx can no longer be: a justice tx without those outputs (none when nothing else
// is left) and for each HTLC tx the sweep of its output with the revocation key
// (kRevokedHtlcSweep, at once; the cheater must wait to_self_delay for it). Our to_remote
// sweep is resolve_funding_spend's, not repeated. An HTLC tx whose sweep would be dust is
// listed in `unresolved` by the commitment output it spent.
// Error codes: channel_not_revoked_commitment (resolve_funding_spend does not say so),
// channel_not_an_htlc_tx (one of htlc_txs spends no output of the commitment, or none of
// its outputs has the commitment's to_local script).
[[nodiscard]] Result<ChainResolution> resolve_revoked_htlc_txs(
    const ResolverInputs& in, const bitcoin::Transaction& revoked_commitment,
    std::span<const bitcoin::Transaction> htlc_txs);

// Stable snake_case names ("revoked_commitment", "justice", ...): logs, metrics, the wasm API.
const char* spend_kind_name(FundingSpendKind kind);
const char* resolution_kind_name(ResolutionKind kind);

// The first block height that can include `r` when its parent confirmed at parent_height.
uint32_t earliest_height(const Resolution& r, uint32_t parent_height);

}  // namespace datt::channel
