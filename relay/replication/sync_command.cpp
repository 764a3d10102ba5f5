#include "replication/sync_command.h"

#include <chrono>
#include <iostream>

#include "proto/message.h"
#include "replication/peer_sync.h"
#include "store/sqlite_store.h"
#include "util/hex.h"

namespace datt::relay {
namespace {

constexpr const char* kUsage =
    "usage: datt-relay sync <peer-url> [filter-json] [options]\n"
    "\n"
    "Reconciles the events matching filter-json (default {}: all) in a database with the\n"
    "relay at peer-url (ws://host:port or wss://host:port) by NIP-77, fetches the events the "
    "database lacks\n"
    "(REQ by ids, every signature checked), stores them, and prints what it moved. Events\n"
    "the peer lacks are counted, not uploaded. Use a database no running relay writes to.\n"
    "\n"
    "Options:\n"
    "  --database FILE          SQLite database [./data/datt.sqlite3]\n"
    "  --ca-file FILE           wss:// only: PEM certificates trusted besides the system's\n"
    "                           roots (a private CA or a self-signed relay)\n"
    "  --max-items N            most events on our side of the filter [1000000]\n"
    "  --frame-size-limit N     largest negentropy message we send, bytes before hex [120000]\n"
    "  --batch-size N           ids per REQ when fetching [500]\n"
    "  --dry-run                reconcile and report, fetch nothing\n";

int usage(const std::string& message) {
    std::cerr << "datt-relay sync: " << message << "\n\n" << kUsage;
    return 2;
}

bool parse_size(const std::string& text, uint64_t& out) {
    if (text.empty() || text.find_first_not_of("0123456789") != std::string::npos ||
        text.size() > 12)
        return false;
    out = std::stoull(text);
    return true;
}

}  // namespace

int run_sync_command(const std::vector<std::string>& args) {
    std::string url, filter_text = "{}", database = "./data/datt.sqlite3";
    PeerSyncOptions options;
    WsClient::Options connect_options;
    bool dry_run = false;
    std::vector<std::string> positional;
    for (size_t i = 0; i < args.size(); ++i) {
        const std::string& arg = args[i];
        if (arg == "--help" || arg == "-h") {
            std::cout << kUsage;
            return 0;
        }
        if (arg == "--dry-run") {
            dry_run = true;
            continue;
        }
        if (arg.starts_with("--")) {
            if (i + 1 >= args.size()) return usage(arg + " needs a value");
            const std::string& value = args[++i];
            uint64_t number = 0;
            if (arg == "--database") {
                database = value;
            } else if (arg == "--ca-file" && !value.empty()) {
                connect_options.ca_file = value;
            } else if (arg == "--max-items" && parse_size(value, number) && number > 0) {
                options.max_items = number;
            } else if (arg == "--frame-size-limit" && parse_size(value, number) &&
                       (number == 0 || number >= 4096)) {
                options.frame_size_limit = number;
            } else if (arg == "--batch-size" && parse_size(value, number) && number > 0 &&
                       number <= 10000) {
                options.batch_size = number;
            } else {
                return usage("bad option or value: " + arg + " " + value);
            }
            continue;
        }
        positional.push_back(arg);
    }
    if (positional.empty() || positional.size() > 2)
        return usage("expected a peer URL and at most one filter");
    url = positional[0];
    if (positional.size() == 2) filter_text = positional[1];
    auto filter = proto::parse_filter(filter_text);
    if (!filter) return usage("filter: " + filter.error().message);

    auto fail = [](const Error& error) {
        std::cerr << "datt-relay sync: " << error.code << ": " << error.message << "\n";
        return 1;
    };
    // One scan per run: reads without the memory map (SqliteOptions::memory_mapped_reads).
    auto store = open_sqlite_store(database, {.memory_mapped_reads = false});
    if (!store) return fail(store.error());
    auto reader = (*store)->open_reader();
    if (!reader) return fail(reader.error());
    const auto started = std::chrono::steady_clock::now();
    auto client = WsClient::connect(url, connect_options);
    if (!client) return fail(client.error());

    auto diff = reconcile_with_peer(**client, **reader, *filter, "sync", options);
    if (!diff) return fail(diff.error());
    const double reconcile_seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    std::cout << "reconciled " << diff->local_items << " local events with " << url << " in "
              << diff->round_trips << " round trips, " << reconcile_seconds << " s (our scan "
              << diff->scan_seconds << " s, exchange " << diff->exchange_seconds << " s); sent "
              << diff->bytes_sent << " bytes, received " << diff->bytes_received << " bytes\n"
              << "peer has " << diff->need.size() << " events we lack; we have "
              << diff->have.size() << " the peer lacks (not uploaded)\n";
    if (dry_run) return 0;

    size_t stored = 0, pending = 0, duplicate = 0, not_kept = 0, refused = 0;
    std::string first_refusal;
    auto fetched = fetch_by_ids(**client, diff->need, "fetch", options,
                                [&](std::vector<event::Event> events) -> Status {
                                    auto written = (*store)->write_batch(events);
                                    if (!written)
                                        return make_error("store", written.error().message);
                                    for (const WriteOutcome& outcome : *written) {
                                        switch (outcome.status) {
                                            case WriteStatus::kStored:
                                                ++stored;
                                                break;
                                            case WriteStatus::kDuplicate:
                                                ++duplicate;
                                                break;
                                            case WriteStatus::kPending:
                                                ++stored;  // stored, its chain has a gap
                                                ++pending;
                                                break;
                                            case WriteStatus::kReplacedNewer:
                                            case WriteStatus::kDeleted:
                                                ++not_kept;
                                                break;
                                            case WriteStatus::kRefused:
                                                ++refused;  // a fork, a ban, too little PoW...
                                                if (first_refusal.empty())
                                                    first_refusal = outcome.message;
                                                break;
                                        }
                                    }
                                    return Ok{};
                                });
    if (!fetched) return fail(fetched.error());
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    std::cout << "fetched " << fetched->received << " events (" << fetched->invalid
              << " invalid): stored " << stored << ", already had " << duplicate
              << ", superseded or deleted " << not_kept << ", refused by Datt rules " << refused
              << "; " << seconds << " s in all\n";
    if (pending > 0)
        std::cout << pending << " of the stored events wait for a missing chain predecessor\n";
    if (refused > 0) std::cout << "first refusal: " << first_refusal << "\n";
    (*client)->close();
    return fetched->invalid > 0 ? 1 : 0;
}

}  // namespace datt::relay
