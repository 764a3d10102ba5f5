#include "store/shared_map_vfs.h"

#include <algorithm>
#include <cstdint>

#include "store/shim_vfs.h"

namespace datt::relay::sqlite {
namespace {

using namespace shim;

// The default VFS's file follows this header in the same allocation (szOsFile).
struct MappedFile {
    ShimFile shim;
    const SharedFileMap* map;  // the database file's shared map; nullptr: the default's
    sqlite3_int64 limit;       // bytes a fetch may point into; -1: read at the next fetch
};

MappedFile* as_mapped(sqlite3_file* file) {
    return reinterpret_cast<MappedFile*>(file);
}

int x_close(sqlite3_file* file) {
    MappedFile* f = as_mapped(file);
    const int rc = f->shim.real->pMethods->xClose(f->shim.real);
    release_shared_map(f->map);
    f->map = nullptr;
    return rc;
}

// Reads the file's size into the limit (capped by the reservation).
int read_limit(MappedFile* f) {
    sqlite3_int64 size = 0;
    if (int rc = f->shim.real->pMethods->xFileSize(f->shim.real, &size); rc != SQLITE_OK) {
        return rc;
    }
    f->limit = std::min<sqlite3_int64>(size, static_cast<sqlite3_int64>(f->map->reserved));
    return SQLITE_OK;
}

bool within(const MappedFile* f, sqlite3_int64 offset, int amount) {
    return offset >= 0 && amount > 0 && offset <= f->limit - amount;
}

int x_fetch(sqlite3_file* file, sqlite3_int64 offset, int amount, void** out) {
    MappedFile* f = as_mapped(file);
    if (!f->map) return f->shim.real->pMethods->xFetch(f->shim.real, offset, amount, out);
    *out = nullptr;
    // The limit is read when a page lies past it (-1 after an xUnfetch(NULL): any page
    // does): not only after a commit, since a checkpoint may grow the file without changing
    // the log's header, which is what makes SQLite call xUnfetch(NULL).
    if (!within(f, offset, amount)) {
        if (int rc = read_limit(f); rc != SQLITE_OK) return rc;
    }
    if (within(f, offset, amount)) *out = const_cast<std::byte*>(f->map->base + offset);
    return SQLITE_OK;
}

int x_unfetch(sqlite3_file* file, sqlite3_int64 offset, void* page) {
    MappedFile* f = as_mapped(file);
    if (!f->map) return f->shim.real->pMethods->xUnfetch(f->shim.real, offset, page);
    if (!page) f->limit = -1;
    return SQLITE_OK;
}

// Everything but opening, closing and fetching is the default VFS's (shim_vfs.h).
const sqlite3_io_methods kMethods =
    shim_methods(x_close, forward_read, forward_write, forward_truncate, forward_sync,
                 forward_file_size, forward_file_control, x_fetch, x_unfetch);

int x_open(sqlite3_vfs*, const char* name, sqlite3_file* file, int flags, int* out_flags) {
    MappedFile* f = as_mapped(file);
    f->shim.base.pMethods = nullptr;
    f->shim.real = reinterpret_cast<sqlite3_file*>(f + 1);
    f->map = nullptr;
    f->limit = -1;
    if (int rc = open_real(f->shim.real, name, flags, out_flags); rc != SQLITE_OK) return rc;
    // Only the database file is fetched from; its log and temporary files are not.
    if ((flags & SQLITE_OPEN_MAIN_DB) && name) f->map = acquire_shared_map(name);
    f->shim.base.pMethods = &kMethods;
    return SQLITE_OK;
}

sqlite3_vfs g_vfs;

}  // namespace

const SharedFileMap* shared_map_of(sqlite3* db) {
    sqlite3_file* file = nullptr;
    if (sqlite3_file_control(db, "main", SQLITE_FCNTL_FILE_POINTER, &file) != SQLITE_OK || !file ||
        file->pMethods != &kMethods) {
        return nullptr;
    }
    return as_mapped(file)->map;
}

const char* shared_map_vfs() {
    static const char* const name =
        register_shim(g_vfs, "datt-shared-map", static_cast<int>(sizeof(MappedFile)), x_open);
    return name;
}

}  // namespace datt::relay::sqlite
