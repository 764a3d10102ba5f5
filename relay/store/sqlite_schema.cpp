#include "store/sqlite_schema.h"

#include <array>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <system_error>

#include "store/content_function.h"
#include "store/migration_progress.h"
#include "store/shared_map_vfs.h"
#include "store/wal_gather_vfs.h"

namespace datt::relay::sqlite {
namespace {

namespace fs = std::filesystem;

// "Datt" in ASCII: PRAGMA application_id of every database this code creates.
constexpr int64_t kApplicationId = 0x44617474;

constexpr int kBusyTimeoutMs = 5000;

// Files from this size on are announced before their check at open.
constexpr uintmax_t kAnnouncedCheckBytes = 64 << 20;

// Forward migrations: step i brings the schema from version i to version i + 1. Steps are
// only ever appended; a shipped step is never edited.
constexpr std::array<const char*, 14> kMigrations = {
    // Version 1: the initial schema (described in sqlite_schema.h).
    R"sql(
CREATE TABLE events (
    seq INTEGER PRIMARY KEY,
    id BLOB NOT NULL UNIQUE,
    pubkey BLOB NOT NULL,
    created_at INTEGER NOT NULL,
    kind INTEGER NOT NULL,
    d_key BLOB,
    json TEXT NOT NULL
);
CREATE INDEX events_by_time ON events(created_at DESC, id);
CREATE INDEX events_by_pubkey ON events(pubkey, created_at DESC, id);
CREATE INDEX events_by_kind ON events(kind, created_at DESC, id);
CREATE INDEX events_by_pubkey_kind ON events(pubkey, kind, created_at DESC, id);
CREATE UNIQUE INDEX events_by_address ON events(pubkey, kind, d_key) WHERE d_key IS NOT NULL;

CREATE TABLE tags (
    event INTEGER NOT NULL,
    name TEXT NOT NULL,
    value BLOB NOT NULL,
    created_at INTEGER NOT NULL,
    id BLOB NOT NULL,
    PRIMARY KEY (event, name, value)
) WITHOUT ROWID;
CREATE INDEX tags_by_value ON tags(name, value, created_at DESC, id);

CREATE VIRTUAL TABLE events_fts USING fts5(content, tokenize = 'unicode61 remove_diacritics 0');

CREATE TABLE deleted_ids (
    id BLOB NOT NULL,
    pubkey BLOB NOT NULL,
    PRIMARY KEY (id, pubkey)
) WITHOUT ROWID;

CREATE TABLE deleted_addresses (
    pubkey BLOB NOT NULL,
    kind INTEGER NOT NULL,
    d_key BLOB NOT NULL,
    until INTEGER NOT NULL,
    PRIMARY KEY (pubkey, kind, d_key)
) WITHOUT ROWID;
)sql",
    // Version 2: the number of the last commit, read by readers inside their snapshot.
    R"sql(
CREATE TABLE store_version (
    id INTEGER PRIMARY KEY CHECK (id = 0),
    version INTEGER NOT NULL
);
INSERT INTO store_version(id, version) VALUES (0, 0);
)sql",
    // Version 3: content-chain state (chain_tables.h) and the key that signs fork proofs.
    R"sql(
CREATE TABLE chain_entries (
    author BLOB NOT NULL,
    chain BLOB NOT NULL,
    seq INTEGER NOT NULL,
    id BLOB NOT NULL,
    prev BLOB,
    PRIMARY KEY (author, chain, seq)
) WITHOUT ROWID;
CREATE TABLE chain_heads (
    author BLOB NOT NULL,
    chain BLOB NOT NULL,
    head_seq INTEGER NOT NULL,
    PRIMARY KEY (author, chain)
) WITHOUT ROWID;
CREATE TABLE fork_proofs (
    author BLOB NOT NULL,
    chain BLOB NOT NULL,
    seq INTEGER NOT NULL,
    proof_id BLOB NOT NULL,
    PRIMARY KEY (author, chain, seq)
) WITHOUT ROWID;
CREATE TABLE relay_key (
    id INTEGER PRIMARY KEY CHECK (id = 0),
    secret BLOB NOT NULL
);
)sql",
    // Version 4: an upper bound of created_at per block of 1024 seqs, so that a search read
    // in seq order can stop at its limit (sqlite_schema.h). Filled here for stored events.
    R"sql(
CREATE TABLE time_bounds (
    block INTEGER PRIMARY KEY,
    max_created_at INTEGER NOT NULL
);
INSERT INTO time_bounds(block, max_created_at)
    SELECT block, max(block_max) OVER (ORDER BY block)
    FROM (SELECT seq >> 10 AS block, max(created_at) AS block_max FROM events GROUP BY block);
)sql",
    // Version 5: the hub's channels and the payments it holds (relay/hub, sqlite_schema.h).
    R"sql(
CREATE TABLE hub_channels (
    channel_id BLOB PRIMARY KEY,
    seed BLOB NOT NULL,
    state BLOB NOT NULL
) WITHOUT ROWID;
CREATE TABLE hub_forwards (
    in_channel BLOB NOT NULL,
    in_htlc INTEGER NOT NULL,
    payment_hash BLOB NOT NULL,
    in_cltv INTEGER NOT NULL,
    out_channel BLOB NOT NULL,
    out_amount INTEGER NOT NULL,
    out_cltv INTEGER NOT NULL,
    deadline INTEGER NOT NULL,
    out_htlc INTEGER,
    preimage BLOB,
    failed INTEGER NOT NULL,
    PRIMARY KEY (in_channel, in_htlc)
) WITHOUT ROWID;
)sql",
    // Version 6: one author index instead of two, for one B-tree insert less per event
    // (sqlite_schema.h). A filter on authors and kinds scans the author's feed in order and
    // checks the kind from the index. IF EXISTS: a file whose version was set back by hand
    // (the migration tests) may already lack it. The hub tables of version 5 stay as they are.
    R"sql(
DROP INDEX IF EXISTS events_by_pubkey_kind;
DROP INDEX events_by_pubkey;
CREATE INDEX events_by_pubkey ON events(pubkey, created_at DESC, id, kind);
)sql",
    // Version 7: what the hub's chain watch knows of each channel on chain, and the revoked
    // commitments of the remote's that held HTLCs (relay/hub/onchain_record.h). IF NOT EXISTS: a file whose version was set back by hand (the
    // migration tests) may already have it.
    R"sql(
CREATE TABLE IF NOT EXISTS hub_onchain (
    channel_id BLOB PRIMARY KEY,
    record BLOB NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS hub_revoked (
    channel_id BLOB NOT NULL,
    number INTEGER NOT NULL,
    revoked BLOB NOT NULL,
    PRIMARY KEY (channel_id, number)
) WITHOUT ROWID;
)sql",
    // Version 8: the receipt request of a forward, kept until the forward is settled
    // (relay/hub/hub.h "Receipts"). IF NOT EXISTS as for version 7.
    R"sql(
CREATE TABLE IF NOT EXISTS hub_receipt_requests (
    in_channel BLOB NOT NULL,
    in_htlc INTEGER NOT NULL,
    onion BLOB NOT NULL,
    PRIMARY KEY (in_channel, in_htlc)
) WITHOUT ROWID;
)sql",
    // Version 9: the hub's own unilateral closes, stored before the commitment is broadcast
    // (relay/hub/force_close.h). IF NOT EXISTS as for version 7.
    R"sql(
CREATE TABLE IF NOT EXISTS hub_force_closes (
    channel_id BLOB PRIMARY KEY,
    reason INTEGER NOT NULL,
    height INTEGER NOT NULL,
    commitment BLOB NOT NULL
) WITHOUT ROWID;
)sql",
    // Version 10: a contentless search index (the content is in events.json), rebuilt from
    // the stored JSON with datt_content (content_function.h, registered by open_writer), so
    // it indexes exactly what the writer would, whatever the file held before (also a file
    // whose version was set back by hand).
    R"sql(
DROP TABLE IF EXISTS events_fts;
CREATE VIRTUAL TABLE events_fts USING fts5(content, content = '',
                                           tokenize = 'unicode61 remove_diacritics 0');
INSERT INTO events_fts(rowid, content)
    SELECT seq, content FROM (SELECT seq, datt_content(json) AS content FROM events)
    WHERE content <> '';
)sql",
    // Version 11: the hub's on-chain wallet (relay/hub/hub_wallet.h): its seed and its coins.
    // IF NOT EXISTS as for version 7.
    R"sql(
CREATE TABLE IF NOT EXISTS hub_wallet (
    id INTEGER PRIMARY KEY CHECK (id = 0),
    seed BLOB NOT NULL,
    birth_height INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS hub_wallet_coins (
    txid BLOB NOT NULL,
    vout INTEGER NOT NULL,
    value INTEGER NOT NULL,
    chain INTEGER NOT NULL,
    idx INTEGER NOT NULL,
    height INTEGER NOT NULL,
    spent_by BLOB,
    PRIMARY KEY (txid, vout)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS hub_funding_txs (
    channel_id BLOB PRIMARY KEY,
    tx BLOB NOT NULL
) WITHOUT ROWID;
)sql",
    // Version 12: the tags table keyed in tags_by_value's order, so that a tag costs one
    // B-tree insert, not two (sqlite_schema.h). Rebuilt from whatever `tags` holds (both
    // layouts have the same columns: also a file whose version was set back by hand), read
    // in the new key's order so the new B-tree is filled front to back.
    R"sql(
CREATE TABLE tags_by_key (
    name TEXT NOT NULL,
    value BLOB NOT NULL,
    created_at INTEGER NOT NULL,
    id BLOB NOT NULL,
    event INTEGER NOT NULL,
    PRIMARY KEY (name, value, created_at DESC, id)
) WITHOUT ROWID;
INSERT OR IGNORE INTO tags_by_key(name, value, created_at, id, event)
    SELECT name, value, created_at, id, event FROM tags ORDER BY name, value, created_at DESC, id;
DROP TABLE tags;
ALTER TABLE tags_by_key RENAME TO tags;
)sql",
    // Version 13: the receive addresses the hub's wallet gave out to channels' closes, and
    // the operator's withdrawals, stored before they are broadcast. Tables, not a column,
    // so that IF NOT EXISTS makes it idempotent as for version 7.
    R"sql(
CREATE TABLE IF NOT EXISTS hub_wallet_receive (
    id INTEGER PRIMARY KEY CHECK (id = 0),
    next INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS hub_wallet_txs (
    txid BLOB PRIMARY KEY,
    tx BLOB NOT NULL
) WITHOUT ROWID;
)sql",
    // Version 14: time_bounds recomputed per block from the stored events, as version 4
    // filled it: writers before this one gave every block of a commit the commit's largest
    // created_at, so a search on a file filled in large commits (20,000 events each by
    // datt_search_fill, or a sync) read a whole commit's matches before it could stop.
    R"sql(
DELETE FROM time_bounds;
INSERT INTO time_bounds(block, max_created_at)
    SELECT block, max(block_max) OVER (ORDER BY block)
    FROM (SELECT seq >> 10 AS block, max(created_at) AS block_max FROM events GROUP BY block);
)sql",
};

Error invalid_database(const std::string& path, const std::string& why) {
    return make_error("store_invalid_database",
                      "database file " + path + " is not a valid Datt database: " + why);
}

// SQLite URIs treat '?', '#' and '%' specially; everything else may appear as is.
std::string file_uri(const std::string& path, const char* query) {
    std::string uri = "file:";
    for (char c : fs::absolute(path).string()) {
        if (c == '?' || c == '#' || c == '%') {
            static const char kHex[] = "0123456789ABCDEF";
            uri += '%';
            uri += kHex[(static_cast<unsigned char>(c) >> 4) & 0xf];
            uri += kHex[static_cast<unsigned char>(c) & 0xf];
        } else {
            uri += c;
        }
    }
    uri += '?';
    uri += query;
    return uri;
}

// The 16-byte magic string every SQLite database file starts with.
Status check_magic(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return invalid_database(path, "cannot be read");
    char header[16] = {};
    in.read(header, sizeof header);
    if (in.gcount() != sizeof header || std::memcmp(header, "SQLite format 3", 16) != 0) {
        return invalid_database(path, "not a SQLite database file");
    }
    return Ok{};
}

// Everything about an existing file that can be decided without writing to it.
Status check_existing(const std::string& path) {
    if (auto magic = check_magic(path); !magic) return magic;

    // Without a -wal file the database is the main file alone: immutable=1 reads it with
    // no locks and no -wal/-shm files created. With one, its frames belong to the
    // database, and a plain read-only open reads them.
    std::error_code ec;
    const bool has_wal = fs::exists(path + "-wal", ec);
    auto check = Connection::open(file_uri(path, has_wal ? "mode=ro" : "immutable=1"),
                                  SQLITE_OPEN_READONLY | SQLITE_OPEN_URI);
    if (!check) return invalid_database(path, check.error().message);

    auto application_id = check->query_int("PRAGMA application_id");
    if (!application_id) return invalid_database(path, application_id.error().message);
    auto version = check->query_int("PRAGMA user_version");
    if (!version) return invalid_database(path, version.error().message);
    auto tables = check->query_int("SELECT count(*) FROM sqlite_schema");
    if (!tables) return invalid_database(path, tables.error().message);

    if (*application_id != kApplicationId && !(*application_id == 0 && *tables == 0)) {
        return invalid_database(path,
                                "it is a SQLite database of another program (application_id " +
                                    std::to_string(*application_id) + ")");
    }
    if (*version > latest_schema_version()) {
        return make_error("store_schema_too_new", "database file " + path + " has schema version " +
                                                      std::to_string(*version) +
                                                      " but this datt-relay knows versions up to " +
                                                      std::to_string(latest_schema_version()) +
                                                      ": use a newer datt-relay");
    }

    auto quick_check = check->prepare("PRAGMA quick_check(5)", false);
    if (!quick_check) return invalid_database(path, quick_check.error().message);
    std::string problems;
    int rc;
    while ((rc = quick_check->step()) == SQLITE_ROW) {
        const std::string_view line = quick_check->column_text(0);
        if (line == "ok") continue;
        if (!problems.empty()) problems += "; ";
        problems += line;
    }
    if (rc != SQLITE_DONE) {
        return invalid_database(path, error(check->get(), "quick_check").message);
    }
    if (!problems.empty()) return invalid_database(path, "integrity check failed: " + problems);
    return Ok{};
}

Status configure(Connection& db, bool durable) {
    sqlite3_busy_timeout(db.get(), kBusyTimeoutMs);
    auto mode = db.prepare("PRAGMA journal_mode=WAL", false);
    if (!mode) return mode.error();
    if (mode->step() != SQLITE_ROW || mode->column_text(0) != "wal") {
        return error(db.get(), "cannot switch to WAL mode");
    }
    // No automatic checkpoints: the store's writer schedules them between batches
    // (SqliteStore::checkpoint, sqlite_store.h), so that they neither run inside a commit
    // nor give up forever under continuous reads.
    return db.exec(std::string("PRAGMA synchronous=") + (durable ? "FULL" : "NORMAL") +
                   ";PRAGMA temp_store=MEMORY;PRAGMA cache_size=-65536"
                   ";PRAGMA wal_autocheckpoint=0");
}

Status migrate(Connection& db, const std::string& path, const ProgressReport& report) {
    if (auto begin = db.exec("BEGIN IMMEDIATE"); !begin) return begin;
    auto fail = [&](Error e) {
        (void)db.exec("ROLLBACK");
        return e;
    };
    // Read again inside the transaction: another process may have migrated meanwhile.
    auto version = db.query_int("PRAGMA user_version");
    if (!version) return fail(version.error());
    if (*version > latest_schema_version()) {
        return fail(make_error("store_schema_too_new", "database file " + path +
                                                           " has schema version " +
                                                           std::to_string(*version) +
                                                           ", newer than this datt-relay knows"));
    }
    if (*version == latest_schema_version()) return db.exec("COMMIT");  // nothing to do
    MigrationProgress progress(db.get(), report);
    if (*version > 0) {
        auto events = db.query_int("SELECT coalesce(max(seq), 0) FROM events");
        if (!events) return fail(events.error());
        progress.begin(*version, latest_schema_version(), *events);
    }
    for (int64_t step = *version; step < latest_schema_version(); ++step) {
        progress.step_begins(step + 1);
        if (auto applied = db.exec(kMigrations[step]); !applied) {
            return fail(make_error(applied.error().code,
                                   "migration to schema version " + std::to_string(step + 1) +
                                       " failed: " + applied.error().message));
        }
        progress.step_done();
    }
    if (auto stamp = db.exec("PRAGMA application_id=" + std::to_string(kApplicationId) +
                             ";PRAGMA user_version=" + std::to_string(latest_schema_version()));
        !stamp) {
        return fail(stamp.error());
    }
    if (auto committed = db.exec("COMMIT"); !committed) return committed;
    progress.committed();
    // A migration leaves its rewritten pages in the log (hundreds of MiB at 1M events),
    // which readers would otherwise look up and pread() until the first write's checkpoint:
    // a relay that only serves reads never writes one. Folded now, before readers open
    // (if another process holds the file, the writer's own checkpoints do it later).
    const auto fold_started = MigrationProgress::Clock::now();
    if (sqlite3_wal_checkpoint_v2(db.get(), nullptr, SQLITE_CHECKPOINT_TRUNCATE, nullptr,
                                  nullptr) == SQLITE_OK) {
        progress.folded(seconds_since(fold_started));
    }
    return Ok{};
}

}  // namespace

int latest_schema_version() {
    return static_cast<int>(kMigrations.size());
}

Result<Connection> open_writer(const std::string& path, bool durable,
                               const ProgressReport& report) {
    std::error_code ec;
    const fs::file_status status = fs::status(path, ec);
    int flags = SQLITE_OPEN_READWRITE;
    if (status.type() == fs::file_type::not_found) {
        fs::path parent = fs::path(path).parent_path();
        if (parent.empty()) parent = ".";
        if (!fs::is_directory(parent, ec)) {
            return make_error("store_directory_missing", "cannot create database file " + path +
                                                             ": directory " + parent.string() +
                                                             " does not exist");
        }
        flags |= SQLITE_OPEN_CREATE;
    } else if (status.type() != fs::file_type::regular) {
        return invalid_database(path, ec ? ec.message() : "not a regular file");
    } else if (const uintmax_t size = fs::file_size(path, ec); size != 0 || ec) {
        // A zero-byte file holds nothing to protect: SQLite initializes it like a new one.
        // The check reads the whole file (at 1M events, about 1.4 s of CPU): a large one is
        // announced, as a migration is.
        const bool announce = report && !ec && size >= kAnnouncedCheckBytes;
        const auto started = MigrationProgress::Clock::now();
        if (announce) {
            report("checking database file " + path + " (" + with_separators(size >> 20) +
                   " MiB) before writing to it");
        }
        if (auto checked = check_existing(path); !checked) return checked.error();
        if (announce) report("checked in " + seconds_since(started));
    }

    // A durable writer syncs its log at every commit: its log writes may be gathered until
    // then (wal_gather_vfs.h). Not with synchronous=NORMAL, whose commits do not sync.
    auto db = Connection::open(path, flags, durable ? wal_gather_vfs() : nullptr);
    if (!db)
        return make_error(db.error().code, "database file " + path + ": " + db.error().message);
    // SQLite falls back to reading only when the file is write-protected; say so now
    // rather than at the first write.
    if (sqlite3_db_readonly(db->get(), "main") == 1) {
        return make_error("store_read_only", "database file " + path + " is not writable");
    }
    if (auto configured = configure(*db, durable); !configured) return configured.error();
    if (register_content_function(db->get()) != SQLITE_OK) {
        return error(db->get(), "cannot register datt_content");
    }
    if (auto migrated = migrate(*db, path, report); !migrated) return migrated.error();
    return db;
}

Result<Connection> open_reader(const std::string& path, bool memory_mapped,
                               const ProgressReport& report) {
    // Memory-mapped reads go through one map of the file per process, kept across commits
    // (shared_map_vfs.h), instead of one per connection that each commit drops.
    auto db =
        Connection::open(path, SQLITE_OPEN_READONLY, memory_mapped ? shared_map_vfs() : nullptr);
    if (!db)
        return make_error(db.error().code, "database file " + path + ": " + db.error().message);
    sqlite3_busy_timeout(db->get(), kBusyTimeoutMs);
    // A page that is in the OS cache costs no pread() and no copy into SQLite's cache. The
    // map is read-only and file-backed (it shows in RSS as file pages, which the OS
    // reclaims like any cache). Any positive mmap_size turns it on for the whole file.
    if (auto configured = db->exec(std::string("PRAGMA temp_store=MEMORY;PRAGMA cache_size=-16384;"
                                               "PRAGMA mmap_size=") +
                                   (memory_mapped ? "2147418112" : "0"));
        !configured) {
        return configured.error();
    }
    if (memory_mapped) warm_shared_map(shared_map_of(db->get()), report);
    return db;
}

}  // namespace datt::relay::sqlite
