#include "store/wal_gather_vfs.h"

#include <algorithm>
#include <new>
#include <string>

#include "store/shim_vfs.h"

namespace datt::relay::sqlite {
namespace {

using namespace shim;

// The default VFS's file follows this header in the same allocation (szOsFile).
struct GatherFile {
    ShimFile shim;
    bool gather;        // a -wal file: its writes are held until flushed
    std::string* held;  // contiguous bytes written at held_offset, not yet written
    sqlite3_int64 held_offset;
};

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
        rc = f->shim.real->pMethods->xWrite(f->shim.real, f->held->data() + done,
                                            static_cast<int>(n),
                                            f->held_offset + static_cast<sqlite3_int64>(done));
    }
    f->held->clear();
    return rc;
}

int x_close(sqlite3_file* file) {
    GatherFile* f = as_gather(file);
    const int flushed = flush(f);
    const int rc = f->shim.real->pMethods->xClose(f->shim.real);
    delete f->held;
    f->held = nullptr;
    return flushed != SQLITE_OK ? flushed : rc;
}

int x_read(sqlite3_file* file, void* out, int amount, sqlite3_int64 offset) {
    GatherFile* f = as_gather(file);
    if (int rc = flush(f); rc != SQLITE_OK) return rc;
    return f->shim.real->pMethods->xRead(f->shim.real, out, amount, offset);
}

int x_write(sqlite3_file* file, const void* data, int amount, sqlite3_int64 offset) {
    GatherFile* f = as_gather(file);
    if (!f->gather) return f->shim.real->pMethods->xWrite(f->shim.real, data, amount, offset);
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
        return f->shim.real->pMethods->xWrite(f->shim.real, data, amount, offset);
    }
    return SQLITE_OK;
}

int x_truncate(sqlite3_file* file, sqlite3_int64 size) {
    GatherFile* f = as_gather(file);
    if (int rc = flush(f); rc != SQLITE_OK) return rc;
    return f->shim.real->pMethods->xTruncate(f->shim.real, size);
}

int x_sync(sqlite3_file* file, int flags) {
    GatherFile* f = as_gather(file);
    if (int rc = flush(f); rc != SQLITE_OK) return rc;
    return f->shim.real->pMethods->xSync(f->shim.real, flags);
}

int x_file_size(sqlite3_file* file, sqlite3_int64* size) {
    GatherFile* f = as_gather(file);
    if (int rc = flush(f); rc != SQLITE_OK) return rc;
    return f->shim.real->pMethods->xFileSize(f->shim.real, size);
}

// The rest is the default VFS's, unchanged (shim_vfs.h), but for what reads the log.
int x_file_control(sqlite3_file* file, int op, void* arg) {
    GatherFile* f = as_gather(file);
    if (int rc = flush(f); rc != SQLITE_OK) return rc;
    return f->shim.real->pMethods->xFileControl(f->shim.real, op, arg);
}
int x_fetch(sqlite3_file* file, sqlite3_int64 offset, int amount, void** out) {
    GatherFile* f = as_gather(file);
    if (int rc = flush(f); rc != SQLITE_OK) return rc;
    return f->shim.real->pMethods->xFetch(f->shim.real, offset, amount, out);
}
int x_unfetch(sqlite3_file* file, sqlite3_int64 offset, void* page) {
    return real_of(file)->pMethods->xUnfetch(real_of(file), offset, page);
}

const sqlite3_io_methods kMethods = shim_methods(x_close, x_read, x_write, x_truncate, x_sync,
                                                 x_file_size, x_file_control, x_fetch, x_unfetch);

int x_open(sqlite3_vfs*, const char* name, sqlite3_file* file, int flags, int* out_flags) {
    GatherFile* f = as_gather(file);
    f->shim.base.pMethods = nullptr;
    f->shim.real = reinterpret_cast<sqlite3_file*>(f + 1);
    f->gather = (flags & SQLITE_OPEN_WAL) != 0;
    f->held = nullptr;
    f->held_offset = 0;
    if (int rc = open_real(f->shim.real, name, flags, out_flags); rc != SQLITE_OK) return rc;
    f->held = new (std::nothrow) std::string;
    if (!f->held) {
        f->shim.real->pMethods->xClose(f->shim.real);
        return SQLITE_NOMEM;
    }
    f->shim.base.pMethods = &kMethods;
    return SQLITE_OK;
}

sqlite3_vfs g_vfs;

}  // namespace

const char* wal_gather_vfs() {
    static const char* const name =
        register_shim(g_vfs, "datt-wal-gather", static_cast<int>(sizeof(GatherFile)), x_open);
    return name;
}

}  // namespace datt::relay::sqlite
