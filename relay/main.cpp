// datt-relay: wires the configuration, the SQLite store, the protocol engine and the
// network layer together, and turns SIGTERM/SIGINT into a graceful stop.
#include <pthread.h>
#include <signal.h>

#include <chrono>
#include <iostream>
#include <thread>

#include "engine/config.h"
#include "engine/log.h"
#include "engine/relay.h"
#include "net/server.h"
#include "replication/replicator.h"
#include "replication/sync_command.h"
#include "store/sqlite_store.h"

using namespace datt::relay;

int main(int argc, char** argv) {
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
    if (auto started = relay.start(server); !started) {
        std::cerr << "datt-relay: " << started.error().message << "\n";
        return 1;
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
    relay.shutdown();  // commits what the writer still holds
    pthread_kill(signal_thread.native_handle(), SIGUSR1);
    signal_thread.join();
    log::info("stopped");
    return 0;
}
