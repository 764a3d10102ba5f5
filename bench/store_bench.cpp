// SQLite event store benchmark: durable write throughput in batches, then query latency
// (p50/p99) for filters that return `limit` events each.
//
//   datt_store_bench [--events N] [--queries Q] [--limit L] [--dir DIR] [--keep]
//                    [--not-durable]   (synchronous=NORMAL, to see what the fsyncs cost)
//
// Events are signed before anything is timed. The data set imitates a busy community:
// 500 authors, kinds 1 (posts), 1111 (comments) and 7 (votes), a `t` topic on posts, `e`
// and `p` tags on comments and votes pointing at 1,000 thread roots, content drawn from a
// 1,000-word vocabulary, created_at rising over 30 days in arrival order (plus or minus
// five minutes), as a live relay receives them.
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "event/event.h"
#include "proto/filter.h"
#include "store/sqlite_store.h"
#include "util/hex.h"

namespace {

using namespace datt;
using Clock = std::chrono::steady_clock;

struct Options {
    size_t events = 100'000;
    size_t queries = 1'000;
    size_t limit = 100;
    std::string dir;
    bool keep = false;
    bool durable = true;
};

constexpr int kAuthors = 500;
constexpr int kTopics = 50;
constexpr int kRoots = 1000;
constexpr int kWords = 1000;
constexpr int64_t kStart = 1'700'000'000;
constexpr int64_t kSpan = 30 * 24 * 3600;

std::string word(int i) {
    // Distinct words: "w" followed by the base-26 digits of i.
    std::string w = "w";
    do {
        w += static_cast<char>('a' + i % 26);
        i /= 26;
    } while (i);
    return w;
}

double seconds_since(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

struct Latency {
    std::string name;
    std::vector<double> micros;
    size_t results = 0;
};

void print(Latency& l) {
    std::sort(l.micros.begin(), l.micros.end());
    const auto at = [&](double q) {
        return l.micros[static_cast<size_t>(q * (l.micros.size() - 1))];
    };
    std::printf("  %-34s p50 %8.0f us   p99 %8.0f us   max %8.0f us   avg results %.1f\n",
                l.name.c_str(), at(0.5), at(0.99), l.micros.back(),
                static_cast<double>(l.results) / l.micros.size());
}

int run(const Options& options) {
    std::mt19937_64 rng(7);
    const auto pick = [&](int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng); };

    std::vector<crypto::SecretKey> keys;
    std::vector<ByteArray<32>> pubkeys;
    for (int i = 0; i < kAuthors; ++i) {
        std::array<uint8_t, 32> bytes{};
        bytes[0] = 0x42;
        bytes[30] = static_cast<uint8_t>((i + 1) >> 8);
        bytes[31] = static_cast<uint8_t>(i + 1);
        keys.push_back(*crypto::SecretKey::from_bytes(bytes));
        pubkeys.push_back(crypto::xonly_pubkey(keys.back()).bytes());
    }
    std::vector<std::string> roots;
    for (int i = 0; i < kRoots; ++i) {
        Hash256 id;
        for (auto& b : id) b = static_cast<uint8_t>(rng());
        roots.push_back(to_hex(id));
    }

    std::printf("signing %zu events...\n", options.events);
    auto sign_start = Clock::now();
    std::vector<event::Event> events;
    events.reserve(options.events);
    const std::array<uint8_t, 32> aux{};
    for (size_t i = 0; i < options.events; ++i) {
        const int author = pick(kAuthors);
        const int r = pick(10);
        event::Draft draft;
        // Live traffic: created_at follows arrival order, give or take a few minutes.
        draft.created_at = kStart +
                           static_cast<int64_t>(i) * kSpan / static_cast<int64_t>(options.events) +
                           pick(600) - 300;
        draft.kind = r < 5 ? 1 : r < 8 ? 7 : 1111;
        if (draft.kind == 1) {
            draft.tags.push_back({"t", "topic" + std::to_string(pick(kTopics))});
        } else {
            draft.tags.push_back({"e", roots[pick(kRoots)]});
            draft.tags.push_back({"p", to_hex(pubkeys[pick(kAuthors)])});
        }
        if (draft.kind == 7) {
            draft.content = "+";
        } else {
            for (int w = 0; w < 8; ++w) {
                if (w) draft.content += ' ';
                draft.content += word(pick(kWords));
            }
            draft.content += " #" + std::to_string(i);
        }
        auto signed_event = event::Event::sign(draft, keys[author], aux);
        if (!signed_event) {
            std::fprintf(stderr, "sign failed: %s\n", signed_event.error().message.c_str());
            return 1;
        }
        events.push_back(std::move(signed_event).value());
    }
    std::printf("  %.1f s\n", seconds_since(sign_start));

    std::filesystem::path dir = options.dir;
    const bool temporary = dir.empty();
    if (temporary) {
        dir = std::filesystem::temp_directory_path() /
              ("datt-store-bench-" + std::to_string(::getpid()));
    }
    std::filesystem::create_directories(dir);
    const std::string path = (dir / "bench.sqlite3").string();
    std::filesystem::remove(path);
    std::filesystem::remove(path + "-wal");
    std::filesystem::remove(path + "-shm");

    auto store = relay::open_sqlite_store(path, {.durable = options.durable});
    if (!store) {
        std::fprintf(stderr, "%s\n", store.error().message.c_str());
        return 1;
    }
    std::printf("writing in batches of 1000 (WAL, synchronous=%s)...\n",
                options.durable ? "FULL" : "NORMAL");
    std::vector<double> batch_ms;
    const auto write_start = Clock::now();
    for (size_t start = 0; start < events.size(); start += 1000) {
        const size_t n = std::min<size_t>(1000, events.size() - start);
        const auto batch_start = Clock::now();
        auto outcomes = (*store)->write_batch(std::span(events.data() + start, n));
        batch_ms.push_back(seconds_since(batch_start) * 1000);
        if (!outcomes) {
            std::fprintf(stderr, "write failed: %s\n", outcomes.error().message.c_str());
            return 1;
        }
    }
    const double write_seconds = seconds_since(write_start);
    std::sort(batch_ms.begin(), batch_ms.end());
    std::printf("  %.0f events/s (%.2f s; batch p50 %.1f ms, max %.1f ms); database %.1f MB\n",
                static_cast<double>(events.size()) / write_seconds, write_seconds,
                batch_ms[batch_ms.size() / 2], batch_ms.back(),
                static_cast<double>((*store)->size_bytes()) / 1e6);

    auto reader = (*store)->open_reader();
    if (!reader) {
        std::fprintf(stderr, "%s\n", reader.error().message.c_str());
        return 1;
    }
    const auto measure = [&](const std::string& name, auto make_filter) {
        Latency latency{name, {}, 0};
        for (size_t q = 0; q < options.queries; ++q) {
            proto::Filter filter = make_filter();
            filter.limit = static_cast<uint32_t>(options.limit);
            const auto start = Clock::now();
            auto result = (*reader)->query(filter, 500);
            latency.micros.push_back(seconds_since(start) * 1e6);
            if (!result) {
                std::fprintf(stderr, "query failed: %s\n", result.error().message.c_str());
                std::exit(1);
            }
            latency.results += result->size();
        }
        print(latency);
    };
    std::printf("queries, limit %zu, %zu each (one reader, warm cache):\n", options.limit,
                options.queries);
    measure("authors: 1", [&] {
        proto::Filter f;
        f.authors = std::vector<ByteArray<32>>{pubkeys[pick(kAuthors)]};
        return f;
    });
    measure("kinds: 1 (until random)", [&] {
        proto::Filter f;
        f.kinds = std::vector<event::Kind>{1};
        f.until = kStart + pick(static_cast<int>(kSpan));
        return f;
    });
    measure("#t: 1 topic", [&] {
        proto::Filter f;
        f.tags.push_back({'t', {"topic" + std::to_string(pick(kTopics))}});
        return f;
    });
    // Half the events (kinds 7 and 1111) name one of kRoots roots; 70% (kinds 1 and 1111)
    // have 8 words from kWords.
    const size_t per_root = options.events / 2 / kRoots;
    const size_t per_word = options.events * 7 / 10 * 8 / kWords;
    measure("#e: 1 root (~" + std::to_string(per_root) + " events)", [&] {
        proto::Filter f;
        f.tags.push_back({'e', {roots[pick(kRoots)]}});
        return f;
    });
    measure("search: 1 word (~" + std::to_string(per_word) + " matches)", [&] {
        proto::Filter f;
        f.search = word(pick(kWords));
        return f;
    });
    measure("search: 2 words", [&] {
        proto::Filter f;
        f.search = word(pick(kWords)) + " " + word(pick(kWords));
        return f;
    });
    measure("authors: 50, kinds [1,1111]", [&] {
        proto::Filter f;
        f.authors.emplace();
        for (int i = 0; i < 50; ++i) f.authors->push_back(pubkeys[pick(kAuthors)]);
        f.kinds = std::vector<event::Kind>{1, 1111};
        return f;
    });
    measure("#e: 20 roots, kinds [7]", [&] {
        proto::Filter f;
        proto::TagCondition condition{'e', {}};
        for (int i = 0; i < 20; ++i) condition.values.push_back(roots[pick(kRoots)]);
        f.tags.push_back(std::move(condition));
        f.kinds = std::vector<event::Kind>{7};
        return f;
    });
    measure("{} (global feed)", [] { return proto::Filter{}; });

    std::vector<double> count_micros;
    for (size_t q = 0; q < options.queries; ++q) {
        proto::Filter f;
        f.tags.push_back({'e', {roots[pick(kRoots)]}});
        f.kinds = std::vector<event::Kind>{7};
        const auto start = Clock::now();
        auto n = (*reader)->count({f});
        count_micros.push_back(seconds_since(start) * 1e6);
        if (!n) return 1;
    }
    Latency counts{"count #e: 1 root, kinds [7]", count_micros, 0};
    print(counts);

    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    std::printf("peak RSS %.0f MB (includes the %zu signed events held in memory)\n",
                usage.ru_maxrss / 1024.0, events.size());
    reader->reset();
    store->reset();
    if (temporary && !options.keep) std::filesystem::remove_all(dir);
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    Options options;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        const auto next = [&]() -> std::string {
            if (i + 1 >= argc) {
                std::fprintf(stderr, "%s needs a value\n", arg.c_str());
                std::exit(2);
            }
            return argv[++i];
        };
        if (arg == "--events") {
            options.events = std::stoul(next());
        } else if (arg == "--queries") {
            options.queries = std::stoul(next());
        } else if (arg == "--limit") {
            options.limit = std::stoul(next());
        } else if (arg == "--dir") {
            options.dir = next();
        } else if (arg == "--not-durable") {
            options.durable = false;
        } else if (arg == "--keep") {
            options.keep = true;
        } else {
            std::fprintf(stderr,
                         "usage: datt_store_bench [--events N] [--queries Q] [--limit L] "
                         "[--dir DIR] [--keep] [--not-durable]\n");
            return 2;
        }
    }
    return run(options);
}
