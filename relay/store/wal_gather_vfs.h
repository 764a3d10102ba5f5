// A SQLite VFS over the default one that gathers the writes of a write-ahead log (-wal file)
// and hands them to the OS in one pwrite() at the next sync, instead of SQLite's two per
// WAL frame (its 24-byte header, then the page). The writer's time went a third to those
// syscalls (docs/performance.md, "Fourth pass").
//
// Safe only for a connection with synchronous=FULL: there every commit ends with a sync of
// the log before the commit is published to readers (the wal-index in shared memory), so no
// other connection can look for frames still held here. The holding connection's own reads
// of the log, its size and truncation write the held bytes first. Everything else (locks,
// shared memory, the database file itself) goes straight to the default VFS.
#pragma once

namespace datt::relay::sqlite {

// The VFS's name for sqlite3_open_v2, registered once (not as the default) on first call.
// nullptr if SQLite has no default VFS to wrap.
const char* wal_gather_vfs();

}  // namespace datt::relay::sqlite
