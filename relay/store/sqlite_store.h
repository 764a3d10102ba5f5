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
// NIP-09 details: a kind-5 request removes the author's own events named by `e` tags
// (lowercase or uppercase hex ids) and the author's replaceable/addressable versions
// named by `a` tags ("<kind>:<author hex>:<d>", with created_at <= the request's), and
// remembers both so they are refused later with kDeleted. Targets of other authors are
// left alone. Kind-5 events are never deleted (a request to delete a request has no
// effect, as NIP-09 says); `a` tags naming a regular kind, and replaceable addresses
// with a non-empty d part, name nothing. A kind-5 event is itself stored like any regular
// event.
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
