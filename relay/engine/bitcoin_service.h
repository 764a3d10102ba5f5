// What the engine needs from a Bitcoin bridge (relay/bitcoin/bridge.h implements it): hand
// over a client's BTC request without waiting, forget a closed connection, and report the
// node's state for NIP-11 and /metrics. The bridge answers on the Outbox from its own
// thread, so a slow node never holds a worker or the network thread.
#pragma once

#include <string>

#include "net/outbox.h"
#include "proto/btc_request.h"

namespace datt::relay {

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
};

}  // namespace datt::relay
