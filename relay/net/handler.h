// What a network layer tells the protocol engine: connections, messages and plain HTTP
// requests (server.h says on which threads and in which order).
#pragma once

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "net/outbox.h"

namespace datt::relay {

// A plain (non-upgrade) GET or HEAD request.
struct HttpRequest {
    std::string method;     // "GET", "HEAD" or "POST"
    std::string target;     // as sent: path and query, e.g. "/metrics" or "/app.js?v=2"
    std::string accept;     // the Accept header ("" if absent): NIP-11 asks for
                            // "application/nostr+json"
    std::string remote_ip;  // e.g. "127.0.0.1" or "::1" (IPv4-mapped IPv6 shown as IPv4)
    std::string body;       // a POST's (at most 4 KiB)
};

struct HttpResponse {
    unsigned status = 200;     // outside 100-999 is sent as 500
    std::string content_type;  // "" = no Content-Type header
    std::string body;          // for HEAD, only its length is sent (Content-Length)
    std::vector<std::pair<std::string, std::string>> headers;  // extra headers, e.g. CORS
};

// Implemented by the protocol engine; called on network threads. A handler that throws is
// treated as: on_open -> refuse, on_text/on_binary -> close with 1011, on_http -> 500; an
// exception from on_close is ignored.
class ServerHandler {
  public:
    virtual ~ServerHandler() = default;
    // A WebSocket upgrade request arrived. false refuses it (HTTP 429), e.g. too many
    // connections from this IP; no on_close follows a refusal.
    virtual bool on_open(ConnectionId id, const std::string& remote_ip) = 0;
    // One complete text message (valid UTF-8, at most the server's max_message_bytes +
    // kMessageSlackBytes).
    virtual void on_text(ConnectionId id, std::string message) = 0;
    // One complete binary message (at most the same size as a text one): channel frames
    // (docs/protocol.md "Channels"), never Nostr.
    virtual void on_binary(ConnectionId id, std::string bytes) = 0;
    virtual void on_close(ConnectionId id) = 0;
    // A GET or HEAD that is not a WebSocket upgrade (NIP-11, /metrics, static files).
    // Runs on the network thread: it must not block, parse messages or touch the database.
    virtual HttpResponse on_http(const HttpRequest& request) = 0;
    // A POST (the operator's commands, e.g. /hub/wallet/withdraw), answered later: `reply`
    // is called once, from any thread. By default 405.
    virtual void on_http_post(const HttpRequest& request, std::function<void(HttpResponse)> reply) {
        (void)request;
        reply(HttpResponse{405, "text/plain; charset=utf-8", "method not allowed\n", {{"Allow", "GET, HEAD"}}});
    }
};

}  // namespace datt::relay
