#include "engine/monitor.h"

#include "engine/subscription_index.h"
#include "proto/filter.h"

namespace datt::relay {
namespace {

// Messages one drain handles before yielding the thread.
constexpr size_t kMonitorBatch = 256;

using Frame = std::shared_ptr<const std::string>;

}  // namespace

struct Monitors::Shard {
    struct Held {
        uint64_t version;
        Frame message;
    };

    struct Subscription {
        std::shared_ptr<Connection> connection;
        std::string id;
        uint64_t generation = 0;
        SubscriptionIndex::Handle handle = 0;
        bool backfilling = true;
        uint64_t snapshot = 0;  // after backfill: only events of later versions are live
        // Live matches while the stored part is sent, bounded (a quarter of the outgoing
        // cap): a subscription outrun by live events is ended at EOSE instead.
        std::vector<Held> held;
        size_t held_bytes = 0;
        bool overflowed = false;
    };

    Shard(Context& context) : context(context) {}

    void handle(MonitorMessage& message) {
        std::visit([&](auto& m) { on(m); }, message);
    }

    void on(FanOut& fan_out) {
        EventBatch& batch = *fan_out.batch;
        for (const EventBatch::Delivery& delivery : batch.deliveries) {
            index.match(delivery.event, [&](SubscriptionIndex::Handle handle) {
                deliver(*by_handle.at(handle), batch.version, delivery.json);
            });
        }
        flush();
        if (batch.shards_left.fetch_sub(1) != 1) return;
        // The last shard: every live delivery of the batch is queued, so OK may follow.
        for (EventBatch::Reply& reply : batch.replies) context.outbox->send(reply.to, reply.text);
        context.done(batch.messages);
    }

    void on(Subscribe& subscribe) {
        // A REQ that raced with its connection's close: ConnectionClosed was queued after
        // `closed` was set, so either it is behind this message or `closed` is seen here.
        if (subscribe.connection->closed) return;
        auto subscription = std::make_unique<Subscription>();
        subscription->connection = std::move(subscribe.connection);
        subscription->id = std::move(subscribe.id);
        subscription->generation = subscribe.generation;
        subscription->handle = next_handle++;
        // A REQ with an open id replaces that subscription.
        erase(subscription->connection->id, subscription->id);
        index.add(subscription->handle, subscribe.filters);
        by_handle[subscription->handle] = subscription.get();
        auto& subscriptions = by_connection[subscription->connection->id];
        const std::string id = subscription->id;
        subscriptions[id] = std::move(subscription);
    }

    void on(BackfillDone& done) {
        Subscription* subscription = find(done.connection, done.id);
        if (subscription && subscription->generation == done.generation) finish_backfill(*subscription, done.version);
        context.done();
    }

    void on(Unsubscribe& unsubscribe) { erase(unsubscribe.connection, unsubscribe.id); }

    void on(ConnectionClosed& closed) {
        auto subscriptions = by_connection.find(closed.connection);
        if (subscriptions == by_connection.end()) return;
        for (auto& [id, subscription] : subscriptions->second) forget(*subscription);
        by_connection.erase(subscriptions);
    }

    // Takes a subscription out of the index (its owner then destroys it).
    void forget(const Subscription& subscription) {
        index.remove(subscription.handle);
        by_handle.erase(subscription.handle);
    }

    void deliver(Subscription& subscription, uint64_t version, const std::string& json) {
        if (!subscription.backfilling && version <= subscription.snapshot) return;
        Frame message = std::make_shared<const std::string>(proto::format_event(subscription.id, json));
        if (!subscription.backfilling) {
            outgoing[subscription.connection->id].push_back(std::move(message));
            return;
        }
        if (subscription.overflowed) return;
        if (subscription.held_bytes + message->size() > context.config.max_outgoing_bytes / 4) {
            subscription.overflowed = true;
            subscription.held.clear();
            return;
        }
        subscription.held_bytes += message->size();
        subscription.held.push_back(Held{version, std::move(message)});
    }

    void finish_backfill(Subscription& subscription, uint64_t version) {
        const ConnectionId to = subscription.connection->id;
        if (subscription.overflowed) {
            const std::string id = subscription.id;
            const uint64_t generation = subscription.generation;
            std::shared_ptr<Connection> connection = subscription.connection;
            erase(to, id);
            {
                std::lock_guard lock(connection->subscriptions_mutex);
                auto open = connection->subscriptions.find(id);
                if (open != connection->subscriptions.end() && open->second == generation) {
                    connection->subscriptions.erase(open);
                    --context.metrics.subscriptions_open;
                }
            }
            context.send(to, proto::format_closed(
                                 id, "error: too many live events while stored ones were sent; "
                                     "subscribe again with since"));
            return;
        }
        std::vector<Frame> frames;
        for (Held& held : subscription.held) {
            if (held.version > version) frames.push_back(std::move(held.message));
        }
        subscription.held.clear();
        subscription.held.shrink_to_fit();
        subscription.held_bytes = 0;
        subscription.backfilling = false;
        subscription.snapshot = version;
        if (!frames.empty()) context.outbox->send_all(to, std::move(frames));
    }

    Subscription* find(ConnectionId connection, const std::string& id) {
        auto subscriptions = by_connection.find(connection);
        if (subscriptions == by_connection.end()) return nullptr;
        auto found = subscriptions->second.find(id);
        return found == subscriptions->second.end() ? nullptr : found->second.get();
    }

    void erase(ConnectionId connection, const std::string& id) {
        auto subscriptions = by_connection.find(connection);
        if (subscriptions == by_connection.end()) return;
        auto found = subscriptions->second.find(id);
        if (found == subscriptions->second.end()) return;
        forget(*found->second);
        subscriptions->second.erase(found);
        if (subscriptions->second.empty()) by_connection.erase(subscriptions);
    }

    // Sends what one message produced, one hand-over per connection.
    void flush() {
        for (auto& [to, frames] : outgoing) context.outbox->send_all(to, std::move(frames));
        outgoing.clear();
    }

    Context& context;
    Inbox<MonitorMessage> inbox;
    std::unordered_map<ConnectionId, std::map<std::string, std::unique_ptr<Subscription>, std::less<>>>
        by_connection;
    SubscriptionIndex index;
    std::unordered_map<SubscriptionIndex::Handle, Subscription*> by_handle;
    SubscriptionIndex::Handle next_handle = 1;
    std::unordered_map<ConnectionId, std::vector<Frame>> outgoing;
    std::vector<MonitorMessage> batch;  // reused by drain
};

Monitors::Monitors(Context& context, Scheduler& scheduler, size_t shards)
    : context_(context), scheduler_(scheduler) {
    for (size_t i = 0; i < std::max<size_t>(1, shards); ++i) {
        shards_.push_back(std::make_unique<Shard>(context));
    }
}

Monitors::~Monitors() = default;

void Monitors::post(size_t shard, MonitorMessage message) {
    if (shards_[shard]->inbox.push(std::move(message))) scheduler_.schedule(DrainMonitor{shard});
}

void Monitors::fan_out(std::shared_ptr<EventBatch> batch) {
    batch->shards_left = shards_.size();
    for (size_t shard = 0; shard < shards_.size(); ++shard) post(shard, FanOut{batch});
}

void Monitors::drain(size_t index) {
    Shard& shard = *shards_[index];
    shard.inbox.take(shard.batch, kMonitorBatch);
    for (MonitorMessage& message : shard.batch) shard.handle(message);
    shard.batch.clear();
    if (!shard.inbox.finish()) scheduler_.schedule(DrainMonitor{index});
}

void Monitors::drain_all() {
    for (auto& shard : shards_) {
        do {
            shard->inbox.take(shard->batch, kMonitorBatch);
            for (MonitorMessage& message : shard->batch) shard->handle(message);
            shard->batch.clear();
        } while (!shard->inbox.finish());
    }
}

}  // namespace datt::relay
