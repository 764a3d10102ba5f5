// The relay's protocol engine: NIP-01 between the network layer (the ServerHandler calls
// in, the Outbox out) and the store. It wires the roles, one file each, strfry's way:
//
//   network thread --on_text--> Connection::frames
//   worker pool (--worker-threads):  ingester (ingester.h: parse, verify) --> writer inbox
//                                    reader   (reader.h: REQ/COUNT, one store snapshot)
//                                    monitors (monitor.h: live subscriptions, fan-out, OK)
//   writer thread (writer.h): one transaction per batch --FanOut--> monitors
//   network thread: HTTP routes (http_routes.h) from memory
//
// Messages between roles are typed (messages.h). docs/architecture.md tells the whole story.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>
#include <memory>
#include <shared_mutex>
#include <string>
#include <unordered_map>

#include "engine/admission.h"
#include "engine/channel_service.h"
#include "engine/config.h"
#include "engine/connection.h"
#include "engine/context.h"
#include "engine/http_routes.h"
#include "engine/ingester.h"
#include "engine/monitor.h"
#include "engine/negentropy.h"
#include "engine/reader.h"
#include "engine/worker_pool.h"
#include "engine/writer.h"
#include "net/handler.h"
#include "net/outbox.h"
#include "store/store.h"

namespace datt::relay {

class Relay final : public ServerHandler, private TaskRunner {
  public:
    Relay(const Config& config, Store& store);
    ~Relay() override;

    // Starts the worker and writer threads; replies go out through `outbox` (the server, or
    // a test's recorder).
    [[nodiscard]] Status start(Outbox& outbox);
    // Before start(): BTC messages go to `service` (else they are answered "bridge_disabled").
    void attach_bitcoin(BitcoinService* service) { context_.bitcoin = service; }
    // Before start(): binary frames go to the channel hub (else they get a NOTICE).
    void attach_channels(ChannelService* service) {
        channels_ = service;
        context_.channels = service;  // its /metrics lines
    }
    // The hub's durable writes, committed by the writer in order with events; false when
    // the writer's queue is full or the relay is stopping (nothing queued). Thread-safe.
    [[nodiscard]] bool write_hub(WriteHub write);
    // Graceful stop, first half: new messages are ignored, and this returns once every
    // message already received has been answered (its replies queued), or after `timeout`.
    // Call it before the server stops, which flushes the queued replies.
    void quiesce(std::chrono::milliseconds timeout);
    // Stops taking work, commits what the writer holds, joins the threads. Idempotent.
    void shutdown();

    // ServerHandler: called on network threads; none parses or touches the store.
    bool on_open(ConnectionId id, const std::string& remote_ip) override;
    void on_text(ConnectionId id, std::string message) override;
    void on_binary(ConnectionId id, std::string bytes) override;
    void on_close(ConnectionId id) override;
    HttpResponse on_http(const HttpRequest& request) override;
    void on_http_post(const HttpRequest& request, std::function<void(HttpResponse)> reply) override;

    // Events from a replication peer (relay/replication), already verified: stored by the
    // writer like a client's, in order, so a duplicate is neither stored nor delivered
    // twice. Blocks while the writer's queue is full (bounded memory); false, with the rest
    // dropped, once the relay is stopping. Thread-safe.
    bool ingest(std::vector<event::Event> events);
    // Text appended to /metrics (replication's per-peer gauges); set before start().
    void set_extra_metrics(std::function<std::string()> extra) { routes_.set_extra_metrics(std::move(extra)); }

  private:
    void run(Task& task, WorkerState& worker) override;
    std::shared_ptr<Connection> find(ConnectionId id);
    // The sweeper thread: closes idle NIP-77 sessions (negentropy.h) once a second.
    void sweep_loop();

    Context context_;
    Store& store_;
    ChannelService* channels_ = nullptr;
    Admission admission_;
    WorkerPool pool_;
    Monitors monitors_;
    Writer writer_;
    Reader reader_;
    Negentropy negentropy_;
    Ingester ingester_;
    HttpRoutes routes_;

    std::shared_mutex connections_mutex_;
    std::unordered_map<ConnectionId, std::shared_ptr<Connection>> connections_;
    // The writer answers every event to a connection: replicated events are "from" this
    // one, which no socket has (its OKs go nowhere).
    std::shared_ptr<Connection> replication_;

    std::atomic<bool> accepting_{true};
    bool started_ = false;
    bool stopped_ = false;

    std::mutex sweeper_mutex_;
    std::condition_variable sweeper_wake_;
    bool sweeper_stop_ = false;  // guarded by sweeper_mutex_
    std::thread sweeper_;
};

}  // namespace datt::relay
