#include "engine/worker_pool.h"

#include "engine/thread_name.h"

namespace datt::relay {

Status WorkerPool::start(size_t threads, Store& store, TaskRunner& runner) {
    runner_ = &runner;
    for (size_t i = 0; i < threads; ++i) {
        auto reader = store.open_reader();
        if (!reader) return reader.error();
        workers_.push_back(std::make_unique<WorkerState>(std::move(*reader)));
    }
    for (auto& worker : workers_) {
        threads_.emplace_back([this, w = worker.get()] { work(*w); });
        name_thread(threads_.back(), kWorkerThreadName);
    }
    return Ok{};
}

void WorkerPool::schedule(Task task) {
    {
        std::lock_guard lock(mutex_);
        if (stopping_ && threads_.empty()) return;
        tasks_.push_back(std::move(task));
    }
    ready_.notify_one();
}

void WorkerPool::work(WorkerState& worker) {
    for (;;) {
        Task task;
        {
            std::unique_lock lock(mutex_);
            ready_.wait(lock, [&] { return !tasks_.empty() || stopping_; });
            if (tasks_.empty()) return;
            task = std::move(tasks_.front());
            tasks_.pop_front();
        }
        runner_->run(task, worker);
    }
}

void WorkerPool::stop() {
    {
        std::lock_guard lock(mutex_);
        if (stopping_ && threads_.empty()) return;
        stopping_ = true;
    }
    ready_.notify_all();
    for (auto& thread : threads_) thread.join();
    std::lock_guard lock(mutex_);
    threads_.clear();
    tasks_.clear();
}

}  // namespace datt::relay
