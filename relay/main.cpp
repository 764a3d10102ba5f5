// datt-relay: wires the configuration, the SQLite store, the protocol engine and the
// network layer together, and turns SIGTERM/SIGINT into a graceful stop.
#include <malloc.h>
#include <pthread.h>
#include <signal.h>

#include <chrono>
#include <iostream>
#include <thread>

#include "bitcoin/network.h"
#include "bridge/bridge.h"
#include "engine/config.h"
#include "engine/log.h"
#include "engine/relay.h"
#include "hub/hub.h"
#include "net/server.h"
#include "replication/replicator.h"
#include "replication/sync_command.h"
#include "store/sqlite_store.h"

using namespace datt::relay;

namespace {

// glibc gives a thread's freed heap back to the OS (MADV_DONTNEED) once more than 128 KiB
// is free at its top, and maps blocks above 128 KiB afresh: a REQ's few hundred KiB of rows
// and frames then cost new zero pages each time (52 page faults per kind-500 REQ, 2.4 ms
// against 1.0 ms: docs/performance.md "Read path at 1M"). Setting both fixes them (glibc's
// own adaptive thresholds stop adapting once either is set); a thread keeps up to 16 MiB.
void keep_freed_heap() {
    mallopt(M_MMAP_THRESHOLD, 4 << 20);
    mallopt(M_TRIM_THRESHOLD, 16 << 20);
}

}  // namespace

int main(int argc, char** argv) {
    keep_freed_heap();
    if (argc > 1 && std::string(argv[1]) == "sync") {
        return run_sync_command(std::vector<std::string>(argv + 2, argv + argc));
    }
    auto config = parse_config(std::vector<std::string>(argv + 1, argv + argc));
    if (!config) {
        if (config.error().code == "help") {
            std::cout << config.error().message;
            return 0;
        }
        std::cerr << "datt-relay: " << config.error().message << "\n";
        return 2;
    }
    if (!log::set_level(config->log_level)) {
        std::cerr << "datt-relay: --log-level must be error, warn, info or debug\n";
        return 2;
    }

    // Signals are taken by one thread with sigwait(); every other thread blocks them.
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGTERM);
    sigaddset(&signals, SIGINT);
    sigaddset(&signals, SIGUSR1);  // internal: wakes the signal thread at exit
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);
    signal(SIGPIPE, SIG_IGN);

    SqliteOptions store_options;
    store_options.wal_checkpoint_pages =
        static_cast<int>(config->wal_checkpoint_mib * 256);  // 4 KiB pages
    store_options.wal_limit_pages = static_cast<int>(config->wal_limit_mib * 256);
    store_options.migration_report = [](const std::string& line) { log::info(line); };
    auto store = open_sqlite_store(config->database, store_options);
    if (!store) {
        std::cerr << "datt-relay: " << store.error().message << "\n";
        return 1;
    }
    Relay relay(*config, **store);
    std::unique_ptr<Replicator> replicator;
    if (!config->peers.empty()) {
        auto peers = load_peers(config->peers);
        if (!peers) {
            std::cerr << "datt-relay: " << peers.error().message << "\n";
            return 2;
        }
        ReplicatorOptions replication;
        replication.resync_seconds = config->peer_resync_seconds;
        replicator = std::make_unique<Replicator>(std::move(*peers), **store, relay, replication);
        relay.set_extra_metrics([r = replicator.get()] { return r->metrics_text(); });
    }
    // The Bitcoin bridge, when a node is configured: its own thread, answering on the server.
    std::unique_ptr<bitcoin_bridge::Bridge> bridge;
    if (!config->bitcoin_rpc_url.empty()) {
        auto made = bitcoin_bridge::Bridge::make(*config);
        if (!made) {
            std::cerr << "datt-relay: " << made.error().message << "\n";
            return 2;
        }
        bridge = std::move(*made);
        relay.attach_bitcoin(bridge.get());
    }
    ServerOptions options;
    options.address = config->listen_address;
    options.port = config->port;
    options.max_message_bytes = config->max_message_bytes;
    options.max_outgoing_bytes = config->max_outgoing_bytes;
    Server server(options, relay);
    auto port = server.listen();
    if (!port) {
        std::cerr << "datt-relay: " << port.error().message << "\n";
        return 1;
    }
    // The payment-channel hub, when enabled: its stored channels are loaded before the
    // relay takes connections; its writes go through the relay's single writer.
    std::unique_ptr<hub::Hub> channel_hub;
    if (config->hub) {
        auto network = datt::bitcoin::network_by_name(config->bitcoin_network);
        if (!network) {
            std::cerr << "datt-relay: " << network.error().message << "\n";
            return 2;
        }
        auto reader = (*store)->open_reader();
        if (!reader) {
            std::cerr << "datt-relay: " << reader.error().message << "\n";
            return 1;
        }
        hub::HubOptions hub_options;
        hub_options.chain_hash = network->genesis_hash;
        hub_options.network = *network;
        auto made = hub::Hub::make(*config, hub_options, **reader,
                                   [&relay](WriteHub write) { return relay.write_hub(std::move(write)); },
                                   bridge.get(), server);
        if (!made) {
            std::cerr << "datt-relay: " << made.error().message << "\n";
            return 2;
        }
        channel_hub = std::move(*made);
        relay.attach_channels(channel_hub.get());
    }
    if (auto started = relay.start(server); !started) {
        std::cerr << "datt-relay: " << started.error().message << "\n";
        return 1;
    }
    if (channel_hub) {
        channel_hub->start();
        log::info("hub: " + std::to_string(channel_hub->loaded_channels()) + " channels loaded");
    }
    if (bridge) {
        bridge->start(server);
        log::info("bitcoin: bridge to " + config->bitcoin_rpc_url + " (" + config->bitcoin_network + ")");
    }
    std::thread signal_thread([&] {
        int received = 0;
        sigwait(&signals, &received);
        if (received != SIGUSR1) {
            if (replicator) replicator->stop();
            log::info(received == SIGTERM ? "SIGTERM: shutting down" : "SIGINT: shutting down");
            // Finish what clients already sent (commits and their OKs), then close.
            relay.quiesce(std::chrono::seconds(10));
            server.stop();
        }
    });
    std::cout << "datt-relay: listening on http://" << config->listen_address << ":" << *port
              << std::endl;
    log::info("database " + config->database);
    if (replicator) replicator->start();

    server.run();      // returns once stop() has closed every connection
    if (replicator) replicator->stop();
    if (channel_hub) channel_hub->stop();  // before the bridge: it may be waiting on it
    if (bridge) bridge->stop();
    relay.shutdown();  // commits what the writer still holds (the hub's sends go nowhere now)
    pthread_kill(signal_thread.native_handle(), SIGUSR1);
    signal_thread.join();
    log::info("stopped");
    return 0;
}
