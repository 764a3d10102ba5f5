// One read-only memory map of a file per process, shared by every open of that file
// (shared_map_vfs.h). Keyed by the file's device and inode, so two paths to one file share
// it; counted by the opens that hold it, unmapped when the last lets go.
//
// The map reserves kSharedMapReserve bytes of address space from offset 0, far beyond the
// file's size, so it never moves or needs remapping as the file grows: pages past the end
// of the file are in the map but must not be touched (SIGBUS). Reserving costs no memory
// (page tables fill only for pages touched) and a file map is not counted as committed
// memory; a file larger than the reservation is served by the map up to it.
#pragma once

#include <cstddef>
#include <cstdint>

#include "store/migration_progress.h"

namespace datt::relay::sqlite {

// 1 TiB: 1/128 of a process's address space on x86-64 and aarch64 (47/48-bit user
// space), about 900 times the 1M-event benchmark database (1.2 GB).
inline constexpr uint64_t kSharedMapReserve = uint64_t{1} << 40;

struct SharedFileMap {
    const std::byte* base;  // offset 0 of the file
    uint64_t reserved;      // bytes of address space from base
};

// The map of the file at `path`, made on its first acquisition; nullptr if the file
// cannot be opened or mapped (the caller then reads without it). Thread-safe.
[[nodiscard]] const SharedFileMap* acquire_shared_map(const char* path);

// Gives back one acquisition; the last one stops the map's warming (waits for it) and
// unmaps it. Thread-safe.
void release_shared_map(const SharedFileMap* map);

// Starts warming `map` (map_warmer.h) on a thread of its own, once per map: `report` is
// told how much it mapped ahead and how long it took. Thread-safe.
void warm_shared_map(const SharedFileMap* map, const ProgressReport& report);

// The number of files mapped now (tests).
size_t shared_maps_in_use();

}  // namespace datt::relay::sqlite
