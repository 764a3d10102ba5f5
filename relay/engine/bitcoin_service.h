// What the engine needs from a Bitcoin bridge (relay/bitcoin/bridge.h implements it): hand
// over a client's BTC request without waiting, forget a closed connection, and report the
// node's state for NIP-11 and /metrics. The bridge answers on the Outbox from its own
// thread, so a slow node never holds a worker or the network thread.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "bitcoin/amount.h"
#include "bitcoin/tx.h"
#include "net/outbox.h"
#include "util/bytes.h"
#include "util/result.h"
#include "proto/btc_request.h"

namespace datt::relay {

// An unspent output as the node's UTXO set (or mempool) holds it, checked at the bridge's
// edge (rpc_reply.h txout_result).
struct ChainOutput {
    uint32_t confirmations = 0;  // 0: in the mempool
    bitcoin::Sats value{0};
    Bytes script_pubkey;
};

// A transaction seen spending an outpoint the hub watches (BitcoinService::watch_spend).
struct SpendSeen {
    bitcoin::OutPoint outpoint;
    bitcoin::Transaction tx;
    std::optional<uint32_t> height;  // none: in the mempool
};

// A transaction seen paying a script the hub's wallet watches (BitcoinService::watch_scripts).
struct PaymentSeen {
    Hash256 txid{};
    bitcoin::Transaction tx;
    std::optional<uint32_t> height;  // none: in the mempool
};

// The node's chain moved: a new tip, and where a reorganization forked from (none: the new
// blocks extend the old tip). Told before the new blocks' transactions.
struct TipSeen {
    uint32_t height = 0;
    std::optional<uint32_t> fork_height;  // blocks above it were disconnected
};

// What the node said of a transaction the hub broadcast.
struct BroadcastVerdict {
    bool accepted = false;  // in its mempool or in a block
    bool in_block = false;  // accepted, in a block
    std::string reason;     // why not, as far as the node says
};

class BitcoinService {
  public:
    virtual ~BitcoinService() = default;

    // Any thread; never blocks. Over the bridge's bounds the request is answered with
    // BTC-ERR at once.
    virtual void submit(ConnectionId from, proto::BtcRequest request) = 0;
    // Any thread: the connection's watches and queued requests are dropped.
    virtual void connection_closed(ConnectionId id) = 0;
    // The node's state as a JSON object (NIP-11 "bitcoin"), and as Prometheus text lines.
    virtual std::string state_json() const = 0;
    virtual std::string metrics_text() const = 0;

    // For the channel hub (relay/hub): the node's tip height as last polled (0 before the
    // first poll), and, asked without waiting, an output as the node sees it: its depth,
    // value and script, or none when it is spent or unknown (gettxout, mempool included).
    // `done` runs on the bridge's thread.
    virtual uint32_t tip_height() const = 0;
    virtual void unspent_output(const Hash256& txid, uint32_t vout,
                                std::function<void(Result<std::optional<ChainOutput>>)> done) = 0;

    // For the hub's chain watch (relay/hub/chain_watch.h). The listener is set once, before
    // any watch; it runs on the bridge's thread for every transaction that spends a watched
    // outpoint: when it enters the mempool and again when it is in a block. watch_spend (any
    // thread, never blocks) adds an outpoint; blocks from `rescan_from` (0: none) up to the
    // tip are scanned again for it once, so a spend mined while the relay was down is found.
    virtual void set_spend_listener(std::function<void(const SpendSeen&)> listener) = 0;
    virtual void watch_spend(const bitcoin::OutPoint& outpoint, uint32_t rescan_from) = 0;
    // For the hub's wallet (relay/hub/hub_wallet.h), in the same way: the listener (set once,
    // before any watch) gets every transaction with an output paying a watched script, from
    // the mempool and again in a block; watch_scripts adds scripts (in one job: the bridge
    // polls after each job), rescanning from `rescan_from` (0: none).
    virtual void set_payment_listener(std::function<void(const PaymentSeen&)> listener) = 0;
    virtual void watch_scripts(std::vector<Bytes> scripts, uint32_t rescan_from) = 0;
    // The listener (set once, before any watch) of every change of the tip while the hub
    // watches anything, on the bridge's thread: a reorganization is told before the payments
    // and spends of the new branch's blocks.
    virtual void set_tip_listener(std::function<void(const TipSeen&)> listener) = 0;
    // Sends a transaction to the node (sendrawtransaction) and waits for its verdict, without
    // blocking the caller; `done` runs on the bridge's thread.
    virtual void broadcast(Bytes raw, std::function<void(Result<BroadcastVerdict>)> done) = 0;
};

}  // namespace datt::relay
