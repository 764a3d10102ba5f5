// Warming a shared file map (shared_file_map.h) in the background: the pages of the file
// that are already in the OS cache get their page-table entries filled ahead of the first
// queries (each first touch is a page fault, ~100 us on the VMs measured), without reading
// anything from the disk.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>

namespace datt::relay::sqlite {

// Runs on the calling thread, at SCHED_IDLE priority: mincore() over the first `size` bytes
// at `base` in chunks, then MADV_POPULATE_READ over each run of resident pages (a read per
// page on kernels before 5.14, which lack it). Returns
// early once `stop` is set. The bytes it populated.
uint64_t warm_map(const std::byte* base, uint64_t size, const std::atomic<bool>& stop);

}  // namespace datt::relay::sqlite
