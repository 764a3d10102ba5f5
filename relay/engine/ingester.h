// The ingester: the first role a client message meets off the network thread. It drains a
// connection's frames in arrival order (one drain per connection at a time, on the pool)
// and for each one: parses the message (core/proto); EVENT: rate limits, Event::parse
// (JSON, id, BIP-340 signature), then to the writer, or for an ephemeral kind straight to
// the monitors; REQ/COUNT: to the reader; CLOSE: to the connection's monitor shard; NEG-*: to the negentropy role.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "engine/admission.h"
#include "engine/connection.h"
#include "engine/context.h"
#include "engine/monitor.h"
#include "engine/negentropy.h"
#include "engine/reader.h"
#include "engine/worker_state.h"
#include "engine/writer.h"
#include "store/store.h"

namespace datt::relay {

class Ingester {
  public:
    Ingester(Context& context, Admission& admission, Writer& writer, Reader& reader,
             Negentropy& negentropy, Monitors& monitors, Scheduler& scheduler)
        : context_(context),
          admission_(admission),
          writer_(writer),
          reader_(reader),
          negentropy_(negentropy),
          monitors_(monitors),
          scheduler_(scheduler) {}

    // Bytes an empty frame still costs against the inbox cap.
    static constexpr size_t kFrameOverheadBytes = 64;

    // The pool's task: one batch of the connection's frames.
    void drain(const std::shared_ptr<Connection>& connection, WorkerState& worker);

  private:
    void handle(const std::shared_ptr<Connection>& connection, std::string_view text,
                WorkerState& worker);
    void event(const std::shared_ptr<Connection>& from, std::string_view json,
               crypto::XOnlyKeyCache& keys);

    Context& context_;
    Admission& admission_;
    Writer& writer_;
    Reader& reader_;
    Negentropy& negentropy_;
    Monitors& monitors_;
    Scheduler& scheduler_;
};

}  // namespace datt::relay
