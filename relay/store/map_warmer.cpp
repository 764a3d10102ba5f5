#include "store/map_warmer.h"

#include <errno.h>
#include <sched.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <vector>

namespace datt::relay::sqlite {
namespace {

#ifndef MADV_POPULATE_READ
#define MADV_POPULATE_READ 22  // Linux 5.14; older headers lack it
#endif

// Fills the page-table entries of [begin, begin + length): one madvise() where the kernel
// has MADV_POPULATE_READ (5.14 and later), else a read of one byte per page, which faults
// each page in as a query would (the pages are resident, so no disk read either way).
bool populate(std::byte* begin, uint64_t length, uint64_t page) {
    if (::madvise(begin, length, MADV_POPULATE_READ) == 0) return true;
    if (errno != EINVAL) return false;
    for (uint64_t offset = 0; offset < length; offset += page) {
        (void)*static_cast<volatile const std::byte*>(begin + offset);
    }
    return true;
}

}  // namespace

uint64_t warm_map(const std::byte* base, uint64_t size, const std::atomic<bool>& stop) {
    sched_param idle{};
    (void)::sched_setscheduler(0, SCHED_IDLE, &idle);  // this thread only (Linux)
    const uint64_t page = static_cast<uint64_t>(::sysconf(_SC_PAGESIZE));
    constexpr uint64_t kChunk = uint64_t{64} << 20;  // 64 MiB per mincore(): 16 KiB of flags
    std::vector<unsigned char> resident(kChunk / page);
    uint64_t populated = 0;
    for (uint64_t offset = 0; offset < size && !stop.load(std::memory_order_relaxed);
         offset += kChunk) {
        const uint64_t pages = (std::min(kChunk, size - offset) + page - 1) / page;
        auto* chunk = const_cast<std::byte*>(base + offset);
        if (::mincore(chunk, pages * page, resident.data()) != 0) break;
        for (uint64_t i = 0; i < pages;) {
            if (!(resident[i] & 1)) {
                ++i;
                continue;
            }
            uint64_t end = i;
            while (end < pages && (resident[end] & 1)) ++end;
            if (populate(chunk + i * page, (end - i) * page, page)) populated += (end - i) * page;
            i = end;
        }
    }
    return populated;
}

}  // namespace datt::relay::sqlite
