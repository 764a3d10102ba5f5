// The embedded SQLite implementation of relay::Store (schema in sqlite_schema.h, filter
// translation in sql_filter.h).
//
// One writer connection with its statements prepared once; each StoreReader opens its own
// read-only connection with its own statement cache. WAL mode lets readers see the last
// committed state while the writer commits, without blocking each other.
//
// Error codes (besides those of sqlite_schema.h's open_writer):
//   store_sqlite          SQLite failed (message says what and why); nothing committed
//   store_ephemeral_kind  write_batch got an ephemeral kind (20000-29999), which the relay
//                         must forward, not store; nothing committed
//
// The rules are core's, applied here to rows: which version of a replaceable/addressable
// event is kept (event::supersedes over event::address_of's slot) and which events a
// kind-5 request deletes (event/deletion.h: the author's own `e` and `a` targets, `a`
// versions up to the request's created_at, never another request). Both are remembered as
// tombstones so that targets arriving later are refused with kDeleted; a kind-5 event is
// itself stored like any regular event.
//
// Ingest rules (Datt, docs/protocol.md "Relay enforcement"), checked in the writer's
// transaction after the duplicate and deletion checks, so each sees every event committed
// before it and nothing can race it:
// 1. communities (community_rules.h, core/community/admit.h): a kind 1111 item of a community
//    whose definition is stored is refused (kRefused) when its author is banned ("blocked:"),
//    it replies under a locked post ("blocked:"), or its NIP-13 work is below the community's
//    difficulty ("pow: difficulty N required");
// 2. a kind 4560 event must carry a valid fork proof (chain/fork_proof.h);
// 3. content chains (chain_tables.h, core/chain/chain_state.h): a malformed chain tag, or a
//    chain tag on a kind that is not regular, is refused with its chain_* code; an event
//    extending its chain is stored and moves the head; one past a gap is stored as pending
//    (kPending, with the gaps); one that forks is refused ("invalid: fork: ...") and the proof
//    is stored in the same transaction as a kind 4560 event signed by the relay's key
//    (relay_key, sqlite_schema.h); events without a chain tag are stored as before.
#pragma once

#include <memory>
#include <string>

#include "store/migration_progress.h"
#include "store/store.h"
#include "util/result.h"

namespace datt::relay {

// The WAL (write-ahead log) is checkpointed by the store, not by SQLite's automatic
// checkpoint (a PASSIVE one that stops at the oldest reader's snapshot, so under continuous
// reads the log is never emptied and its file never shrinks). After each commit:
// - once `wal_checkpoint_pages` were written since the last checkpoint, a PASSIVE one copies
//   the log's pages into the database without waiting for anyone; the next commit then
//   starts the log over if no reader is still in it (and cuts the file back to
//   `wal_checkpoint_pages`: journal_size_limit);
// - once the log holds `wal_limit_pages`, a TRUNCATE checkpoint waits (busy timeout, 5 s)
//   for the readers still reading old pages of the log, copies it all and cuts the file
//   to zero.
// So the -wal file stays under wal_limit_pages plus one batch. Store::checkpoint() (the
// relay's writer calls it when no write is waiting) runs a PASSIVE one at once, so that a
// quiet relay's database file holds what was written. A checkpoint that fails inside
// commit() is not an error of the commit; the next one retries. Pages are 4 KiB.
struct SqliteOptions {
    bool durable = true;  // synchronous=FULL: every commit is fsynced before write_batch returns
    int wal_checkpoint_pages = 4096;  // 16 MiB: PASSIVE checkpoint even while busy
    int wal_limit_pages = 16384;      // 64 MiB: TRUNCATE checkpoint
    // Readers read through a memory map: the cheapest reads for a long-lived relay, whose
    // pages stay mapped. A one-shot command leaves it off: in a fresh process the first
    // touch of every mapped page costs more than pread() (at 1M events, a NIP-77 key scan
    // took 0.65 s mapped, 0.26 s read; docs/performance.md).
    bool memory_mapped_reads = true;
    // Told what a schema migration at open is doing, step by step and every few seconds
    // within a long step (migration_progress.h), and when the readers' memory map has been
    // warmed (shared_file_map.h); datt-relay logs it. Empty: nothing said.
    sqlite::ProgressReport migration_report = {};
};

// Opens (creating if missing) the database at `path`; see sqlite_schema.h for the checks
// made before an existing file is written to.
[[nodiscard]] Result<std::unique_ptr<Store>> open_sqlite_store(const std::string& path,
                                                               SqliteOptions options = {});

}  // namespace datt::relay
