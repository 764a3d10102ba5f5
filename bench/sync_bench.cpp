// core/sync (NIP-77 negentropy): reconciling two sets of a million items that differ by
// 1,000, and what one range fingerprint costs with ItemSet's strided sums against a pass
// over the range (the reference implementation's vector storage). docs/performance.md
// records the figures; docs/sync.md explains the choice.
//
// Sets: a million items, timestamps spread over two years, random ids (seeded).
// Reconciliation counters (one conversation each, computed before timing):
//   rounds          initiator messages (NEG-OPEN + NEG-MSGs) until it is done
//   bytes_up/down   message bytes initiator -> responder / back
//   bytes_per_diff  all message bytes / differing items
//   fp_ranges       Fingerprint ranges in all messages (each is computed by its sender and
//                   again by its receiver)
//   scan_items      items a pass-over-the-range fingerprint would have added for them
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <random>
#include <variant>
#include <vector>

#include "sync/fingerprint.h"
#include "sync/item_set.h"
#include "sync/message.h"
#include "sync/session.h"

namespace {

using namespace datt;
using namespace datt::sync;

constexpr size_t kItems = 1'000'000;
constexpr size_t kDifferences = 1'000;

Hash256 random_id(std::mt19937_64& rng) {
    Hash256 id;
    for (size_t i = 0; i < id.size(); i += 8) {
        const uint64_t word = rng();
        for (size_t j = 0; j < 8; ++j) id[i + j] = static_cast<uint8_t>(word >> (8 * j));
    }
    return id;
}

// The million items, sorted (as a store scan returns them).
const std::vector<Item>& universe() {
    static const std::vector<Item> items = [] {
        std::mt19937_64 rng(42);
        std::vector<Item> out(kItems);
        for (Item& item : out) item = {1'650'000'000 + rng() % 63'000'000, random_id(rng)};
        std::sort(out.begin(), out.end());
        return out;
    }();
    return items;
}

struct Pair {
    std::shared_ptr<const ItemSet> client;
    std::shared_ptr<const ItemSet> server;
};

// missing_only: the client lacks 1,000 of the server's million (a browser catching up);
// otherwise 1,000 of the million are split between the sides, 500 each, so each holds
// 999,500 and lacks 500 the other has (two relays after a partition).
Pair make_pair(bool missing_only) {
    std::mt19937_64 rng(7);
    std::vector<Item> client;
    std::vector<Item> server;
    client.reserve(kItems);
    server.reserve(kItems);
    std::vector<bool> differs(kItems, false);
    for (size_t chosen = 0; chosen < kDifferences;) {
        const size_t index = rng() % kItems;
        if (!differs[index]) {
            differs[index] = true;
            ++chosen;
        }
    }
    size_t seen = 0;
    for (size_t i = 0; i < kItems; ++i) {
        const Item& item = universe()[i];
        if (!differs[i]) {
            client.push_back(item);
            server.push_back(item);
        } else if (missing_only || seen++ % 2 == 0) {
            server.push_back(item);
        } else {
            client.push_back(item);
        }
    }
    return {std::make_shared<const ItemSet>(*ItemSet::from_items(std::move(client))),
            std::make_shared<const ItemSet>(*ItemSet::from_items(std::move(server)))};
}

const Pair& pair_for(bool missing_only) {
    static const Pair missing = make_pair(true);
    static const Pair both = make_pair(false);
    return missing_only ? missing : both;
}

struct Tally {
    size_t rounds = 0;
    size_t bytes_up = 0;
    size_t bytes_down = 0;
    size_t found = 0;
    size_t fingerprint_ranges = 0;
    size_t scan_items = 0;
};

// Fingerprint ranges of `message` as `set` sees them, and how many of its items they hold.
void count_fingerprints(const Bytes& message, const ItemSet& set, Tally& tally) {
    auto decoded = decode_message(message);
    size_t lower = 0;
    for (const Range& range : decoded->ranges) {
        const size_t upper = set.lower_bound(lower, range.upper);
        if (std::holds_alternative<Fingerprint>(range.payload)) {
            ++tally.fingerprint_ranges;
            tally.scan_items += upper - lower;
        }
        lower = upper;
    }
}

Tally reconcile(const Pair& pair, uint64_t frame_size_limit, bool count) {
    const Limits limits{.frame_size_limit = frame_size_limit};
    const auto initiator = *Initiator::create(pair.client, limits);
    const auto responder = *Responder::create(pair.server, limits);
    Tally tally;
    Bytes up = initiator.initiate();
    for (;;) {
        ++tally.rounds;
        tally.bytes_up += up.size();
        if (count) count_fingerprints(up, *pair.server, tally);
        const Bytes down = *responder.reconcile(up);
        tally.bytes_down += down.size();
        if (count) count_fingerprints(down, *pair.client, tally);
        auto step = *initiator.reconcile(down);
        tally.found += step.have.size() + step.need.size();
        if (step.done()) return tally;
        up = std::move(*step.next);
    }
}

// Args: {missing_only (1) or 500 each way (0), frame size limit}.
void BM_Reconcile1M(benchmark::State& state) {
    const Pair& pair = pair_for(state.range(0) == 1);
    const uint64_t limit = static_cast<uint64_t>(state.range(1));
    const Tally tally = reconcile(pair, limit, true);
    for (auto _ : state) benchmark::DoNotOptimize(reconcile(pair, limit, false));
    state.counters["rounds"] = static_cast<double>(tally.rounds);
    state.counters["bytes_up"] = static_cast<double>(tally.bytes_up);
    state.counters["bytes_down"] = static_cast<double>(tally.bytes_down);
    state.counters["bytes_per_diff"] =
        static_cast<double>(tally.bytes_up + tally.bytes_down) / kDifferences;
    state.counters["found"] = static_cast<double>(tally.found);
    state.counters["fp_ranges"] = static_cast<double>(tally.fingerprint_ranges);
    state.counters["scan_items"] = static_cast<double>(tally.scan_items);
}
BENCHMARK(BM_Reconcile1M)
    ->ArgNames({"missing_only", "frame_limit"})
    ->Args({1, 0})
    ->Args({1, 60'000})
    ->Args({1, 500'000})
    ->Args({0, 0})
    ->Args({0, 60'000})
    ->Args({0, 500'000})
    ->Unit(benchmark::kMillisecond);

// Building the set (sortedness check, duplicate check, strided sums) from a sorted scan.
void BM_ItemSetBuild1M(benchmark::State& state) {
    for (auto _ : state) {
        auto set = ItemSet::from_items(universe());
        benchmark::DoNotOptimize(set);
    }
    state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * kItems));
}
BENCHMARK(BM_ItemSetBuild1M)->Unit(benchmark::kMillisecond);

// One range fingerprint of the given length at random places in the million.
void BM_RangeFingerprintStrided(benchmark::State& state) {
    static const ItemSet set = *ItemSet::from_items(universe());
    const size_t length = static_cast<size_t>(state.range(0));
    std::mt19937_64 rng(1);
    for (auto _ : state) {
        const size_t begin = rng() % (kItems - length + 1);
        benchmark::DoNotOptimize(set.fingerprint(begin, begin + length));
    }
}
BENCHMARK(BM_RangeFingerprintStrided)->Arg(16)->Arg(244)->Arg(3906)->Arg(62'500)->Arg(1'000'000);

void BM_RangeFingerprintScan(benchmark::State& state) {
    const std::vector<Item>& items = universe();
    const size_t length = static_cast<size_t>(state.range(0));
    std::mt19937_64 rng(1);
    for (auto _ : state) {
        const size_t begin = rng() % (kItems - length + 1);
        benchmark::DoNotOptimize(
            fingerprint_of(std::span<const Item>(items).subspan(begin, length)));
    }
}
BENCHMARK(BM_RangeFingerprintScan)->Arg(16)->Arg(244)->Arg(3906)->Arg(62'500)->Arg(1'000'000);

}  // namespace

BENCHMARK_MAIN();
