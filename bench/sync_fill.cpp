// Fills two relay databases for the NIP-77 relay benchmark (bench/sync_load.mjs): N events
// in all, of which D differ (D/2 only in A, D/2 only in B, spread evenly over time),
// written through the store (not
// durable: this is setup, not the measurement). The shared events are signed and written
// once, then the closed file is copied, so filling both costs little more than one.
//
//   datt_sync_fill --events 1000000 --differ 1000 --a A.sqlite3 --b B.sqlite3
//
// Events: kind 1, 1,000 authors, one `t` tag, short content, created_at over 30 days with
// many events per second (ties broken by id, as NIP-77 orders them).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "crypto/secp256k1.h"
#include "event/event.h"
#include "store/sqlite_store.h"

namespace {

using namespace datt;
using namespace datt::relay;
using Clock = std::chrono::steady_clock;

constexpr int kAuthors = 1000;
constexpr int64_t kStart = 1'700'000'000;
constexpr int64_t kSpan = 30 * 24 * 3600;

crypto::SecretKey author_key(int author) {
    std::array<uint8_t, 32> bytes{};
    bytes[0] = 0x11;
    bytes[30] = static_cast<uint8_t>(author >> 8);
    bytes[31] = static_cast<uint8_t>(author & 0xff);
    return *crypto::SecretKey::from_bytes(bytes);
}

// The events numbered `indices` (event i has created_at spread over 30 days by i), signed
// on `threads` threads.
std::vector<event::Event> make_events(const std::vector<size_t>& indices, size_t total,
                                      unsigned threads) {
    std::vector<std::optional<event::Event>> slots(indices.size());
    std::vector<crypto::SecretKey> keys;
    for (int a = 0; a < kAuthors; ++a) keys.push_back(author_key(a));
    std::vector<std::thread> workers;
    for (unsigned t = 0; t < threads; ++t) {
        workers.emplace_back([&, t] {
            const std::array<uint8_t, 32> aux{};
            for (size_t k = t; k < indices.size(); k += threads) {
                const size_t i = indices[k];
                const int64_t created_at = kStart + static_cast<int64_t>((i * kSpan) / total);
                event::Draft draft{created_at, 1, {{"t", "bench"}}, "event " + std::to_string(i)};
                auto signed_event = event::Event::sign(draft, keys[i % kAuthors], aux);
                if (!signed_event) std::abort();
                slots[k] = std::move(*signed_event);
            }
        });
    }
    for (auto& w : workers) w.join();
    std::vector<event::Event> out;
    out.reserve(slots.size());
    for (auto& slot : slots) out.push_back(std::move(*slot));
    return out;
}

void write(Store& store, const std::vector<event::Event>& events) {
    constexpr size_t kBatch = 20'000;
    for (size_t i = 0; i < events.size(); i += kBatch) {
        std::span<const event::Event> batch(events.data() + i, std::min(kBatch, events.size() - i));
        auto written = store.write_batch(batch);
        if (!written) {
            std::fprintf(stderr, "write failed: %s\n", written.error().message.c_str());
            std::exit(1);
        }
    }
}

std::unique_ptr<Store> open(const std::string& path) {
    auto store = open_sqlite_store(path, {.durable = false});
    if (!store) {
        std::fprintf(stderr, "%s: %s\n", path.c_str(), store.error().message.c_str());
        std::exit(1);
    }
    return std::move(*store);
}

}  // namespace

int main(int argc, char** argv) {
    size_t total = 1'000'000, differ = 1'000;
    std::string a, b;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string name = argv[i], value = argv[i + 1];
        if (name == "--events")
            total = std::stoull(value);
        else if (name == "--differ")
            differ = std::stoull(value);
        else if (name == "--a")
            a = value;
        else if (name == "--b")
            b = value;
    }
    if (a.empty() || b.empty() || differ > total) {
        std::fprintf(stderr,
                     "usage: datt_sync_fill --events N --differ D --a A.sqlite3 --b B.sqlite3\n");
        return 2;
    }
    const unsigned threads = std::max(1u, std::thread::hardware_concurrency());
    // The differing events are spread evenly over the whole range (every stride-th event),
    // alternately only in A and only in B; all others are in both.
    const size_t stride = differ == 0 ? total + 1 : total / differ;
    std::vector<size_t> only_a, only_b;
    auto differs = [&](size_t i) {
        return differ > 0 && i % stride == stride / 2 && i / stride < differ;
    };
    for (size_t i = 0; i < total; ++i) {
        if (differs(i)) ((i / stride) % 2 == 0 ? only_a : only_b).push_back(i);
    }
    const size_t shared = total - only_a.size() - only_b.size();
    const auto started = Clock::now();
    {
        auto store = open(a);
        std::vector<size_t> chunk;
        for (size_t i = 0; i < total; ++i) {
            if (!differs(i)) chunk.push_back(i);
            if (chunk.size() == 100'000 || (i + 1 == total && !chunk.empty())) {
                write(*store, make_events(chunk, total, threads));
                chunk.clear();
            }
        }
    }
    std::filesystem::copy_file(a, b, std::filesystem::copy_options::overwrite_existing);
    {
        auto store = open(a);
        write(*store, make_events(only_a, total, threads));
    }
    {
        auto store = open(b);
        write(*store, make_events(only_b, total, threads));
    }
    std::printf("filled %s and %s: %zu shared events, %zu only in A, %zu only in B, %.1f s\n",
                a.c_str(), b.c_str(), shared, only_a.size(), only_b.size(),
                std::chrono::duration<double>(Clock::now() - started).count());
    return 0;
}
