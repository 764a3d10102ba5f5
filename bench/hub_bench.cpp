// The hub's payment throughput and latency, in process: the real Relay (writer, SQLite with
// synchronous=FULL: every commit fsynced) and the real Hub, with payer and payee clients that
// are core/channel machines exchanging binary frames through the ServerHandler calls the
// network layer makes (no sockets: what it measures is the hub, its machine and its commits;
// loopback WebSockets add their own cost on top).
//
// `datt_hub_bench [pairs] [payments per pair] [in flight per pair]`: each pair is a payer A
// and a payee B with a channel each; all pairs pay at once. Every pair pays in rounds of k
// payments (k = in flight per pair, 1 by default, at most 30: the channels' HTLC limit): A
// sends k update_add_htlc and one commitment_signed, as a client tipping several posts at
// once; the round ends when A holds the k fulfilments and every side is quiet (A -> hub:
// adds, commitment_signed, revoke_and_ack both ways; hub -> B the same; B's fulfils back
// both hops). The clients, like the hub, sign once for everything a batch of frames left to
// sign. Prints payments/s over all pairs; the latency p50/p99 of one payment, from its add
// until its round is quiet (with k = 1: until A holds the fulfilment and all is quiet), and
// until A holds its fulfilment; the
// process's CPU time per payment (hub, writer and the clients' machines together: all in
// this process), and by thread: the hub thread's (the hub's own capacity), the writer's and
// the bench clients' (this thread: the payers' and payees' machines); the hub's WriteHubs
// per payment (each is at most one commit, one fsync; the writer may join several); and the resident memory the channels added, per channel (the
// hub's and the bench clients' copies together: an upper bound for the hub). A fourth
// argument `trace` (one pair) adds where the time of a payment goes (hub_trace.h) and the
// marks of the last payment.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <fstream>
#include <pthread.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>
#include <vector>

#include "bitcoin/script_templates.h"
#include "channel/channel_frame.h"
#include "channel/funding.h"
#include "channel/hop_payload.h"
#include "channel/hub_fees.h"
#include "crypto/sha256.h"
#include "engine/relay.h"
#include "hub/hub.h"
#include "hub_trace.h"
#include "store/sqlite_store.h"

using namespace datt;
using namespace datt::relay;
using bitcoin::Msats;
using bitcoin::Sats;

namespace {

// `fill` everywhere but the first two bytes: `second`, then `third` (pairs past 255 differ
// there: their seeds, temporary ids and funding inputs stay distinct).
Hash256 filled(uint8_t fill, uint8_t second = 0, uint8_t third = 0) {
    Hash256 out{};
    out.fill(fill);
    out[0] = second;
    out[1] = third;
    return out;
}

// Binary frames per connection, for the clients to read.
class Frames final : public Outbox {
  public:
    bool send(ConnectionId, std::shared_ptr<const std::string>) override { return true; }
    bool send_all(ConnectionId, std::vector<std::shared_ptr<const std::string>>) override { return true; }
    bool send_binary(ConnectionId id, std::shared_ptr<const std::string> bytes) override {
        std::lock_guard lock(mutex_);
        queues_[id].push_back(std::move(bytes));
        changed_.notify_all();
        return true;
    }
    void close(ConnectionId, CloseCode, std::string_view) override {}
    TrafficStats stats() const override { return {}; }
    // Every frame queued for `id`, waiting up to `wait` for one.
    std::deque<std::shared_ptr<const std::string>> take(ConnectionId id, std::chrono::milliseconds wait) {
        std::unique_lock lock(mutex_);
        changed_.wait_for(lock, wait, [&] { return !queues_[id].empty(); });
        return std::exchange(queues_[id], {});
    }
    void wait_any(std::chrono::milliseconds wait) {
        std::unique_lock lock(mutex_);
        changed_.wait_for(lock, wait, [&] {
            for (auto& [id, q] : queues_) {
                if (!q.empty()) return true;
            }
            return false;
        });
    }

  private:
    std::mutex mutex_;
    std::condition_variable changed_;
    std::map<ConnectionId, std::deque<std::shared_ptr<const std::string>>> queues_;
};

struct Client {
    ConnectionId conn = 0;
    channel::ChannelSecrets secrets;
    std::optional<channel::Channel> state;
    std::optional<Hash256> preimage;  // payee: released for its hash
    // Payer: when each payment of the current round came back fulfilled.
    std::vector<std::chrono::steady_clock::time_point> fulfilled;
    std::string error;
};

// Resident set size in KiB (Linux /proc/self/status VmRSS).
long rss_kib() {
    std::ifstream status("/proc/self/status");
    std::string line;
    while (std::getline(status, line)) {
        if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
    }
    return 0;
}

// User + system CPU seconds of the whole process.
double cpu_seconds() {
    rusage usage{};
    ::getrusage(RUSAGE_SELF, &usage);
    return static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
           static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

// The CPU clock of the thread that first calls `capture` (the hub thread from its write
// hook, the writer from its commit callback): their share of the process's CPU.
class ThreadClock {
  public:
    void capture() {
        std::call_once(once_, [this] {
            clockid_t id{};
            if (::pthread_getcpuclockid(::pthread_self(), &id) == 0) id_ = id;
        });
    }
    double seconds() const {
        if (!id_) return 0;
        timespec t{};
        ::clock_gettime(*id_, &t);
        return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) / 1e9;
    }

  private:
    std::once_flag once_;
    std::optional<clockid_t> id_;
};

double this_thread_cpu_seconds() {
    timespec t{};
    ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) / 1e9;
}

Relay* g_relay = nullptr;
Frames* g_frames = nullptr;
Trace* g_trace = nullptr;  // with `trace` only

std::string who(const Client& c) { return c.conn >= 2'000'000 ? "B" : "A"; }

void send(Client& c, const channel::Message& m) {
    if (g_trace) {
        g_trace->mark(Trace::Kind::kSent, who(c) + " sends " + Trace::name(static_cast<uint16_t>(channel::message_type(m))));
    }
    const Bytes bytes = channel::frame_bytes(m);
    g_relay->on_binary(c.conn, std::string(bytes.begin(), bytes.end()));
}

bool take(Client& c, const Result<channel::Step>& step) {
    if (!step) {
        c.error = step.error().code;
        return false;
    }
    c.state = step->channel;
    for (const auto& m : step->to_send) send(c, m);
    for (const auto& e : step->events) {
        if (const auto* received = std::get_if<channel::HtlcReceived>(&e)) {
            if (c.preimage) take(c, channel::fulfill_htlc(*c.state, received->add.id, *c.preimage));
        } else if (std::holds_alternative<channel::HtlcFulfilled>(e)) {
            c.fulfilled.push_back(std::chrono::steady_clock::now());
        }
    }
    return true;
}

// One commitment_signed for whatever the client's last steps left to sign.
void sign(Client& c) {
    if (channel::has_changes_to_sign(*c.state)) take(c, channel::sign_commitment(*c.state, c.secrets));
}

// Every frame waiting for `c`; false if none came within `wait`.
bool pump(Client& c, std::chrono::milliseconds wait) {
    auto frames = g_frames->take(c.conn, wait);
    if (g_trace && !frames.empty()) g_trace->mark(Trace::Kind::kRead, who(c) + " reads " + std::to_string(frames.size()));
    for (auto& f : frames) {
        auto parsed = channel::parse_frame(ByteSpan(reinterpret_cast<const uint8_t*>(f->data()), f->size()));
        if (!parsed) {
            c.error = parsed.error().code;
            continue;
        }
        if (const auto* e = std::get_if<channel::ErrorMessage>(&parsed->message())) {
            c.error = std::string(e->data.begin(), e->data.end());
            continue;
        }
        take(c, channel::receive(*c.state, c.secrets, parsed->message()));
    }
    sign(c);
    return !frames.empty();
}

bool quiet(const channel::Channel& c) {
    return c.local_proposed.empty() && c.remote_proposed.empty() && !c.remote_next_commit && c.local_signed.empty() &&
           c.remote_signed.empty() && c.local_acked.empty() && c.remote_acked.empty() &&
           channel::current_local_spec(c)->htlcs.empty();
}

bool open(Client& c, ConnectionId conn, uint8_t tag, uint8_t high, Msats push) {
    c.conn = conn;
    g_relay->on_open(conn, "127.0.0.1");
    const channel::OpenParams params{filled(0x06), filled(tag, 1, high), Sats{10'000'000}, push, 2'500,
                                     channel::ChannelConfig{Sats{546}, Msats{9'000'000'000}, Sats{10'000}, Msats{1}, 144, 30},
                                     bitcoin::p2wpkh_script(c.secrets.funding_pubkey()),
                                     channel::ClosingFeeRange{Sats{500}, Sats{5'000}}};
    if (!take(c, channel::open_channel(c.secrets, params))) return false;
    while (c.state->phase == channel::ChannelPhase::kAwaitingAccept) {
        if (!pump(c, std::chrono::seconds(10))) return false;
    }
    bitcoin::Transaction tx;
    tx.inputs.push_back(bitcoin::TxIn{{filled(tag, 2, high), 0}, {}, 0xfffffffd, {}});
    tx.outputs.push_back(channel::funding_output(Sats{10'000'000}, c.secrets.funding_pubkey(), *c.state->remote_funding_pubkey));
    if (!take(c, channel::funding_created(*c.state, c.secrets, {bitcoin::txid(tx), 0}))) return false;
    while (c.state->phase != channel::ChannelPhase::kOpen) {
        if (!pump(c, std::chrono::seconds(10))) return false;
    }
    if (!take(c, channel::send_channel_ready(*c.state, c.secrets))) return false;
    while (!channel::can_update(*c.state)) {
        if (!pump(c, std::chrono::seconds(10))) return false;
    }
    return true;
}

}  // namespace

int main(int argc, char** argv) {
    const size_t pairs = argc > 1 ? std::stoul(argv[1]) : 8;
    const size_t per_pair = argc > 2 ? std::stoul(argv[2]) : 200;
    const size_t in_flight = argc > 3 ? std::stoul(argv[3]) : 1;
    if (in_flight < 1 || in_flight > 30 || per_pair % in_flight != 0) {
        return std::fprintf(stderr, "in flight per pair: 1 to 30, dividing the payments per pair\n"), 1;
    }
    Trace trace;
    const bool tracing = argc > 4 && std::string(argv[4]) == "trace";
    const auto dir = std::filesystem::temp_directory_path() / ("datt-hub-bench-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    Config config;
    config.database = (dir / "hub.sqlite3").string();
    config.hub = true;
    config.hub_minimum_depth = 0;
    config.hub_max_channels = 4;
    config.hub_messages_per_second = 1e6;
    config.max_connections_per_ip = 100000;
    {
        auto store = open_sqlite_store(config.database);  // durable: synchronous=FULL
        if (!store) return std::fprintf(stderr, "%s\n", store.error().message.c_str()), 1;
        Frames frames;
        Relay relay(config, **store);
        auto reader = (*store)->open_reader();
        hub::HubOptions options;
        options.chain_hash = filled(0x06);
        std::atomic<uint64_t> writes{0};
        ThreadClock hub_clock, writer_clock;
        auto made = hub::Hub::make(config, options, **reader,
                                   [&](WriteHub w) {
                                       const uint64_t n = ++writes;
                                       hub_clock.capture();
                                       w.committed = [&writer_clock, committed = std::move(w.committed)](bool ok) {
                                           writer_clock.capture();
                                           committed(ok);
                                       };
                                       if (g_trace) {
                                           g_trace->mark(Trace::Kind::kHanded, "hub hands WriteHub " + std::to_string(n) + " (" +
                                                                                   std::to_string(w.commands.size()) + " commands)");
                                           w.committed = [n, committed = std::move(w.committed)](bool ok) {
                                               g_trace->mark(Trace::Kind::kCommitted, "WriteHub " + std::to_string(n) + " committed");
                                               committed(ok);
                                           };
                                       }
                                       return relay.write_hub(std::move(w));
                                   },
                                   nullptr, frames);
        if (!made) return std::fprintf(stderr, "%s\n", made.error().message.c_str()), 1;
        relay.attach_channels(made->get());
        (void)relay.start(frames);
        (*made)->start();
        g_relay = &relay;
        g_frames = &frames;

        std::vector<Client> payers, payees;
        for (size_t i = 0; i < pairs; ++i) {
            payers.push_back({0, channel::ChannelSecrets::from_seed(filled(static_cast<uint8_t>(i), 10, static_cast<uint8_t>(i >> 8))).value(), {}, {}, {}, {}});
            payees.push_back({0, channel::ChannelSecrets::from_seed(filled(static_cast<uint8_t>(i), 11, static_cast<uint8_t>(i >> 8))).value(), {}, {}, {}, {}});
        }
        const long rss_before = rss_kib();
        for (size_t i = 0; i < pairs; ++i) {
            if (!open(payers[i], 1'000'000 + i, static_cast<uint8_t>(2 * i), static_cast<uint8_t>((2 * i) >> 8),
                      Msats{0}) ||
                !open(payees[i], 2'000'000 + i, static_cast<uint8_t>(2 * i + 1),
                      static_cast<uint8_t>((2 * i + 1) >> 8), Msats{5'000'000'000})) {
                std::fprintf(stderr, "open failed: %s %s\n", payers[i].error.c_str(), payees[i].error.c_str());
                return 1;
            }
            payees[i].preimage = filled(0x77);
        }
        const long rss_open = rss_kib();
        const Hash256 hash = crypto::sha256(filled(0x77));
        const Msats amount{1'000'000};  // 1,000 sat
        const auto with_fee = *channel::amount_with_fee({Msats{config.hub_base_fee_msat}, config.hub_fee_ppm}, amount);
        std::vector<size_t> done(pairs, 0);
        std::vector<std::chrono::steady_clock::time_point> started(pairs);
        std::vector<double> latencies, to_fulfilment;
        // A round: k adds, one commitment_signed.
        auto pay = [&](size_t i) {
            payers[i].fulfilled.clear();
            started[i] = std::chrono::steady_clock::now();
            const auto onion = channel::serialize_hop_payload({false, payees[i].state->channel_id, amount, 1000});
            for (size_t k = 0; k < in_flight; ++k) {
                take(payers[i], channel::add_htlc(*payers[i].state, with_fee, hash, 1040, onion, 0));
            }
            sign(payers[i]);
        };
        if (tracing) g_trace = &trace;
        std::chrono::steady_clock::time_point last_round, last_done;
        const auto begin = std::chrono::steady_clock::now();
        const double cpu_begin = cpu_seconds();
        const double hub_cpu_begin = hub_clock.seconds(), writer_cpu_begin = writer_clock.seconds();
        const double clients_cpu_begin = this_thread_cpu_seconds();
        const uint64_t writes_begin = writes.load();
        for (size_t i = 0; i < pairs; ++i) pay(i);
        size_t finished = 0;
        while (finished < pairs) {
            g_frames->wait_any(std::chrono::milliseconds(5));
            for (size_t i = 0; i < pairs; ++i) {
                if (done[i] == per_pair) continue;
                pump(payers[i], std::chrono::milliseconds(0));
                pump(payees[i], std::chrono::milliseconds(0));
                if (!payers[i].error.empty() || !payees[i].error.empty()) {
                    std::fprintf(stderr, "pair %zu: %s %s\n", i, payers[i].error.c_str(), payees[i].error.c_str());
                    return 1;
                }
                if (payers[i].fulfilled.size() == in_flight && quiet(*payers[i].state) && quiet(*payees[i].state)) {
                    const auto now = std::chrono::steady_clock::now();
                    last_round = started[i];
                    last_done = now;
                    for (const auto& at : payers[i].fulfilled) {
                        latencies.push_back(std::chrono::duration<double, std::milli>(now - started[i]).count());
                        to_fulfilment.push_back(std::chrono::duration<double, std::milli>(at - started[i]).count());
                    }
                    done[i] += in_flight;
                    if (done[i] == per_pair) {
                        ++finished;
                    } else {
                        pay(i);
                    }
                }
            }
            if (std::chrono::steady_clock::now() - begin > std::chrono::minutes(5)) {
                std::fprintf(stderr, "timed out\n");
                return 1;
            }
        }
        const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count();
        const double cpu = cpu_seconds() - cpu_begin;
        const double hub_cpu = hub_clock.seconds() - hub_cpu_begin;
        const double writer_cpu = writer_clock.seconds() - writer_cpu_begin;
        const double clients_cpu = this_thread_cpu_seconds() - clients_cpu_begin;
        const double write_count = static_cast<double>(writes.load() - writes_begin);
        std::sort(latencies.begin(), latencies.end());
        std::sort(to_fulfilment.begin(), to_fulfilment.end());
        std::printf("hub: %zu pairs x %zu payments, %zu in flight per pair, durable SQLite (synchronous=FULL)\n",
                    pairs, per_pair, in_flight);
        std::printf("payments/s: %.0f\n", static_cast<double>(latencies.size()) / seconds);
        std::printf("latency ms: p50 %.2f  p99 %.2f\n", latencies[latencies.size() / 2],
                    latencies[latencies.size() * 99 / 100]);
        std::printf("to fulfilment ms: p50 %.2f  p99 %.2f\n", to_fulfilment[to_fulfilment.size() / 2],
                    to_fulfilment[to_fulfilment.size() * 99 / 100]);
        const double payments = static_cast<double>(latencies.size());
        std::printf("cpu per payment: %.2f ms (process, all threads)\n", 1000.0 * cpu / payments);
        std::printf("cpu per payment by thread: hub %.2f ms, writer %.2f ms, bench clients %.2f ms\n",
                    1000.0 * hub_cpu / payments, 1000.0 * writer_cpu / payments, 1000.0 * clients_cpu / payments);
        std::printf("hub WriteHubs per payment: %.2f\n", write_count / payments);
        std::printf("rss per channel: %.1f KiB (%zu channels at the hub, bench clients included)\n",
                    static_cast<double>(rss_open - rss_before) / static_cast<double>(2 * pairs), 2 * pairs);
        if (tracing) {
            trace.print_totals(begin, payments);
            std::printf("the last payment:\n");
            trace.print_marks(last_round, last_done);
        }
        (*made)->stop();
        relay.shutdown();
        g_trace = nullptr;
    }
    std::filesystem::remove_all(dir);
    return 0;
}
