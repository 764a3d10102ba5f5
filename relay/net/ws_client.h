// A blocking WebSocket client (ws:// and wss://) for the relay's outgoing connections: the
// one-shot `datt-relay sync` and replication from peers, each on a thread of its own.
// Every call has a deadline, so a silent peer cannot hang its thread. Not thread-safe: one
// thread uses one client. Like server.cpp, the only Beast code is in ws_client.cpp.
//
// wss:// (TLS 1.2 or later, OpenSSL): the peer's certificate must chain to the system's
// trusted roots (or to `Options::ca_file`) and name the URL's host (DNS name or IP address
// in its subjectAltName); otherwise the connection fails. SNI is sent for DNS names.
//
// Error codes: bad_url (not ws[s]://host[:port][/path]), connect_failed (also TLS and
// certificate failures, with OpenSSL's reason), send_failed, receive_failed, timeout
// (nothing arrived in time; the connection stays usable), closed (the peer closed or the
// connection broke).
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <string_view>

#include "util/result.h"

namespace datt::relay {

struct WsUrl {
    bool tls = false;    // wss://
    std::string host;    // a DNS name, an IPv4 address or a bracketed IPv6 address
    std::string port;    // "80" (ws) or "443" (wss) when the URL names none
    std::string target;  // "/" when the URL names none
};
[[nodiscard]] Result<WsUrl> parse_ws_url(std::string_view url);

class WsClient {
  public:
    struct Options {
        size_t max_message_bytes = 16 * 1024 * 1024;  // larger messages close the connection
        std::chrono::milliseconds connect_timeout{10'000};
        // wss:// only: a PEM file of certificates trusted besides the system's roots (a
        // private CA or a self-signed peer); empty: the system's roots alone.
        std::string ca_file;
    };

    [[nodiscard]] static Result<std::unique_ptr<WsClient>> connect(std::string_view url,
                                                                   Options options);
    ~WsClient();

    [[nodiscard]] Status send(std::string_view text);
    // The next text message, waiting at most `timeout` ("timeout" if none came).
    [[nodiscard]] Result<std::string> receive(std::chrono::milliseconds timeout);
    // Sends a close frame (best effort) and drops the connection.
    void close();

    struct Impl;

  private:
    explicit WsClient(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

}  // namespace datt::relay
