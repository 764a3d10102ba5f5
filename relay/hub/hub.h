// The payment-channel hub inside datt-relay: it runs core/channel's machine for each client
// channel, over binary WebSocket frames (channel/channel_frame.h; docs/protocol.md
// "Channels"), and forwards payments payer -> hub -> payee (forwarding.h) without ever being
// able to take them.
//
// Threads: one hub thread owns every channel. on_frame/connection_closed (network threads)
// queue work for it; a tick every 100 ms checks funding outputs (the bridge) and the
// deadlines of held payments.
//
// Funding (hub_minimum_depth > 0): the client funds the channel alone, so before
// channel_ready the hub asks the bridge for the funding output (gettxout, at most once a
// second per channel, whether the client is attached or not) and checks it
// (channel/funding_check.h): P2WSH of the 2-of-2 funding script, value == funding amount.
// A wrong output refuses the channel for good (kept in memory: the check is repeated after
// a restart and refuses it again): an `error` frame hub_funding_mismatch, then every
// channel_reestablish gets the same; its row and seed are kept (only the hub's signature can
// help the client recover a 2-of-2 output). channel_ready goes once the output has
// hub_minimum_depth confirmations. A funding output never seen (neither in the mempool nor
// in the UTXO set) after hub_funding_timeout_blocks blocks counted by this process (from
// the first tip it saw for the channel; a restart counts again) is forgotten (BOLT-2's
// 2016 blocks by default): an `error` frame hub_funding_timeout if attached, its row
// deleted (DeleteChannelState). A funding output seen once and gone later was spent: it
// is not forgotten.
//
// Durability (docs/architecture.md "Hub"): every input runs to completion in memory, then
// the channels it changed and the forwards it changed (PutHubForward, DeleteHubForward)
// join the group of its pass: the hub thread takes every input queued for it, runs them one
// after the other, signs one commitment per channel for all the updates the pass made on it
// (one commitment_signed after them, not one per update), and hands the group to the
// relay's single writer as one WriteHub (group commit: one transaction and one fsync for all
// the channels that moved, each stored once, PutChannelState, not once per input); the
// frames the inputs produced are sent from the writer's
// commit callback, so no message leaves before the state it depends on is in SQLite
// (synchronous=FULL). Every frame goes that way, in order,
// even those that need nothing stored, so a later frame cannot overtake an earlier one.
// If the commit fails, nothing is sent and the hub stops taking input (its memory is ahead
// of the disk): the relay must be restarted.
//
// Attaching: a stored channel attaches to a connection only after that connection proved
// the channel's funding key (channel/hub_attach.h): hub_challenge_request -> hub_challenge
// (32 random bytes per connection, getrandom), channel_attach (a signature over it), then
// channel_reestablish. A channel opened on a connection is proven there. Proofs are
// per connection, held in memory only, at most hub_max_channels of them. The latest proof
// wins (as Lightning nodes drop a peer's old connection when it reconnects): a good
// channel_attach takes the channel from a connection the hub still thinks open (a page
// reloaded before its old WebSocket's close was seen), which is then told hub_channel_moved
// for that channel's frames.
//
// Restart: make() loads every stored channel (parse_channel_state: stored bytes are
// untrusted; a row that fails to load is left as it is and logged, its channel refused)
// and every forward, and marks each channel disconnected (peer_disconnected: our
// uncommitted updates are kept to be sent again). A client's channel_reestablish
// reattaches its channel to the connection and resumes.
//
// Receipts: a forward whose payer asked for one (hop payload 0xd3) stores the incoming onion
// with the forward's first row (PutHubReceiptRequest, hub_receipt_requests), deleted with the
// forward (DeleteHubForward). make() parses and checks each again (stored_receipt_fields): a
// payee who fulfils after a restart still gets the receipt published; a damaged row is
// logged and its payment goes on without one.
//
// On chain (chain_watch.h): every stored channel's funding outpoint is watched through the
// bridge; a spend closes the channel for the hub (hub_channel_closed_onchain) and runs the
// resolver, whose answer is stored before anything is broadcast. The hub closes a channel on
// chain itself when an HTLC's deadline needs it, and settles the payer's HTLC from what the
// chain shows (force_close.h).
//
// Limits per connection: hub_max_channels (open or attached), hub_max_pending_htlcs (HTLCs
// on its channels, counted in our commitment and in the proposals), hub_messages_per_second
// (token bucket, burst 2x): over them a frame is refused with a warning (the state is not
// touched) and the rate limit closes the connection.
//
// Errors to the client are BOLT-1 `warning` (a frame refused, the channel goes on) or
// `error` (a channel message the machine refused: the state is unchanged, the channel should
// be closed) frames whose data is "code: message".
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "channel/channel_machine.h"
#include "engine/bitcoin_service.h"
#include "engine/channel_service.h"
#include "engine/config.h"
#include "engine/messages.h"
#include "engine/token_bucket.h"
#include "hub/forwarding.h"
#include "hub/hub_wallet.h"
#include "hub/open_policy.h"
#include "hub/onchain_deadlines.h"
#include "hub/onchain_record.h"
#include "net/outbox.h"
#include "store/store.h"

namespace datt::relay::hub {

// Where the hub's writes go: the relay's writer (Relay::write_hub), or a test's.
using WriteSink = std::function<bool(WriteHub)>;

struct HubOptions {
    Hash256 chain_hash{};  // the network's genesis hash (BOLT-2 chain_hash)
    // The network of the hub's wallet (hub_wallet.h); without it (or without the bridge) the
    // hub has no wallet and opens no channel itself.
    std::optional<bitcoin::Network> network;
    // Unix seconds now; the wall clock by default (tests pass their own).
    std::function<int64_t()> now;
};

class Hub final : public ChannelService {
  public:
    // Loads the stored channels and forwards through `reader`. `chain` may be null when
    // hub_minimum_depth is 0. Errors: config (bad fee policy), store_* (reading failed).
    [[nodiscard]] static Result<std::unique_ptr<Hub>> make(const Config& config, HubOptions options,
                                                           StoreReader& reader, WriteSink writes,
                                                           BitcoinService* chain, Outbox& outbox);
    ~Hub() override;

    void start();
    void stop();  // idempotent; joins the thread

    void on_frame(ConnectionId from, const std::string& remote_ip, std::string bytes) override;
    void connection_closed(ConnectionId id) override;

    // For tests and benchmarks: a copy of a channel's state as the hub holds it (waits for
    // the hub thread), and the number of forwards not yet settled.
    std::optional<channel::Channel> channel(const channel::ChannelId& id);
    // The chain watch's counters as Prometheus text (chain_watch.cpp).
    std::string metrics_text() const override;
    // The wallet's deposit address and balance as JSON (hub_open.cpp), for the operator's
    // loopback route /hub/wallet; none before the wallet exists.
    std::optional<std::string> wallet_json() const override;
    // The operator's withdrawal (hub_withdraw.cpp), done on the hub thread.
    void wallet_withdraw(std::string request_json, std::function<void(unsigned, std::string)> done) override;
    size_t pending_forwards();
    size_t loaded_channels() const { return loaded_; }

  private:
    struct Live {
        channel::Channel state;
        channel::ChannelSecrets secrets;
        Hash256 seed{};
        std::optional<ConnectionId> conn;
        bool stored = false;        // has a row (funding_signed sent)
        bool checking = false;      // a funding question to the bridge is out
        bool refused = false;       // the funding output is wrong: never used
        bool funding_seen = false;  // the funding output was seen once (mempool or chain)
        std::optional<uint32_t> waiting_since;  // the first tip height seen while unconfirmed
        std::chrono::steady_clock::time_point next_check{};
        std::vector<channel::Update> dropped;  // ours, to send again after reestablish
        // Who asked the hub to fund it (client_of; memory only, so empty after a restart).
        std::string client;
    };
    struct Conn {
        explicit Conn(double rate) : rate(rate, std::max(1.0, 2 * rate)) {}
        TokenBucket rate;
        std::string client;  // open_policy.h client_of: its address, the /64 for IPv6
        std::map<channel::ChannelId, Live> opening;  // before funding_created, by temporary id
        std::set<channel::ChannelId> channels;       // attached stored channels
        std::optional<Hash256> challenge;            // hub_challenge, drawn at the first request
        std::set<channel::ChannelId> proven;         // channel_attach verified (or opened here)
        // Channels another connection's channel_attach took from this one: their frames
        // here get hub_channel_moved until this connection proves the channel again.
        std::set<channel::ChannelId> moved;
    };
    // What one input produced: committed, then sent.
    struct Out {
        std::set<channel::ChannelId> dirty;
        std::vector<WriteCommand> commands;
        std::vector<std::pair<ConnectionId, Bytes>> frames;
        std::vector<std::function<void()>> after;  // once committed (broadcasts)
    };
    // What the inputs of one pass of run() produced, in input order: one WriteHub (one
    // transaction, one fsync) for all of them, whose frames are sent from its commit callback.
    struct Group {
        std::set<channel::ChannelId> dirty;  // stored at commit, once each
        std::vector<WriteCommand> commands;
        std::vector<std::pair<ConnectionId, Bytes>> frames;
        std::vector<std::function<void()>> after;  // once committed (the chain watch's broadcasts)
    };

    Hub(const Config& config, HubOptions options, WriteSink writes, BitcoinService* chain,
        Outbox& outbox);

    void post(std::function<void()> task);
    void run();
    void flush(Out& out);  // an input's state and frames join group_
    void sign_pending();   // commitment_signed for the channels in to_sign_
    void commit_group();   // group_ to the writer
    void tick();

    void frame(ConnectionId from, const std::string& client, const std::string& bytes);
    void closed(ConnectionId id);
    // The connection is gone for this channel (closed, or the channel moved to another one):
    // peer_disconnected, our unsigned updates kept to send again, payments offered on them
    // held again. A channel whose funding_signed never came is forgotten instead (BOLT-2).
    void disconnect(Out& out, Live& live);
    // A good channel_attach on `to` takes the channel from any other connection (the one a
    // reloaded page left behind): only one connection at a time holds a channel's proof.
    void take_channel(Out& out, ConnectionId to, Live& live);
    void warn(Out& out, ConnectionId to, const channel::ChannelId& id, const Error& error, bool fatal);
    void warn_moved(Out& out, ConnectionId to, const channel::ChannelId& id);  // hub_channel_moved
    // A channel closed on chain (its funding spent, or our force-close decided): its client, if
    // attached, gets hub_channel_closed_onchain with `why` and is detached.
    void detach_closed(Out& out, Live& live, const channel::ChannelId& id, const std::string& why);

    void open(Out& out, ConnectionId from, Conn& conn, const channel::OpenChannel& open);
    void funding(Out& out, ConnectionId from, Conn& conn, const channel::FundingCreated& created);
    void challenge(Out& out, ConnectionId from, Conn& conn);
    void attach(Out& out, ConnectionId from, Conn& conn, const channel::ChannelAttach& msg);
    void reestablish(Out& out, ConnectionId from, Conn& conn, const channel::ChannelReestablish& msg);

    // Applies a machine step to a channel: state, frames, events; what is left to sign is
    // signed at the end of the pass (sign_pending).
    // false (and a frame to the client) when the step failed; the state is unchanged then.
    bool apply(Out& out, Live& live, const Result<channel::Step>& step);
    void on_event(Out& out, Live& live, const channel::ChannelEvent& event);
    void maybe_ready(Out& out, Live& live);
    void funding_checked(const channel::ChannelId& id, const Result<std::optional<ChainOutput>>& reply);
    void forget(Out& out, Live& live, const Error& why);
    void offer(Out& out, HubForward& forward);
    void settle(Out& out, HubForward& forward);
    void publish_receipt(Out& out, const HubForward& forward);
    void resume(Out& out, Live& live);
    std::vector<HubForward*> unoffer_dropped(Live& live);
    size_t pending_htlcs(const Conn& conn) const;

    // The chain watch (chain_watch.cpp, chain_watch.h).
    void watch_chain();
    void watch_funding(const Live& live);
    void note_funding_height(Out& out, const Live& live, uint32_t confirmations);
    void spend_seen(const SpendSeen& spend);
    void funding_spent(Out& out, Live& live, const SpendSeen& spend);
    bool take_cheater_htlc_tx(const channel::ChannelId& id, OnchainRecord& record, const SpendSeen& spend);
    void chain_tick(Out& out);
    void bump_justice_fees(Out& out, uint32_t tip);
    void broadcast_due(Out& out, const channel::ChannelId& id);
    void broadcast_closing(Out& out, const bitcoin::Transaction& closing_tx);
    void put_onchain(Out& out, const channel::ChannelId& id);
    bool closed_on_chain(const channel::ChannelId& id) const;
    bool usable(const Live& live) const;

    // The hub's wallet (hub_open.cpp, hub_wallet.h).
    void watch_wallet();                 // start(): the bridge's payments to its scripts
    void wallet_tick(Out& out);          // makes the wallet once wanted and a tip is known
    void wallet_payment(const PaymentSeen& payment);
    void wallet_tip(const TipSeen& tip);  // wallet_chain.cpp: reorganizations, lost pending coins
    void watch_wallet_scripts();         // the scripts the wallet added to its window
    void publish_wallet(Out& out);       // the operator's view, once the commit is done
    std::string wallet_metrics() const;
    // Where a new channel's closing output and sweeps go: a fresh wallet address (the wallet
    // made now if it can be), recorded in `out` before the script is sent; without a wallet,
    // a key of the channel's own seed (shutdown_script_of).
    Bytes closing_script(Out& out, const Hash256& seed);
    // Opening a channel the hub funds (hub_open.cpp): the client's request, its
    // accept_channel (funding tx built, signed and stored with the channel before
    // funding_created), the broadcast after funding_signed; a funding given up before it.
    void open_request(Out& out, ConnectionId from, Conn& conn, const channel::HubOpenRequest& request);
    void accepted(Out& out, ConnectionId from, Conn& conn, const channel::AcceptChannel& accept);
    void broadcast_funding(Out& out, const channel::ChannelId& id);
    void give_up_funding(Out& out, Live& live);  // `live` is gone afterwards
    void funding_refused(const channel::ChannelId& id);  // the node refused its funding tx
    void resume_funding(Out& out);               // once the wallet exists, after a restart
    // Withdrawals and refusals (hub_withdraw.cpp): a withdrawal built, committed, then
    // broadcast (`then` on the bridge's thread); the stored ones again at start; a wallet
    // transaction the node refused undone as far as the node says (`then` on the hub
    // thread, with whether it was undone, in the same commit).
    void withdraw(const std::string& body, const std::function<void(unsigned, std::string)>& done);
    void broadcast_withdrawal(Out& out, const bitcoin::Transaction& tx,
                              std::function<void(const Result<BroadcastVerdict>&)> then);
    void resume_withdrawals(Out& out);
    void release_refused(const bitcoin::Transaction& tx, std::function<void(Out&, bool)> then);
    // The channels the hub funds for `client` that are open or being opened: asks waiting
    // for accept_channel, and channels with a funding tx not yet closed.
    size_t hub_funded(const std::string& client) const;
    // What requests still waiting for accept_channel will take from the confirmed coins:
    // neither another request nor a withdrawal may count on it.
    int64_t promised_to_opens() const;

    // Closing on chain by itself and settling from the chain (force_close.cpp, force_close.h).
    struct ForceClose {
        ForceReason reason = ForceReason::kOfferedExpired;
        uint32_t height = 0;
        bitcoin::Transaction commitment;
    };
    void load_force_close(const StoreReader::StoredForceClose& row);
    std::vector<Hash256> known_preimages(const Live& live) const;
    void force_close_due_channels(Out& out, uint32_t tip);
    void force_close(Out& out, Live& live, const ForceCloseDecision& decision, uint32_t tip);
    void broadcast_force_close(Out& out, const channel::ChannelId& id);
    void fail_back_timed_out(Out& out, uint32_t tip);
    void learn_preimages(Out& out, const bitcoin::Transaction& tx);
    void prune_revoked(Out& out, uint32_t tip);
    void forget_closed_forwards(Out& out, uint32_t tip);

    const Config config_;
    const ForwardPolicy policy_;
    const DeadlinePolicy deadlines_;
    HubOptions options_;
    WriteSink writes_;
    BitcoinService* chain_;
    Outbox& outbox_;
    size_t loaded_ = 0;

    std::mutex mutex_;
    std::condition_variable wake_;
    std::deque<std::function<void()>> tasks_;
    bool stopping_ = false;
    std::thread thread_;
    std::atomic<bool> failed_{false};  // a commit failed: no more input

    // Hub thread only.
    std::map<channel::ChannelId, Live> channels_;
    std::map<ConnectionId, Conn> conns_;
    Group group_;
    // Channels the pass left with updates to sign: signed once each at its end.
    std::set<channel::ChannelId> to_sign_;
    std::map<std::pair<channel::ChannelId, uint64_t>, HubForward> forwards_;
    // Receipts asked for (0xd3) by forwards not yet fulfilled, by the same key; their
    // requests are stored too (PutHubReceiptRequest) and loaded again by make().
    std::map<std::pair<channel::ChannelId, uint64_t>, receipt::ReceiptFields> receipts_;
    // The chain watch: each channel's on-chain record (onchain_record.h), and the tip the
    // last broadcast round ran at.
    std::map<channel::ChannelId, OnchainRecord> onchain_;
    // The clients' revoked commitments that held HTLCs (hub_revoked), for the justice tx.
    std::map<channel::ChannelId, std::vector<channel::RemoteCommitmentRevoked>> revoked_;
    uint32_t broadcast_tip_ = 0;
    // The hub's own unilateral closes (hub_force_closes), by channel.
    std::map<channel::ChannelId, ForceClose> force_closes_;
    // The wallet: the stored rows until it is made, then the wallet (hub thread); what the
    // operator sees of it (any thread, under wallet_mutex_).
    StoreReader::StoredWallet stored_wallet_;
    std::optional<HubWallet> wallet_;
    std::map<Hash256, bitcoin::Transaction> withdrawals_;  // stored, not yet known mined
    // A wallet is made when first needed (the operator's /hub/wallet, a client's request) or
    // at start when one is stored: until then the bridge scans no block for it.
    mutable std::atomic<bool> wallet_wanted_{false};
    // The signed funding transactions of the channels the hub funds (hub_funding_txs).
    std::map<channel::ChannelId, bitcoin::Transaction> funding_txs_;
    mutable std::mutex wallet_mutex_;
    std::optional<std::pair<std::string, WalletBalance>> wallet_view_;  // address, balance
    // Counters for /metrics (any thread reads them).
    std::array<std::atomic<uint64_t>, 10> broadcasts_{};  // by ResolutionKind, then closing
    std::array<std::atomic<uint64_t>, 5> spends_{};      // by FundingSpendKind
    std::atomic<uint64_t> broadcast_refusals_{0};
    std::atomic<uint64_t> justice_fee_bumps_{0};
    std::array<std::atomic<uint64_t>, 3> force_closes_total_{};  // by ForceReason (1, 2)
    std::atomic<uint64_t> onchain_fail_backs_{0};
    std::atomic<uint64_t> onchain_fulfils_{0};
};

// The hub's channel parameters (what accept_channel announces and what it accepts).
channel::AcceptPolicy accept_policy(const Config& config, const Hash256& chain_hash,
                                    const Bytes& shutdown_script);
// The P2WPKH script a channel of the hub closes to when the hub has no wallet (and what
// channels opened before the wallet's close addresses keep): a key of the channel's own seed.
Bytes shutdown_script_of(const Hash256& seed);

}  // namespace datt::relay::hub
