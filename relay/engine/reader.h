// The reader: REQ and COUNT against the store, on the pool thread that drains the
// connection (the ingester hands them over by a direct call, in frame order; a queue hop
// would add latency and no parallelism). Each pool thread has its own StoreReader.
//
// REQ: register the subscription with its monitor shard (Subscribe), read the stored
// events of every filter in one store snapshot, send them and EOSE, then tell the monitor
// which snapshot version they came from (BackfillDone), so that live delivery starts
// exactly after it (monitor.h).
#pragma once

#include "engine/connection.h"
#include "engine/context.h"
#include "engine/messages.h"
#include "engine/monitor.h"
#include "store/store.h"

namespace datt::relay {

class Reader {
  public:
    Reader(Context& context, Monitors& monitors) : context_(context), monitors_(monitors) {}

    // Answers one REQ or COUNT; the message counts as answered once the monitor has taken
    // over (REQ) or the reply is queued (COUNT).
    void handle(const std::shared_ptr<Connection>& connection, ReaderMessage message,
                StoreReader& store);

  private:
    void req(const std::shared_ptr<Connection>& shared, proto::ReqMessage req, StoreReader& store);
    void count(Connection& connection, const proto::CountMessage& count, StoreReader& store);
    // Ends a subscription the REQ could not serve, if it is still the one `generation` opened.
    void end(Connection& connection, const std::string& id, uint64_t generation);

    Context& context_;
    Monitors& monitors_;
};

}  // namespace datt::relay
