// BOLT-3 "Commitment Transaction" and "Commitment Transaction Construction" for
// option_static_remotekey without anchors: the unsigned commitment transaction of one side
// (the owner, "local"), with what each output is.
//
//   version 2; lock time and the one input's sequence carry the obscured commitment number
//   (commitment_number.h); the input spends the funding output; outputs, each only if
//   untrimmed (commitment_fees.h) or at least dust_limit:
//     to_local        P2WSH(to_local_script(revocation, to_self_delay, local_delayed))
//     to_remote       P2WPKH(remote_payment)
//     offered HTLC    P2WSH(offered_htlc_script(...)),  amount_msat / 1000 rounded down
//     received HTLC   P2WSH(received_htlc_script(..., cltv_expiry))
//   sorted by value, then scriptPubKey bytes (BIP-69), then cltv_expiry (two offered HTLCs
//   with one payment hash and amount have the same script).
// The base fee comes out of the funder's balance (to_local or to_remote), down to zero;
// what a trimmed HTLC or a dust balance would have carried goes to the fee as well.
//
// Error codes:
//   channel_commitment_number_out_of_range  the number has more than 48 bits
//   channel_balance_mismatch  to_local + to_remote + the HTLCs is not the funding amount
//                             (in msat), or a sum overflows
//   channel_bad_funding_amount  the funding amount is not a valid money amount
//   channel_missing_htlc_keys   an HTLC output is untrimmed and the spec has no HtlcKeys
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "bitcoin/amount.h"
#include "bitcoin/tx.h"
#include "channel/commitment_fees.h"
#include "channel/commitment_keys.h"
#include "util/bytes.h"
#include "util/result.h"

namespace datt::channel {

// Which side, seen from the commitment's owner.
enum class Side : uint8_t {
    kLocal,   // the owner
    kRemote,  // its counterparty
};

struct CommittedHtlc {
    HtlcDirection direction = HtlcDirection::kOffered;
    bitcoin::Msats amount;
    Hash256 payment_hash{};
    uint32_t cltv_expiry = 0;
};

struct CommitmentSpec {
    bitcoin::OutPoint funding_outpoint;
    bitcoin::Sats funding_amount;
    uint64_t commitment_number = 0;
    uint64_t obscuring_factor = 0;  // commitment_obscuring_factor()
    Side funder = Side::kLocal;     // pays the commitment fee
    bitcoin::Msats to_local;
    bitcoin::Msats to_remote;
    uint32_t feerate_per_kw = 0;
    bitcoin::Sats dust_limit;  // the owner's dust_limit_satoshis
    // How long the owner waits for to_local: the to_self_delay its counterparty asked for.
    uint16_t to_self_delay = 0;
    CommitmentKeys keys;
    // Only when an HTLC output is untrimmed (needs_htlc_keys): derive_*_htlc_keys.
    std::optional<HtlcKeys> htlc_keys;
    std::vector<CommittedHtlc> htlcs;
};

// Whether some HTLC of `spec` is above its dust limit (has an output): then the HTLC keys
// are needed for the output's script, the HTLC transaction's signatures and its spends.
[[nodiscard]] bool needs_htlc_keys(const CommitmentSpec& spec);

enum class CommitmentOutputKind : uint8_t {
    kToLocal,
    kToRemote,
    kOfferedHtlc,
    kReceivedHtlc,
};

struct CommitmentOutput {
    CommitmentOutputKind kind = CommitmentOutputKind::kToLocal;
    // Index into CommitmentSpec::htlcs for an HTLC output; 0 otherwise.
    size_t htlc_index = 0;
    // The P2WSH witness script (to_local, HTLCs); empty for the P2WPKH to_remote.
    bitcoin::Script witness_script;
};

struct CommitmentTx {
    bitcoin::Transaction tx;  // unsigned: the funding input's witness is empty
    // outputs[i] says what tx.outputs[i] is.
    std::vector<CommitmentOutput> outputs;
    bitcoin::Sats base_fee;  // what the funder pays (commitment_base_fee)
};

[[nodiscard]] Result<CommitmentTx> build_commitment_tx(const CommitmentSpec& spec);

}  // namespace datt::channel
