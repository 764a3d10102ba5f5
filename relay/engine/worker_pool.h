// The worker pool (--worker-threads, 2 by default): the threads that run the drains of the
// ingester's connection inboxes (with the reader) and of the monitor shards. Each thread
// owns one WorkerState (its own SQLite read connection for the REQ/COUNT it runs, its cache
// of parsed author keys for the EVENTs it verifies).
//
// Tasks are typed (messages.h Task), one per inbox with messages: a task drains one batch
// of one inbox and, if more is left, is queued again behind the others, so one busy
// connection or monitor cannot hold a thread.
#pragma once

#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "engine/messages.h"
#include "engine/worker_state.h"
#include "store/store.h"
#include "util/result.h"

namespace datt::relay {

// What runs a task (the Relay, which knows the roles).
class TaskRunner {
  public:
    virtual ~TaskRunner() = default;
    virtual void run(Task& task, WorkerState& worker) = 0;
};

class WorkerPool final : public Scheduler {
  public:
    ~WorkerPool() override { stop(); }

    // Opens one reader per thread first, so that a database problem stops startup with its
    // message; then starts the threads.
    [[nodiscard]] Status start(size_t threads, Store& store, TaskRunner& runner);

    // Thread-safe. After stop() the task is dropped (the caller drains what is left).
    void schedule(Task task) override;

    // Runs what is queued, then joins the threads. Idempotent.
    void stop();

  private:
    void work(WorkerState& worker);

    TaskRunner* runner_ = nullptr;
    std::mutex mutex_;
    std::condition_variable ready_;
    std::deque<Task> tasks_;
    bool stopping_ = false;
    std::vector<std::unique_ptr<WorkerState>> workers_;
    std::vector<std::thread> threads_;
};

}  // namespace datt::relay
