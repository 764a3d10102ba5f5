#include "bridge/rpc_client.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <fstream>
#include <sstream>

namespace datt::relay::bitcoin_bridge {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

std::string base64(std::string_view in) {
    static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    size_t i = 0;
    for (; i + 2 < in.size(); i += 3) {
        const uint32_t v = (uint8_t(in[i]) << 16) | (uint8_t(in[i + 1]) << 8) | uint8_t(in[i + 2]);
        out += kAlphabet[v >> 18];
        out += kAlphabet[(v >> 12) & 63];
        out += kAlphabet[(v >> 6) & 63];
        out += kAlphabet[v & 63];
    }
    if (i + 1 == in.size()) {
        const uint32_t v = uint8_t(in[i]) << 16;
        out += kAlphabet[v >> 18];
        out += kAlphabet[(v >> 12) & 63];
        out += "==";
    } else if (i + 2 == in.size()) {
        const uint32_t v = (uint8_t(in[i]) << 16) | (uint8_t(in[i + 1]) << 8);
        out += kAlphabet[v >> 18];
        out += kAlphabet[(v >> 12) & 63];
        out += kAlphabet[(v >> 6) & 63];
        out += '=';
    }
    return out;
}

Result<std::string> read_secret_file(const std::string& path, const char* what) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return make_error("rpc_config", std::string("cannot read the ") + what + " file " + path);
    std::ostringstream text;
    text << in.rdbuf();
    std::string s = text.str();
    while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
    if (s.empty() || s.size() > 1024) return make_error("rpc_config", std::string("the ") + what + " file " + path + " is empty or too long");
    return s;
}

}  // namespace

Result<ParsedUrl> parse_rpc_url(const std::string& url) {
    constexpr std::string_view kScheme = "http://";
    if (!url.starts_with(kScheme)) return make_error("rpc_config", "the node's RPC URL must start with http://");
    std::string rest = url.substr(kScheme.size());
    const size_t slash = rest.find('/');
    const std::string authority = rest.substr(0, slash);
    ParsedUrl out;
    out.target = slash == std::string::npos ? "/" : rest.substr(slash);
    if (authority.find('@') != std::string::npos) {
        return make_error("rpc_config", "the RPC URL must not hold credentials: use a password or cookie file");
    }
    const size_t colon = authority.rfind(':');
    if (colon == std::string::npos || colon == 0 || colon + 1 == authority.size()) {
        return make_error("rpc_config", "the RPC URL needs host:port");
    }
    out.host = authority.substr(0, colon);
    out.port = authority.substr(colon + 1);
    for (char c : out.port) {
        if (c < '0' || c > '9') return make_error("rpc_config", "the RPC URL's port is not a number");
    }
    return out;
}

Result<RpcClient> RpcClient::make(const RpcEndpoint& endpoint) {
    auto url = parse_rpc_url(endpoint.url);
    if (!url) return url.error();
    RpcClient client;
    client.endpoint_ = endpoint;
    client.host_ = url->host;
    client.port_ = url->port;
    client.target_ = url->target;
    if (endpoint.password_file.empty() == endpoint.cookie_file.empty()) {
        return make_error("rpc_config", "give the node's credentials as a password file or a cookie file (one of them)");
    }
    if (auto loaded = client.load_credentials(); !loaded) return loaded.error();
    return client;
}

Status RpcClient::load_credentials() {
    if (!endpoint_.cookie_file.empty()) {
        auto cookie = read_secret_file(endpoint_.cookie_file, "cookie");
        if (!cookie) return cookie.error();
        if (cookie->find(':') == std::string::npos) {
            return make_error("rpc_config", "the cookie file " + endpoint_.cookie_file + " is not user:password");
        }
        authorization_ = "Basic " + base64(*cookie);
    } else {
        auto password = read_secret_file(endpoint_.password_file, "password");
        if (!password) return password.error();
        authorization_ = "Basic " + base64(endpoint_.user + ":" + *password);
    }
    return Ok{};
}

Result<std::string> RpcClient::post(const std::string& body) {
    asio::io_context io;
    tcp::resolver resolver(io);
    beast::tcp_stream stream(io);
    http::request<http::string_body> request{http::verb::post, target_, 11};
    request.set(http::field::host, host_);
    request.set(http::field::authorization, authorization_);
    request.set(http::field::content_type, "application/json");
    request.set(http::field::connection, "close");
    request.body() = body;
    request.prepare_payload();
    beast::flat_buffer buffer;
    http::response_parser<http::string_body> parser;
    parser.header_limit(16 * 1024);
    parser.body_limit(endpoint_.max_reply_bytes);

    beast::error_code failure;
    const char* stage = "resolve";
    bool timed_out = false;
    // One deadline for the whole exchange: tcp_stream closes the socket when it passes.
    stream.expires_after(endpoint_.timeout);
    asio::steady_timer deadline(io, endpoint_.timeout);
    deadline.async_wait([&](beast::error_code ec) {
        if (!ec) {
            timed_out = true;
            resolver.cancel();
            stream.cancel();
        }
    });
    resolver.async_resolve(host_, port_, [&](beast::error_code ec, tcp::resolver::results_type results) {
        if (ec) return (void)(failure = ec, deadline.cancel());
        stage = "connect";
        stream.async_connect(results, [&](beast::error_code ec2, const tcp::endpoint&) {
            if (ec2) return (void)(failure = ec2, deadline.cancel());
            stage = "write";
            http::async_write(stream, request, [&](beast::error_code ec3, size_t) {
                if (ec3) return (void)(failure = ec3, deadline.cancel());
                stage = "read";
                http::async_read(stream, buffer, parser, [&](beast::error_code ec4, size_t) {
                    failure = ec4;
                    deadline.cancel();
                });
            });
        });
    });
    io.run();
    beast::error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_both, ignored);

    if (timed_out || failure == beast::error::timeout) {
        return make_error("rpc_timeout", "the node did not answer within " +
                                             std::to_string(endpoint_.timeout.count()) + " ms (" + stage + ")");
    }
    if (failure == http::error::body_limit) {
        return make_error("rpc_reply_too_large",
                          "the node's reply is over " + std::to_string(endpoint_.max_reply_bytes) + " bytes");
    }
    if (failure) {
        return make_error("rpc_unreachable", std::string("cannot reach the node at ") + host_ + ":" + port_ +
                                                 " (" + stage + ": " + failure.message() + ")");
    }
    const auto& response = parser.get();
    const unsigned status = response.result_int();
    if (status == 401 || status == 403) {
        // bitcoind writes a new cookie at each start: read it again for the next call.
        if (!endpoint_.cookie_file.empty()) (void)load_credentials();
        return make_error("rpc_unauthorized", "the node refused the RPC credentials (HTTP " + std::to_string(status) + ")");
    }
    if (status != 200 && (status != 500 || response.body().empty())) {
        return make_error("rpc_http", "the node answered HTTP " + std::to_string(status));
    }
    return response.body();
}

}  // namespace datt::relay::bitcoin_bridge
