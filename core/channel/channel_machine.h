// The BOLT-2 channel state machine, sans I/O: every input (a message from the peer, a command
// of ours, a connection change) is a function from the current Channel to a Step, the next
// Channel with the messages to send and the events to act on. Nothing here reads a clock,
// draws randomness or does I/O: secrets come in as ChannelSecrets, block heights as numbers.
//
// The caller's loop: parse a message (messages.h), call receive(), store step.channel
// durably (channel_state_codec.h), then send step.to_send in order and act on step.events.
// On an error the input is refused and the channel it was given is unchanged (the caller
// keeps it); BOLT-2 says to fail the channel then (send `error`, close on chain), except for
// the reestablish codes documented in docs/channels.md.
//
// Format: option_static_remotekey without anchors, fixed feerate (no update_fee), one
// commitment_signed outstanding at a time (as eclair and Core Lightning do).
//
// Error codes (stable):
//   channel_wrong_phase              the input does not fit the channel's phase
//   channel_not_connected            a message or command while the link is down or before
//                                    channel_reestablish was exchanged
//   channel_wrong_channel_id         the message is for another channel
//   channel_bad_open_params          open/accept_channel parameters out of policy or BOLT-2
//   channel_bad_signature            a commitment or closing signature does not verify
//   channel_bad_htlc_signature       an HTLC signature does not verify
//   channel_wrong_htlc_signature_count
//   channel_commitment_without_changes   commitment_signed with nothing to sign
//   channel_nothing_to_sign          sign_commitment with no update pending
//   channel_awaiting_revocation      sign_commitment before the previous one was revoked
//   channel_unexpected_revocation    revoke_and_ack with no commitment waiting for it
//   channel_bad_revocation_secret    the secret is not the revoked commitment's
//   channel_wrong_htlc_id            an add whose id is not the next one
//   channel_htlc_below_minimum       amount zero or below htlc_minimum_msat
//   channel_too_many_htlcs           over max_accepted_htlcs
//   channel_htlc_in_flight_too_high  over max_htlc_value_in_flight_msat
//   channel_insufficient_funds       the sender cannot pay it, the reserve and (funder) the fee
//   channel_bad_cltv_expiry          cltv_expiry >= 500,000,000 or not above the block height
//   channel_unknown_htlc             fulfill/fail of an HTLC not committed on both sides
//   channel_htlc_already_settled     a second fulfill/fail of one HTLC
//   channel_bad_preimage             SHA256(preimage) is not the payment hash
//   channel_shutting_down            an add after shutdown
//   channel_shutdown_pending_updates shutdown with our updates not yet signed
//   channel_bad_shutdown_script      not P2WPKH, P2WSH, P2PKH or P2SH
//   channel_closing_not_ready        closing_signed while HTLCs or updates are pending
//   channel_closing_fee_out_of_range no fee both fee ranges accept
//   channel_peer_behind              reestablish: the peer lost state (fail the channel:
//                                    broadcast our commitment)
//   channel_we_are_behind            reestablish: the peer proved we lost state; never
//                                    broadcast our commitment (it is revoked), wait for the
//                                    peer's to pay us
//   channel_reestablish_mismatch     reestablish numbers or secret that fit nothing
//   channel_peer_error               the peer sent `error` or `warning` (its data is in it)
//   channel_not_a_channel_message    hub_challenge_request, hub_challenge, channel_attach or
//                                    hub_open_request: the connection's messages (hub_attach.h)
//   plus the codes of build_commitment_tx, key_derivation.h and shachain.h.
#pragma once

#include <cstdint>
#include <vector>

#include "channel/channel_state.h"
#include "channel/messages.h"
#include "util/result.h"

namespace datt::channel {

struct Step {
    Channel channel;
    std::vector<Message> to_send;
    std::vector<ChannelEvent> events;
};

struct OpenParams {
    Hash256 chain_hash{};
    ChannelId temporary_channel_id{};  // random, from the caller
    bitcoin::Sats funding_amount;
    bitcoin::Msats push_amount;
    uint32_t feerate_per_kw = 0;
    ChannelConfig config;
    Bytes shutdown_script;
    ClosingFeeRange closing_fees;
};

// The lowest feerate a fundee accepts in open_channel: 1 sat/vB is 250 sat per 1,000 weight
// units, and 253 keeps a transaction at that floor after weight is rounded up to vbytes (the
// floor LDK and Core Lightning use too).
inline constexpr uint32_t kFloorFeeratePerKw = 253;

// What the fundee accepts, and its own parameters.
struct AcceptPolicy {
    Hash256 chain_hash{};
    ChannelConfig config;
    uint32_t minimum_depth = 0;
    bitcoin::Sats min_funding;
    bitcoin::Sats max_funding;
    uint32_t min_feerate_per_kw = 0;
    uint32_t max_feerate_per_kw = 0;
    uint16_t max_to_self_delay = 0;
    Bytes shutdown_script;
    ClosingFeeRange closing_fees;
};

// Funder: open_channel.
[[nodiscard]] Result<Step> open_channel(const ChannelSecrets& secrets, const OpenParams& params);
// Fundee: accept_channel for a received open_channel.
[[nodiscard]] Result<Step> accept_channel(const ChannelSecrets& secrets, const AcceptPolicy& policy,
                                          const OpenChannel& open);
// Funder: the funding tx paying FundingNeeded's output is built (not broadcast) at `outpoint`:
// funding_created with our signature of the fundee's first commitment.
[[nodiscard]] Result<Step> funding_created(const Channel& channel, const ChannelSecrets& secrets,
                                           const bitcoin::OutPoint& outpoint);
// Either side, once the funding tx has minimum_depth confirmations: channel_ready.
[[nodiscard]] Result<Step> send_channel_ready(const Channel& channel,
                                              const ChannelSecrets& secrets);

// A message from the peer.
[[nodiscard]] Result<Step> receive(const Channel& channel, const ChannelSecrets& secrets,
                                   const Message& message);

// Our updates. add_htlc gives the HTLC the next id (step.channel.local_next_htlc_id - 1).
[[nodiscard]] Result<Step> add_htlc(const Channel& channel, bitcoin::Msats amount,
                                    const Hash256& payment_hash, uint32_t cltv_expiry,
                                    const ByteArray<kOnionPacketSize>& onion,
                                    uint32_t block_height);
[[nodiscard]] Result<Step> fulfill_htlc(const Channel& channel, uint64_t id,
                                        const Hash256& payment_preimage);
[[nodiscard]] Result<Step> fail_htlc(const Channel& channel, uint64_t id, const Bytes& reason);
// commitment_signed for every update pending on the remote's side.
[[nodiscard]] Result<Step> sign_commitment(const Channel& channel, const ChannelSecrets& secrets);
// shutdown with the script fixed at open; closing_signed follows when nothing is pending.
[[nodiscard]] Result<Step> shutdown(const Channel& channel, const ChannelSecrets& secrets);

// The connection dropped: uncommitted updates of both sides are forgotten (BOLT-2), ours
// reported in UpdatesDropped so the caller can send them again. Only an open or closed
// channel changes (before funding_signed the caller forgets the channel, as BOLT-2 says);
// a closed one answers the peer's channel_reestablish with its final closing_signed.
Step peer_disconnected(const Channel& channel);
// The connection is back: our channel_reestablish. Only channel_reestablish is accepted
// until the peer's arrives; receive() then retransmits what the peer missed.
[[nodiscard]] Result<Step> peer_connected(const Channel& channel, const ChannelSecrets& secrets);

// Queries for callers and tests.
// Our balance and the remote's in our current commitment (before fees), and the HTLCs.
const BalanceSpec* current_local_spec(const Channel& channel);
// Whether the channel takes updates now (open, both channel_ready, connected, no shutdown).
bool can_update(const Channel& channel);
// Whether sign_commitment has something to sign and may send it now.
bool has_changes_to_sign(const Channel& channel);

}  // namespace datt::channel
