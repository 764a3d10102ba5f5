// The writer: the one thread that writes to the store. It drains its inbox in batches of
// up to --writer-batch-max messages, turns each into a store command and commits the batch
// in one transaction (one fsync, store/write_command.h), then hands the committed events
// and the OKs to the monitors (FanOut), which deliver the events live and then send the
// OKs: OK true means committed and fanned out.
//
// Typed messages (messages.h WriterMessage): WriteEvent today. Chain state, channel/hub
// state and the name index will be further messages whose commands join the same batches.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>
#include <thread>
#include <vector>

#include "engine/context.h"
#include "engine/messages.h"
#include "engine/monitor.h"
#include "store/store.h"

namespace datt::relay {

class Writer {
  public:
    Writer(Context& context, Store& store, Monitors& monitors)
        : context_(context), store_(store), monitors_(monitors) {}
    ~Writer() { stop(); }

    void start();
    // Commits what is queued, then joins the thread. Idempotent.
    void stop();

    // Thread-safe. False, and nothing queued, when the writer already holds kMaxQueued
    // messages (the disk is slower than the clients): the caller refuses with "busy".
    [[nodiscard]] bool post(WriterMessage message);

    // Messages waiting for the writer, all connections together: past this, EVENTs are
    // refused ("error: relay busy") instead of queueing while the disk is slow.
    static constexpr size_t kMaxQueued = 50'000;
    // How long the inbox must stay empty before the idle checkpoint (Writer::run).
    static constexpr std::chrono::milliseconds kIdleCheckpointDelay{50};

  private:
    void run();
    void commit(std::vector<WriterMessage>& batch);

    Context& context_;
    Store& store_;
    Monitors& monitors_;
    std::mutex mutex_;
    std::condition_variable ready_;
    std::deque<WriterMessage> inbox_;
    bool stopping_ = false;
    std::thread thread_;
};

}  // namespace datt::relay
