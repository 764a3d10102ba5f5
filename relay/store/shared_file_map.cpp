#include "store/shared_file_map.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "store/map_warmer.h"

namespace datt::relay::sqlite {
namespace {

struct Entry {
    SharedFileMap map;
    dev_t device;
    ino_t inode;
    uint64_t size;  // the file's, when mapped: what the warmer covers
    int holders;
    std::atomic<bool> stop_warming{false};
    std::thread warmer;
};

// A process has a handful of databases open: a vector searched under the lock is enough.
// Only opens and closes take the lock; reads through a map never do.
std::mutex g_mutex;
std::vector<std::unique_ptr<Entry>> g_entries;

// The entry of `map`, or end(); under the lock.
auto find_entry(const SharedFileMap* map) {
    return std::find_if(g_entries.begin(), g_entries.end(),
                        [&](const auto& entry) { return &entry->map == map; });
}

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
    auto entry = std::make_unique<Entry>();
    entry->map = {static_cast<const std::byte*>(base), kSharedMapReserve};
    entry->device = st.st_dev;
    entry->inode = st.st_ino;
    entry->size = static_cast<uint64_t>(st.st_size);
    entry->holders = 1;
    g_entries.push_back(std::move(entry));
    return &g_entries.back()->map;
}

void release_shared_map(const SharedFileMap* map) {
    if (!map) return;
    std::unique_ptr<Entry> last;
    {
        std::lock_guard lock(g_mutex);
        auto it = find_entry(map);
        if (it == g_entries.end() || --(*it)->holders > 0) return;
        last = std::move(*it);
        g_entries.erase(it);
    }
    // Outside the lock: the warmer stops within one chunk.
    last->stop_warming = true;
    if (last->warmer.joinable()) last->warmer.join();
    ::munmap(const_cast<std::byte*>(map->base), map->reserved);
}

void warm_shared_map(const SharedFileMap* map, const ProgressReport& report) {
    if (!map) return;
    std::lock_guard lock(g_mutex);
    auto it = find_entry(map);
    if (it == g_entries.end() || (*it)->warmer.joinable()) return;
    Entry* entry = it->get();
    entry->warmer = std::thread([entry, report] {
        const auto started = std::chrono::steady_clock::now();
        const uint64_t mapped = warm_map(entry->map.base, entry->size, entry->stop_warming);
        if (!report || entry->stop_warming) return;
        const double seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        char line[160];
        std::snprintf(line, sizeof line,
                      "readers' memory map: %llu of %llu MiB of the database file, already in "
                      "the OS cache, mapped ahead of queries in %.2f s",
                      static_cast<unsigned long long>(mapped >> 20),
                      static_cast<unsigned long long>(entry->size >> 20), seconds);
        report(line);
    });
}

size_t shared_maps_in_use() {
    std::lock_guard lock(g_mutex);
    return g_entries.size();
}

}  // namespace datt::relay::sqlite
