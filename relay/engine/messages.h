// The typed messages between the engine's roles (docs/architecture.md draws them):
//
//   network thread --frame--> Connection::frames --> ingester (pool) --WriterMessage-->
//   writer thread --MonitorMessage::FanOut--> monitors (pool) --> Outbox
//   ingester --ReaderMessage (same thread)--> reader --Subscribe/BackfillDone--> monitors
//
// Each role's inbox holds a std::variant of small structs; adding a message type makes
// every std::visit over it fail to compile until the role handles it.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "engine/connection.h"
#include "event/event.h"
#include "proto/filter.h"
#include "proto/message.h"
#include "store/write_command.h"

namespace datt::relay {

// ---- to the reader (called by the ingester on the same pool thread, in frame order)

using ReaderMessage = std::variant<proto::ReqMessage, proto::CountMessage>;

// ---- to the writer

// A verified, non-ephemeral event to store; `from` gets the OK.
struct WriteEvent {
    std::shared_ptr<Connection> from;
    SerializedEvent event;  // serialized by the sender (a worker), not by the writer
};

// The hub's durable state (relay/hub/hub.h): commands committed together in one batch,
// then `committed(true)` on the writer thread (false: the batch failed, nothing stored).
// The hub sends the messages that depend on the state only from `committed`.
struct WriteHub {
    std::vector<WriteCommand> commands;
    std::function<void(bool)> committed;
};

// Later: chain state and the name index, each a message here whose store command
// (store/write_command.h) commits in the same batches as events.
using WriterMessage = std::variant<WriteEvent, WriteHub>;

// ---- to the monitors

// Events to deliver to live subscriptions, then replies to send once every monitor shard
// has delivered them (OK true is sent only after the commit and after the fan-out). One
// batch is shared by all shards.
struct EventBatch {
    // Events of commits up to `version` are in any snapshot taken at that version or
    // later; kAlwaysLive marks ephemeral events, which are in none.
    static constexpr uint64_t kAlwaysLive = std::numeric_limits<uint64_t>::max();

    struct Delivery {
        event::Event event;
        std::string json;  // Event::to_json(), formatted into each EVENT message
    };
    struct Reply {
        ConnectionId to;
        std::shared_ptr<const std::string> text;
    };

    uint64_t version = 0;
    std::vector<Delivery> deliveries;
    std::vector<Reply> replies;
    int64_t messages = 0;  // client messages this batch finishes (for quiesce)
    std::atomic<size_t> shards_left{0};
};

struct FanOut {
    std::shared_ptr<EventBatch> batch;
};

// A REQ's subscription, registered before its stored query runs: live matches are held
// until BackfillDone says which snapshot the query read.
struct Subscribe {
    std::shared_ptr<Connection> connection;
    std::string id;
    uint64_t generation;
    std::vector<proto::Filter> filters;
};

// The REQ's stored events and EOSE are sent; they came from snapshot `version`, so held
// and later events are delivered only if they are of a later version.
struct BackfillDone {
    ConnectionId connection;
    std::string id;
    uint64_t generation;
    uint64_t version;
};

struct Unsubscribe {
    ConnectionId connection;
    std::string id;
};

struct ConnectionClosed {
    ConnectionId connection;
};

using MonitorMessage = std::variant<FanOut, Subscribe, BackfillDone, Unsubscribe, ConnectionClosed>;

// ---- work for the pool's threads: drain one role's inbox

struct DrainConnection {
    std::shared_ptr<Connection> connection;
};
struct DrainMonitor {
    size_t shard;
};
using Task = std::variant<DrainConnection, DrainMonitor>;

// Queues a task for the pool (WorkerPool implements it; tests may run tasks inline).
class Scheduler {
  public:
    virtual ~Scheduler() = default;
    virtual void schedule(Task task) = 0;
};

}  // namespace datt::relay
