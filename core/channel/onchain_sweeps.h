// Spending a channel's outputs on chain: the justice transaction that takes everything from
// a revoked commitment of the remote's, our own commitment with its HTLC-success and
// HTLC-timeout transactions ready to broadcast, and the sweep of a to_local-style output
// (our commitment's to_local, an HTLC transaction's output) after to_self_delay.
//
//   justice tx: version 2, lock time 0; one input per output of the revoked commitment
//     that we can take with the revocation key (to_local and every HTLC output whose
//     script matches), sequence 0xFFFFFFFD (BIP-125: the hub replaces it at a higher
//     feerate, fee_bump.h); one output to `sweep_script` of their sum less
//     feerate_per_kw * weight / 1000. Witnesses (BOLT-3 "Penalty Transactions"):
//       to_local      <revocation_sig> 1 <to_local script>
//       HTLC output   <revocation_sig> <revocationpubkey> <HTLC script>
//   revoked HTLC sweep: the output of the cheater's HTLC tx spending an HTLC output of its
//     revoked commitment (a to_local script), taken like to_local: <revocation_sig> 1 <script>
//   delayed sweep: version 2, input sequence = to_self_delay (BIP-68 blocks), witness
//     <local_delayed_sig> <> <to_local script>, one output to `sweep_script`.
//   to_remote sweep: the other side's P2WPKH output of a commitment (option_static_remotekey:
//     locked to our payment_basepoint itself, spendable at once), version 2, sequence
//     0xFFFFFFFF, witness <sig> <payment_basepoint>, one output to `sweep_script`.
// Fees: from the weight of the signed transaction with 73-byte signatures (their
// longest), rounded down, as commitment_fees.h does.
//
// Error codes: channel_nothing_to_sweep (no output of the transaction is ours to take),
// channel_sweep_below_dust (what remains after the fee is under 546 sat),
// channel_not_revoked (the secret is not the commitment's), plus key_derivation.h's and
// build_commitment_tx's.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "bitcoin/amount.h"
#include "bitcoin/tx.h"
#include "channel/channel_state.h"
#include "channel/commitment_tx.h"
#include "channel/htlc_tx.h"
#include "crypto/ecdsa.h"
#include "crypto/secp256k1.h"
#include "util/bytes.h"
#include "util/result.h"

namespace datt::channel {

inline constexpr bitcoin::Sats kSweepDustLimit{546};

// Everything the justice transaction needs, as plain values (a watcher stores them from
// RemoteCommitmentRevoked events; no Channel needed).
struct JusticeParams {
    bitcoin::Transaction revoked_commitment;  // as seen on chain
    Hash256 per_commitment_secret{};          // the revoked commitment's (from the shachain)
    ChannelBasepoints owner_basepoints;       // the remote's (the commitment's owner)
    ChannelBasepoints our_basepoints;
    crypto::SecretKey revocation_basepoint_secret;  // ours
    uint16_t to_self_delay = 0;                     // the delay we imposed on the remote's to_local
    std::vector<CommittedHtlc> htlcs;  // the revoked commitment's HTLCs, the owner's view
    bitcoin::Script sweep_script;
    uint32_t feerate_per_kw = 0;
};

// `taken`: the cheater's HTLC-timeout/-success transactions that already spent outputs of
// the revoked commitment (seen before our justice tx was mined): those outputs are left
// out, their second stage is taken by build_revoked_htlc_sweep.
[[nodiscard]] Result<bitcoin::Transaction> build_justice_tx(
    const JusticeParams& params, std::span<const bitcoin::Transaction> taken = {});

// The output of the cheater's HTLC-timeout/-success spending an HTLC output of its revoked
// commitment: a to_local-style script of the same commitment's keys (BOLT-3), taken at once
// with the revocation key, witness <revocation_sig> 1 <script>, one output to sweep_script.
[[nodiscard]] Result<bitcoin::Transaction> build_revoked_htlc_sweep(
    const JusticeParams& params, const bitcoin::Transaction& htlc_tx);

// The JusticeParams of a revoked commitment of `channel` seen on chain.
[[nodiscard]] Result<JusticeParams> justice_params(const Channel& channel,
                                                   const ChannelSecrets& secrets,
                                                   const RemoteCommitmentRevoked& revoked,
                                                   const bitcoin::Transaction& commitment_tx,
                                                   const bitcoin::Script& sweep_script,
                                                   uint32_t feerate_per_kw);

// Our current commitment, signed by both, and its HTLC transactions with the remote's
// signatures, for a unilateral close.
struct LocalCommitmentClose {
    bitcoin::Transaction commitment_tx;  // with its funding witness: broadcastable
    CommitmentSpec spec;
    std::vector<CommitmentOutput> outputs;  // what each output of commitment_tx is
    std::vector<HtlcTx> htlc_txs;           // unsigned, in output order
    std::vector<crypto::EcdsaSignature> remote_htlc_signatures;
    crypto::SecretKey local_htlc_key;
    crypto::SecretKey local_delayed_key;  // spends to_local and the HTLC txs' outputs
    bitcoin::Script to_local_script;      // also the HTLC transactions' output script
};

[[nodiscard]] Result<LocalCommitmentClose> local_commitment_close(const Channel& channel,
                                                                  const ChannelSecrets& secrets);
// HTLC transaction i (of htlc_txs) signed by both: timeout for an offered HTLC (valid from
// its cltv_expiry), success for a received one (needs the preimage).
[[nodiscard]] Result<bitcoin::Transaction> signed_htlc_timeout_tx(const LocalCommitmentClose& close,
                                                                  size_t i);
[[nodiscard]] Result<bitcoin::Transaction> signed_htlc_success_tx(const LocalCommitmentClose& close,
                                                                  size_t i,
                                                                  const Hash256& payment_preimage);

// Sweeps a to_local-style output after its delay.
[[nodiscard]] Result<bitcoin::Transaction> build_delayed_sweep(
    const bitcoin::OutPoint& outpoint, bitcoin::Sats amount, const bitcoin::Script& to_local_script,
    const crypto::SecretKey& local_delayed_key, uint16_t to_self_delay,
    const bitcoin::Script& sweep_script, uint32_t feerate_per_kw);

// Claims an HTLC output of the remote's commitment directly (no second stage; BOLT-5's
// "claim" transactions): with the preimage, witness <sig> <preimage> <script>, for an HTLC
// the remote offered; without, after its cltv_expiry (lock_time = cltv_expiry, sequence
// 0xFFFFFFFE), witness <sig> <> <script>, for one we offered. `our_htlc_key`: our HTLC
// basepoint secret tweaked by the remote's per-commitment point of that commitment.
// Error code: channel_sweep_below_dust.
[[nodiscard]] Result<bitcoin::Transaction> build_htlc_claim(
    const bitcoin::OutPoint& outpoint, bitcoin::Sats amount, const bitcoin::Script& htlc_script,
    const crypto::SecretKey& our_htlc_key, const std::optional<Hash256>& payment_preimage,
    uint32_t cltv_expiry, const bitcoin::Script& sweep_script, uint32_t feerate_per_kw);

// Sweeps our to_remote output of the remote's commitment (static_remotekey: no delay).
// Error codes: channel_not_our_output (the output is not P2WPKH of our payment basepoint),
// channel_sweep_below_dust.
[[nodiscard]] Result<bitcoin::Transaction> build_to_remote_sweep(
    const bitcoin::OutPoint& outpoint, const bitcoin::TxOut& output,
    const crypto::SecretKey& payment_basepoint_secret, const bitcoin::Script& sweep_script,
    uint32_t feerate_per_kw);

}  // namespace datt::channel
