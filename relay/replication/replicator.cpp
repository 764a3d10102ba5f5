#include "replication/replicator.h"

#include <chrono>
#include <ctime>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "engine/log.h"
#include "proto/message.h"

namespace datt::relay {
namespace {

using nlohmann::json;

int64_t unix_now() {
    return static_cast<int64_t>(std::time(nullptr));
}

Error invalid(const std::string& message) {
    return make_error("peers_invalid", message);
}

}  // namespace

Result<std::vector<PeerConfig>> parse_peers(std::string_view json_text) {
    json root = json::parse(json_text, nullptr, /*allow_exceptions=*/false);
    if (root.is_discarded() || !root.is_array())
        return invalid("the peers file must be a JSON array");
    std::vector<PeerConfig> peers;
    for (const json& entry : root) {
        if (!entry.is_object() || !entry.contains("url") || !entry["url"].is_string()) {
            return invalid("each peer needs a \"url\" string");
        }
        PeerConfig peer;
        peer.url = entry["url"].get<std::string>();
        if (auto url = parse_ws_url(peer.url); !url) return invalid(url.error().message);
        if (entry.contains("ca_file")) {
            if (!entry["ca_file"].is_string() || entry["ca_file"].get<std::string>().empty())
                return invalid("\"ca_file\" must be a file name");
            peer.ca_file = entry["ca_file"].get<std::string>();
            if (!peer.url.starts_with("wss://"))
                return invalid("peer " + peer.url + ": \"ca_file\" applies to wss:// only");
            if (!std::ifstream(peer.ca_file))
                return invalid("peer " + peer.url + ": cannot read ca_file " + peer.ca_file);
        }
        auto strings = [&](const char* name) -> Result<std::vector<std::string>> {
            std::vector<std::string> out;
            if (!entry.contains(name)) return out;
            if (!entry[name].is_array())
                return invalid(std::string("\"") + name + "\" must be an array of strings");
            for (const json& value : entry[name]) {
                if (!value.is_string())
                    return invalid(std::string("\"") + name + "\" must be an array of strings");
                out.push_back(value.get<std::string>());
            }
            return out;
        };
        auto communities = strings("communities");
        if (!communities) return communities.error();
        if (!communities->empty()) {
            auto filter = proto::parse_filter(json{{"#a", *communities}}.dump());
            if (!filter) return invalid("communities: " + filter.error().message);
            peer.filters.push_back(std::move(*filter));
        }
        auto authors = strings("authors");
        if (!authors) return authors.error();
        if (!authors->empty()) {
            auto filter = proto::parse_filter(json{{"authors", *authors}}.dump());
            if (!filter) return invalid("authors: " + filter.error().message);
            peer.filters.push_back(std::move(*filter));
        }
        if (entry.contains("filters")) {
            if (!entry["filters"].is_array())
                return invalid("\"filters\" must be an array of filters");
            for (const json& f : entry["filters"]) {
                auto filter = proto::parse_filter(f.dump());
                if (!filter) return invalid("filters: " + filter.error().message);
                peer.filters.push_back(std::move(*filter));
            }
        }
        if (peer.filters.empty()) {
            return invalid("peer " + peer.url +
                           " takes nothing: give communities, authors or filters");
        }
        peers.push_back(std::move(peer));
    }
    return peers;
}

Result<std::vector<PeerConfig>> load_peers(const std::string& path) {
    std::ifstream in(path);
    if (!in) return make_error("peers_file", "cannot read peers file " + path);
    std::ostringstream text;
    text << in.rdbuf();
    auto peers = parse_peers(text.str());
    if (!peers) return make_error(peers.error().code, path + ": " + peers.error().message);
    return peers;
}

Replicator::Replicator(std::vector<PeerConfig> peers, Store& store, Relay& relay,
                       ReplicatorOptions options)
    : store_(store), relay_(relay), options_(options) {
    for (PeerConfig& config : peers) {
        auto peer = std::make_unique<Peer>();
        peer->config = std::move(config);
        peers_.push_back(std::move(peer));
    }
}

Replicator::~Replicator() {
    stop();
}

void Replicator::start() {
    for (auto& peer : peers_) peer->thread = std::thread([this, p = peer.get()] { run(*p); });
}

void Replicator::stop() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    for (auto& peer : peers_) {
        if (peer->thread.joinable()) peer->thread.join();
    }
}

bool Replicator::sleep_unless_stopped(double seconds) {
    std::unique_lock lock(mutex_);
    return !wake_.wait_for(lock, std::chrono::duration<double>(seconds),
                           [this] { return stopping_.load(); });
}

void Replicator::run(Peer& peer) {
    auto reader = store_.open_reader();
    if (!reader) {
        log::error("replication from " + peer.config.url + ": " + reader.error().message);
        return;
    }
    double backoff = 1;
    while (!stopping_) {
        const auto started = std::chrono::steady_clock::now();
        Status ended = session(peer, **reader);
        peer.connected = false;
        if (stopping_) break;
        ++peer.errors;
        log::warn("replication from " + peer.config.url + ": " + ended.error().code + ": " +
                  ended.error().message + "; retrying in " +
                  std::to_string(static_cast<int>(backoff)) + " s");
        // A session that lasted a while was healthy: start the back-off afresh.
        if (std::chrono::steady_clock::now() - started > std::chrono::seconds(60)) backoff = 1;
        if (!sleep_unless_stopped(backoff)) break;
        backoff = std::min(backoff * 2, 60.0);
    }
}

Status Replicator::reconcile_all(Peer& peer, WsClient& client, StoreReader& reader,
                                 const std::function<void(PeerMessage&)>& live) {
    auto sink = [&](std::vector<event::Event> events) -> Status {
        const size_t n = events.size();
        if (!relay_.ingest(std::move(events)))
            return make_error("stopping", "the relay is stopping");
        peer.events_pulled += n;
        return Ok{};
    };
    for (size_t i = 0; i < peer.config.filters.size(); ++i) {
        const std::string sub = "neg-" + std::to_string(i);
        auto diff =
            reconcile_with_peer(client, reader, peer.config.filters[i], sub, options_.sync, live);
        if (!diff) return diff.error();
        ++peer.reconciliations;
        log::info("replication from " + peer.config.url + ": filter " + std::to_string(i) + ": " +
                  std::to_string(diff->need.size()) + " to fetch, " +
                  std::to_string(diff->have.size()) + " the peer lacks, " +
                  std::to_string(diff->round_trips) + " round trips");
        auto fetched = fetch_by_ids(client, diff->need, "fetch-" + std::to_string(i), options_.sync,
                                    sink, live);
        if (!fetched) return fetched.error();
        if (fetched->invalid > 0) {
            log::warn("replication from " + peer.config.url + ": " +
                      std::to_string(fetched->invalid) +
                      " events refused (bad id, signature or limits)");
        }
    }
    return Ok{};
}

Status Replicator::session(Peer& peer, StoreReader& reader) {
    WsClient::Options connect_options;
    connect_options.ca_file = peer.config.ca_file;
    auto client = WsClient::connect(peer.config.url, connect_options);
    if (!client) return client.error();
    peer.connected = true;
    log::info("replication from " + peer.config.url + ": connected");

    // Live events, verified and ingested in batches (at most batch_size held).
    std::vector<event::Event> pending;
    auto flush = [&]() -> Status {
        if (pending.empty()) return Ok{};
        const size_t n = pending.size();
        if (!relay_.ingest(std::move(pending)))
            return make_error("stopping", "the relay is stopping");
        pending.clear();
        peer.events_pulled += n;
        return Ok{};
    };
    auto live = [&](PeerMessage& message) {
        if (message.type != "EVENT" || message.subscription != "live") return;
        auto event = event::Event::parse(message.payload);
        if (!event) return;
        peer.newest_live_created_at = event->created_at();
        peer.newest_live_received_at = unix_now();
        pending.push_back(std::move(*event));
        if (pending.size() >= options_.sync.batch_size) (void)flush();
    };

    // Live first, with limit 0 (no stored events, NIP-01): everything committed from here
    // on arrives live, whatever its created_at, and the reconciliation that follows covers
    // everything before, so nothing falls between the two.
    std::string req = "[\"REQ\",\"live\"";
    for (const proto::Filter& filter : peer.config.filters) {
        proto::Filter live_filter = filter;
        live_filter.limit = 0;
        req += ',';
        req += proto::filter_to_json(live_filter);
    }
    req += "]";
    if (auto sent = (*client)->send(req); !sent) return sent;
    if (auto done = reconcile_all(peer, **client, reader, live); !done) return done;
    auto next_resync =
        std::chrono::steady_clock::now() + std::chrono::duration<double>(options_.resync_seconds);
    while (!stopping_) {
        auto text = (*client)->receive(std::chrono::milliseconds(250));
        if (text) {
            auto parsed = parse_peer_message(*text);
            if (parsed) live(*parsed);
            if (pending.size() < options_.sync.batch_size) continue;  // more may be queued
        } else if (text.error().code != "timeout") {
            (void)flush();
            return text.error();
        }
        if (auto flushed = flush(); !flushed) return flushed;
        if (std::chrono::steady_clock::now() >= next_resync) {
            if (auto done = reconcile_all(peer, **client, reader, live); !done) return done;
            if (auto flushed = flush(); !flushed) return flushed;
            next_resync = std::chrono::steady_clock::now() +
                          std::chrono::duration<double>(options_.resync_seconds);
        }
    }
    (void)flush();
    return Ok{};
}

std::string Replicator::metrics_text() const {
    std::ostringstream out;
    auto family = [&](const char* name, const char* type, const char* help, auto value_of) {
        out << "# HELP " << name << ' ' << help << "\n# TYPE " << name << ' ' << type << '\n';
        for (const auto& peer : peers_) {
            out << name << "{peer=" << json(peer->config.url).dump() << "} " << value_of(*peer)
                << '\n';
        }
    };
    family("datt_peer_connected", "gauge", "1 while connected to the replication peer.",
           [](const Peer& p) { return p.connected ? 1 : 0; });
    family("datt_peer_events_pulled_total", "counter",
           "Events received from the peer and handed to the writer.",
           [](const Peer& p) { return p.events_pulled.load(); });
    family("datt_peer_reconciliations_total", "counter",
           "NIP-77 reconciliations completed with the peer.",
           [](const Peer& p) { return p.reconciliations.load(); });
    family("datt_peer_errors_total", "counter",
           "Sessions with the peer that ended in an error or disconnect.",
           [](const Peer& p) { return p.errors.load(); });
    family("datt_peer_lag_seconds", "gauge",
           "Arrival time minus created_at of the newest live event from the peer (0 before any).",
           [](const Peer& p) {
               const int64_t created = p.newest_live_created_at.load();
               return created == 0
                          ? int64_t{0}
                          : std::max<int64_t>(0, p.newest_live_received_at.load() - created);
           });
    return out.str();
}

}  // namespace datt::relay
