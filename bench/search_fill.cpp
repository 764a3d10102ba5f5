// Fills one relay database with N searchable events for bench/relay_compare.mjs --database
// (NIP-50 search at 1M events without signing a million events in Node), written through
// the store in batches of 20,000 (not durable: this is setup, not the measurement).
//
//   datt_search_fill --events 1000000 --out FILE
//
// Events: the shape of relay_compare.mjs's data set: kind 1 from 500 authors, one of 1,000
// `t` topics, eight words out of the same 2,197 (three of 13 syllables) plus "event <i>",
// one second apart, stored in time order. The file has this tree's schema: to compare an
// older relay, fill with that tree's datt_search_fill (a newer relay migrates its file
// at start; an older one refuses a newer schema).

#include <array>
#include <chrono>
#include <cstdio>
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

constexpr int kAuthors = 500;
constexpr int kTopics = 1000;
constexpr int64_t kStart = 1'700'000'000;
constexpr std::array<const char*, 13> kSyllables = {"ka", "lo", "mi", "ne", "su", "ta", "ri",
                                                    "po", "ve", "zu", "da", "fe", "go"};

crypto::SecretKey author_key(int author) {
    std::array<uint8_t, 32> bytes{};
    bytes[0] = 0x22;
    bytes[30] = static_cast<uint8_t>(author >> 8);
    bytes[31] = static_cast<uint8_t>(author & 0xff);
    return *crypto::SecretKey::from_bytes(bytes);
}

std::string word(uint32_t n) {
    n %= 13 * 13 * 13;
    return std::string(kSyllables[n / 169]) + kSyllables[(n / 13) % 13] + kSyllables[n % 13];
}

// Events [from, to), signed on `threads` threads.
std::vector<event::Event> make_events(size_t from, size_t to, unsigned threads,
                                      const std::vector<crypto::SecretKey>& keys) {
    std::vector<std::optional<event::Event>> slots(to - from);
    std::vector<std::thread> workers;
    for (unsigned t = 0; t < threads; ++t) {
        workers.emplace_back([&, t] {
            const std::array<uint8_t, 32> aux{};
            for (size_t i = from + t; i < to; i += threads) {
                uint32_t x = static_cast<uint32_t>(i * 2654435761u) | 1u;  // xorshift32
                std::string content;
                for (int w = 0; w < 8; ++w) {
                    x ^= x << 13;
                    x ^= x >> 17;
                    x ^= x << 5;
                    content += word(x) + ' ';
                }
                content += "event " + std::to_string(i);
                event::Draft draft{kStart + static_cast<int64_t>(i),
                                   1,
                                   {{"t", "topic" + std::to_string(i % kTopics)}},
                                   content};
                auto signed_event = event::Event::sign(draft, keys[i % kAuthors], aux);
                if (!signed_event) std::abort();
                slots[i - from] = std::move(*signed_event);
            }
        });
    }
    for (auto& w : workers) w.join();
    std::vector<event::Event> out;
    out.reserve(slots.size());
    for (auto& slot : slots) out.push_back(std::move(*slot));
    return out;
}

}  // namespace

int main(int argc, char** argv) {
    size_t total = 1'000'000;
    std::string out;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string name = argv[i], value = argv[i + 1];
        if (name == "--events")
            total = std::stoull(value);
        else if (name == "--out")
            out = value;
    }
    if (out.empty()) {
        std::fprintf(stderr, "usage: datt_search_fill --events N --out FILE\n");
        return 2;
    }
    const auto started = std::chrono::steady_clock::now();
    std::vector<crypto::SecretKey> keys;
    for (int a = 0; a < kAuthors; ++a) keys.push_back(author_key(a));
    const unsigned threads = std::max(1u, std::thread::hardware_concurrency());
    {
        auto store = open_sqlite_store(out, {.durable = false});
        if (!store) {
            std::fprintf(stderr, "%s: %s\n", out.c_str(), store.error().message.c_str());
            return 1;
        }
        constexpr size_t kBatch = 20'000;
        for (size_t i = 0; i < total; i += kBatch) {
            const auto events = make_events(i, std::min(total, i + kBatch), threads, keys);
            auto written = (*store)->write_batch(events);
            if (!written) {
                std::fprintf(stderr, "write failed: %s\n", written.error().message.c_str());
                return 1;
            }
        }
    }
    std::printf("filled %s with %zu events in %.1f s\n", out.c_str(), total,
                std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
    return 0;
}
