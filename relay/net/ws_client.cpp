// clang-format off
#include <utility>  // before any Asio header: Boost 1.74 with g++ 12 needs std::exchange
// clang-format on

#include "net/ws_client.h"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <optional>

namespace datt::relay {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;
using beast::error_code;

Result<WsUrl> parse_ws_url(std::string_view url) {
    WsUrl out;
    std::string_view rest;
    if (url.starts_with("ws://")) {
        rest = url.substr(5);
    } else if (url.starts_with("wss://")) {
        out.tls = true;
        rest = url.substr(6);
    } else {
        return make_error("bad_url",
                          "only ws:// and wss:// URLs are supported: " + std::string(url));
    }
    const size_t slash = rest.find('/');
    out.target = slash == std::string_view::npos ? "/" : std::string(rest.substr(slash));
    std::string_view authority = rest.substr(0, slash);
    const size_t colon = authority.rfind(':');
    const size_t bracket = authority.rfind(']');
    if (colon != std::string_view::npos && (bracket == std::string_view::npos || colon > bracket)) {
        out.port = std::string(authority.substr(colon + 1));
        authority = authority.substr(0, colon);
    } else {
        out.port = out.tls ? "443" : "80";
    }
    out.host = std::string(authority);
    if (out.host.empty() || out.port.empty() ||
        out.port.find_first_not_of("0123456789") != std::string::npos ||
        out.host.find_first_of("@?#") != std::string::npos) {
        return make_error("bad_url",
                          "expected ws[s]://host[:port][/path], got " + std::string(url));
    }
    return out;
}

namespace {

using PlainWs = websocket::stream<beast::tcp_stream>;
using SecureWs = websocket::stream<beast::ssl_stream<beast::tcp_stream>>;

// The host as the resolver and the certificate check want it: "[::1]" becomes "::1".
std::string bare_host(const std::string& host) {
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
        return host.substr(1, host.size() - 2);
    return host;
}

bool is_ip_literal(const std::string& host) {
    error_code ec;
    (void)asio::ip::make_address(host, ec);
    return !ec;
}

// OpenSSL's reason for the last failure (the verify result names certificate problems).
std::string tls_reason(SSL* ssl, const error_code& ec) {
    const long verify = SSL_get_verify_result(ssl);
    if (verify != X509_V_OK)
        return std::string("certificate: ") + X509_verify_cert_error_string(verify);
    return ec.message();
}

}  // namespace

// Every operation is asynchronous and run on the client's own io_context for at most its
// deadline; an operation still pending then is cancelled by closing the socket.
struct WsClient::Impl {
    asio::io_context io;
    asio::ssl::context tls{asio::ssl::context::tls_client};
    std::optional<PlainWs> plain;    // ws://
    std::optional<SecureWs> secure;  // wss://
    beast::flat_buffer buffer;
    bool open = false;
    bool reading = false;                 // an async_read is outstanding
    std::optional<error_code> read_done;  // its result, once it finished

    // Calls `f` with the WebSocket stream in use (both kinds have the same operations).
    template <class F>
    decltype(auto) with_ws(F&& f) {
        if (secure) return f(*secure);
        return f(*plain);
    }
    beast::tcp_stream& tcp() {
        return secure ? beast::get_lowest_layer(*secure) : beast::get_lowest_layer(*plain);
    }

    // Runs the io_context until `done` or the deadline; false on timeout.
    template <class Done>
    bool run_until(Done done, std::chrono::milliseconds timeout) {
        io.restart();
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        while (!done()) {
            const auto left = deadline - std::chrono::steady_clock::now();
            if (left <= std::chrono::steady_clock::duration::zero()) return false;
            if (io.run_one_for(left) == 0 && !done() && io.stopped()) io.restart();
        }
        return true;
    }
};

WsClient::WsClient(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
WsClient::~WsClient() {
    close();
}

Result<std::unique_ptr<WsClient>> WsClient::connect(std::string_view url, Options options) {
    auto parsed = parse_ws_url(url);
    if (!parsed) return parsed.error();
    auto impl = std::make_unique<Impl>();
    const std::string host = bare_host(parsed->host);
    const auto deadline = options.connect_timeout + std::chrono::seconds(1);
    if (parsed->tls) {
        error_code ec;
        impl->tls.set_options(asio::ssl::context::default_workarounds |
                              asio::ssl::context::no_sslv2 | asio::ssl::context::no_sslv3 |
                              asio::ssl::context::no_tlsv1 | asio::ssl::context::no_tlsv1_1);
        impl->tls.set_default_verify_paths(ec);
        if (!ec && !options.ca_file.empty()) impl->tls.load_verify_file(options.ca_file, ec);
        if (ec)
            return make_error(
                "connect_failed",
                "cannot load trusted certificates" +
                    (options.ca_file.empty() ? std::string() : " from " + options.ca_file) + ": " +
                    ec.message());
        impl->tls.set_verify_mode(asio::ssl::verify_peer);
        impl->secure.emplace(impl->io, impl->tls);
        SSL* ssl = impl->secure->next_layer().native_handle();
        // The certificate must name the host: OpenSSL checks it while verifying the chain.
        X509_VERIFY_PARAM* param = SSL_get0_param(ssl);
        X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
        const bool named = is_ip_literal(host)
                               ? X509_VERIFY_PARAM_set1_ip_asc(param, host.c_str()) == 1
                               : X509_VERIFY_PARAM_set1_host(param, host.c_str(), 0) == 1 &&
                                     SSL_set_tlsext_host_name(ssl, host.c_str()) == 1;
        if (!named) return make_error("connect_failed", "cannot check TLS names for " + host);
    } else {
        impl->plain.emplace(impl->io);
    }
    tcp::resolver resolver(impl->io);
    error_code ec;
    auto endpoints = resolver.resolve(host, parsed->port, ec);
    if (ec) return make_error("connect_failed", "cannot resolve " + host + ": " + ec.message());
    impl->tcp().expires_after(options.connect_timeout);
    std::optional<error_code> connected;
    impl->tcp().async_connect(endpoints,
                              [&](error_code e, const tcp::endpoint&) { connected = e; });
    if (!impl->run_until([&] { return connected.has_value(); }, deadline) || *connected) {
        return make_error("connect_failed",
                          "cannot connect to " + std::string(url) + ": " +
                              (connected ? connected->message() : std::string("timed out")));
    }
    if (impl->secure) {
        std::optional<error_code> secured;
        impl->secure->next_layer().async_handshake(asio::ssl::stream_base::client,
                                                   [&](error_code e) { secured = e; });
        if (!impl->run_until([&] { return secured.has_value(); }, deadline) || *secured) {
            return make_error(
                "connect_failed",
                "TLS handshake with " + std::string(url) + " failed: " +
                    (secured ? tls_reason(impl->secure->next_layer().native_handle(), *secured)
                             : std::string("timed out")));
        }
    }
    std::optional<error_code> handshaken;
    impl->with_ws([&](auto& ws) {
        ws.async_handshake(parsed->host + ":" + parsed->port, parsed->target,
                           [&](error_code e) { handshaken = e; });
    });
    if (!impl->run_until([&] { return handshaken.has_value(); }, deadline) || *handshaken) {
        return make_error("connect_failed",
                          "WebSocket handshake with " + std::string(url) + " failed: " +
                              (handshaken ? handshaken->message() : std::string("timed out")));
    }
    // From here the Beast timer is off; each call has its own deadline.
    impl->tcp().expires_never();
    impl->with_ws([&](auto& ws) {
        ws.read_message_max(options.max_message_bytes);
        ws.text(true);
    });
    impl->open = true;
    return std::unique_ptr<WsClient>(new WsClient(std::move(impl)));
}

Status WsClient::send(std::string_view text) {
    if (!impl_->open) return make_error("closed", "the connection is closed");
    std::optional<error_code> sent;
    impl_->with_ws([&](auto& ws) {
        ws.async_write(asio::buffer(text.data(), text.size()),
                       [&](error_code e, size_t) { sent = e; });
    });
    if (!impl_->run_until([&] { return sent.has_value(); }, std::chrono::seconds(30))) {
        close();
        return make_error("send_failed", "sending timed out");
    }
    if (*sent) {
        impl_->open = false;
        return make_error("send_failed", sent->message());
    }
    return Ok{};
}

Result<std::string> WsClient::receive(std::chrono::milliseconds timeout) {
    if (!impl_->open) return make_error("closed", "the connection is closed");
    // A read that timed out stays outstanding and is waited for again here.
    if (!impl_->reading) {
        impl_->reading = true;
        impl_->read_done.reset();
        impl_->with_ws([&](auto& ws) {
            ws.async_read(impl_->buffer,
                          [impl = impl_.get()](error_code e, size_t) { impl->read_done = e; });
        });
    }
    if (!impl_->run_until([&] { return impl_->read_done.has_value(); }, timeout)) {
        return make_error("timeout",
                          "nothing arrived within " + std::to_string(timeout.count()) + " ms");
    }
    impl_->reading = false;
    if (*impl_->read_done) {
        impl_->open = false;
        return make_error("closed", impl_->read_done->message());
    }
    std::string text = beast::buffers_to_string(impl_->buffer.data());
    impl_->buffer.consume(impl_->buffer.size());
    return text;
}

void WsClient::close() {
    if (!impl_ || !impl_->open) return;
    impl_->open = false;
    error_code ec;
    // No TLS close_notify: the connection is dropped either way, and a peer that stopped
    // reading must not make close() wait.
    impl_->tcp().socket().shutdown(tcp::socket::shutdown_both, ec);
    impl_->tcp().socket().close(ec);
    impl_->io.restart();
    impl_->io.poll();  // let the cancelled handlers finish
}

}  // namespace datt::relay
