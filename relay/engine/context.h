// What every role of the engine shares: the configuration, the metrics, the outbox to the
// network layer, the engine's clock and the count of client messages not yet answered.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "engine/bitcoin_service.h"
#include "engine/channel_service.h"
#include "engine/config.h"
#include "engine/metrics.h"
#include "net/outbox.h"
#include "proto/message.h"

namespace datt::relay {

struct Context {
    explicit Context(const Config& c) : config(c), message_limits(relay::message_limits(c)) {}

    const Config config;
    const proto::MessageLimits message_limits;
    Metrics metrics;
    Outbox* outbox = nullptr;  // set by Relay::start, before any message arrives
    BitcoinService* bitcoin = nullptr;  // the bridge, when configured (Relay::attach_bitcoin)
    ChannelService* channels = nullptr;  // the hub, when enabled (Relay::attach_channels)
    const std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();

    // Client messages received and not yet fully answered (an EVENT until its OK, a REQ
    // until its held live events follow EOSE): Relay::quiesce waits for zero.
    std::atomic<int64_t> in_flight{0};

    // Seconds since the engine started (monotonic): rate limits count in it.
    double now_seconds() const {
        return std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    }

    void send(ConnectionId to, std::string text) {
        outbox->send(to, std::make_shared<const std::string>(std::move(text)));
    }

    void notice(ConnectionId to, const std::string& text) {
        ++metrics.notices;
        send(to, proto::format_notice(text));
    }

    // One client message is fully answered.
    void done(int64_t messages = 1) { in_flight -= messages; }
};

}  // namespace datt::relay
