// What the engine needs from the payment-channel hub (relay/hub/hub.h implements it): hand
// over a connection's binary frames without waiting, and forget a closed connection. The
// hub answers on the Outbox (binary frames) once the state they depend on is committed.
// Without a hub, binary frames get a NOTICE as before.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "net/outbox.h"

namespace datt::relay {

class ChannelService {
  public:
    virtual ~ChannelService() = default;
    // Network thread; never blocks. `remote_ip`: the connection's peer address (what the
    // hub counts the channels it funds per client by).
    virtual void on_frame(ConnectionId from, const std::string& remote_ip, std::string bytes) = 0;
    virtual void connection_closed(ConnectionId id) = 0;
    // Prometheus text lines for /metrics (any thread).
    virtual std::string metrics_text() const { return {}; }
    // The hub wallet's state as JSON for the operator's /hub/wallet route (loopback only);
    // none without a wallet.
    virtual std::optional<std::string> wallet_json() const { return std::nullopt; }
    // The operator's withdrawal from the hub wallet (POST /hub/wallet/withdraw, loopback
    // only; the request's JSON body as sent): `done` gets the HTTP status and JSON answer,
    // once, from any thread.
    virtual void wallet_withdraw(std::string request_json, std::function<void(unsigned, std::string)> done) {
        (void)request_json;
        done(404, "{\"error\":\"hub_open_unavailable\",\"message\":\"no hub\"}");
    }
};

}  // namespace datt::relay
