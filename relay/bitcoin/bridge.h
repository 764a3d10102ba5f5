// The relay's bridge to a Bitcoin node (bitcoind or bcoin, JSON-RPC): one thread of its own
// that takes clients' BTC requests from a bounded queue, calls the node (rpc_client.h),
// validates every reply (rpc_reply.h) and answers on the Outbox; between requests it polls
// the node's tip, keeps the node's state (connected, height, last error, retries, with
// exponential backoff while the node is down) and tells watching clients of payments,
// confirmations, spends and reorganizations. docs/protocol.md ("Bitcoin bridge") lists the
// messages; docs/architecture.md its place among the relay's threads.
//
// The hub (relay/hub/chain_watch.h) watches outpoints through watch_spend: their spends are
// matched in every scanned block and mempool transaction (next to the clients' watches) and
// handed to its listener (and its wallet's scripts through watch_scripts, payments to them to
// another listener); a watch may ask for blocks from a height on to be scanned again
// (kMaxBlocksPerPoll per poll), for spends mined while the relay was down. A client's watch
// of outpoints may ask the same (`from_height`, bridge_rescan.cpp): the spends mined while it
// was away are told to it alone.
//
// Bounds: 1,024 queued requests in all and 16 per connection (else BTC-ERR "busy"); 100
// watched scripts + outpoints per connection; faucet and mine requests per minute for all
// clients (--bitcoin-faucet-per-minute) and 5 per connection per minute.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "bitcoin/network.h"
#include "bridge/rpc_client.h"
#include "bridge/rpc_reply.h"
#include "bitcoin/tx.h"
#include "crypto/secp256k1.h"
#include "engine/bitcoin_service.h"
#include "engine/config.h"

namespace datt::relay::bitcoin_bridge {

class Bridge final : public BitcoinService {
  public:
    // Reads the credentials; errors: rpc_config, unknown_network.
    [[nodiscard]] static Result<std::unique_ptr<Bridge>> make(const Config& config);
    ~Bridge() override;

    void start(Outbox& outbox);
    void stop();  // idempotent; joins the thread

    void submit(ConnectionId from, proto::BtcRequest request) override;
    void connection_closed(ConnectionId id) override;
    std::string state_json() const override;
    std::string metrics_text() const override;
    uint32_t tip_height() const override;
    void unspent_output(const Hash256& txid, uint32_t vout,
                        std::function<void(Result<std::optional<ChainOutput>>)> done) override;
    void set_spend_listener(std::function<void(const SpendSeen&)> listener) override;
    void watch_spend(const bitcoin::OutPoint& outpoint, uint32_t rescan_from) override;
    void set_payment_listener(std::function<void(const PaymentSeen&)> listener) override;
    void watch_scripts(std::vector<Bytes> scripts, uint32_t rescan_from) override;
    void set_tip_listener(std::function<void(const TipSeen&)> listener) override;
    void broadcast(Bytes raw, std::function<void(Result<BroadcastVerdict>)> done) override;

  private:
    struct Queued {
        ConnectionId from = 0;
        std::optional<proto::BtcRequest> request;  // none: the connection closed (or a job)
        std::function<void()> job;                 // the hub's question, run on the thread
    };
    using OutPointKey = std::pair<Hash256, uint32_t>;
    struct Rescan {  // a client's blocks to scan again for spends of its outpoints
        std::set<OutPointKey> outpoints;  // spent (gettxout), their spend not found yet
        uint32_t from = 0;                // the first height asked for
        uint32_t next = 0;                // the next height to scan
    };
    struct Watch {
        std::set<Bytes> scripts;
        std::set<OutPointKey> outpoints;
        std::deque<double> faucet_times;  // seconds, the last minute's faucet/mine requests
        std::optional<Rescan> rescan;
    };
    struct BlockTx {
        bitcoin::Transaction tx;
        Hash256 txid;
    };
    struct Coin {  // the faucet's own unspent outputs (P2PKH to faucet_key_)
        bitcoin::OutPoint outpoint;
        bitcoin::Sats value;
        uint32_t height = 0;  // 0: unconfirmed change
        bool coinbase = false;
    };

    Bridge(const Config& config, const bitcoin::Network& network, RpcClient client);

    void run();
    void handle(const Queued& queued);
    void reply_ok(ConnectionId to, const std::string& id, const json& result);
    void reply_err(ConnectionId to, const std::string& id, const Error& error);
    void notify(ConnectionId to, const json& event);

    // RPC with the node's state kept up to date (a transport failure marks it down).
    [[nodiscard]] Result<json> call(const std::string& method, json params);
    [[nodiscard]] Result<std::vector<json>> batch(const std::string& method, const std::vector<json>& params);
    [[nodiscard]] Status usable();  // fails fast while the node is down and backing off
    void mark_up();
    void mark_down(const Error& error);

    void poll();
    [[nodiscard]] Status scan_tip(const ChainInfo& info);
    // hub_only: a rescan for the hub's outpoints (clients were told of those blocks already).
    [[nodiscard]] Status scan_block(uint32_t height, const Hash256& hash, bool hub_only = false);
    // The hash of the node's block at `height` (getblockhash).
    [[nodiscard]] Result<Hash256> block_hash_at(uint32_t height);
    [[nodiscard]] Result<std::vector<BlockTx>> block_transactions(const Hash256& hash);
    [[nodiscard]] Status scan_mempool();
    // A client's `from_height` (bridge_rescan.cpp): the range to scan and how many of
    // `outpoints` are spent; then, each poll, kMaxRescanBlocksPerPoll blocks for all clients.
    [[nodiscard]] Result<json> start_rescan(Watch& watch, const std::vector<OutPointKey>& outpoints, uint32_t from_height);
    [[nodiscard]] Status rescan_for_clients();
    // The `spend` notification of `prev` by input `vin` of `tx` (with its bytes when not too large).
    static json spend_event(const bitcoin::OutPoint& prev, const Hash256& txid, size_t vin, const Bytes& raw_tx,
                            std::optional<uint32_t> height, const Hash256* block);
    [[nodiscard]] Status rescan_for_hub();
    void match_transaction(const bitcoin::Transaction& tx, const Hash256& txid, std::optional<uint32_t> height,
                           const Hash256* block, bool hub_only = false);
    void queue_job(std::function<void()> job, const std::function<void()>& refused);
    void push_hub_job(std::function<void()> job);  // unbounded: the hub's watches
    void hub_watch_added(uint32_t rescan_from);    // bridge thread
    bool anyone_watching() const;

    [[nodiscard]] Result<json> status();
    [[nodiscard]] Result<json> broadcast(const Bytes& raw);
    [[nodiscard]] Result<json> headers(uint32_t from, uint32_t count);
    [[nodiscard]] Result<json> proof(const std::string& txid_hex);
    [[nodiscard]] Result<json> watch(ConnectionId from, const proto::BtcWatch& request);
    [[nodiscard]] Result<json> mine(uint32_t blocks);
    [[nodiscard]] Result<json> faucet(const std::string& address, uint64_t sats);
    [[nodiscard]] Status faucet_allowed(ConnectionId from);
    [[nodiscard]] Result<std::vector<Hash256>> generate(uint32_t blocks, const std::string& address);
    bool is_regtest() const;

    const Config config_;
    const bitcoin::Network network_;
    RpcClient client_;
    Outbox* outbox_ = nullptr;

    mutable std::mutex mutex_;  // guards queue_, pending_, stopping_
    std::condition_variable wake_;
    std::deque<Queued> queue_;
    std::unordered_map<ConnectionId, size_t> pending_;
    bool stopping_ = false;
    std::thread thread_;

    // Node state: written by the bridge thread, read by HTTP routes.
    mutable std::mutex state_mutex_;
    bool connected_ = false;
    uint32_t height_ = 0;
    Hash256 tip_{};
    std::string last_error_;
    uint64_t retries_ = 0;
    std::chrono::steady_clock::time_point next_poll_{};
    std::chrono::steady_clock::time_point retry_at_{};
    std::atomic<uint64_t> rpc_calls_{0}, rpc_errors_{0}, requests_{0}, request_errors_{0}, notifications_{0};

    // Bridge thread only.
    std::unordered_map<ConnectionId, Watch> watches_;
    std::map<uint32_t, Hash256> recent_blocks_;      // height -> hash, the last 200 seen
    std::map<Hash256, uint32_t> confirmed_;          // txid -> height, of notified transactions
    std::set<Hash256> mempool_seen_;
    bool scanned_once_ = false;
    std::deque<double> faucet_times_;
    std::optional<crypto::SecretKey> faucet_key_;
    std::string faucet_address_;
    Bytes faucet_script_;
    std::vector<Coin> coins_;
    // The hub's watch (watch_spend): its outpoints, the next height to scan again for them
    // (none: no rescan pending), and where spends go.
    std::set<std::pair<Hash256, uint32_t>> hub_outpoints_;
    std::optional<uint32_t> rescan_from_;
    std::function<void(const SpendSeen&)> spend_listener_;
    // The hub wallet's watch (watch_scripts): its scripts, and where payments to them go.
    std::set<Bytes> hub_scripts_;
    std::function<void(const PaymentSeen&)> payment_listener_;
    std::function<void(const TipSeen&)> tip_listener_;  // the hub's, of tip changes and reorgs
    const std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
};

}  // namespace datt::relay::bitcoin_bridge
