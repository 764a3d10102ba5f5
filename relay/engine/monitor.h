// Subscription monitors: the live half of REQ. Subscriptions are split into shards by
// connection (one shard per worker thread); each shard is a role with its own inbox,
// drained by the pool one batch at a time, and owns its subscriptions outright, so no lock
// is held across connections and fan-out runs beside the writer rather than on it.
//
// Each shard finds the subscriptions an event matches through its SubscriptionIndex
// (subscription_index.h), so fan-out costs what the matching subscriptions cost, not a
// test of every filter of every connection.
//
// A shard receives, in one FIFO inbox:
// - FanOut from the writer (committed events) and the ingester (ephemeral events): each
//   event goes to the matching subscriptions; when every shard is done with a batch, the
//   last one sends the batch's OKs.
// - Subscribe / BackfillDone / Unsubscribe from the reader, ConnectionClosed from the
//   network side.
//
// Exactly once: a REQ registers (Subscribe) before its stored query starts, and the query
// reads one store snapshot whose version it reports (BackfillDone). Events of commits up
// to that version are in the snapshot, so they are not delivered live; later ones are,
// held until BackfillDone so that they follow EOSE. The FIFO makes this exact: a commit
// the snapshot did not see finished after the Subscribe was queued, so its FanOut is
// queued after it.
#pragma once

#include <cstddef>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "engine/context.h"
#include "engine/inbox.h"
#include "engine/messages.h"

namespace datt::relay {

class Monitors {
  public:
    Monitors(Context& context, Scheduler& scheduler, size_t shards);
    ~Monitors();

    size_t shard_for(ConnectionId id) const { return id % shards_.size(); }

    // Thread-safe.
    void post(size_t shard, MonitorMessage message);
    void fan_out(std::shared_ptr<EventBatch> batch);

    // The pool's task: one batch of the shard's inbox.
    void drain(size_t shard);
    // At shutdown, after the pool and the writer stopped: everything left, on this thread.
    void drain_all();

  private:
    struct Shard;
    Context& context_;
    Scheduler& scheduler_;
    std::vector<std::unique_ptr<Shard>> shards_;
};

}  // namespace datt::relay
