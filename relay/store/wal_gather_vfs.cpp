#include "store/wal_gather_vfs.h"

#include <sqlite3.h>

#include <algorithm>
#include <new>
#include <string>

namespace datt::relay::sqlite {
namespace {

// The default VFS's file follows this header in the same allocation (szOsFile).
struct GatherFile {
    sqlite3_file base;
    sqlite3_file* real;
    bool gather;                // a -wal file: its writes are held until flushed
    std::string* held;          // contiguous bytes written at held_offset, not yet written
    sqlite3_int64 held_offset;
};

sqlite3_vfs* g_real = nullptr;

GatherFile* as_gather(sqlite3_file* file) {
    return reinterpret_cast<GatherFile*>(file);
}

// Bytes per write handed down: the unix VFS writes at most 128 KiB - 1 per pwrite() and
// reports a larger write as a full disk, so the held run goes down in pieces below that.
constexpr size_t kWriteChunk = 64 * 1024;

int flush(GatherFile* f) {
    if (!f->held || f->held->empty()) return SQLITE_OK;
    int rc = SQLITE_OK;
    for (size_t done = 0; done < f->held->size() && rc == SQLITE_OK; done += kWriteChunk) {
        const size_t n = std::min(kWriteChunk, f->held->size() - done);
        rc = f->real->pMethods->xWrite(f->real, f->held->data() + done, static_cast<int>(n),
                                       f->held_offset + static_cast<sqlite3_int64>(done));
    }
    f->held->clear();
    return rc;
}

int x_close(sqlite3_file* file) {
    GatherFile* f = as_gather(file);
    const int flushed = flush(f);
    const int rc = f->real->pMethods->xClose(f->real);
    delete f->held;
    f->held = nullptr;
    return flushed != SQLITE_OK ? flushed : rc;
}

int x_read(sqlite3_file* file, void* out, int amount, sqlite3_int64 offset) {
    GatherFile* f = as_gather(file);
    if (int rc = flush(f); rc != SQLITE_OK) return rc;
    return f->real->pMethods->xRead(f->real, out, amount, offset);
}

int x_write(sqlite3_file* file, const void* data, int amount, sqlite3_int64 offset) {
    GatherFile* f = as_gather(file);
    if (!f->gather) return f->real->pMethods->xWrite(f->real, data, amount, offset);
    // Only a run of consecutive writes is held; anything else writes the run first.
    if (!f->held->empty() &&
        offset != f->held_offset + static_cast<sqlite3_int64>(f->held->size())) {
        if (int rc = flush(f); rc != SQLITE_OK) return rc;
    }
    if (f->held->empty()) f->held_offset = offset;
    try {
        f->held->append(static_cast<const char*>(data), static_cast<size_t>(amount));
    } catch (const std::bad_alloc&) {
        if (int rc = flush(f); rc != SQLITE_OK) return rc;
        return f->real->pMethods->xWrite(f->real, data, amount, offset);
    }
    return SQLITE_OK;
}

int x_truncate(sqlite3_file* file, sqlite3_int64 size) {
    GatherFile* f = as_gather(file);
    if (int rc = flush(f); rc != SQLITE_OK) return rc;
    return f->real->pMethods->xTruncate(f->real, size);
}

int x_sync(sqlite3_file* file, int flags) {
    GatherFile* f = as_gather(file);
    if (int rc = flush(f); rc != SQLITE_OK) return rc;
    return f->real->pMethods->xSync(f->real, flags);
}

int x_file_size(sqlite3_file* file, sqlite3_int64* size) {
    GatherFile* f = as_gather(file);
    if (int rc = flush(f); rc != SQLITE_OK) return rc;
    return f->real->pMethods->xFileSize(f->real, size);
}

// The rest is the default VFS's, unchanged.
int x_lock(sqlite3_file* file, int level) {
    return as_gather(file)->real->pMethods->xLock(as_gather(file)->real, level);
}
int x_unlock(sqlite3_file* file, int level) {
    return as_gather(file)->real->pMethods->xUnlock(as_gather(file)->real, level);
}
int x_check_reserved_lock(sqlite3_file* file, int* out) {
    return as_gather(file)->real->pMethods->xCheckReservedLock(as_gather(file)->real, out);
}
int x_file_control(sqlite3_file* file, int op, void* arg) {
    GatherFile* f = as_gather(file);
    if (int rc = flush(f); rc != SQLITE_OK) return rc;
    return f->real->pMethods->xFileControl(f->real, op, arg);
}
int x_sector_size(sqlite3_file* file) {
    return as_gather(file)->real->pMethods->xSectorSize(as_gather(file)->real);
}
int x_device_characteristics(sqlite3_file* file) {
    return as_gather(file)->real->pMethods->xDeviceCharacteristics(as_gather(file)->real);
}
int x_shm_map(sqlite3_file* file, int page, int size, int extend, void volatile** out) {
    return as_gather(file)->real->pMethods->xShmMap(as_gather(file)->real, page, size, extend, out);
}
int x_shm_lock(sqlite3_file* file, int offset, int n, int flags) {
    return as_gather(file)->real->pMethods->xShmLock(as_gather(file)->real, offset, n, flags);
}
void x_shm_barrier(sqlite3_file* file) {
    as_gather(file)->real->pMethods->xShmBarrier(as_gather(file)->real);
}
int x_shm_unmap(sqlite3_file* file, int delete_flag) {
    return as_gather(file)->real->pMethods->xShmUnmap(as_gather(file)->real, delete_flag);
}
int x_fetch(sqlite3_file* file, sqlite3_int64 offset, int amount, void** out) {
    GatherFile* f = as_gather(file);
    if (int rc = flush(f); rc != SQLITE_OK) return rc;
    return f->real->pMethods->xFetch(f->real, offset, amount, out);
}
int x_unfetch(sqlite3_file* file, sqlite3_int64 offset, void* page) {
    return as_gather(file)->real->pMethods->xUnfetch(as_gather(file)->real, offset, page);
}

// Version 3 methods: the default unix VFS's files all have them.
const sqlite3_io_methods kMethods = {
    3,           x_close,       x_read,    x_write,        x_truncate,        x_sync,
    x_file_size, x_lock,        x_unlock,  x_check_reserved_lock, x_file_control,
    x_sector_size, x_device_characteristics, x_shm_map, x_shm_lock, x_shm_barrier,
    x_shm_unmap, x_fetch,       x_unfetch,
};

int x_open(sqlite3_vfs*, const char* name, sqlite3_file* file, int flags, int* out_flags) {
    GatherFile* f = as_gather(file);
    f->base.pMethods = nullptr;
    f->real = reinterpret_cast<sqlite3_file*>(f + 1);
    f->gather = (flags & SQLITE_OPEN_WAL) != 0;
    f->held = nullptr;
    f->held_offset = 0;
    const int rc = g_real->xOpen(g_real, name, f->real, flags, out_flags);
    if (rc != SQLITE_OK) return rc;
    if (!f->real->pMethods || f->real->pMethods->iVersion < 3) {
        // Not a file this shim knows how to forward: never the case with the unix VFS.
        if (f->real->pMethods) f->real->pMethods->xClose(f->real);
        return SQLITE_CANTOPEN;
    }
    f->held = new (std::nothrow) std::string;
    if (!f->held) {
        f->real->pMethods->xClose(f->real);
        return SQLITE_NOMEM;
    }
    f->base.pMethods = &kMethods;
    return SQLITE_OK;
}

sqlite3_vfs g_vfs;

}  // namespace

const char* wal_gather_vfs() {
    static const char* const name = [] () -> const char* {
        g_real = sqlite3_vfs_find(nullptr);
        if (!g_real) return nullptr;
        g_vfs = *g_real;  // every other method (delete, access, randomness, time...) as is
        g_vfs.zName = "datt-wal-gather";
        g_vfs.szOsFile = static_cast<int>(sizeof(GatherFile)) + g_real->szOsFile;
        g_vfs.xOpen = x_open;
        g_vfs.pNext = nullptr;
        if (sqlite3_vfs_register(&g_vfs, 0) != SQLITE_OK) return nullptr;
        return g_vfs.zName;
    }();
    return name;
}

}  // namespace datt::relay::sqlite
