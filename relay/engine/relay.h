// The relay's protocol engine: NIP-01 semantics between the network layer (relay/net)
// and the store (relay/store). See docs/architecture.md for the threads and queues.
//
//   network thread --on_text--> per-connection inbox --> worker pool (parse, verify,
//   query; one StoreReader per worker) --EVENT--> writer queue --> writer thread (one
//   transaction per batch, then OK and live fan-out).
//
// Messages of one connection are handled in arrival order; different connections run in
// parallel. OK true is sent only after the event's transaction committed.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <thread>
#include <vector>

#include "engine/config.h"
#include "engine/metrics.h"
#include "engine/token_bucket.h"
#include "event/event.h"
#include "net/server.h"
#include "proto/message.h"
#include "store/store.h"

namespace datt::relay {

class Relay final : public ServerHandler {
public:
    Relay(const Config& config, Store& store);
    ~Relay() override;

    // Starts the worker and writer threads; replies go out through `server`.
    [[nodiscard]] Status start(Server& server);
    // Graceful stop, first half: new messages are ignored, and this returns once every
    // message already received has been handled and its replies queued (or after
    // `timeout`). Call it before Server::stop(), which flushes the queued replies.
    void quiesce(std::chrono::milliseconds timeout);
    // Stops taking work, commits what the writer holds, joins the threads. Idempotent.
    void shutdown();

    bool on_open(ConnectionId id, const std::string& remote_ip) override;
    void on_text(ConnectionId id, std::string message) override;
    void on_binary(ConnectionId id) override;
    void on_close(ConnectionId id) override;
    HttpResponse on_http(const HttpRequest& request) override;

private:
    struct Connection;
    struct PendingWrite {
        std::shared_ptr<Connection> connection;
        event::Event event;
    };

    void writer_loop();
    void schedule(std::function<void(StoreReader&)> task);
    void drain_inbox(const std::shared_ptr<Connection>& connection, StoreReader& reader);
    // Both return true when the message went to the writer, which then finishes it.
    bool handle(const std::shared_ptr<Connection>& connection, std::string_view text,
                StoreReader& reader);
    bool handle_event(const std::shared_ptr<Connection>& connection, std::string_view event_json);
    void handle_req(const std::shared_ptr<Connection>& connection, proto::ReqMessage req,
                    StoreReader& reader);
    void handle_count(const std::shared_ptr<Connection>& connection,
                      const proto::CountMessage& count, StoreReader& reader);
    void fan_out(const event::Event& event, const std::string& event_json);
    void send(ConnectionId id, std::string text);
    void notice(ConnectionId id, const std::string& text);
    double now_seconds() const;

    std::string relay_information() const;
    std::string metrics_text();

    const Config config_;
    Store& store_;
    Server* server_ = nullptr;
    Metrics metrics_;
    const proto::MessageLimits message_limits_;
    const std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();

    // Connections and their subscriptions (read by fan-out, written by REQ/CLOSE).
    mutable std::shared_mutex connections_mutex_;
    std::map<ConnectionId, std::shared_ptr<Connection>> connections_;

    // Kept after an IP's last connection closes (until idle for a while), so reconnecting
    // does not refill its event bucket.
    struct IpState {
        TokenBucket events;
        size_t connections = 0;
        double last_seen = 0;
    };
    void sweep_idle_ips(double now);  // with ips_mutex_ held
    std::mutex ips_mutex_;
    std::map<std::string, IpState> ips_;

    // Worker pool.
    std::mutex tasks_mutex_;
    std::condition_variable tasks_ready_;
    std::deque<std::function<void(StoreReader&)>> tasks_;
    std::vector<std::thread> workers_;

    // Writer.
    std::mutex writes_mutex_;
    std::condition_variable writes_ready_;
    std::deque<PendingWrite> writes_;
    std::thread writer_;

    std::atomic<bool> accepting_{true};
    std::atomic<int64_t> in_flight_{0};  // messages received and not yet fully handled
    bool stopping_ = false;         // guarded by tasks_mutex_
    bool writer_stopping_ = false;  // guarded by writes_mutex_
    bool stopped_ = false;
};

}  // namespace datt::relay
