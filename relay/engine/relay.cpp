#include "engine/relay.h"

#include <ctime>
#include <nlohmann/json.hpp>
#include <set>

#include "engine/log.h"
#include "engine/static_files.h"
#include "event/kind.h"
#include "util/hex.h"

namespace datt::relay {
namespace {

// Messages one drain handles before yielding the worker to other connections.
constexpr size_t kDrainBatch = 64;
// Events waiting for the writer, all connections together: past this, EVENTs are refused
// ("error: relay busy") instead of queueing while the disk is slow.
constexpr size_t kMaxQueuedWrites = 50'000;
// Per-IP state is swept once this many IPs are known; idle ones older than kIpIdleSeconds go.
constexpr size_t kIpSweepThreshold = 10'000;
constexpr double kIpIdleSeconds = 600;
// Bytes an empty message still costs against the inbox cap.
constexpr size_t kMessageOverheadBytes = 64;

// The id of an event that failed validation, if it has a well-formed one: OK needs it.
std::string peek_event_id(std::string_view json) {
    size_t pos = json.find("\"id\"");
    if (pos == std::string_view::npos) return "";
    pos = json.find_first_not_of(" \t\r\n", pos + 4);
    if (pos == std::string_view::npos || json[pos] != ':') return "";
    pos = json.find_first_not_of(" \t\r\n", pos + 1);
    if (pos == std::string_view::npos || json[pos] != '"' || pos + 66 > json.size()) return "";
    std::string_view id = json.substr(pos + 1, 64);
    if (!is_lower_hex(id, 64) || json[pos + 65] != '"') return "";
    return std::string(id);
}

// Stored events are serialized by Event::to_json, which starts {"id":"<64 hex>".
std::string_view stored_event_id(const std::string& json) {
    return std::string_view(json).substr(7, 64);
}

}  // namespace

struct Relay::Connection {
    Connection(ConnectionId id, std::string ip, const Config& config)
        : id(id),
          ip(std::move(ip)),
          events(config.events_per_second, std::max(1.0, 2 * config.events_per_second)),
          reqs(config.reqs_per_second, std::max(1.0, 2 * config.reqs_per_second)) {}

    const ConnectionId id;
    const std::string ip;

    std::mutex mutex;  // guards the inbox, the rate limiters and `scheduled`
    std::deque<std::string> inbox;
    size_t inbox_bytes = 0;
    bool scheduled = false;
    bool closed = false;  // set by on_close: queued REQ/COUNT work is dropped
    TokenBucket events;
    TokenBucket reqs;

    // While a REQ's stored events are being sent, live matches wait in `pending`, so that
    // an event committed during the query reaches the subscription once, after EOSE.
    struct Subscription {
        std::vector<proto::Filter> filters;
        bool backfilling = true;                                  // guarded by `mutex`
        std::vector<std::pair<std::string, std::string>> pending; // (id hex, EVENT message)
        size_t pending_bytes = 0;                                 // bounded: see fan_out
        bool overflowed = false;  // too many live events during backfill: ended at EOSE
    };
    // The map's shape is guarded by Relay::connections_mutex_ (written only by this
    // connection's own handlers, which run one at a time).
    std::map<std::string, Subscription> subscriptions;
};

Relay::Relay(const Config& config, Store& store)
    : config_(config), store_(store), message_limits_(message_limits(config)) {}

Relay::~Relay() { shutdown(); }

Status Relay::start(Server& server) {
    server_ = &server;
    // Readers are opened here so that a database problem stops startup with a message.
    std::vector<std::unique_ptr<StoreReader>> readers;
    for (size_t i = 0; i < config_.worker_threads; ++i) {
        auto reader = store_.open_reader();
        if (!reader) return reader.error();
        readers.push_back(std::move(*reader));
    }
    for (size_t i = 0; i < config_.worker_threads; ++i) {
        workers_.emplace_back([this, reader = std::move(readers[i])]() mutable {
            for (;;) {
                std::function<void(StoreReader&)> task;
                {
                    std::unique_lock lock(tasks_mutex_);
                    tasks_ready_.wait(lock, [&] { return !tasks_.empty() || stopping_; });
                    if (tasks_.empty()) return;
                    task = std::move(tasks_.front());
                    tasks_.pop_front();
                }
                task(*reader);
            }
        });
    }
    writer_ = std::thread([this] { writer_loop(); });
    return Ok{};
}

void Relay::quiesce(std::chrono::milliseconds timeout) {
    accepting_ = false;
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (in_flight_.load() > 0 && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
}

void Relay::shutdown() {
    if (stopped_) return;
    stopped_ = true;
    {
        std::lock_guard lock(tasks_mutex_);
        stopping_ = true;
    }
    tasks_ready_.notify_all();
    for (auto& worker : workers_) worker.join();
    {
        std::lock_guard lock(writes_mutex_);
        writer_stopping_ = true;
    }
    writes_ready_.notify_all();
    if (writer_.joinable()) writer_.join();
}

double Relay::now_seconds() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
}

void Relay::schedule(std::function<void(StoreReader&)> task) {
    {
        std::lock_guard lock(tasks_mutex_);
        tasks_.push_back(std::move(task));
    }
    tasks_ready_.notify_one();
}

void Relay::send(ConnectionId id, std::string text) {
    if (server_) server_->send(id, std::make_shared<const std::string>(std::move(text)));
}

void Relay::notice(ConnectionId id, const std::string& text) {
    ++metrics_.notices;
    send(id, proto::format_notice(text));
}

bool Relay::on_open(ConnectionId id, const std::string& remote_ip) {
    {
        std::lock_guard lock(ips_mutex_);
        const double now = now_seconds();
        if (ips_.size() >= kIpSweepThreshold) sweep_idle_ips(now);
        auto [it, inserted] = ips_.try_emplace(
            remote_ip, IpState{TokenBucket(config_.ip_events_per_second,
                                           std::max(1.0, 2 * config_.ip_events_per_second))});
        if (it->second.connections >= config_.max_connections_per_ip) return false;
        ++it->second.connections;
        it->second.last_seen = now;
    }
    auto connection = std::make_shared<Connection>(id, remote_ip, config_);
    std::unique_lock lock(connections_mutex_);
    connections_[id] = std::move(connection);
    return true;
}

void Relay::sweep_idle_ips(double now) {
    for (auto it = ips_.begin(); it != ips_.end();) {
        if (it->second.connections == 0 && now - it->second.last_seen > kIpIdleSeconds) {
            it = ips_.erase(it);
        } else {
            ++it;
        }
    }
}

void Relay::on_close(ConnectionId id) {
    std::shared_ptr<Connection> connection;
    {
        std::unique_lock lock(connections_mutex_);
        auto found = connections_.find(id);
        if (found == connections_.end()) return;
        connection = found->second;
        std::lock_guard connection_lock(connection->mutex);
        connection->closed = true;
        metrics_.subscriptions_open -= static_cast<int64_t>(connection->subscriptions.size());
        connection->subscriptions.clear();
        connections_.erase(found);
    }
    std::lock_guard lock(ips_mutex_);
    auto ip = ips_.find(connection->ip);
    if (ip != ips_.end()) {
        --ip->second.connections;
        ip->second.last_seen = now_seconds();
    }
}

void Relay::on_binary(ConnectionId id) {
    notice(id, "invalid: binary_frame: only text frames carry Nostr messages");
}

void Relay::on_text(ConnectionId id, std::string message) {
    // Counted before the check, so quiesce() cannot see zero while a message slips in.
    ++in_flight_;
    if (!accepting_) {
        --in_flight_;
        return;
    }
    std::shared_ptr<Connection> connection;
    {
        std::shared_lock lock(connections_mutex_);
        auto found = connections_.find(id);
        if (found == connections_.end()) {
            --in_flight_;
            return;
        }
        connection = found->second;
    }
    bool start_drain = false;
    const size_t cost = message.size() + kMessageOverheadBytes;
    {
        std::lock_guard lock(connection->mutex);
        // A client that sends faster than it is served does not get unbounded memory.
        if (connection->inbox_bytes + cost > config_.max_outgoing_bytes) {
            --in_flight_;
            notice(id, "rate-limited: too many unprocessed messages; closing");
            if (server_) server_->close(id, CloseCode::kPolicyViolation, "too many unprocessed messages");
            return;
        }
        connection->inbox_bytes += cost;
        connection->inbox.push_back(std::move(message));
        if (!connection->scheduled) connection->scheduled = start_drain = true;
    }
    if (start_drain) {
        schedule([this, connection](StoreReader& reader) { drain_inbox(connection, reader); });
    }
}

void Relay::drain_inbox(const std::shared_ptr<Connection>& connection, StoreReader& reader) {
    for (size_t handled = 0; handled < kDrainBatch; ++handled) {
        std::string message;
        {
            std::lock_guard lock(connection->mutex);
            if (connection->inbox.empty()) {
                connection->scheduled = false;
                return;
            }
            message = std::move(connection->inbox.front());
            connection->inbox.pop_front();
            connection->inbox_bytes -= message.size() + kMessageOverheadBytes;
        }
        if (!handle(connection, message, reader)) --in_flight_;
    }
    // More left: go to the back of the queue so other connections get their turn.
    schedule([this, connection](StoreReader& r) { drain_inbox(connection, r); });
}

bool Relay::handle(const std::shared_ptr<Connection>& connection, std::string_view text,
                   StoreReader& reader) {
    auto parsed = proto::parse_client_message(text, message_limits_);
    if (!parsed) {
        notice(connection->id, "invalid: " + parsed.error().code + ": " + parsed.error().message);
        return false;
    }
    bool queued_for_writer = false;
    std::visit(
        [&](auto&& message) {
            using T = std::decay_t<decltype(message)>;
            if constexpr (std::is_same_v<T, proto::EventMessage>) {
                queued_for_writer = handle_event(connection, message.event_json);
            } else if constexpr (std::is_same_v<T, proto::ReqMessage>) {
                handle_req(connection, std::move(message), reader);
            } else if constexpr (std::is_same_v<T, proto::CountMessage>) {
                handle_count(connection, message, reader);
            } else if constexpr (std::is_same_v<T, proto::CloseMessage>) {
                std::unique_lock lock(connections_mutex_);
                if (connection->subscriptions.erase(message.subscription_id)) {
                    --metrics_.subscriptions_open;
                }
            } else if constexpr (std::is_same_v<T, proto::InvalidSubscription>) {
                send(connection->id, proto::format_closed(message.subscription_id,
                                                          "invalid: " + message.error.code + ": " +
                                                              message.error.message));
            }
        },
        std::move(*parsed));
    return queued_for_writer;
}

bool Relay::handle_event(const std::shared_ptr<Connection>& connection, std::string_view json) {
    ++metrics_.events_received;
    const double now = now_seconds();
    bool allowed;
    {
        std::lock_guard lock(connection->mutex);
        allowed = connection->events.take(now);
    }
    if (allowed) {
        std::lock_guard lock(ips_mutex_);
        auto ip = ips_.find(connection->ip);
        allowed = ip == ips_.end() || ip->second.events.take(now);
    }
    if (!allowed) {
        metrics_.reject("rate_limited");
        send(connection->id, proto::format_ok(peek_event_id(json), false,
                                              "rate-limited: slow down, too many events per second"));
        return false;
    }
    auto parsed = event::Event::parse(json, event_limits(config_, std::time(nullptr)));
    if (!parsed) {
        metrics_.reject(parsed.error().code);
        const std::string reason = "invalid: " + parsed.error().code + ": " + parsed.error().message;
        const std::string id = peek_event_id(json);
        if (id.empty()) {
            notice(connection->id, reason);
        } else {
            send(connection->id, proto::format_ok(id, false, reason));
        }
        return false;
    }
    if (event::storage_class(parsed->kind()) == event::StorageClass::kEphemeral) {
        ++metrics_.events_ephemeral;
        fan_out(*parsed, parsed->to_json());
        send(connection->id, proto::format_ok(to_hex(parsed->id()), true, ""));
        return false;
    }
    {
        std::lock_guard lock(writes_mutex_);
        if (writes_.size() >= kMaxQueuedWrites) {
            metrics_.reject("busy");
            send(connection->id, proto::format_ok(to_hex(parsed->id()), false,
                                                  "error: relay busy, try again later"));
            return false;
        }
        writes_.push_back(PendingWrite{connection, std::move(*parsed)});
    }
    writes_ready_.notify_one();
    return true;
}

void Relay::writer_loop() {
    std::vector<PendingWrite> batch;
    std::vector<event::Event> events;
    for (;;) {
        batch.clear();
        events.clear();
        {
            std::unique_lock lock(writes_mutex_);
            writes_ready_.wait(lock, [&] { return !writes_.empty() || writer_stopping_; });
            if (writes_.empty()) return;
            while (!writes_.empty() && batch.size() < config_.writer_batch_max) {
                batch.push_back(std::move(writes_.front()));
                writes_.pop_front();
            }
        }
        events.reserve(batch.size());
        for (PendingWrite& write : batch) events.push_back(std::move(write.event));
        auto outcomes = store_.write_batch(events);
        if (!outcomes) {
            log::error("database write failed: " + outcomes.error().message);
            for (size_t i = 0; i < batch.size(); ++i) {
                metrics_.reject("store_error");
                send(batch[i].connection->id,
                     proto::format_ok(to_hex(events[i].id()), false, "error: could not store the event"));
            }
            in_flight_ -= static_cast<int64_t>(batch.size());
            continue;
        }
        ++metrics_.commits;
        // Live delivery first: a client that saw OK and then subscribes must not get the
        // event a second time from the live path.
        for (size_t i = 0; i < batch.size(); ++i) {
            if ((*outcomes)[i].status == WriteStatus::kStored) fan_out(events[i], events[i].to_json());
        }
        for (size_t i = 0; i < batch.size(); ++i) {
            const ConnectionId to = batch[i].connection->id;
            const std::string id = to_hex(events[i].id());
            switch ((*outcomes)[i].status) {
                case WriteStatus::kStored:
                    ++metrics_.events_accepted;
                    send(to, proto::format_ok(id, true, ""));
                    break;
                case WriteStatus::kDuplicate:
                    metrics_.reject("duplicate");
                    send(to, proto::format_ok(id, true, "duplicate: already have this event"));
                    break;
                case WriteStatus::kReplacedNewer:
                    metrics_.reject("replaced_newer");
                    send(to, proto::format_ok(id, false,
                                              "duplicate: a newer version of this event is stored"));
                    break;
                case WriteStatus::kDeleted:
                    metrics_.reject("deleted");
                    send(to, proto::format_ok(id, false,
                                              "blocked: this event was deleted by its author"));
                    break;
            }
        }
        in_flight_ -= static_cast<int64_t>(batch.size());
    }
}

void Relay::fan_out(const event::Event& event, const std::string& event_json) {
    std::shared_lock lock(connections_mutex_);
    for (const auto& [id, connection] : connections_) {
        for (auto& [subscription_id, subscription] : connection->subscriptions) {
            if (!proto::matches_any(subscription.filters, event)) continue;
            std::string message = proto::format_event(subscription_id, event_json);
            std::lock_guard connection_lock(connection->mutex);
            if (subscription.backfilling) {
                // Bounded: a subscription whose backfill is outrun by live events is ended
                // at EOSE rather than buffering without limit.
                if (subscription.pending_bytes + message.size() > config_.max_outgoing_bytes / 4) {
                    subscription.overflowed = true;
                    continue;
                }
                subscription.pending_bytes += message.size();
                subscription.pending.emplace_back(to_hex(event.id()), std::move(message));
            } else {
                send(id, std::move(message));
            }
        }
    }
}

void Relay::handle_req(const std::shared_ptr<Connection>& connection, proto::ReqMessage req,
                       StoreReader& reader) {
    bool allowed;
    {
        std::lock_guard lock(connection->mutex);
        allowed = connection->reqs.take(now_seconds());
    }
    if (!allowed) {
        send(connection->id, proto::format_closed(req.subscription_id,
                                                  "rate-limited: too many subscriptions per second"));
        return;
    }
    {
        std::unique_lock lock(connections_mutex_);
        if (connection->closed) return;  // nobody to answer: skip the query
        auto& subscriptions = connection->subscriptions;
        const bool replacing = subscriptions.count(req.subscription_id) > 0;
        if (!replacing && subscriptions.size() >= config_.max_subscriptions) {
            lock.unlock();
            send(connection->id,
                 proto::format_closed(req.subscription_id,
                                      "blocked: too many open subscriptions (limit " +
                                          std::to_string(config_.max_subscriptions) + ")"));
            return;
        }
        if (!replacing) ++metrics_.subscriptions_open;
        subscriptions[req.subscription_id] = Connection::Subscription{req.filters, true, {}};
    }
    // Registered before the stored query runs, so no event committed meanwhile is missed;
    // live matches are held until EOSE and sent unless the query already returned them.
    std::set<std::string, std::less<>> sent;
    const auto started = std::chrono::steady_clock::now();
    // The stored part of one REQ may queue at most a quarter of the slow-consumer cap, so a
    // client that asks for many large events is paginated (it continues with `until`)
    // instead of being disconnected for not reading fast enough.
    const size_t byte_budget = config_.max_outgoing_bytes / 4;
    size_t bytes_sent = 0;
    bool budget_reached = false;
    for (const proto::Filter& filter : req.filters) {
        if (budget_reached) break;
        const size_t limit = std::min<size_t>(filter.limit.value_or(config_.max_limit), config_.max_limit);
        if (limit == 0) continue;
        ++metrics_.queries;
        auto events = reader.query(filter, limit);
        if (!events) {
            log::error("query failed: " + events.error().message);
            {
                std::unique_lock lock(connections_mutex_);
                if (connection->subscriptions.erase(req.subscription_id)) --metrics_.subscriptions_open;
            }
            send(connection->id, proto::format_closed(req.subscription_id, "error: query failed"));
            return;
        }
        std::vector<std::shared_ptr<const std::string>> batch;
        batch.reserve(events->size());
        for (const std::string& json : *events) {
            if (bytes_sent + json.size() > byte_budget && bytes_sent > 0) {
                budget_reached = true;
                break;
            }
            if (!sent.emplace(stored_event_id(json)).second) continue;
            bytes_sent += json.size();
            batch.push_back(std::make_shared<const std::string>(
                proto::format_event(req.subscription_id, json)));
        }
        if (server_) server_->send_all(connection->id, std::move(batch));
    }
    metrics_.observe_query(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
    bool overflowed = false;
    {
        std::shared_lock map_lock(connections_mutex_);
        auto found = connection->subscriptions.find(req.subscription_id);
        if (found == connection->subscriptions.end()) return;  // the connection closed meanwhile
        auto& subscription = found->second;
        std::lock_guard connection_lock(connection->mutex);
        send(connection->id, proto::format_eose(req.subscription_id));
        overflowed = subscription.overflowed;
        if (!overflowed) {
            for (auto& [id, message] : subscription.pending) {
                if (!sent.count(id)) send(connection->id, std::move(message));
            }
        }
        subscription.pending.clear();
        subscription.pending_bytes = 0;
        subscription.backfilling = false;
    }
    if (overflowed) {
        {
            std::unique_lock lock(connections_mutex_);
            if (connection->subscriptions.erase(req.subscription_id)) --metrics_.subscriptions_open;
        }
        send(connection->id,
             proto::format_closed(req.subscription_id,
                                  "error: too many live events while stored ones were sent; "
                                  "subscribe again with since"));
    }
}

void Relay::handle_count(const std::shared_ptr<Connection>& connection,
                         const proto::CountMessage& count, StoreReader& reader) {
    bool allowed;
    {
        std::lock_guard lock(connection->mutex);
        if (connection->closed) return;  // nobody to answer
        allowed = connection->reqs.take(now_seconds());
    }
    if (!allowed) {
        send(connection->id, proto::format_closed(count.subscription_id,
                                                  "rate-limited: too many requests per second"));
        return;
    }
    ++metrics_.counts;
    auto total = reader.count(count.filters);
    if (!total) {
        send(connection->id, proto::format_closed(count.subscription_id, "error: count failed"));
        return;
    }
    send(connection->id, proto::format_count(count.subscription_id, *total));
}

std::string Relay::relay_information() const {
    nlohmann::json info = {
        {"name", config_.name},
        {"description", config_.description},
        {"contact", config_.contact},
        {"supported_nips", {1, 9, 11, 45, 50}},
        {"software", "datt-relay"},
        {"version", "0.1.0"},
        {"limitation",
         {{"max_message_length", config_.max_message_bytes},
          {"max_subscriptions", config_.max_subscriptions},
          {"max_filters", config_.max_filters},
          {"max_limit", config_.max_limit},
          {"max_subid_length", config_.max_subscription_id_length},
          {"max_event_tags", config_.max_event_tags},
          {"max_content_length", config_.max_content_bytes},
          {"min_pow_difficulty", 0},
          {"auth_required", false},
          {"payment_required", false},
          {"restricted_writes", false},
          {"created_at_lower_limit", config_.created_at_lower_limit},
          {"created_at_upper_limit", config_.created_at_upper_limit}}},
    };
    return info.dump();
}

std::string Relay::metrics_text() {
    Metrics::Gauges gauges{};
    if (server_) {
        const Server::Stats stats = server_->stats();
        gauges.connections_open = stats.open_connections;
        gauges.connections_total = stats.accepted_connections;
        gauges.slow_consumer_closes = stats.slow_consumer_closes;
        gauges.messages_in = stats.messages_in;
        gauges.messages_out = stats.messages_out;
        gauges.bytes_in = stats.bytes_in;
        gauges.bytes_out = stats.bytes_out;
    }
    gauges.database_bytes = store_.size_bytes();
    return metrics_.render(gauges);
}

HttpResponse Relay::on_http(const HttpRequest& request) {
    const std::string_view target = request.target;
    const std::string_view path = target.substr(0, target.find('?'));
    if (path == "/" && request.accept.find("application/nostr+json") != std::string::npos) {
        HttpResponse response{200, "application/nostr+json", relay_information(), {}};
        response.headers = {{"Access-Control-Allow-Origin", "*"},
                            {"Access-Control-Allow-Headers", "*"},
                            {"Access-Control-Allow-Methods", "GET"}};
        return response;
    }
    if (path == "/metrics") {
        return HttpResponse{200, "text/plain; version=0.0.4", metrics_text(), {}};
    }
    std::optional<StaticFile> file;
    if (path.starts_with("/wasm/")) {
        file = read_static_file(config_.wasm_root, path.substr(5));
    } else {
        file = read_static_file(config_.web_root, path);
    }
    if (!file) return HttpResponse{404, "text/plain; charset=utf-8", "not found\n", {}};
    return HttpResponse{200, std::move(file->content_type), std::move(file->body), {}};
}

}  // namespace datt::relay
