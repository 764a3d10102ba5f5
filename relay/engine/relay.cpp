#include "engine/relay.h"

#include <algorithm>
#include <limits>

#include "event/kind.h"

namespace datt::relay {

Relay::Relay(const Config& config, Store& store)
    : context_(config),
      store_(store),
      admission_(context_.config),
      monitors_(context_, pool_, config.worker_threads),
      writer_(context_, store, monitors_),
      reader_(context_, monitors_),
      negentropy_(context_),
      ingester_(context_, admission_, writer_, reader_, negentropy_, monitors_, pool_),
      routes_(context_, store),
      replication_(std::make_shared<Connection>(std::numeric_limits<ConnectionId>::max(), "replication", 0,
                                                context_.config)) {}

Relay::~Relay() { shutdown(); }

bool Relay::ingest(std::vector<event::Event> events) {
    for (event::Event& event : events) {
        if (event::storage_class(event.kind()) == event::StorageClass::kEphemeral) continue;
        ++context_.metrics.events_received;
        for (;;) {
            ++context_.in_flight;
            if (!accepting_) {
                context_.done();
                return false;
            }
            if (writer_.post(WriteEvent{replication_, event})) break;
            context_.done();
            std::this_thread::sleep_for(std::chrono::milliseconds(20));  // the writer is behind
        }
    }
    return true;
}

Status Relay::start(Outbox& outbox) {
    context_.outbox = &outbox;
    if (auto started = pool_.start(context_.config.worker_threads, store_, *this); !started) {
        return started;
    }
    writer_.start();
    sweeper_ = std::thread([this] { sweep_loop(); });
    started_ = true;
    return Ok{};
}

void Relay::quiesce(std::chrono::milliseconds timeout) {
    accepting_ = false;
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (context_.in_flight.load() > 0 && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
}

void Relay::shutdown() {
    if (stopped_) return;
    stopped_ = true;
    accepting_ = false;
    if (!started_) return;
    {
        std::lock_guard lock(sweeper_mutex_);
        sweeper_stop_ = true;
    }
    sweeper_wake_.notify_all();
    sweeper_.join();
    pool_.stop();           // runs the queued drains (which may still give the writer work)
    writer_.stop();         // commits what it holds
    monitors_.drain_all();  // delivers and answers the last commits on this thread
}

void Relay::run(Task& task, WorkerState& worker) {
    std::visit(
        [&](auto& t) {
            using T = std::decay_t<decltype(t)>;
            if constexpr (std::is_same_v<T, DrainConnection>) {
                ingester_.drain(t.connection, worker);
            } else if constexpr (std::is_same_v<T, DrainMonitor>) {
                monitors_.drain(t.shard);
            }
        },
        task);
}

void Relay::sweep_loop() {
    const auto period = std::chrono::milliseconds(
        std::clamp<int64_t>(static_cast<int64_t>(context_.config.neg_idle_seconds * 250), 10, 1000));
    std::unique_lock lock(sweeper_mutex_);
    while (!sweeper_wake_.wait_for(lock, period, [this] { return sweeper_stop_; })) {
        std::vector<std::shared_ptr<Connection>> connections;
        {
            std::shared_lock shared(connections_mutex_);
            for (const auto& [id, connection] : connections_) connections.push_back(connection);
        }
        const double now = context_.now_seconds();
        for (const auto& connection : connections) negentropy_.sweep_idle(*connection, now);
    }
}

std::shared_ptr<Connection> Relay::find(ConnectionId id) {
    std::shared_lock lock(connections_mutex_);
    auto found = connections_.find(id);
    return found == connections_.end() ? nullptr : found->second;
}

bool Relay::on_open(ConnectionId id, const std::string& remote_ip) {
    if (!admission_.open(remote_ip, context_.now_seconds())) return false;
    auto connection =
        std::make_shared<Connection>(id, remote_ip, monitors_.shard_for(id), context_.config);
    std::unique_lock lock(connections_mutex_);
    connections_[id] = std::move(connection);
    return true;
}

void Relay::on_close(ConnectionId id) {
    std::shared_ptr<Connection> connection;
    {
        std::unique_lock lock(connections_mutex_);
        auto found = connections_.find(id);
        if (found == connections_.end()) return;
        connection = std::move(found->second);
        connections_.erase(found);
    }
    connection->closed = true;
    {
        std::lock_guard lock(connection->subscriptions_mutex);
        context_.metrics.subscriptions_open -= static_cast<int64_t>(connection->subscriptions.size());
        connection->subscriptions.clear();
        connection->neg_sessions.clear();  // frees their sets (a drain may hold one briefly)
    }
    monitors_.post(connection->monitor, ConnectionClosed{id});
    if (context_.bitcoin) context_.bitcoin->connection_closed(id);
    if (channels_) channels_->connection_closed(id);
    admission_.close(connection->ip, context_.now_seconds());
}

void Relay::on_binary(ConnectionId id, std::string bytes) {
    if (channels_ && accepting_) {
        const std::shared_ptr<Connection> connection = find(id);
        return channels_->on_frame(id, connection ? connection->ip : std::string(), std::move(bytes));
    }
    context_.notice(id, "invalid: binary_frame: only text frames carry Nostr messages");
}

bool Relay::write_hub(WriteHub write) {
    if (!started_ || stopped_) return false;
    return writer_.post(std::move(write));
}

void Relay::on_text(ConnectionId id, std::string message) {
    // Counted before the check, so quiesce() cannot see zero while a message slips in.
    ++context_.in_flight;
    if (!accepting_) return context_.done();
    std::shared_ptr<Connection> connection = find(id);
    if (!connection) return context_.done();
    // A client that sends faster than it is served does not get unbounded memory.
    const size_t cost = message.size() + Ingester::kFrameOverheadBytes;
    if (connection->frame_bytes.load() + cost > context_.config.max_outgoing_bytes) {
        context_.done();
        context_.notice(id, "rate-limited: too many unprocessed messages; closing");
        context_.outbox->close(id, CloseCode::kPolicyViolation, "too many unprocessed messages");
        return;
    }
    connection->frame_bytes += cost;
    if (connection->frames.push(std::move(message))) pool_.schedule(DrainConnection{connection});
}

HttpResponse Relay::on_http(const HttpRequest& request) { return routes_.route(request); }

void Relay::on_http_post(const HttpRequest& request, std::function<void(HttpResponse)> reply) {
    routes_.route_post(request, std::move(reply));
}

}  // namespace datt::relay
