// The negentropy role: NIP-77 set reconciliation, the relay as responder. It runs beside
// the reader, on the pool thread that drains the connection (the ingester calls it
// directly, in frame order), and keeps per-connection sessions in Connection::neg_sessions.
//
//   NEG-OPEN  <sub> <filter> <msg>: one scan of the (created_at, id) keys of the events that
//             match the filter (StoreReader::scan_all: index keys only, never event JSON)
//             into a sync::ItemSet, then the reply to <msg>. An existing session of that id
//             is replaced, as strfry does. Counts against max_subscriptions with the REQs.
//   NEG-MSG   <sub> <msg>: the reply from the session's set (NEG-ERR if there is none).
//   NEG-CLOSE <sub>: the session is freed; no reply.
//
// NEG-ERR reasons (the session, if any, is gone after it):
//   "blocked: too many open subscriptions (limit N)"
//   "blocked: this query matches more than N events" (--neg-max-items)
//   "blocked: the relay is reconciling too many events, try again later" (--neg-max-items-total)
//   "rate-limited: too many requests per second"
//   "closed: no open negentropy session with this id"
//   "closed: idle for more than N seconds" (--neg-idle-seconds; sweep_idle)
//   "invalid: <code>: <message>" malformed JSON members, hex or negentropy bytes
//   "error: query failed"
//
// Bounds: a set holds at most --neg-max-items items (40 bytes each, plus 0.5 byte of id
// sums), all sessions together at most --neg-max-items-total (reserved before the scan, so
// concurrent opens cannot pass it); replies are at most --neg-frame-size-limit bytes before
// hex. Sessions are freed on NEG-CLOSE, NEG-ERR, replacement, idling and disconnect.
#pragma once

#include <memory>

#include "engine/connection.h"
#include "engine/context.h"
#include "proto/message.h"
#include "store/store.h"

namespace datt::relay {

class Negentropy {
  public:
    explicit Negentropy(Context& context) : context_(context) {}

    void open(Connection& connection, proto::NegOpenMessage message, StoreReader& store);
    void message(Connection& connection, const proto::NegMsgMessage& message);
    void close(Connection& connection, const std::string& subscription_id);
    void invalid(Connection& connection, const proto::InvalidNegentropy& invalid);

    // Closes the connection's sessions idle since before `now - neg_idle_seconds` (with
    // NEG-ERR "closed: ..."). Called for every connection by the relay's sweeper thread.
    void sweep_idle(Connection& connection, double now);

  private:
    void error(Connection& connection, const std::string& subscription_id,
               const std::string& reason);

    Context& context_;
};

}  // namespace datt::relay
