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
};

}  // namespace datt::relay
