// The relay's network layer: HTTP and WebSocket on one port, on Boost.Beast.
//
// It only moves bytes. The protocol engine implements ServerHandler (handler.h); the server
// tells it about connections, text messages and plain HTTP requests, and the engine answers
// through the Outbox interface (outbox.h: send()/close() from any thread), which Server
// implements. Nothing here parses Nostr messages, and server.cpp is
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

#include "net/handler.h"
#include "net/outbox.h"
#include "util/result.h"

namespace datt::relay {

// Extra bytes read above max_message_bytes before Beast closes the connection with 1009.
inline constexpr size_t kMessageSlackBytes = 4096;

struct ServerOptions {
    std::string address = "127.0.0.1";  // IPv4 or IPv6 literal; "::" or "0.0.0.0" for all
    uint16_t port = 8080;               // 0 picks a free port (listen() returns it)
    size_t max_message_bytes = 256 * 1024;
    size_t max_outgoing_bytes = 8 * 1024 * 1024;  // per connection queue cap
    unsigned threads = 1;                         // network threads run() uses (0 counts as 1)
    std::string websocket_path = "/";  // the one path (before any '?') upgrades are served at
    std::chrono::seconds http_timeout{30};
    std::chrono::seconds websocket_idle_timeout{120};
};

class Server final : public Outbox {
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

    // Outbox (thread-safe; see outbox.h).
    bool send(ConnectionId id, std::shared_ptr<const std::string> text) override;
    bool send_all(ConnectionId id, std::vector<std::shared_ptr<const std::string>> texts) override;
    bool send_binary(ConnectionId id, std::shared_ptr<const std::string> bytes) override;
    void close(ConnectionId id, CloseCode code, std::string_view reason) override;
    TrafficStats stats() const override;

    struct Impl;  // in server.cpp; public only so that the sessions there can name it

  private:
    std::unique_ptr<Impl> impl_;
};

}  // namespace datt::relay
