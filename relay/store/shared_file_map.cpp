#include "store/shared_file_map.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <memory>
#include <mutex>
#include <vector>

namespace datt::relay::sqlite {
namespace {

struct Entry {
    SharedFileMap map;
    dev_t device;
    ino_t inode;
    int holders;
};

// A process has a handful of databases open: a vector searched under the lock is enough.
// Only opens and closes take the lock; reads through a map never do.
std::mutex g_mutex;
std::vector<std::unique_ptr<Entry>> g_entries;

}  // namespace

const SharedFileMap* acquire_shared_map(const char* path) {
    const int fd = ::open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return nullptr;
    struct stat st {};
    if (::fstat(fd, &st) != 0) {
        ::close(fd);
        return nullptr;
    }
    std::lock_guard lock(g_mutex);
    for (auto& entry : g_entries) {
        if (entry->device == st.st_dev && entry->inode == st.st_ino) {
            ++entry->holders;
            ::close(fd);
            return &entry->map;
        }
    }
    void* base = ::mmap(nullptr, kSharedMapReserve, PROT_READ, MAP_SHARED, fd, 0);
    ::close(fd);  // the map keeps the file
    if (base == MAP_FAILED) return nullptr;
    g_entries.push_back(std::make_unique<Entry>(
        Entry{{static_cast<const std::byte*>(base), kSharedMapReserve}, st.st_dev, st.st_ino, 1}));
    return &g_entries.back()->map;
}

void release_shared_map(const SharedFileMap* map) {
    if (!map) return;
    std::lock_guard lock(g_mutex);
    auto it = std::find_if(g_entries.begin(), g_entries.end(),
                           [&](const auto& entry) { return &entry->map == map; });
    if (it == g_entries.end() || --(*it)->holders > 0) return;
    ::munmap(const_cast<std::byte*>(map->base), map->reserved);
    g_entries.erase(it);
}

size_t shared_maps_in_use() {
    std::lock_guard lock(g_mutex);
    return g_entries.size();
}

}  // namespace datt::relay::sqlite
