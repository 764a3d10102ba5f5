// One WebSocket connection as the engine sees it: its inbox of frames from the network
// thread, its rate limits, and the ids of its open subscriptions.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>

#include "engine/config.h"
#include "engine/metrics.h"
#include "engine/inbox.h"
#include "engine/token_bucket.h"
#include "net/outbox.h"
#include "sync/session.h"

namespace datt::relay {

// One NIP-77 session (negentropy.h): the responder over its set, and when it was last
// used. Its destructor gives the set's items back to the relay-wide budget, whichever way
// it ends (NEG-CLOSE, replacement, idling, disconnect).
struct NegSession {
    NegSession(sync::Responder responder, int64_t items, double now, Metrics& metrics)
        : responder(std::move(responder)), items(items), last_active(now), metrics(metrics) {
        ++metrics.neg_sessions_open;
    }
    NegSession(const NegSession&) = delete;
    NegSession& operator=(const NegSession&) = delete;
    ~NegSession() {
        metrics.neg_items_held -= items;
        --metrics.neg_sessions_open;
    }

    const sync::Responder responder;
    const int64_t items;
    double last_active;  // guarded by Connection::subscriptions_mutex
    Metrics& metrics;
};

struct Connection {
    Connection(ConnectionId id, std::string ip, size_t monitor, const Config& config)
        : id(id),
          ip(std::move(ip)),
          monitor(monitor),
          events(config.events_per_second, std::max(1.0, 2 * config.events_per_second)),
          reqs(config.reqs_per_second, std::max(1.0, 2 * config.reqs_per_second)) {}

    const ConnectionId id;
    const std::string ip;
    const size_t monitor;  // the monitor shard holding its subscriptions

    // Text frames from the network thread, handled in arrival order by the ingester.
    Inbox<std::string> frames;
    std::atomic<size_t> frame_bytes{0};  // queued in `frames`, against the inbox cap
    std::atomic<bool> closed{false};     // set by on_close: queued REQ/COUNT work is dropped

    // Used only by the connection's drain (one at a time), so unguarded.
    TokenBucket events;
    TokenBucket reqs;

    // Open subscriptions: id -> generation (which REQ opened it). Written by the reader
    // (REQ, CLOSE) and by the monitor (a subscription it ends); the count enforces
    // max_subscriptions and feeds the datt_subscriptions_open gauge.
    std::mutex subscriptions_mutex;
    std::map<std::string, uint64_t, std::less<>> subscriptions;
    uint64_t next_generation = 1;  // guarded by subscriptions_mutex
    // Open NIP-77 sessions by subscription id, guarded by subscriptions_mutex too (they
    // count against max_subscriptions with `subscriptions`). Shared so that a reply can be
    // computed outside the lock while the idle sweeper may drop the entry.
    std::map<std::string, std::shared_ptr<NegSession>, std::less<>> neg_sessions;
};

}  // namespace datt::relay
