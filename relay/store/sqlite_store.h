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
#pragma once

#include <memory>
#include <string>

#include "store/store.h"
#include "util/result.h"

namespace datt::relay {

struct SqliteOptions {
    bool durable = true;  // synchronous=FULL: every commit is fsynced before write_batch returns
};

// Opens (creating if missing) the database at `path`; see sqlite_schema.h for the checks
// made before an existing file is written to.
[[nodiscard]] Result<std::unique_ptr<Store>> open_sqlite_store(const std::string& path,
                                                               SqliteOptions options = {});

}  // namespace datt::relay
