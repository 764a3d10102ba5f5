// Names a thread (Linux: at most 15 characters, shown as the thread's `comm` in
// /proc/<pid>/task/*/comm, top -H and perf), so that CPU time can be read per role:
// bench/relay_compare.mjs reads the writer's and the workers' this way. Named by its
// creator right after it starts, so the name is there before the relay listens (a thread
// naming itself may not have run yet on a loaded machine).
#pragma once

#include <pthread.h>

#include <thread>

namespace datt::relay {

inline constexpr const char* kWriterThreadName = "datt-writer";
inline constexpr const char* kWorkerThreadName = "datt-worker";

inline void name_thread(std::thread& thread, const char* name) {
    (void)pthread_setname_np(thread.native_handle(), name);  // only fails for a name too long
}

}  // namespace datt::relay
