// Replication: the relay pulls from the peers its config lists (--peers FILE), each on a
// thread of its own, through the normal ingest path (Relay::ingest: the writer stores each
// event once; a duplicate is neither stored nor delivered again, so loops between relays
// end at the first relay that already has an event).
//
// Per peer, forever until stop():
//   connect (ws:// or wss://) -> REQ "live" with the filters and limit 0 (live only, whatever the
//   events' created_at) -> for each filter: reconcile (NIP-77, peer_sync.h) and fetch what
//   we lack by ids in batches, live events handled meanwhile -> live events as they come;
//   every --peer-resync-seconds reconcile again on the same connection (a safety net) ->
//   on any error or disconnect: back off (1 s doubling to 60 s) and start over.
//
// Peers file (JSON): [{"url": "ws[s]://host:port", "ca_file": "<PEM, wss only, optional>",
// "communities": ["34550:<pubkey hex>:<d>"], "authors": ["<pubkey hex>"], "filters": [{...NIP-01
// filter...}]}, ...]. Each community becomes {"#a": [address]}, the authors one {"authors": [...]};
// at least one is required.
//
// /metrics (per peer, label peer="<url>"): datt_peer_connected, datt_peer_events_pulled_total,
// datt_peer_reconciliations_total, datt_peer_errors_total, datt_peer_lag_seconds (now minus
// created_at of the newest event received live).
#pragma once

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "engine/relay.h"
#include "proto/filter.h"
#include "replication/peer_sync.h"
#include "store/store.h"
#include "util/result.h"

namespace datt::relay {

struct PeerConfig {
    std::string url;
    std::string ca_file;  // wss:// only: certificates trusted besides the system's roots
    std::vector<proto::Filter> filters;
};

// Reads and checks a peers file (codes: peers_file, peers_invalid).
[[nodiscard]] Result<std::vector<PeerConfig>> load_peers(const std::string& path);
[[nodiscard]] Result<std::vector<PeerConfig>> parse_peers(std::string_view json_text);

struct ReplicatorOptions {
    PeerSyncOptions sync;
    double resync_seconds = 300;
};

class Replicator {
  public:
    Replicator(std::vector<PeerConfig> peers, Store& store, Relay& relay,
               ReplicatorOptions options);
    ~Replicator();

    void start();
    // Asks every peer thread to stop and joins them (each notices within about a second).
    void stop();
    std::string metrics_text() const;

  private:
    struct Peer {
        PeerConfig config;
        std::thread thread;
        std::atomic<bool> connected{false};
        std::atomic<uint64_t> events_pulled{0};
        std::atomic<uint64_t> reconciliations{0};
        std::atomic<uint64_t> errors{0};
        std::atomic<int64_t> newest_live_created_at{0};
        std::atomic<int64_t> newest_live_received_at{0};
    };
    void run(Peer& peer);
    [[nodiscard]] Status session(Peer& peer, StoreReader& reader);
    [[nodiscard]] Status reconcile_all(Peer& peer, WsClient& client, StoreReader& reader,
                                       const std::function<void(PeerMessage&)>& live);
    // Sleeps up to `seconds`; false if stop() was called meanwhile.
    bool sleep_unless_stopped(double seconds);

    std::vector<std::unique_ptr<Peer>> peers_;
    Store& store_;
    Relay& relay_;
    ReplicatorOptions options_;
    std::mutex mutex_;
    std::condition_variable wake_;
    std::atomic<bool> stopping_{false};
};

}  // namespace datt::relay
