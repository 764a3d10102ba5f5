// In-process harness for the relay engine: a real SQLite store in a temporary folder, the
// real Relay with its threads, and a recording Outbox instead of sockets. Clients are
// connection ids that send text frames through the ServerHandler calls the network layer
// would make, and read what the engine queued for them, in order.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "engine/relay.h"
#include "store/sqlite_store.h"
#include "store_support.h"
#include "util/hex.h"

namespace datt::relay::test {

using nlohmann::json;

class RecordingOutbox final : public Outbox {
  public:
    bool send(ConnectionId id, std::shared_ptr<const std::string> text) override {
        std::lock_guard lock(mutex_);
        if (closed_.count(id)) return false;
        frames_[id].push_back(*text);
        changed_.notify_all();
        return true;
    }
    bool send_all(ConnectionId id, std::vector<std::shared_ptr<const std::string>> texts) override {
        std::lock_guard lock(mutex_);
        if (closed_.count(id)) return false;
        for (auto& text : texts) frames_[id].push_back(*text);
        changed_.notify_all();
        return true;
    }
    bool send_binary(ConnectionId id, std::shared_ptr<const std::string> bytes) override {
        std::lock_guard lock(mutex_);
        if (closed_.count(id)) return false;
        binary_[id].push_back(*bytes);
        changed_.notify_all();
        return true;
    }
    void close(ConnectionId id, CloseCode code, std::string_view) override {
        std::lock_guard lock(mutex_);
        closed_[id] = code;
        changed_.notify_all();
    }
    TrafficStats stats() const override { return {}; }

    // Frame `index` of connection `id`, waiting up to `timeout` for it.
    std::optional<std::string> frame(ConnectionId id, size_t index, std::chrono::milliseconds timeout) {
        std::unique_lock lock(mutex_);
        const bool arrived = changed_.wait_for(lock, timeout, [&] { return frames_[id].size() > index; });
        if (!arrived) return std::nullopt;
        return frames_[id][index];
    }
    size_t count(ConnectionId id) {
        std::lock_guard lock(mutex_);
        return frames_[id].size();
    }
    // Binary frames sent to `id` so far.
    size_t binary_count(ConnectionId id) {
        std::lock_guard lock(mutex_);
        return binary_[id].size();
    }
    // Binary frame `index` of connection `id` (the hub's), waiting up to `timeout`.
    std::optional<std::string> binary(ConnectionId id, size_t index, std::chrono::milliseconds timeout) {
        std::unique_lock lock(mutex_);
        const bool arrived = changed_.wait_for(lock, timeout, [&] { return binary_[id].size() > index; });
        if (!arrived) return std::nullopt;
        return binary_[id][index];
    }
    std::optional<CloseCode> closed(ConnectionId id) {
        std::lock_guard lock(mutex_);
        auto it = closed_.find(id);
        return it == closed_.end() ? std::nullopt : std::optional<CloseCode>(it->second);
    }

  private:
    std::mutex mutex_;
    std::condition_variable changed_;
    std::map<ConnectionId, std::vector<std::string>> frames_;
    std::map<ConnectionId, std::vector<std::string>> binary_;
    std::map<ConnectionId, CloseCode> closed_;
};

// Limits loose enough that tests which do not test limits never hit them.
inline Config generous_config(const std::string& database) {
    Config config;
    config.database = database;
    config.events_per_second = 1e6;
    config.ip_events_per_second = 1e7;
    config.reqs_per_second = 1e6;
    config.max_connections_per_ip = 100000;
    config.created_at_upper_limit = 900;
    return config;
}

class Engine;

class Client {
  public:
    Client(Engine& engine, ConnectionId id) : engine_(&engine), id_(id) {}
    ConnectionId id() const { return id_; }

    void send(const json& message);
    void send_text(std::string text);
    // The next frame, parsed; fails the test (and returns null) if none comes in time.
    json next(std::chrono::milliseconds timeout = std::chrono::seconds(10));
    // Skips frames until one satisfies `match`, which it returns; the skipped ones are kept
    // (see skipped()).
    template <class Match>
    json next_matching(Match match, std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        for (;;) {
            const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                deadline - std::chrono::steady_clock::now());
            json message = next(std::max(left, std::chrono::milliseconds(1)));
            if (message.is_null() || match(message)) return message;
            skipped_.push_back(std::move(message));
        }
    }
    // Frames not read yet, without waiting.
    std::vector<json> pending();
    // The next `n` frames (live events a REQ held during its backfill follow its EOSE only
    // once the monitor has taken the REQ over, so they may come after other replies), then
    // whatever else arrives within `settle`: more than `n` frames means something extra.
    std::vector<json> take(size_t n, std::chrono::milliseconds settle = std::chrono::milliseconds(30));
    std::vector<json>& skipped() { return skipped_; }

    // Publishes and waits for this event's OK.
    json publish(const event::Event& event);
    // REQ, then the stored events up to EOSE (ids in order).
    std::vector<std::string> req(const std::string& sub, const std::vector<json>& filters);
    void close();

  private:
    Engine* engine_;
    ConnectionId id_;
    size_t read_ = 0;
    std::vector<json> skipped_;
};

class Engine {
  public:
    explicit Engine(std::optional<Config> config = std::nullopt) {
        auto store = open_sqlite_store(dir_.file("engine.sqlite3"), {.durable = false});
        EXPECT_TRUE(store.ok()) << store.error().message;
        store_ = std::move(store).value();
        relay_ = std::make_unique<Relay>(config.value_or(generous_config(dir_.file("engine.sqlite3"))), *store_);
        auto started = relay_->start(outbox_);
        EXPECT_TRUE(started.ok()) << (started.ok() ? "" : started.error().message);
    }
    ~Engine() { relay_->shutdown(); }

    Client connect(const std::string& ip = "127.0.0.1") {
        const ConnectionId id = next_id_++;
        EXPECT_TRUE(relay_->on_open(id, ip));
        return Client(*this, id);
    }

    Relay& relay() { return *relay_; }
    Store& store() { return *store_; }
    RecordingOutbox& outbox() { return outbox_; }

  private:
    TempDir dir_;
    std::unique_ptr<Store> store_;
    RecordingOutbox outbox_;
    std::unique_ptr<Relay> relay_;
    ConnectionId next_id_ = 1;
};

inline void Client::send(const json& message) { send_text(message.dump()); }

inline void Client::send_text(std::string text) { engine_->relay().on_text(id_, std::move(text)); }

inline json Client::next(std::chrono::milliseconds timeout) {
    auto frame = engine_->outbox().frame(id_, read_, timeout);
    if (!frame) {
        ADD_FAILURE() << "connection " << id_ << ": no frame " << read_ << " within "
                      << timeout.count() << " ms";
        return nullptr;
    }
    ++read_;
    return json::parse(*frame);
}

inline std::vector<json> Client::pending() {
    std::vector<json> out;
    while (read_ < engine_->outbox().count(id_)) out.push_back(next());
    return out;
}

inline std::vector<json> Client::take(size_t n, std::chrono::milliseconds settle) {
    std::vector<json> out;
    while (out.size() < n) {
        json m = next(std::chrono::seconds(10));
        if (m.is_null()) return out;
        out.push_back(std::move(m));
    }
    std::this_thread::sleep_for(settle);
    for (json& m : pending()) out.push_back(std::move(m));
    return out;
}

inline json Client::publish(const event::Event& event) {
    send(json::array({"EVENT", json::parse(event.to_json())}));
    const std::string id = to_hex(event.id());
    return next_matching([&](const json& m) { return m[0] == "OK" && m[1] == id; });
}

inline std::vector<std::string> Client::req(const std::string& sub, const std::vector<json>& filters) {
    json message = json::array({"REQ", sub});
    for (const json& filter : filters) message.push_back(filter);
    send(message);
    std::vector<std::string> ids;
    for (;;) {
        json m = next_matching([&](const json& m) {
            return (m[0] == "EVENT" || m[0] == "EOSE" || m[0] == "CLOSED") && m[1] == sub;
        });
        if (m.is_null() || m[0] != "EVENT") {
            EXPECT_FALSE(m.is_null() || m[0] == "CLOSED") << m.dump();
            return ids;
        }
        ids.push_back(m[2]["id"]);
    }
}

inline void Client::close() { engine_->relay().on_close(id_); }

}  // namespace datt::relay::test
