// A SQLite VFS for the relay's reader connections that serves memory-mapped reads of the
// database from ONE map per file per process (shared_file_map.h), kept across commits.
//
// Why: with the default unix VFS each connection maps the file itself, so every page is
// first touched (a page fault, ~100 us on the VMs measured) once per reader thread, and in
// WAL mode SQLite drops a connection's map (xUnfetch(NULL): munmap) at the start of every
// read transaction after a commit, so under live ingest each query re-faults its pages
// (docs/performance.md, "Eighth pass").
//
// What it does: xFetch hands out a pointer into the shared map when the page lies within
// this open file's `limit`, the file's size as last read (fstat); a page past it has the
// size read again first (a checkpoint can grow the file without a commit), and a page still
// past it gets no pointer: SQLite then reads it with xRead, as the unix VFS does past the
// end of its own map. xUnfetch(NULL) ("the database changed, forget the map") only marks
// the limit to be read again at the next fetch; xUnfetch of a page does nothing.
// Everything else goes to the default VFS. If the file cannot be mapped, the default VFS's
// own xFetch serves.
//
// Why this keeps SQLite's guarantees:
// - A pointer is handed out only for bytes that existed in the file when the limit was
//   read, and the database file never shrinks under a reader: SQLite truncates it only in a
//   checkpoint that has copied every frame of the log (so no reader's snapshot is older than
//   the cut) and only to the database's own page count, which falls only by VACUUM or
//   auto_vacuum, neither of which the relay uses. (A file corrupted to point past its end
//   would have SQLite read beyond the page it asked for: as with SQLite 3.40's own map,
//   which ends at the file's end, that faults; newer SQLite keeps 256 bytes of slack.)
// - SQLite fetches a page only when no frame of the log holds it for the reader's snapshot
//   (pager.c getPageMMap, iFrame == 0), and a checkpoint never writes such a page into the
//   file while that snapshot is open (it copies only frames every reader can see), so the
//   bytes under the pointer stay the snapshot's for as long as it reads them. This is the
//   argument SQLite's own MAP_SHARED maps rely on; sharing the map between connections
//   changes nothing in it, since all maps of a file show the same page cache.
// - mmap_size=0 keeps memory-mapped reads off (the pager then never calls xFetch). Any
//   larger value turns on the whole file: the shim ignores SQLite's cap (2 GiB in Debian's
//   build), since its map is one per process and reserved for any size.
// - Threads: each open file's limit belongs to its connection (one thread at a time); the
//   map's base never changes while held, so xFetch takes no lock. Opens and closes take
//   the registry's.
#pragma once

#include <sqlite3.h>

#include "store/shared_file_map.h"

namespace datt::relay::sqlite {

// The VFS's name for sqlite3_open_v2, registered once (not as the default) on first call.
// nullptr if SQLite has no default VFS to wrap.
const char* shared_map_vfs();

// The shared map `db`'s main database file is read through; nullptr if none (another VFS,
// or the file could not be mapped).
const SharedFileMap* shared_map_of(sqlite3* db);

}  // namespace datt::relay::sqlite
