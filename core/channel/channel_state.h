// The state of one channel, as the state machine (channel_machine.h) keeps it: a plain value
// that the caller stores durably (channel_state_codec.h) before sending what a step returns.
//
// Updates are tracked the way eclair and Core Lightning do, as six lists of BOLT-2 update
// messages, each update moving through them in order:
//   ours:   local_proposed  sent, in no commitment yet
//           local_signed    in the remote's next commitment (our commitment_signed sent),
//                           waiting for its revoke_and_ack
//           local_acked     in the remote's current commitment, not yet in ours (the
//                           remote's next commitment_signed brings it in, then it is done)
//   theirs: remote_proposed received, in no commitment yet
//           remote_acked    in our current commitment (we revoked the previous one), not yet
//                           in the remote's
//           remote_signed   in the remote's next commitment too, waiting for its revocation;
//                           when that arrives the update is irrevocably committed on both
// A commitment's balances are the previous commitment's with the lists it takes applied
// (reduce() in channel_machine.cpp): an add moves the amount from its sender's balance to a
// new HTLC; a fulfill moves it to the HTLC's receiver, a fail back to its sender.
#pragma once

#include <cstdint>
#include <optional>
#include <variant>
#include <vector>

#include "bitcoin/amount.h"
#include "bitcoin/tx.h"
#include "channel/commitment_fees.h"
#include "channel/commitment_keys.h"
#include "channel/commitment_tx.h"
#include "channel/funding.h"
#include "channel/messages.h"
#include "channel/shachain.h"
#include "crypto/ecdsa.h"
#include "crypto/secp256k1.h"
#include "util/bytes.h"
#include "util/result.h"

namespace datt::channel {

// What one side announces in open_channel / accept_channel. dust_limit is for the
// announcer's own commitment; the other limits bind what the *other* side may do:
// htlc_minimum, max_accepted_htlcs and max_htlc_value_in_flight bound the HTLCs it offers,
// channel_reserve is what it must keep, to_self_delay is how long its to_local waits.
struct ChannelConfig {
    bitcoin::Sats dust_limit;
    bitcoin::Msats max_htlc_value_in_flight;
    bitcoin::Sats channel_reserve;
    bitcoin::Msats htlc_minimum;
    uint16_t to_self_delay = 0;
    uint16_t max_accepted_htlcs = 0;
    bool operator==(const ChannelConfig&) const = default;
};

// Our secrets for one channel. Never stored with the state (channel_state_codec.h): the
// caller keeps them (a keystore, an HD derivation) and passes them to each step.
struct ChannelSecrets {
    crypto::SecretKey funding_key;
    crypto::SecretKey revocation_basepoint_secret;
    crypto::SecretKey payment_basepoint_secret;
    crypto::SecretKey delayed_payment_basepoint_secret;
    crypto::SecretKey htlc_basepoint_secret;
    Hash256 per_commitment_seed{};

    // Every key from one 32-byte channel seed: SHA256(seed || tag) per key, tags 1..6.
    // Error: channel_bad_seed (a derived key is not valid: chance about 2^-128).
    [[nodiscard]] static Result<ChannelSecrets> from_seed(const Hash256& channel_seed);
    ChannelBasepoints basepoints() const;
    crypto::PubKey funding_pubkey() const;
};

// An HTLC in a commitment, seen from the commitment's owner.
struct HtlcEntry {
    HtlcDirection direction = HtlcDirection::kOffered;
    uint64_t id = 0;  // the id of the update_add_htlc of the side that offered it
    bitcoin::Msats amount;
    Hash256 payment_hash{};
    uint32_t cltv_expiry = 0;
    bool operator==(const HtlcEntry&) const = default;
};

// Balances and HTLCs of one commitment from its owner's view; they add up to the funding
// amount in msat (the commitment's fee comes out of the funder's balance when it is built).
struct BalanceSpec {
    bitcoin::Msats to_local;
    bitcoin::Msats to_remote;
    std::vector<HtlcEntry> htlcs;
    bool operator==(const BalanceSpec&) const = default;
};

using Update = std::variant<UpdateAddHtlc, UpdateFulfillHtlc, UpdateFailHtlc>;

// Our current commitment, with the remote's signatures that make it broadcastable.
struct LocalCommit {
    uint64_t number = 0;
    BalanceSpec spec;
    crypto::EcdsaSignature remote_signature;
    std::vector<crypto::EcdsaSignature> remote_htlc_signatures;  // in output order
};

// The remote's current commitment (spec from the remote's view).
struct RemoteCommit {
    uint64_t number = 0;
    BalanceSpec spec;
    crypto::PubKey per_commitment_point;  // the remote's point for `number`
};

// The remote's next commitment, signed by us, while we wait for its revoke_and_ack.
struct PendingRemoteCommit {
    RemoteCommit commit;
    CommitmentSigned sent;  // retransmitted unchanged after a reconnect
    // Our local commitment number when we sent it: if it is still the current one, a
    // revoke_and_ack we must retransmit was sent before this commitment_signed.
    uint64_t sent_at_local_number = 0;
};

enum class ChannelPhase : uint8_t {
    kAwaitingAccept = 0,          // funder: open_channel sent
    kAwaitingFundingOutpoint = 1, // funder: accept_channel received, build the funding tx
    kAwaitingFundingCreated = 2,  // fundee: accept_channel sent
    kAwaitingFundingSigned = 3,   // funder: funding_created sent
    kOpen = 4,                    // first commitments signed; updates once both channel_ready
    kClosed = 5,                  // closing_signed agreed: the closing tx is final
};

enum class LinkState : uint8_t {
    kConnected = 0,
    kDisconnected = 1,
    kAwaitingReestablish = 2,  // our channel_reestablish sent, the peer's not yet received
};

// The fee range each side accepts for the cooperative close (closing_signed's fee_range).
struct ClosingFeeRange {
    bitcoin::Sats min_fee;
    bitcoin::Sats max_fee;
    bool operator==(const ClosingFeeRange&) const = default;
};

struct Channel {
    Channel(const ChannelBasepoints& our_basepoints, const crypto::PubKey& our_funding_pubkey)
        : local_basepoints(our_basepoints), local_funding_pubkey(our_funding_pubkey) {}

    ChannelPhase phase = ChannelPhase::kAwaitingAccept;
    LinkState link = LinkState::kConnected;
    bool we_are_funder = true;
    Hash256 chain_hash{};
    ChannelId temporary_channel_id{};
    ChannelId channel_id{};  // zero until the funding outpoint is known
    bitcoin::Sats funding_amount;
    bitcoin::Msats push_amount;
    uint32_t feerate_per_kw = 0;
    uint32_t minimum_depth = 0;
    ChannelConfig local_config;
    ChannelConfig remote_config;
    ChannelBasepoints local_basepoints;
    crypto::PubKey local_funding_pubkey;
    std::optional<ChannelBasepoints> remote_basepoints;  // set from accept/open_channel on
    std::optional<crypto::PubKey> remote_funding_pubkey;
    bitcoin::OutPoint funding_outpoint;
    uint64_t obscuring_factor = 0;

    std::optional<LocalCommit> local_commit;
    std::optional<RemoteCommit> remote_commit;
    std::optional<PendingRemoteCommit> remote_next_commit;
    // The remote's point for remote_commit->number + 1 (its first point before any commit).
    std::optional<crypto::PubKey> remote_next_point;
    // Our point for local_commit->number + 1, as our last channel_ready or revoke_and_ack
    // sent it: the next commitment_signed is checked against it. Kept so it is computed once
    // (a point is a multiplication of G); absent before channel_ready and in states stored
    // in version 1, and then computed from ChannelSecrets when needed.
    std::optional<crypto::PubKey> local_next_point;

    std::vector<Update> local_proposed, local_signed, local_acked;
    std::vector<Update> remote_proposed, remote_acked, remote_signed;
    uint64_t local_next_htlc_id = 0;
    uint64_t remote_next_htlc_id = 0;
    Shachain remote_secrets;

    bool channel_ready_sent = false;
    bool channel_ready_received = false;

    // Cooperative close: our script is fixed at open (as upfront_shutdown_script would be).
    Bytes local_shutdown_script;
    ClosingFeeRange local_closing_fees;
    bool shutdown_sent = false;
    std::optional<Bytes> remote_shutdown_script;
    std::optional<bitcoin::Sats> last_sent_closing_fee;
    std::optional<bitcoin::Transaction> closing_tx;  // signed by both, once kClosed
};

// Events a step reports to the caller (besides the messages to send).
struct FundingNeeded {  // funder: build and sign (not broadcast) the funding tx paying this
    bitcoin::TxOut output;
};
struct FundingMayBroadcast {};  // funder: funding_signed checked, the funding tx is safe to send
struct ChannelOperational {};   // both channel_ready: updates may flow
struct HtlcReceived {           // an incoming HTLC is irrevocably committed: fulfill or fail it
    UpdateAddHtlc add;
};
struct HtlcFulfilled {  // an outgoing HTLC was fulfilled: the preimage, usable at once
    uint64_t id = 0;
    Hash256 payment_preimage{};
};
struct HtlcFailed {  // an outgoing HTLC's failure is irrevocably committed
    uint64_t id = 0;
    Bytes reason;
};
struct RemoteCommitmentRevoked {  // for the chain watcher: what to punish if it appears
    uint64_t number = 0;
    Hash256 per_commitment_secret{};
    BalanceSpec spec;  // from the remote's view
};
struct UpdatesDropped {  // our uncommitted updates the disconnect erased: send them again
    std::vector<Update> updates;
};
struct ChannelClosed {
    bitcoin::Transaction closing_tx;
};

using ChannelEvent = std::variant<FundingNeeded, FundingMayBroadcast, ChannelOperational,
                                  HtlcReceived, HtlcFulfilled, HtlcFailed,
                                  RemoteCommitmentRevoked, UpdatesDropped, ChannelClosed>;

}  // namespace datt::channel
