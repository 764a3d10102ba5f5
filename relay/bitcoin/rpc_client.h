// A JSON-RPC 1.0 client for bitcoind and bcoin over HTTP (Boost.Beast), one request per
// connection, with a deadline for the whole exchange and a cap on the reply's size. It runs
// on the bridge's own thread: a slow or dead node blocks only the bridge.
//
// Credentials (HTTP Basic): a user with a password file (bcoin: any user, its API key), or a
// cookie file holding "user:password" (bitcoind's .cookie). Read when the client is made and,
// for a cookie, again after a 401 (bitcoind writes a new cookie at each start). Neither is
// ever logged or taken from a command line.
//
// Error codes: rpc_config (bad URL, unreadable credentials), rpc_unreachable (resolve,
// connect, write or read failed), rpc_timeout, rpc_unauthorized (HTTP 401/403), rpc_http
// (another HTTP status without a JSON body), rpc_reply_too_large.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "util/result.h"

namespace datt::relay::bitcoin_bridge {

struct RpcEndpoint {
    std::string url;            // http://host:port/ (http only; the node is on a trusted network)
    std::string user = "datt";
    std::string password_file;  // or
    std::string cookie_file;
    std::chrono::milliseconds timeout{10000};
    size_t max_reply_bytes = 8 * 1024 * 1024;
};

class RpcClient {
  public:
    [[nodiscard]] static Result<RpcClient> make(const RpcEndpoint& endpoint);

    // POSTs `body` (a JSON-RPC request or batch) and returns the reply body. HTTP 500 with a
    // body is returned as a body: bitcoind reports RPC errors so.
    [[nodiscard]] Result<std::string> post(const std::string& body);

    const std::string& host() const { return host_; }
    const std::string& port() const { return port_; }

  private:
    RpcClient() = default;
    [[nodiscard]] Status load_credentials();

    RpcEndpoint endpoint_;
    std::string host_, port_, target_;
    std::string authorization_;  // "Basic ..." (a secret: never logged)
};

// "http://host:port/path" -> host, port, target. Pure; exposed for tests.
struct ParsedUrl {
    std::string host, port, target;
};
[[nodiscard]] Result<ParsedUrl> parse_rpc_url(const std::string& url);

}  // namespace datt::relay::bitcoin_bridge
