// The only translation unit that includes Beast/Asio (see server.h for the contract).
//
// Sessions follow the Beast example pattern: one class per connection, shared_from_this, a
// strand per connection, do_x() starts an asynchronous step and on_x(error_code, ...) finishes
// it. Nothing on the asynchronous path throws: every Asio/Beast call takes an error_code or
// reports one to its handler, and handler calls into the engine are wrapped.
// clang-format off
#include <utility>  // before any Asio header: Boost 1.74 with g++ 12 needs std::exchange
// clang-format on

#include "net/server.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include <array>
#include <atomic>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/v6_only.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <cctype>
#include <cerrno>
#include <deque>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>

namespace datt::relay {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;
using beast::error_code;

constexpr size_t kMaxHttpHeaderBytes = 16 * 1024;
constexpr size_t kMaxHttpBodyBytes = 4 * 1024;  // GET/HEAD need none; enough for a stray body
constexpr auto kCloseDeadline = std::chrono::seconds(3);
constexpr auto kAcceptRetryDelay = std::chrono::milliseconds(100);
constexpr size_t kMaxCloseReasonBytes = 123;        // RFC 6455 section 5.5: 125 minus the code
constexpr size_t kKeptReadBufferBytes = 64 * 1024;  // larger read buffers are freed after use
constexpr size_t kReadChunkBytes = 64 * 1024;        // one async_read_some at most
// After failing a connection (1002, 1009) the server reads and discards what the peer still
// sends, slowly and for a bounded time, before closing the socket: the peer gets time to read
// the close frame (closing with unread data sends a reset, which can destroy it in transit),
// and the rest of a frame that may claim 2^63 bytes is not read. At most 16 KiB per 20 ms
// for 1 s: about 800 KiB.
constexpr size_t kMaxDrainBytes = 1024 * 1024;
constexpr size_t kDrainChunkBytes = 16 * 1024;
constexpr auto kDrainPause = std::chrono::milliseconds(20);
constexpr auto kDrainDeadline = std::chrono::seconds(1);
// RFC 6455 section 5.2: the most significant bit of a 64-bit payload length must be 0.
constexpr uint64_t kFrameLengthTopBit = uint64_t{1} << 63;
constexpr const char* kServerName = "datt-relay";

class HttpSession;
class WebSocketSession;

std::string remote_ip_of(const tcp::socket& socket) {
    error_code ec;
    auto endpoint = socket.remote_endpoint(ec);
    if (ec) return "unknown";
    auto address = endpoint.address();
    // A dual-stack listener sees IPv4 clients as ::ffff:a.b.c.d; per-IP limits want a.b.c.d.
    if (address.is_v6() && address.to_v6().is_v4_mapped()) {
        return asio::ip::make_address_v4(asio::ip::v4_mapped, address.to_v6()).to_string();
    }
    return address.to_string();
}

// RFC 9112 section 5.2: a server must refuse obsolete line folding (a line of the header
// block starting with SP or HTAB) or unfold it; Beast 1.74 unfolds silently, so the raw
// header block (`head`, up to and including its blank line) is checked before Beast parses.
bool has_obsolete_folding(std::string_view head) {
    for (size_t at = head.find("\r\n"); at != std::string_view::npos;
         at = head.find("\r\n", at + 2)) {
        if (at + 2 < head.size() && (head[at + 2] == ' ' || head[at + 2] == '\t')) return true;
    }
    return false;
}

// RFC 6455 section 4.1: the key is "a base64-encoded value that, when decoded, is 16 bytes
// in length": 22 characters of the base64 alphabet (RFC 4648 section 4) and "==", in the
// canonical form (the last character's low four bits, which encode nothing, are zero).
bool is_websocket_key(std::string_view key) {
    auto value = [](char c) -> int {
        if (c >= 'A' && c <= 'Z') return c - 'A';
        if (c >= 'a' && c <= 'z') return c - 'a' + 26;
        if (c >= '0' && c <= '9') return c - '0' + 52;
        if (c == '+') return 62;
        if (c == '/') return 63;
        return -1;
    };
    if (key.size() != 24 || key.substr(22) != "==") return false;
    for (size_t i = 0; i < 22; ++i) {
        if (value(key[i]) < 0) return false;
    }
    return (value(key[21]) & 0x0F) == 0;
}

// Cuts to at most `max` bytes without splitting a UTF-8 sequence (Beast checks close reasons).
std::string truncate_utf8(std::string_view text, size_t max) {
    if (text.size() <= max) return std::string(text);
    size_t end = max;
    while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
    return std::string(text.substr(0, end));
}

// The TCP stream under a WebSocket stream, with one addition: its writes can be held. A
// session writes a burst of queued frames by hand in one sendmsg (WebSocketSession::
// write_burst); if the kernel takes only part of it, the rest of the cut frame is written
// with the gate held, so that a write Beast starts by itself meanwhile (a pong from its
// read loop, a keep-alive ping from its timer, the reply to a peer's close) waits and never
// lands inside that frame. Beast writes one frame at a time (its own write lock), so at
// most one of its writes is ever held.
class WriteGate {
  public:
    using next_layer_type = beast::tcp_stream;
    using executor_type = next_layer_type::executor_type;

    explicit WriteGate(tcp::socket&& socket) : stream_(std::move(socket)) {}

    executor_type get_executor() noexcept { return stream_.get_executor(); }
    next_layer_type& next_layer() noexcept { return stream_; }
    const next_layer_type& next_layer() const noexcept { return stream_; }

    template <class MutableBuffers, class Handler>
    auto async_read_some(const MutableBuffers& buffers, Handler&& handler) {
        return stream_.async_read_some(buffers, std::forward<Handler>(handler));
    }

    // Beast's writes (and the handshake's, the refusal's, the failure close's): started now,
    // or when the gate is released.
    template <class ConstBuffers, class Handler>
    void async_write_some(const ConstBuffers& buffers, Handler&& handler) {
        if (!held_) return forward(buffers, std::forward<Handler>(handler));
        held_write_ = std::make_unique<HeldWriteOf<ConstBuffers, std::decay_t<Handler>>>(
            *this, buffers, std::forward<Handler>(handler));
    }

    // Strand only. True while a write that went through the gate has not completed: Beast
    // may be in the middle of a frame, so no hand-written bytes may go out.
    bool writing() const { return writes_in_flight_ > 0 || held_write_ != nullptr; }

    void hold() { held_ = true; }
    void release() {
        held_ = false;
        if (held_write_) std::exchange(held_write_, nullptr)->start();
    }

  private:
    struct HeldWrite {
        virtual ~HeldWrite() = default;
        virtual void start() = 0;
    };
    template <class ConstBuffers, class Handler>
    struct HeldWriteOf final : HeldWrite {
        HeldWriteOf(WriteGate& g, const ConstBuffers& b, Handler&& h)
            : gate(g), buffers(b), handler(std::move(h)) {}
        void start() override { gate.forward(buffers, std::move(handler)); }
        WriteGate& gate;
        ConstBuffers buffers;
        Handler handler;
    };

    template <class ConstBuffers, class Handler>
    void forward(const ConstBuffers& buffers, Handler&& handler) {
        ++writes_in_flight_;
        stream_.async_write_some(
            buffers, [this, handler = std::decay_t<Handler>(std::forward<Handler>(handler))](
                         error_code ec, size_t bytes) mutable {
                --writes_in_flight_;
                handler(ec, bytes);
            });
    }

    next_layer_type stream_;
    bool held_ = false;
    size_t writes_in_flight_ = 0;
    std::unique_ptr<HeldWrite> held_write_;
};

// Beast closes a WebSocket's stream through these (found by argument-dependent lookup).
template <class TeardownHandler>
void async_teardown(beast::role_type role, WriteGate& gate, TeardownHandler&& handler) {
    using websocket::async_teardown;
    async_teardown(role, gate.next_layer(), std::forward<TeardownHandler>(handler));
}
inline void teardown(beast::role_type role, WriteGate& gate, error_code& ec) {
    using websocket::teardown;
    teardown(role, gate.next_layer(), ec);
}

}  // namespace

// Shared by the listener and every session. Members are declared so that the registry
// outlives the io_context: destroying the io_context destroys pending handlers and with them
// sessions, whose destructors unregister themselves.
struct Server::Impl {
    Impl(ServerOptions opts, ServerHandler& h)
        : options(std::move(opts)),
          handler(h),
          io(static_cast<int>(options.threads == 0 ? 1 : options.threads)),
          acceptor(asio::make_strand(io)),
          accept_retry(acceptor.get_executor()) {}

    // Registry. Returns 0 when stopping (the caller then refuses the connection).
    ConnectionId register_websocket(const std::shared_ptr<WebSocketSession>& session);
    void unregister_websocket(ConnectionId id);
    ConnectionId register_http(const std::shared_ptr<HttpSession>& session);
    void unregister_http(ConnectionId id);
    std::shared_ptr<WebSocketSession> find_websocket(ConnectionId id);

    void do_accept();
    void on_accept(error_code ec, tcp::socket socket);

    const ServerOptions options;
    ServerHandler& handler;

    std::mutex stop_mutex;  // held for the whole of stop(); run() takes it before returning
    std::mutex mutex;       // guards stopping, next_id and the two maps
    bool stopping = false;
    ConnectionId next_id = 1;
    std::unordered_map<ConnectionId, std::weak_ptr<WebSocketSession>> websockets;
    std::unordered_map<ConnectionId, std::weak_ptr<HttpSession>> http_sessions;

    std::atomic<uint64_t> open_connections{0};
    std::atomic<uint64_t> accepted_connections{0};
    std::atomic<uint64_t> refused_connections{0};
    std::atomic<uint64_t> slow_consumer_closes{0};
    std::atomic<uint64_t> messages_in{0};
    std::atomic<uint64_t> bytes_in{0};
    std::atomic<uint64_t> messages_out{0};
    std::atomic<uint64_t> bytes_out{0};
    std::atomic<uint64_t> http_requests{0};

    asio::io_context io;
    tcp::acceptor acceptor;           // used only on its strand
    asio::steady_timer accept_retry;  // on the acceptor's strand
};

namespace {

// One WebSocket connection, from the upgrade request to its end.
class WebSocketSession : public std::enable_shared_from_this<WebSocketSession> {
  public:
    WebSocketSession(Server::Impl& server, tcp::socket&& socket, std::string remote_ip)
        : server_(server),
          ws_(std::move(socket)),
          close_deadline_(ws_.get_executor()),
          remote_ip_(std::move(remote_ip)) {}

    // On the strand: asks the handler, then completes the handshake or refuses.
    void start(http::request<http::string_body> request);

    // Any thread.
    bool send(std::shared_ptr<const std::string> text);
    bool send_all(std::vector<std::shared_ptr<const std::string>> texts);
    bool send_binary(std::shared_ptr<const std::string> bytes);
    void close(CloseCode code, std::string_view reason);

  private:
    void refuse(http::status status, std::string body);
    void on_refused(error_code ec, size_t bytes);
    void on_handshake(error_code ec);
    void do_read();
    void on_read(error_code ec, size_t bytes);
    bool reserve(size_t size);
    void push(std::shared_ptr<const std::string> text, bool binary = false, bool write = true);
    void do_write();
    bool write_burst();
    void on_burst_rest(error_code ec, size_t bytes);
    void on_write(error_code ec, size_t bytes);
    void written(size_t bytes);
    void set_cork(bool on);
    void begin_close(CloseCode code, std::string reason, bool drop_queue, bool fail = false);
    void send_close();
    void on_closed(error_code ec);
    void send_failure_close();
    void on_failure_close_sent(error_code ec, size_t bytes);
    void do_drain(error_code ec = {});
    void on_drain(error_code ec, size_t bytes);
    void on_close_deadline(error_code ec);
    void finish();
    void release(size_t bytes) { queued_bytes_.fetch_sub(bytes, std::memory_order_relaxed); }

    Server::Impl& server_;
    websocket::stream<WriteGate> ws_;
    asio::steady_timer close_deadline_;
    const std::string remote_ip_;
    ConnectionId id_ = 0;

    // Shared with send()/close() on other threads.
    std::atomic<size_t> queued_bytes_{0};  // accepted by send() and not yet written or dropped
    std::atomic<bool> closing_{false};     // send() refuses from here on

    // Strand only.
    beast::flat_buffer read_buffer_;
    http::request<http::string_body> upgrade_request_;  // alive during the handshake
    std::optional<http::response<http::string_body>> refusal_;
    // One queued WebSocket message: a text frame (NIP-01) or a binary one (channel frames).
    struct Outgoing {
        std::shared_ptr<const std::string> data;
        bool binary = false;
        const std::string* operator->() const { return data.get(); }
    };
    std::deque<Outgoing> queue_;  // front is in flight if writing_
    websocket::close_reason close_reason_;
    bool opened_ = false;  // on_open returned true, so on_close is owed
    bool handshake_done_ = false;
    bool writing_ = false;
    bool burst_rest_in_flight_ = false;  // writing_ is the rest of a hand-written burst
    std::string burst_rest_;             // its bytes (the queue no longer holds its frame)
    bool corked_ = false;  // TCP_CORK is on while a burst of queued frames is written
    bool close_requested_ = false;
    bool close_sent_ = false;
    bool drop_queue_ = false;  // slow consumer: nothing more is written but the close
    bool fail_ = false;        // the peer broke the protocol: close frame, bounded drain, close
    std::string failure_frame_;                      // the close frame written by hand when failing
    std::optional<asio::steady_timer> drain_pause_;  // paces the drain after failing
    size_t drained_ = 0;                             // bytes discarded since failing
    bool finished_ = false;
};

// One plain HTTP connection; hands its socket to a WebSocketSession on an upgrade request.
class HttpSession : public std::enable_shared_from_this<HttpSession> {
  public:
    HttpSession(Server::Impl& server, tcp::socket&& socket)
        : server_(server), stream_(std::move(socket)), remote_ip_(remote_ip_of(stream_.socket())) {}
    ~HttpSession() {
        if (id_ != 0) server_.unregister_http(id_);
    }

    void start();
    // Any thread: drops the connection (stop()).
    void shutdown();

  private:
    void do_read();
    void read_head();
    void on_head_read(error_code ec, size_t bytes);
    void on_read(error_code ec, size_t bytes);
    void upgrade();
    void answer(const http::request<http::string_body>& request);
    void reply(unsigned version, bool keep_alive, bool head, HttpResponse reply);
    void reply_error(http::status status, std::string body);  // then close
    void write(http::response<http::string_body> response);
    void on_write(bool close, error_code ec, size_t bytes);
    void do_close();

    Server::Impl& server_;
    beast::tcp_stream stream_;
    const std::string remote_ip_;
    ConnectionId id_ = 0;
    // Holds at most one request's header block and body (the parser's limits).
    beast::flat_buffer buffer_{kMaxHttpHeaderBytes + kMaxHttpBodyBytes};
    std::optional<http::request_parser<http::string_body>> parser_;
    std::optional<http::response<http::string_body>> response_;  // alive during the write
};

// ---- WebSocketSession ----

void WebSocketSession::start(http::request<http::string_body> request) {
    upgrade_request_ = std::move(request);
    id_ = server_.register_websocket(shared_from_this());
    if (id_ == 0) {
        server_.refused_connections.fetch_add(1, std::memory_order_relaxed);
        return refuse(http::status::service_unavailable, "relay shutting down\n");
    }
    bool accepted = false;
    try {
        accepted = server_.handler.on_open(id_, remote_ip_);
    } catch (...) {
        accepted = false;
    }
    if (!accepted) {
        server_.unregister_websocket(id_);
        closing_.store(true);
        server_.refused_connections.fetch_add(1, std::memory_order_relaxed);
        return refuse(http::status::too_many_requests, "connection refused\n");
    }
    opened_ = true;
    server_.accepted_connections.fetch_add(1, std::memory_order_relaxed);
    server_.open_connections.fetch_add(1, std::memory_order_relaxed);

    // The websocket stream runs its own timers; the TCP stream's must stay off.
    beast::get_lowest_layer(ws_).expires_never();
    auto timeouts = websocket::stream_base::timeout::suggested(beast::role_type::server);
    timeouts.idle_timeout = server_.options.websocket_idle_timeout;
    timeouts.keep_alive_pings = true;
    ws_.set_option(timeouts);
    websocket::permessage_deflate no_deflate;
    no_deflate.server_enable = false;
    no_deflate.client_enable = false;
    ws_.set_option(no_deflate);
    ws_.set_option(websocket::stream_base::decorator([](websocket::response_type& response) {
        response.set(http::field::server, kServerName);
    }));
    ws_.auto_fragment(false);
    // The message limit is enforced in on_read, not by Beast: Beast 1.74 fails an oversized
    // frame at its header and then tears the socket down after draining a single read, so a
    // peer still sending gets a reset instead of the 1009 close frame. async_close drains.
    ws_.read_message_max(0);
    ws_.async_accept(upgrade_request_, beast::bind_front_handler(&WebSocketSession::on_handshake,
                                                                 shared_from_this()));
}

void WebSocketSession::refuse(http::status status, std::string body) {
    auto& response = refusal_.emplace(status, upgrade_request_.version());
    response.set(http::field::server, kServerName);
    response.set(http::field::content_type, "text/plain; charset=utf-8");
    response.keep_alive(false);
    response.body() = std::move(body);
    response.prepare_payload();
    beast::get_lowest_layer(ws_).expires_after(server_.options.http_timeout);
    http::async_write(ws_.next_layer(), *refusal_,
                      beast::bind_front_handler(&WebSocketSession::on_refused, shared_from_this()));
}

void WebSocketSession::on_refused(error_code, size_t) {
    error_code ec;
    beast::get_lowest_layer(ws_).socket().shutdown(tcp::socket::shutdown_send, ec);
    beast::get_lowest_layer(ws_).close();
}

void WebSocketSession::on_handshake(error_code ec) {
    upgrade_request_ = {};
    if (ec) return finish();
    handshake_done_ = true;
    do_read();
    if (close_requested_ && queue_.empty()) return send_close();
    do_write();
}

void WebSocketSession::do_read() {
    ws_.async_read_some(read_buffer_, kReadChunkBytes,
                        beast::bind_front_handler(&WebSocketSession::on_read, shared_from_this()));
}

void WebSocketSession::on_read(error_code ec, size_t) {
    // Every end of a connection ends the read loop: peer close, errors, Beast's timeouts, an
    // oversized or invalid frame, and our own socket close (deadline, finish()).
    if (ec) return finish();
    if (!ws_.is_message_done()) {
        // What the current frame still declares (Beast's hint is its remaining payload when
        // the message is not compressed, and deflate is off). Its declared length is at
        // most that plus what this message has read so far.
        const uint64_t remaining = ws_.read_size_hint(1);
        const size_t limit = server_.options.max_message_bytes + kMessageSlackBytes;
        if (remaining >= kFrameLengthTopBit - read_buffer_.size()) {
            read_buffer_.clear();
            read_buffer_.shrink_to_fit();
            return begin_close(CloseCode::kProtocolError, "frame length has its top bit set", true,
                               true);
        }
        // Reads stop as soon as the message is known to pass the limit, whatever it
        // declares: the rest of the frame is not read (see send_failure_close).
        if (read_buffer_.size() + remaining > limit) {
            read_buffer_.clear();
            read_buffer_.shrink_to_fit();
            return begin_close(CloseCode::kMessageTooBig, "message too big", true, true);
        }
        return do_read();
    }
    server_.messages_in.fetch_add(1, std::memory_order_relaxed);
    server_.bytes_in.fetch_add(read_buffer_.size(), std::memory_order_relaxed);
    const bool text = ws_.got_text();
    std::string message = beast::buffers_to_string(read_buffer_.data());
    read_buffer_.consume(read_buffer_.size());
    if (read_buffer_.capacity() > kKeptReadBufferBytes) read_buffer_.shrink_to_fit();

    if (!close_requested_) {  // the engine asked to close: it wants nothing more
        try {
            if (text) {
                server_.handler.on_text(id_, std::move(message));
            } else {
                server_.handler.on_binary(id_, std::move(message));
            }
        } catch (...) {
            begin_close(CloseCode::kInternalError, "internal error", false);
        }
    }
    do_read();
}

// Counts `size` more queued bytes, or refuses them and closes the connection as a slow
// consumer when the queue would pass max_outgoing_bytes.
bool WebSocketSession::reserve(size_t size) {
    const size_t queued = queued_bytes_.fetch_add(size, std::memory_order_relaxed) + size;
    if (queued <= server_.options.max_outgoing_bytes) return true;
    release(size);
    if (!closing_.exchange(true)) {
        server_.slow_consumer_closes.fetch_add(1, std::memory_order_relaxed);
        asio::post(ws_.get_executor(), [self = shared_from_this()] {
            self->begin_close(CloseCode::kPolicyViolation, "slow consumer", true);
        });
    }
    return false;
}

bool WebSocketSession::send(std::shared_ptr<const std::string> text) {
    if (!text || closing_.load(std::memory_order_acquire)) return false;
    if (!reserve(text->size())) return false;
    asio::post(ws_.get_executor(), [self = shared_from_this(), text = std::move(text)]() mutable {
        self->push(std::move(text));
    });
    return true;
}

bool WebSocketSession::send_all(std::vector<std::shared_ptr<const std::string>> texts) {
    if (closing_.load(std::memory_order_acquire)) return false;
    size_t size = 0;
    for (const auto& text : texts) {
        if (!text) return false;
        size += text->size();
    }
    if (texts.empty()) return true;
    if (!reserve(size)) return false;
    asio::post(ws_.get_executor(), [self = shared_from_this(), texts = std::move(texts)]() mutable {
        // The whole burst is queued before the first write, so it goes out in one sendmsg.
        for (auto& text : texts) self->push(std::move(text), false, false);
        self->do_write();
    });
    return true;
}

bool WebSocketSession::send_binary(std::shared_ptr<const std::string> bytes) {
    if (!bytes || closing_.load(std::memory_order_acquire)) return false;
    if (!reserve(bytes->size())) return false;
    asio::post(ws_.get_executor(), [self = shared_from_this(), bytes = std::move(bytes)]() mutable {
        self->push(std::move(bytes), true);
    });
    return true;
}

void WebSocketSession::close(CloseCode code, std::string_view reason) {
    if (closing_.exchange(true)) return;
    asio::post(ws_.get_executor(), [self = shared_from_this(), code, reason = std::string(reason)] {
        self->begin_close(code, reason, false);
    });
}

void WebSocketSession::push(std::shared_ptr<const std::string> text, bool binary, bool write) {
    // A send() that raced with close() may arrive after the close frame went out: drop it.
    if (finished_ || close_sent_ || drop_queue_) return release(text->size());
    queue_.push_back(Outgoing{std::move(text), binary});
    if (write) do_write();
}

void WebSocketSession::do_write() {
    if (!handshake_done_ || writing_ || close_sent_ || finished_ || queue_.empty()) return;
    // Several frames queued (a REQ's stored events and its EOSE): written by hand in one
    // sendmsg, unless a write of Beast's own is under way (see WriteGate).
    if (queue_.size() > 1 && !ws_.next_layer().writing() && write_burst()) return;
    // Otherwise through Beast, one message per write (one send() each, and with TCP_NODELAY
    // one packet each). With more than one frame queued the socket is corked until the
    // queue is empty, so the kernel sends full segments and the client wakes up once per
    // burst instead of once per event; on_write uncorks, which sends the rest.
    if (!corked_ && queue_.size() > 1) set_cork(true);
    writing_ = true;
    ws_.text(!queue_.front().binary);
    ws_.async_write(asio::buffer(*queue_.front().data),
                    beast::bind_front_handler(&WebSocketSession::on_write, shared_from_this()));
}

// Writes the queued frames (up to kMaxBurstFrames) as WebSocket frames built here, in one
// non-blocking sendmsg: one system call and one pass through the kernel for a whole REQ
// instead of one Beast write and one send() per event. False if the socket took nothing
// (full): the caller writes through Beast, which waits for it. If it took part of a frame,
// the rest of that frame is written with the gate held (WriteGate); the frames after it
// stay queued.
bool WebSocketSession::write_burst() {
    // iovecs per sendmsg are capped by IOV_MAX (1024 on Linux): two per frame.
    constexpr size_t kMaxBurstFrames = 500;
    const size_t frames = std::min(queue_.size(), kMaxBurstFrames);
    // Scratch for the one sendmsg (its bytes are copied by then), per network thread rather
    // than per connection: idle connections stay small.
    thread_local std::vector<std::array<uint8_t, 10>> headers;
    thread_local std::vector<iovec> iov;
    headers.resize(frames);
    iov.clear();
    size_t total = 0;
    for (size_t i = 0; i < frames; ++i) {
        const Outgoing& frame = queue_[i];
        // Layout (RFC 6455 section 5.2), a server frame is never masked: FIN and the opcode
        // (0x81 text, 0x82 binary), then the payload length: < 126 in the second byte, else
        // 126 and 2 bytes, or 127 and 8 bytes, big endian.
        std::array<uint8_t, 10>& header = headers[i];
        const uint64_t length = frame->size();
        size_t header_bytes;
        header[0] = frame.binary ? 0x82 : 0x81;
        if (length < 126) {
            header[1] = static_cast<uint8_t>(length);
            header_bytes = 2;
        } else if (length <= 0xFFFF) {
            header[1] = 126;
            header[2] = static_cast<uint8_t>(length >> 8);
            header[3] = static_cast<uint8_t>(length);
            header_bytes = 4;
        } else {
            header[1] = 127;
            for (int byte = 0; byte < 8; ++byte) {
                header[2 + byte] = static_cast<uint8_t>(length >> (56 - 8 * byte));
            }
            header_bytes = 10;
        }
        iov.push_back({header.data(), header_bytes});
        iov.push_back({const_cast<char*>(frame->data()), frame->size()});
        total += header_bytes + frame->size();
    }
    msghdr message{};
    message.msg_iov = iov.data();
    message.msg_iovlen = iov.size();
    const ssize_t sent = ::sendmsg(beast::get_lowest_layer(ws_).socket().native_handle(), &message,
                                   MSG_DONTWAIT | MSG_NOSIGNAL);
    if (sent < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) return false;
    if (sent < 0) {
        finish();
        return true;
    }
    if (sent == 0) return false;
    size_t left = static_cast<size_t>(sent);
    for (size_t i = 0; i < frames; ++i) {
        const size_t frame_bytes = iov[2 * i].iov_len + iov[2 * i + 1].iov_len;
        if (left < frame_bytes) {
            // Cut inside this frame: its rest goes next, before anything else.
            burst_rest_.clear();
            for (size_t part = 0; part < 2; ++part) {
                const iovec& piece = iov[2 * i + part];
                const size_t skip = std::min(left, piece.iov_len);
                left -= skip;
                burst_rest_.append(static_cast<const char*>(piece.iov_base) + skip,
                                   piece.iov_len - skip);
            }
            release(queue_.front()->size());
            queue_.pop_front();
            server_.bytes_out.fetch_add(static_cast<size_t>(sent), std::memory_order_relaxed);
            writing_ = true;
            burst_rest_in_flight_ = true;
            ws_.next_layer().hold();
            asio::async_write(
                beast::get_lowest_layer(ws_), asio::buffer(burst_rest_),
                beast::bind_front_handler(&WebSocketSession::on_burst_rest, shared_from_this()));
            return true;
        }
        left -= frame_bytes;
        release(queue_.front()->size());
        queue_.pop_front();
        server_.messages_out.fetch_add(1, std::memory_order_relaxed);
    }
    server_.bytes_out.fetch_add(static_cast<size_t>(sent), std::memory_order_relaxed);
    if (!queue_.empty()) {
        do_write();
        return true;
    }
    if (corked_) set_cork(false);
    if (close_requested_) send_close();
    return true;
}

void WebSocketSession::on_burst_rest(error_code ec, size_t bytes) {
    writing_ = false;
    burst_rest_in_flight_ = false;
    burst_rest_ = std::string();  // up to a whole frame: not kept by an idle connection
    ws_.next_layer().release();  // a write Beast started meanwhile goes now
    if (ec) return finish();
    written(bytes);
}

// A write of `bytes` ended: counted; the next queued frames go, or the socket is uncorked
// and a requested close is sent.
void WebSocketSession::written(size_t bytes) {
    server_.messages_out.fetch_add(1, std::memory_order_relaxed);
    server_.bytes_out.fetch_add(bytes, std::memory_order_relaxed);
    if (!queue_.empty()) return do_write();
    if (corked_) set_cork(false);
    if (close_requested_) send_close();
}

void WebSocketSession::on_write(error_code ec, size_t bytes) {
    writing_ = false;
    if (!queue_.empty()) {  // finish() may have emptied it
        release(queue_.front()->size());
        queue_.pop_front();
    }
    if (ec) return finish();
    written(bytes);
}

void WebSocketSession::set_cork(bool on) {
    // A failure only costs the coalescing: the frames go out either way.
    const int value = on ? 1 : 0;
    (void)::setsockopt(beast::get_lowest_layer(ws_).socket().native_handle(), IPPROTO_TCP, TCP_CORK,
                       &value, sizeof value);
    corked_ = on;
}

void WebSocketSession::begin_close(CloseCode code, std::string reason, bool drop_queue, bool fail) {
    if (finished_ || close_requested_) return;
    close_requested_ = true;
    fail_ = fail;
    close_reason_ = websocket::close_reason(static_cast<websocket::close_code>(code),
                                            truncate_utf8(reason, kMaxCloseReasonBytes));
    if (drop_queue) {
        drop_queue_ = true;
        // Keep only the frame in flight (its write cannot be taken back).
        const size_t keep = writing_ && !burst_rest_in_flight_ ? 1 : 0;
        while (queue_.size() > keep) {
            release(queue_.back()->size());
            queue_.pop_back();
        }
    }
    // A peer that neither reads nor answers the close must not hold the connection (or
    // stop()) forever.
    close_deadline_.expires_after(kCloseDeadline);
    close_deadline_.async_wait(
        beast::bind_front_handler(&WebSocketSession::on_close_deadline, shared_from_this()));
    if (handshake_done_ && !writing_ && queue_.empty()) send_close();
    // Otherwise on_handshake or on_write sends the close when the queue is empty.
}

void WebSocketSession::send_close() {
    if (close_sent_ || finished_) return;
    close_sent_ = true;
    if (corked_) set_cork(false);
    if (fail_) return send_failure_close();
    ws_.async_close(close_reason_,
                    beast::bind_front_handler(&WebSocketSession::on_closed, shared_from_this()));
}

// RFC 6455 section 7.1.7, _Fail the WebSocket Connection_. Beast's async_close would first
// read the rest of the offending frame (2^62 bytes if it says so), so the close frame is
// written here by hand (no write of Beast's is in flight: send_close runs when the queue is
// idle), the sending side is shut down, at most kMaxDrainBytes are read and discarded, and
// the socket is closed (finish). The close deadline bounds the time as well.
void WebSocketSession::send_failure_close() {
    // Layout (RFC 6455 section 5.2), a server frame is never masked: 0x88 (FIN, opcode 8),
    // payload length (at most 125, one byte), status code (2 bytes, big endian), reason.
    const auto code = static_cast<uint16_t>(close_reason_.code);
    const std::string_view reason(close_reason_.reason.data(), close_reason_.reason.size());
    failure_frame_.clear();
    failure_frame_ += static_cast<char>(0x88);
    failure_frame_ += static_cast<char>(2 + reason.size());
    failure_frame_ += static_cast<char>(code >> 8);
    failure_frame_ += static_cast<char>(code & 0xFF);
    failure_frame_ += reason;
    asio::async_write(
        ws_.next_layer(), asio::buffer(failure_frame_),
        beast::bind_front_handler(&WebSocketSession::on_failure_close_sent, shared_from_this()));
}

void WebSocketSession::on_failure_close_sent(error_code ec, size_t) {
    if (ec) return finish();
    error_code ignored;
    beast::get_lowest_layer(ws_).socket().shutdown(tcp::socket::shutdown_send, ignored);
    close_deadline_.expires_after(kDrainDeadline);  // cancels the pending wait, which returns
    close_deadline_.async_wait(
        beast::bind_front_handler(&WebSocketSession::on_close_deadline, shared_from_this()));
    drain_pause_.emplace(ws_.get_executor());
    do_drain();
}

void WebSocketSession::do_drain(error_code ec) {
    if (ec || finished_) return finish();
    read_buffer_.consume(read_buffer_.size());
    ws_.next_layer().async_read_some(
        read_buffer_.prepare(kDrainChunkBytes),
        beast::bind_front_handler(&WebSocketSession::on_drain, shared_from_this()));
}

void WebSocketSession::on_drain(error_code ec, size_t bytes) {
    drained_ += bytes;
    if (ec || finished_ || drained_ >= kMaxDrainBytes) {
        read_buffer_ = beast::flat_buffer();
        return finish();
    }
    drain_pause_->expires_after(kDrainPause);
    drain_pause_->async_wait(
        [self = shared_from_this()](error_code wait_ec) { self->do_drain(wait_ec); });
}

void WebSocketSession::on_closed(error_code) {
    // The close handshake is over (or failed): either way the connection is done.
    finish();
}

void WebSocketSession::on_close_deadline(error_code ec) {
    if (ec == asio::error::operation_aborted) return;
    finish();
}

void WebSocketSession::finish() {
    if (finished_) return;
    finished_ = true;
    closing_.store(true);
    close_deadline_.cancel();
    if (drain_pause_) drain_pause_->cancel();
    beast::get_lowest_layer(ws_).close();  // cancels whatever is still pending
    // The frame in flight stays alive until on_write (the cancelled write still points at it).
    const size_t keep = writing_ && !burst_rest_in_flight_ ? 1 : 0;
    while (queue_.size() > keep) {
        release(queue_.back()->size());
        queue_.pop_back();
    }
    if (!opened_) return;
    server_.unregister_websocket(id_);
    server_.open_connections.fetch_sub(1, std::memory_order_relaxed);
    try {
        server_.handler.on_close(id_);
    } catch (...) {
    }
}

// ---- HttpSession ----

void HttpSession::start() {
    id_ = server_.register_http(shared_from_this());
    if (id_ == 0) {  // stopping
        error_code ec;
        stream_.socket().close(ec);
        return;
    }
    asio::dispatch(stream_.get_executor(),
                   beast::bind_front_handler(&HttpSession::do_read, shared_from_this()));
}

void HttpSession::shutdown() {
    asio::post(stream_.get_executor(), [self = shared_from_this()] { self->stream_.close(); });
}

void HttpSession::do_read() {
    parser_.emplace();
    parser_->header_limit(kMaxHttpHeaderBytes);
    parser_->body_limit(kMaxHttpBodyBytes);
    stream_.expires_after(server_.options.http_timeout);
    read_head();
}

// Reads until buffer_ holds the whole header block, checks it as bytes
// (has_obsolete_folding), then lets Beast parse it from buffer_ and read the body.
void HttpSession::read_head() {
    const std::string_view buffered(static_cast<const char*>(buffer_.data().data()),
                                    buffer_.size());
    const size_t end = buffered.find("\r\n\r\n");
    if (end != std::string_view::npos) {
        if (has_obsolete_folding(buffered.substr(0, end + 4))) {
            return reply_error(http::status::bad_request,
                               "obsolete line folding is not allowed (RFC 9112 section 5.2)\n");
        }
        return http::async_read(
            stream_, buffer_, *parser_,
            beast::bind_front_handler(&HttpSession::on_read, shared_from_this()));
    }
    if (buffer_.size() >= kMaxHttpHeaderBytes) {
        return reply_error(http::status::request_header_fields_too_large,
                           "request headers too large\n");
    }
    stream_.async_read_some(
        buffer_.prepare(kMaxHttpHeaderBytes - buffer_.size()),
        beast::bind_front_handler(&HttpSession::on_head_read, shared_from_this()));
}

void HttpSession::on_head_read(error_code ec, size_t bytes) {
    buffer_.commit(bytes);
    if (ec == asio::error::eof && buffer_.size() == 0) return do_close();
    if (ec) return;  // timeout, reset, a request cut short: dropping the session closes it
    read_head();
}

void HttpSession::on_read(error_code ec, size_t) {
    if (ec == http::error::end_of_stream) return do_close();
    if (ec == http::error::body_limit) {
        return reply_error(http::status::payload_too_large, "request body too large\n");
    }
    if (ec == http::error::header_limit) {
        return reply_error(http::status::request_header_fields_too_large,
                           "request headers too large\n");
    }
    if (ec && ec.category() == make_error_code(http::error::bad_method).category() &&
        ec != http::error::partial_message) {
        return reply_error(http::status::bad_request, "bad request\n");
    }
    if (ec) return;  // timeout, reset, peer gone, shutdown(): dropping the session closes it

    // RFC 9112 section 3.2: 400 for an HTTP/1.1 request without a Host header, and for any
    // request with more than one.
    const auto& request = parser_->get();
    const size_t hosts = request.count(http::field::host);
    if (hosts > 1 || (hosts == 0 && request.version() >= 11)) {
        return reply_error(http::status::bad_request,
                           "an HTTP/1.1 request needs exactly one Host header\n");
    }
    if (websocket::is_upgrade(request)) return upgrade();
    answer(request);
}

void HttpSession::upgrade() {
    const auto& head = parser_->get();
    // RFC 6455 section 4.2.2: a server that does not serve the requested resource answers
    // with an HTTP error such as 404. The path is everything before a '?'.
    const std::string_view target(head.target().data(), head.target().size());
    if (target.substr(0, target.find('?')) != server_.options.websocket_path) {
        return reply_error(http::status::not_found, "no WebSocket endpoint here: connect to " +
                                                        server_.options.websocket_path + "\n");
    }
    if (head.count(http::field::sec_websocket_key) != 1 ||
        !is_websocket_key(std::string_view(head[http::field::sec_websocket_key].data(),
                                           head[http::field::sec_websocket_key].size()))) {
        return reply_error(http::status::bad_request,
                           "Sec-WebSocket-Key must be the base64 encoding of 16 bytes\n");
    }
    auto request = parser_->release();
    // The socket keeps its strand; bytes a client sent after the upgrade request before the
    // 101 answer (none do) would be lost with buffer_.
    auto session =
        std::make_shared<WebSocketSession>(server_, stream_.release_socket(), remote_ip_);
    session->start(std::move(request));
}

void HttpSession::answer(const http::request<http::string_body>& request) {
    server_.http_requests.fetch_add(1, std::memory_order_relaxed);
    http::response<http::string_body> response{http::status::ok, request.version()};
    response.set(http::field::server, kServerName);
    response.keep_alive(request.keep_alive());
    const bool head = request.method() == http::verb::head;
    const bool post = request.method() == http::verb::post;
    if (request.method() != http::verb::get && !head && !post) {
        response.result(http::status::method_not_allowed);
        response.set(http::field::allow, "GET, HEAD, POST");
        response.set(http::field::content_type, "text/plain; charset=utf-8");
        response.body() = "method not allowed\n";
        response.prepare_payload();
        return write(std::move(response));
    }

    HttpRequest info{std::string(request.method_string()), std::string(request.target()),
                     std::string(request[http::field::accept]), remote_ip_, post ? request.body() : std::string()};
    const unsigned version = request.version();
    const bool keep_alive = request.keep_alive();
    if (post) {
        // Answered later (the hub's thread): nothing more is read from this connection
        // until the answer is written, on this session's executor.
        auto done = [self = shared_from_this(), version, keep_alive](HttpResponse answer) {
            asio::post(self->stream_.get_executor(), [self, version, keep_alive, answer = std::move(answer)]() mutable {
                self->reply(version, keep_alive, false, std::move(answer));
            });
        };
        try {
            server_.handler.on_http_post(info, std::move(done));
        } catch (...) {
            reply(version, keep_alive, false, HttpResponse{500, "text/plain; charset=utf-8", "internal error\n", {}});
        }
        return;
    }
    HttpResponse answer;
    try {
        answer = server_.handler.on_http(info);
    } catch (...) {
        answer = HttpResponse{500, "text/plain; charset=utf-8", "internal error\n", {}};
    }
    reply(version, keep_alive, head, std::move(answer));
}

void HttpSession::reply(unsigned version, bool keep_alive, bool head, HttpResponse reply) {
    http::response<http::string_body> response{http::status::ok, version};
    response.set(http::field::server, kServerName);
    response.keep_alive(keep_alive);
    const unsigned status = reply.status >= 100 && reply.status <= 999 ? reply.status : 500;
    response.result(status);
    if (!reply.content_type.empty()) response.set(http::field::content_type, reply.content_type);
    for (const auto& [name, value] : reply.headers) response.set(name, value);
    const size_t length = reply.body.size();
    if (!head) response.body() = std::move(reply.body);
    response.content_length(length);  // for HEAD: the length GET would send, no body
    write(std::move(response));
}

void HttpSession::reply_error(http::status status, std::string body) {
    http::response<http::string_body> response{status, 11};
    response.set(http::field::server, kServerName);
    response.set(http::field::content_type, "text/plain; charset=utf-8");
    response.keep_alive(false);  // the rest of the stream cannot be trusted
    response.body() = std::move(body);
    response.prepare_payload();
    write(std::move(response));
}

void HttpSession::write(http::response<http::string_body> response) {
    const bool close = response.need_eof();
    response_.emplace(std::move(response));
    stream_.expires_after(server_.options.http_timeout);
    http::async_write(stream_, *response_,
                      beast::bind_front_handler(&HttpSession::on_write, shared_from_this(), close));
}

void HttpSession::on_write(bool close, error_code ec, size_t) {
    response_.reset();
    if (ec) return;
    if (close) return do_close();
    do_read();
}

void HttpSession::do_close() {
    error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    // The socket closes when the last handler lets go of the session.
}

}  // namespace

// ---- Server::Impl ----

ConnectionId Server::Impl::register_websocket(const std::shared_ptr<WebSocketSession>& session) {
    std::lock_guard lock(mutex);
    if (stopping) return 0;
    const ConnectionId id = next_id++;
    websockets.emplace(id, session);
    return id;
}

void Server::Impl::unregister_websocket(ConnectionId id) {
    std::lock_guard lock(mutex);
    websockets.erase(id);
}

ConnectionId Server::Impl::register_http(const std::shared_ptr<HttpSession>& session) {
    std::lock_guard lock(mutex);
    if (stopping) return 0;
    const ConnectionId id = next_id++;
    http_sessions.emplace(id, session);
    return id;
}

void Server::Impl::unregister_http(ConnectionId id) {
    std::lock_guard lock(mutex);
    http_sessions.erase(id);
}

std::shared_ptr<WebSocketSession> Server::Impl::find_websocket(ConnectionId id) {
    std::lock_guard lock(mutex);
    auto it = websockets.find(id);
    return it == websockets.end() ? nullptr : it->second.lock();
}

void Server::Impl::do_accept() {
    acceptor.async_accept(asio::make_strand(io), beast::bind_front_handler(&Impl::on_accept, this));
}

void Server::Impl::on_accept(error_code ec, tcp::socket socket) {
    if (!acceptor.is_open()) return;  // stop()
    if (ec) {
        // E.g. out of file descriptors: retry later instead of spinning.
        accept_retry.expires_after(kAcceptRetryDelay);
        accept_retry.async_wait([this](error_code wait_ec) {
            if (!wait_ec && acceptor.is_open()) do_accept();
        });
        return;
    }
    error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored);  // small frames must not wait for Nagle
    std::make_shared<HttpSession>(*this, std::move(socket))->start();
    do_accept();
}

// ---- Server ----

Server::Server(ServerOptions options, ServerHandler& handler)
    : impl_(std::make_unique<Impl>(std::move(options), handler)) {}

Server::~Server() {
    stop();
}

Result<uint16_t> Server::listen() {
    Impl& s = *impl_;
    const std::string where =
        (s.options.address.find(':') != std::string::npos ? "[" + s.options.address + "]"
                                                          : s.options.address) +
        ":" + std::to_string(s.options.port);
    auto fail = [&](const error_code& ec) {
        std::string reason = ec.message();
        if (!reason.empty()) reason[0] = static_cast<char>(std::tolower(reason[0]));
        return make_error("listen_failed", "cannot listen on " + where + ": " + reason);
    };
    error_code ec;
    const auto address = asio::ip::make_address(s.options.address, ec);
    if (ec) return make_error("listen_failed", "cannot listen on " + where + ": invalid address");
    const tcp::endpoint endpoint(address, s.options.port);
    if (s.acceptor.open(endpoint.protocol(), ec)) return fail(ec);
    if (s.acceptor.set_option(asio::socket_base::reuse_address(true), ec)) return fail(ec);
    if (address.is_v6() && address.to_v6().is_unspecified()) {
        (void)s.acceptor.set_option(asio::ip::v6_only(false), ec);  // "::" serves IPv4 too
    }
    if (s.acceptor.bind(endpoint, ec) ||
        s.acceptor.listen(asio::socket_base::max_listen_connections, ec)) {
        error_code ignored;
        (void)s.acceptor.close(ignored);
        return fail(ec);
    }
    const uint16_t port = s.acceptor.local_endpoint(ec).port();
    if (ec) return fail(ec);
    asio::post(s.acceptor.get_executor(), [&s] { s.do_accept(); });
    return port;
}

void Server::run() {
    Impl& s = *impl_;
    auto loop = [&s] {
        for (;;) {
            try {
                s.io.run();
                return;
            } catch (...) {
                // A completion handler threw (only allocation failure can): keep serving.
            }
        }
    };
    std::vector<std::thread> extra;
    for (unsigned i = 1; i < s.options.threads; ++i) extra.emplace_back(loop);
    loop();
    for (auto& thread : extra) thread.join();
    // A stop() on another thread may still be returning: the caller may destroy the Server
    // as soon as run() returns.
    std::lock_guard wait_for_stop(s.stop_mutex);
}

void Server::stop() {
    Impl& s = *impl_;
    std::lock_guard stop_lock(s.stop_mutex);  // released last, after the locals below
    std::vector<std::shared_ptr<WebSocketSession>> websockets;
    std::vector<std::shared_ptr<HttpSession>> http_sessions;
    {
        std::lock_guard lock(s.mutex);
        if (s.stopping) return;
        s.stopping = true;
        for (auto& [id, weak] : s.websockets) {
            if (auto session = weak.lock()) websockets.push_back(std::move(session));
        }
        for (auto& [id, weak] : s.http_sessions) {
            if (auto session = weak.lock()) http_sessions.push_back(std::move(session));
        }
    }
    asio::post(s.acceptor.get_executor(), [&s] {
        error_code ignored;
        (void)s.acceptor.close(ignored);
        s.accept_retry.cancel();
    });
    for (auto& session : websockets) session->close(CloseCode::kGoingAway, "relay shutting down");
    for (auto& session : http_sessions) session->shutdown();
}

bool Server::send(ConnectionId id, std::shared_ptr<const std::string> text) {
    auto session = impl_->find_websocket(id);
    return session && session->send(std::move(text));
}

bool Server::send_all(ConnectionId id, std::vector<std::shared_ptr<const std::string>> texts) {
    auto session = impl_->find_websocket(id);
    return session && session->send_all(std::move(texts));
}

bool Server::send_binary(ConnectionId id, std::shared_ptr<const std::string> bytes) {
    auto session = impl_->find_websocket(id);
    return session && session->send_binary(std::move(bytes));
}

void Server::close(ConnectionId id, CloseCode code, std::string_view reason) {
    if (auto session = impl_->find_websocket(id)) session->close(code, reason);
}

TrafficStats Server::stats() const {
    const Impl& s = *impl_;
    auto get = [](const std::atomic<uint64_t>& counter) {
        return counter.load(std::memory_order_relaxed);
    };
    TrafficStats stats;
    stats.open_connections = get(s.open_connections);
    stats.accepted_connections = get(s.accepted_connections);
    stats.refused_connections = get(s.refused_connections);
    stats.slow_consumer_closes = get(s.slow_consumer_closes);
    stats.messages_in = get(s.messages_in);
    stats.bytes_in = get(s.bytes_in);
    stats.messages_out = get(s.messages_out);
    stats.bytes_out = get(s.bytes_out);
    stats.http_requests = get(s.http_requests);
    return stats;
}

}  // namespace datt::relay
