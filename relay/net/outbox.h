// What a protocol engine needs from a network layer to answer: queue text (and binary) frames to a
// connection and close it, from any thread. The Beast server (server.h) implements it; the
// engine's in-process tests implement it with a recorder, so the engine runs without
// sockets. Nothing here knows Nostr.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace datt::relay {

// Identifies one WebSocket connection for the life of the Server; never reused.
using ConnectionId = uint64_t;

// WebSocket close status codes (RFC 6455 section 7.4.1) the engine may use.
enum class CloseCode : uint16_t {
    kNormal = 1000,           // done
    kGoingAway = 1001,        // the relay is shutting down (stop())
    kProtocolError = 1002,    // (sent by the server itself for a frame RFC 6455 forbids)
    kPolicyViolation = 1008,  // abuse, rate limits; also used for slow consumers
    kMessageTooBig = 1009,    // (sent by the server itself for oversized messages)
    kInternalError = 1011,    // the handler threw
};

// Counters for /metrics (all since start, except open_connections). Connections are
// WebSocket connections; messages and bytes are WebSocket payloads.
struct TrafficStats {
    uint64_t open_connections = 0;
    uint64_t accepted_connections = 0;  // on_open returned true
    uint64_t refused_connections = 0;   // on_open returned false, or stopping
    uint64_t slow_consumer_closes = 0;
    uint64_t messages_in = 0;
    uint64_t bytes_in = 0;
    uint64_t messages_out = 0;
    uint64_t bytes_out = 0;
    uint64_t http_requests = 0;  // answered by on_http (or 405)
};

class Outbox {
  public:
    virtual ~Outbox() = default;

    // Thread-safe. Queues a text frame; frames to one connection go out in the order of the
    // send() calls. Returns false, and sends nothing, if the connection is gone or closing,
    // or if this frame would push its queue over the outgoing cap (which closes it).
    virtual bool send(ConnectionId id, std::shared_ptr<const std::string> text) = 0;

    // Thread-safe. send() for several frames at once: one lookup, one hand-over to the
    // network thread, all-or-nothing against the outgoing cap. Order is kept.
    virtual bool send_all(ConnectionId id,
                          std::vector<std::shared_ptr<const std::string>> texts) = 0;

    // Thread-safe. Queues a binary frame (channel messages, docs/protocol.md "Channels"), in
    // order with the text frames, under the same outgoing cap.
    virtual bool send_binary(ConnectionId id, std::shared_ptr<const std::string> bytes) = 0;

    // Thread-safe. Sends what is already queued, then a close frame with `code` and `reason`
    // (cut to the 123 bytes a close frame allows). No-op for an unknown or closing connection.
    virtual void close(ConnectionId id, CloseCode code, std::string_view reason) = 0;

    virtual TrafficStats stats() const = 0;
};

}  // namespace datt::relay
