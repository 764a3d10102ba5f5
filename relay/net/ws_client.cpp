// clang-format off
#include <utility>  // before any Asio header: Boost 1.74 with g++ 12 needs std::exchange
// clang-format on

#include "net/ws_client.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <optional>

namespace datt::relay {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;
using beast::error_code;

Result<WsUrl> parse_ws_url(std::string_view url) {
    constexpr std::string_view kScheme = "ws://";
    if (!url.starts_with(kScheme))
        return make_error("bad_url", "only ws:// URLs are supported: " + std::string(url));
    std::string_view rest = url.substr(kScheme.size());
    const size_t slash = rest.find('/');
    WsUrl out;
    out.target = slash == std::string_view::npos ? "/" : std::string(rest.substr(slash));
    std::string_view authority = rest.substr(0, slash);
    const size_t colon = authority.rfind(':');
    if (colon != std::string_view::npos && authority.find(']') == std::string_view::npos) {
        out.port = std::string(authority.substr(colon + 1));
        authority = authority.substr(0, colon);
    } else {
        out.port = "80";
    }
    out.host = std::string(authority);
    if (out.host.empty() || out.port.empty() ||
        out.port.find_first_not_of("0123456789") != std::string::npos) {
        return make_error("bad_url", "expected ws://host[:port][/path], got " + std::string(url));
    }
    return out;
}

// Every operation is asynchronous and run on the client's own io_context for at most its
// deadline; an operation still pending then is cancelled by closing the socket.
struct WsClient::Impl {
    asio::io_context io;
    websocket::stream<beast::tcp_stream> ws{io};
    beast::flat_buffer buffer;
    bool open = false;
    bool reading = false;                 // an async_read is outstanding
    std::optional<error_code> read_done;  // its result, once it finished

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
    tcp::resolver resolver(impl->io);
    error_code ec;
    auto endpoints = resolver.resolve(parsed->host, parsed->port, ec);
    if (ec)
        return make_error("connect_failed", "cannot resolve " + parsed->host + ": " + ec.message());
    beast::get_lowest_layer(impl->ws).expires_after(options.connect_timeout);
    std::optional<error_code> connected;
    beast::get_lowest_layer(impl->ws).async_connect(
        endpoints, [&](error_code e, const tcp::endpoint&) { connected = e; });
    if (!impl->run_until([&] { return connected.has_value(); },
                         options.connect_timeout + std::chrono::seconds(1)) ||
        *connected) {
        return make_error("connect_failed",
                          "cannot connect to " + std::string(url) + ": " +
                              (connected ? connected->message() : std::string("timed out")));
    }
    std::optional<error_code> handshaken;
    impl->ws.async_handshake(parsed->host + ":" + parsed->port, parsed->target,
                             [&](error_code e) { handshaken = e; });
    if (!impl->run_until([&] { return handshaken.has_value(); },
                         options.connect_timeout + std::chrono::seconds(1)) ||
        *handshaken) {
        return make_error("connect_failed",
                          "WebSocket handshake with " + std::string(url) + " failed: " +
                              (handshaken ? handshaken->message() : std::string("timed out")));
    }
    // From here the Beast timer is off; each call has its own deadline.
    beast::get_lowest_layer(impl->ws).expires_never();
    impl->ws.read_message_max(options.max_message_bytes);
    impl->ws.text(true);
    impl->open = true;
    return std::unique_ptr<WsClient>(new WsClient(std::move(impl)));
}

Status WsClient::send(std::string_view text) {
    if (!impl_->open) return make_error("closed", "the connection is closed");
    std::optional<error_code> sent;
    impl_->ws.async_write(asio::buffer(text.data(), text.size()),
                          [&](error_code e, size_t) { sent = e; });
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
        impl_->ws.async_read(impl_->buffer,
                             [impl = impl_.get()](error_code e, size_t) { impl->read_done = e; });
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
    beast::get_lowest_layer(impl_->ws).socket().shutdown(tcp::socket::shutdown_both, ec);
    beast::get_lowest_layer(impl_->ws).socket().close(ec);
    impl_->io.restart();
    impl_->io.poll();  // let the cancelled handlers finish
}

}  // namespace datt::relay
