#include "engine/writer.h"

#include "engine/log.h"
#include "engine/thread_name.h"
#include "util/hex.h"

namespace datt::relay {
namespace {

using Frame = std::shared_ptr<const std::string>;

Frame ok(const event::Event& event, bool accepted, std::string_view reason) {
    return std::make_shared<const std::string>(proto::format_ok(to_hex(event.id()), accepted, reason));
}

// OK true's message for a pending chain entry: "gap: N events missing (seq a-b, c)".
std::string gap_message(const std::vector<chain::SeqRange>& gaps) {
    uint64_t missing = 0;
    std::string ranges;
    for (const chain::SeqRange& gap : gaps) {
        missing += gap.last - gap.first + 1;
        if (!ranges.empty()) ranges += ", ";
        ranges += std::to_string(gap.first);
        if (gap.last != gap.first) ranges += "-" + std::to_string(gap.last);
    }
    return "gap: " + std::to_string(missing) + (missing == 1 ? " event" : " events") +
           " missing before this one in its chain (seq " + ranges + "); stored as pending";
}

// Adds a committed event to the fan-out with the JSON its worker made (no second
// serialization on the writer). `serialized` (and any reference into it) is spent after.
void deliver(EventBatch& out, SerializedEvent&& serialized) {
    auto [event, json] = std::move(serialized).release();
    out.deliveries.push_back({std::move(event), std::move(json)});
}

}  // namespace

void Writer::start() {
    thread_ = std::thread([this] { run(); });
    name_thread(thread_, kWriterThreadName);
}

void Writer::stop() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    ready_.notify_all();
    if (thread_.joinable()) thread_.join();
}

bool Writer::post(WriterMessage message) {
    {
        std::lock_guard lock(mutex_);
        if (inbox_.size() >= kMaxQueued) return false;
        inbox_.push_back(std::move(message));
    }
    ready_.notify_one();
    return true;
}

void Writer::run() {
    std::vector<WriterMessage> batch;
    for (;;) {
        batch.clear();
        {
            std::unique_lock lock(mutex_);
            ready_.wait(lock, [&] { return !inbox_.empty() || stopping_; });
            if (inbox_.empty()) return;
            while (!inbox_.empty() && batch.size() < context_.config.writer_batch_max) {
                batch.push_back(std::move(inbox_.front()));
                inbox_.pop_front();
            }
        }
        commit(batch);
        // Nothing waiting for a moment: the store folds its write-ahead log now (store.h),
        // so a quiet relay's database file holds what was written. Not at once: under a
        // steady stream of EVENTs the inbox is empty between batches, and a checkpoint
        // there copied every batch into the database (and synced it) right after its
        // commit; commits keep the log bounded by themselves (sqlite_store.h).
        bool idle;
        {
            std::unique_lock lock(mutex_);
            idle = !ready_.wait_for(lock, kIdleCheckpointDelay,
                                    [&] { return !inbox_.empty() || stopping_; });
        }
        if (!idle) continue;
        if (auto folded = store_.checkpoint(); !folded) {
            log::warn("database checkpoint: " + folded.error().message);
        }
    }
}

void Writer::commit(std::vector<WriterMessage>& batch) {
    // Events first, one command each (command i is event i); the hub's commands after them.
    std::vector<WriteCommand> commands;
    std::vector<WriteEvent*> events;
    std::vector<WriteHub*> hub;
    commands.reserve(batch.size());
    for (WriterMessage& message : batch) {
        if (auto* write = std::get_if<WriteEvent>(&message)) {
            commands.emplace_back(PutEvent{std::move(write->event)});
            events.push_back(write);
        }
    }
    for (WriterMessage& message : batch) {
        if (auto* write = std::get_if<WriteHub>(&message)) {
            for (WriteCommand& command : write->commands) commands.push_back(std::move(command));
            hub.push_back(write);
        }
    }
    auto committed = store_.commit(commands);
    if (!committed) {
        log::error("database write failed: " + committed.error().message);
        for (size_t i = 0; i < events.size(); ++i) {
            const auto& event = std::get<PutEvent>(commands[i]).event.event();
            context_.metrics.reject("store_error");
            context_.outbox->send(events[i]->from->id, ok(event, false, "error: could not store the event"));
        }
        context_.done(static_cast<int64_t>(events.size()));
        for (WriteHub* write : hub) write->committed(false);
        return;
    }
    ++context_.metrics.commits;
    // The hub's state is durable: its messages may go out now (before the events' fan-out,
    // which nothing of the hub waits for).
    for (WriteHub* write : hub) write->committed(true);
    // Receipts the hub committed (signed by the store) go live like stored events.
    std::vector<EventBatch::Delivery> receipts;
    for (size_t i = events.size(); i < commands.size(); ++i) {
        const auto* done = std::get_if<PutHubReceipt::Done>(&committed->outcomes[i]);
        if (done && done->receipt) receipts.push_back({*done->receipt, done->receipt->to_json()});
    }
    if (events.empty() && receipts.empty()) return;

    auto out = std::make_shared<EventBatch>();
    out->deliveries = std::move(receipts);
    out->version = committed->version;
    out->messages = static_cast<int64_t>(events.size());
    out->replies.reserve(events.size());
    for (size_t i = 0; i < events.size(); ++i) {
        const ConnectionId to = events[i]->from->id;
        SerializedEvent& serialized = std::get<PutEvent>(commands[i]).event;
        const event::Event& event = serialized.event();
        const WriteOutcome& outcome = std::get<WriteOutcome>(committed->outcomes[i]);
        switch (outcome.status) {
            case WriteStatus::kStored:
                ++context_.metrics.events_accepted;
                out->replies.push_back({to, ok(event, true, "")});
                deliver(*out, std::move(serialized));
                break;
            case WriteStatus::kDuplicate:
                context_.metrics.reject("duplicate");
                out->replies.push_back({to, ok(event, true, "duplicate: already have this event")});
                break;
            case WriteStatus::kReplacedNewer:
                context_.metrics.reject("replaced_newer");
                out->replies.push_back(
                    {to, ok(event, false, "duplicate: a newer version of this event is stored")});
                break;
            case WriteStatus::kDeleted:
                context_.metrics.reject("deleted");
                out->replies.push_back(
                    {to, ok(event, false, "blocked: this event was deleted by its author")});
                break;
            case WriteStatus::kPending:
                ++context_.metrics.events_accepted;
                ++context_.metrics.events_pending;
                out->replies.push_back({to, ok(event, true, gap_message(outcome.gaps))});
                deliver(*out, std::move(serialized));
                break;
            case WriteStatus::kRefused:
                context_.metrics.reject(outcome.code);
                out->replies.push_back({to, ok(event, false, outcome.message)});
                break;
        }
        // A fork's proof was committed with this batch: live subscribers get it too.
        if (outcome.fork_proof) {
            ++context_.metrics.fork_proofs;
            out->deliveries.push_back({*outcome.fork_proof, {}});
            out->deliveries.back().json = out->deliveries.back().event.to_json();
        }
    }
    // Every batch goes through the monitors, even one with nothing to deliver, so that a
    // connection's OKs keep the order of its EVENTs.
    monitors_.fan_out(std::move(out));
}

}  // namespace datt::relay
