// Names the calling thread (Linux: at most 15 characters, shown as the thread's `comm` in
// /proc/<pid>/task/*/comm, top -H and perf), so that CPU time can be read per role:
// bench/relay_compare.mjs reads the writer's and the workers' this way.
#pragma once

#include <pthread.h>

namespace datt::relay {

inline constexpr const char* kWriterThreadName = "datt-writer";
inline constexpr const char* kWorkerThreadName = "datt-worker";

inline void name_this_thread(const char* name) {
    (void)pthread_setname_np(pthread_self(), name);  // only fails for a name too long
}

}  // namespace datt::relay
