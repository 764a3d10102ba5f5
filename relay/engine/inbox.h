// A role's inbox: typed messages queued by other threads, drained in batches by whichever
// pool thread runs the role's drain, at most one drain at a time (strfry's habit).
//
// push() returns true when the inbox was idle: the caller then schedules one drain. The
// drain takes a batch, handles it, and calls finish(): false means messages arrived
// meanwhile and the drain must be scheduled again (so a busy role yields the thread to
// others between batches); true means the inbox is idle again.
#pragma once

#include <cstddef>
#include <deque>
#include <mutex>
#include <vector>

namespace datt::relay {

template <class Message>
class Inbox {
  public:
    // Thread-safe. True when a drain must be scheduled.
    bool push(Message message) {
        std::lock_guard lock(mutex_);
        messages_.push_back(std::move(message));
        if (scheduled_) return false;
        scheduled_ = true;
        return true;
    }

    // Drain only. Moves up to `max` messages into `batch` (cleared first).
    void take(std::vector<Message>& batch, size_t max) {
        batch.clear();
        std::lock_guard lock(mutex_);
        while (!messages_.empty() && batch.size() < max) {
            batch.push_back(std::move(messages_.front()));
            messages_.pop_front();
        }
    }

    // Drain only, after handling a batch: true (idle again) when nothing is left.
    bool finish() {
        std::lock_guard lock(mutex_);
        if (!messages_.empty()) return false;
        scheduled_ = false;
        return true;
    }

    size_t size() const {
        std::lock_guard lock(mutex_);
        return messages_.size();
    }

  private:
    mutable std::mutex mutex_;
    std::deque<Message> messages_;
    bool scheduled_ = false;
};

}  // namespace datt::relay
