// The relay's network layer: HTTP and WebSocket on one port, on Boost.Beast.
//
// It only moves bytes. The protocol engine implements ServerHandler; the server tells it about
// connections, text messages and plain HTTP requests, and the engine answers through
// Server::send()/close() from any thread. Nothing here parses Nostr messages, and server.cpp is
// the only file that includes Beast/Asio (one Beast translation unit costs ~30 s to compile).
//
// Threads: run() runs the io_context on `threads` threads. Each connection has its own strand,
// so the handler is never called concurrently for one connection, but it is called
// concurrently for different connections when threads > 1. Handler calls run on network
// threads and must not block (queue work for other threads instead).
//
// Per connection, in order: on_open (before the WebSocket handshake; returning false refuses
// the upgrade with HTTP 429), then on_text/on_binary for each message, then exactly one
// on_close. on_close follows every on_open that returned true, whatever ends the connection
// (peer close, error, timeout, close(), stop(), an oversized or invalid frame, a slow
// consumer, or a failed handshake). send() to a connection returns false from on_close on.
//
// Limits and timeouts:
// - HTTP: headers up to 16 KiB (else 431), bodies up to 4 KiB (else 413), methods other than
//   GET and HEAD get 405, an idle keep-alive connection or a slow request is dropped after
//   `http_timeout`. Keep-alive works; HEAD gets on_http's headers without the body.
// - WebSocket: messages up to max_message_bytes + kMessageSlackBytes reach the handler (the
//   slack lets the engine answer a slightly oversized message with a NOTICE); a larger one
//   makes Beast close with 1009 "message too big". Text frames that are not valid UTF-8 are
//   closed by Beast with 1007 (RFC 6455) and never reach on_text. No permessage-deflate.
//   A connection silent for half of `websocket_idle_timeout` is pinged, and closed if the
//   rest of the timeout passes without any data (browsers answer pings by themselves).
// - Outgoing: each connection has a queue with one write in flight. When the bytes queued to
//   a connection would exceed max_outgoing_bytes, the unsent queue is dropped and the
//   connection is closed with 1008 "slow consumer". A closing connection that does not
//   finish the close handshake within 3 s has its socket closed.
//
// Shutdown: stop() (thread-safe, idempotent) stops accepting, flushes each connection's queue
// and closes it with 1001 "going away", and run() returns once every connection is gone.
// stop() takes a mutex, so it must not be called from a signal handler: block SIGTERM/SIGINT
// in main before any thread starts and wait for them with sigwait() on a thread of its own.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "util/result.h"

namespace datt::relay {

// Identifies one WebSocket connection for the life of the Server; never reused.
using ConnectionId = uint64_t;

// Extra bytes read above max_message_bytes before Beast closes the connection with 1009.
inline constexpr size_t kMessageSlackBytes = 4096;

// A plain (non-upgrade) GET or HEAD request.
struct HttpRequest {
    std::string method;     // "GET" or "HEAD"
    std::string target;     // as sent: path and query, e.g. "/metrics" or "/app.js?v=2"
    std::string accept;     // the Accept header ("" if absent): NIP-11 asks for
                            // "application/nostr+json"
    std::string remote_ip;  // e.g. "127.0.0.1" or "::1" (IPv4-mapped IPv6 shown as IPv4)
};

struct HttpResponse {
    unsigned status = 200;     // outside 100-999 is sent as 500
    std::string content_type;  // "" = no Content-Type header
    std::string body;          // for HEAD, only its length is sent (Content-Length)
    std::vector<std::pair<std::string, std::string>> headers;  // extra headers, e.g. CORS
};

// WebSocket close status codes (RFC 6455 section 7.4.1) the engine may use.
enum class CloseCode : uint16_t {
    kNormal = 1000,           // done
    kGoingAway = 1001,        // the relay is shutting down (stop())
    kPolicyViolation = 1008,  // abuse, rate limits; also used for slow consumers
    kMessageTooBig = 1009,    // (sent by Beast itself for oversized messages)
    kInternalError = 1011,    // the handler threw
};

// Implemented by the protocol engine; called on network threads (see above). A handler that
// throws is treated as: on_open -> refuse, on_text/on_binary -> close with 1011,
// on_http -> 500; an exception from on_close is ignored.
class ServerHandler {
  public:
    virtual ~ServerHandler() = default;
    // A WebSocket upgrade request arrived. false refuses it (HTTP 429), e.g. too many
    // connections from this IP; no on_close follows a refusal.
    virtual bool on_open(ConnectionId id, const std::string& remote_ip) = 0;
    // One complete text message (valid UTF-8, at most max_message_bytes + kMessageSlackBytes).
    virtual void on_text(ConnectionId id, std::string message) = 0;
    // One complete binary message (discarded: binary frames are not Nostr).
    virtual void on_binary(ConnectionId id) = 0;
    virtual void on_close(ConnectionId id) = 0;
    // A GET or HEAD that is not a WebSocket upgrade (NIP-11, /metrics, static files).
    virtual HttpResponse on_http(const HttpRequest& request) = 0;
};

struct ServerOptions {
    std::string address = "127.0.0.1";  // IPv4 or IPv6 literal; "::" or "0.0.0.0" for all
    uint16_t port = 8080;               // 0 picks a free port (listen() returns it)
    size_t max_message_bytes = 256 * 1024;
    size_t max_outgoing_bytes = 8 * 1024 * 1024;  // per connection queue cap
    unsigned threads = 1;                         // network threads run() uses (0 counts as 1)
    std::chrono::seconds http_timeout{30};
    std::chrono::seconds websocket_idle_timeout{120};
};

class Server {
  public:
    Server(ServerOptions options, ServerHandler& handler);
    // Calls stop(). Destroy the server only after run() has returned (or was never called) and
    // after other threads are done calling send()/close(). A stop() that raced with the end of
    // run() is not a concern: run() returns only after it.
    ~Server();
    Server(const Server&) = delete;
    Server& operator=(const Server&) = delete;

    // Binds and starts accepting (connections are served once run() runs). Returns the actual
    // port. Error code "listen_failed", e.g. "cannot listen on 127.0.0.1:8080: address already
    // in use".
    [[nodiscard]] Result<uint16_t> listen();

    // Runs the event loop on `threads` threads (the caller's and threads - 1 more); returns
    // after stop() has closed everything (or at once if listen() was never called).
    void run();

    // Thread-safe and idempotent; see the shutdown notes above. Returns at once.
    void stop();

    // Thread-safe. Queues a text frame; frames to one connection go out in the order of the
    // send() calls. Returns false, and sends nothing, if the connection is gone or closing,
    // or if this frame would push its queue over max_outgoing_bytes (which closes it).
    bool send(ConnectionId id, std::shared_ptr<const std::string> text);

    // Thread-safe. send() for several frames at once: one lookup, one hand-over to the
    // network thread, all-or-nothing against max_outgoing_bytes. Order is kept.
    bool send_all(ConnectionId id, std::vector<std::shared_ptr<const std::string>> texts);

    // Thread-safe. Sends what is already queued, then a close frame with `code` and `reason`
    // (cut to the 123 bytes a close frame allows). No-op for an unknown or closing connection.
    void close(ConnectionId id, CloseCode code, std::string_view reason);

    // Counters for /metrics (all since start, except open_connections). Connections are
    // WebSocket connections; messages and bytes are WebSocket payloads.
    struct Stats {
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
    Stats stats() const;

    struct Impl;  // in server.cpp; public only so that the sessions there can name it

  private:
    std::unique_ptr<Impl> impl_;
};

}  // namespace datt::relay
