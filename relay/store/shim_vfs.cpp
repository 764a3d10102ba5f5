#include "store/shim_vfs.h"

namespace datt::relay::sqlite::shim {

sqlite3_vfs* wrapped_vfs() {
    static sqlite3_vfs* const vfs = sqlite3_vfs_find(nullptr);
    return vfs;
}

int open_real(sqlite3_file* real, const char* name, int flags, int* out_flags) {
    real->pMethods = nullptr;
    const int rc = wrapped_vfs()->xOpen(wrapped_vfs(), name, real, flags, out_flags);
    if (rc != SQLITE_OK) return rc;
    if (!real->pMethods || real->pMethods->iVersion < 3) {
        // Not a file a shim knows how to forward: never the case with the unix VFS.
        if (real->pMethods) real->pMethods->xClose(real);
        return SQLITE_CANTOPEN;
    }
    return SQLITE_OK;
}

const char* register_shim(sqlite3_vfs& vfs, const char* name, int file_bytes,
                          int (*open)(sqlite3_vfs*, const char*, sqlite3_file*, int, int*)) {
    sqlite3_vfs* real = wrapped_vfs();
    if (!real) return nullptr;
    vfs = *real;  // every other method (delete, access, randomness, time...) as is
    vfs.zName = name;
    vfs.szOsFile = file_bytes + real->szOsFile;
    vfs.xOpen = open;
    vfs.pNext = nullptr;
    if (sqlite3_vfs_register(&vfs, 0) != SQLITE_OK) return nullptr;
    return name;
}

}  // namespace datt::relay::sqlite::shim
