// What the store's VFS shims (wal_gather_vfs.h, shared_map_vfs.h) have in common: each
// wraps the default VFS (unix), puts its own file header in front of the default VFS's
// file in one allocation (szOsFile) and forwards the methods it does not change.
#pragma once

#include <sqlite3.h>

namespace datt::relay::sqlite::shim {

// The first member of every shim's file: SQLite sees `base`, the shim calls `real`.
struct ShimFile {
    sqlite3_file base;
    sqlite3_file* real;
};

inline sqlite3_file* real_of(sqlite3_file* file) {
    return reinterpret_cast<ShimFile*>(file)->real;
}

// The default VFS, found at the first registration.
sqlite3_vfs* wrapped_vfs();

// Opens `name` through the default VFS into `real`, which must have version 3 methods
// (the unix VFS's files all have them); anything else is closed: SQLITE_CANTOPEN.
[[nodiscard]] int open_real(sqlite3_file* real, const char* name, int flags, int* out_flags);

// Registers `vfs` (not as the default) as a copy of the default VFS named `name` whose
// files are `file_bytes` of the shim's header plus the default VFS's file, opened by
// `open`. nullptr if SQLite has no default VFS or refuses; otherwise `name`.
const char* register_shim(sqlite3_vfs& vfs, const char* name, int file_bytes,
                          int (*open)(sqlite3_vfs*, const char*, sqlite3_file*, int, int*));

// Forwarders for the methods a shim leaves as they are.
inline int forward_read(sqlite3_file* file, void* out, int amount, sqlite3_int64 offset) {
    return real_of(file)->pMethods->xRead(real_of(file), out, amount, offset);
}
inline int forward_write(sqlite3_file* file, const void* data, int amount, sqlite3_int64 offset) {
    return real_of(file)->pMethods->xWrite(real_of(file), data, amount, offset);
}
inline int forward_truncate(sqlite3_file* file, sqlite3_int64 size) {
    return real_of(file)->pMethods->xTruncate(real_of(file), size);
}
inline int forward_sync(sqlite3_file* file, int flags) {
    return real_of(file)->pMethods->xSync(real_of(file), flags);
}
inline int forward_file_size(sqlite3_file* file, sqlite3_int64* size) {
    return real_of(file)->pMethods->xFileSize(real_of(file), size);
}
inline int forward_file_control(sqlite3_file* file, int op, void* arg) {
    return real_of(file)->pMethods->xFileControl(real_of(file), op, arg);
}
inline int forward_lock(sqlite3_file* file, int level) {
    return real_of(file)->pMethods->xLock(real_of(file), level);
}
inline int forward_unlock(sqlite3_file* file, int level) {
    return real_of(file)->pMethods->xUnlock(real_of(file), level);
}
inline int forward_check_reserved_lock(sqlite3_file* file, int* out) {
    return real_of(file)->pMethods->xCheckReservedLock(real_of(file), out);
}
inline int forward_sector_size(sqlite3_file* file) {
    return real_of(file)->pMethods->xSectorSize(real_of(file));
}
inline int forward_device_characteristics(sqlite3_file* file) {
    return real_of(file)->pMethods->xDeviceCharacteristics(real_of(file));
}
inline int forward_shm_map(sqlite3_file* file, int page, int size, int extend,
                           void volatile** out) {
    return real_of(file)->pMethods->xShmMap(real_of(file), page, size, extend, out);
}
inline int forward_shm_lock(sqlite3_file* file, int offset, int n, int flags) {
    return real_of(file)->pMethods->xShmLock(real_of(file), offset, n, flags);
}
inline void forward_shm_barrier(sqlite3_file* file) {
    real_of(file)->pMethods->xShmBarrier(real_of(file));
}
inline int forward_shm_unmap(sqlite3_file* file, int delete_flag) {
    return real_of(file)->pMethods->xShmUnmap(real_of(file), delete_flag);
}

// A shim's version 3 methods: its own for the file's contents, the forwarders above for
// locks and shared memory.
constexpr sqlite3_io_methods shim_methods(
    int (*close)(sqlite3_file*), int (*read)(sqlite3_file*, void*, int, sqlite3_int64),
    int (*write)(sqlite3_file*, const void*, int, sqlite3_int64),
    int (*truncate)(sqlite3_file*, sqlite3_int64), int (*sync)(sqlite3_file*, int),
    int (*file_size)(sqlite3_file*, sqlite3_int64*), int (*file_control)(sqlite3_file*, int, void*),
    int (*fetch)(sqlite3_file*, sqlite3_int64, int, void**),
    int (*unfetch)(sqlite3_file*, sqlite3_int64, void*)) {
    return {3,
            close,
            read,
            write,
            truncate,
            sync,
            file_size,
            forward_lock,
            forward_unlock,
            forward_check_reserved_lock,
            file_control,
            forward_sector_size,
            forward_device_characteristics,
            forward_shm_map,
            forward_shm_lock,
            forward_shm_barrier,
            forward_shm_unmap,
            fetch,
            unfetch};
}

}  // namespace datt::relay::sqlite::shim
