// NIP-01 events: id, signing and the full validation of untrusted JSON.
#include <benchmark/benchmark.h>

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "crypto/xonly_key_cache.h"
#include "event/canonical.h"
#include "event/event.h"
#include "sample_event.h"

namespace {

using namespace datt;

const std::array<uint8_t, 32> kAuxRand{};

void BM_EventId(benchmark::State& state) {
    const event::Draft draft = bench::sample_comment();
    const ByteArray<32> pubkey = crypto::xonly_pubkey(bench::sample_secret_key()).bytes();
    state.counters["canonical_bytes"] =
        static_cast<double>(event::canonical_serialization(pubkey, draft).size());
    for (auto _ : state) {
        benchmark::DoNotOptimize(event::compute_id(pubkey, draft));
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_EventId);

// Draft checks, id and BIP-340 signature (what `datt event sign` and signEvent do).
void BM_EventSign(benchmark::State& state) {
    const event::Draft draft = bench::sample_comment();
    const crypto::SecretKey key = bench::sample_secret_key();
    for (auto _ : state) {
        auto signed_event = event::Event::sign(draft, key, kAuxRand);
        if (!signed_event) state.SkipWithError(signed_event.error().message.c_str());
        benchmark::DoNotOptimize(signed_event);
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_EventSign);

// JSON parse, field checks, id recomputation and signature check: what a relay does per
// incoming event. (There is no parse-only entry point: an Event is always verified.)
void BM_EventParseVerify(benchmark::State& state) {
    auto signed_event =
        event::Event::sign(bench::sample_comment(), bench::sample_secret_key(), kAuxRand);
    const std::string json = signed_event->to_json();
    state.counters["json_bytes"] = static_cast<double>(json.size());
    for (auto _ : state) {
        auto parsed = event::Event::parse(json);
        if (!parsed) state.SkipWithError(parsed.error().message.c_str());
        benchmark::DoNotOptimize(parsed);
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_EventParseVerify);

// A relay's stream: kEvents events, event i signed by author i mod `authors` (the secret
// keys 1..authors), as relay_compare.mjs sends them. Signed once per author count.
constexpr size_t kEvents = 32768;
const std::vector<std::string>& event_stream(size_t authors) {
    static std::map<size_t, std::vector<std::string>> streams;
    auto& stream = streams[authors];
    if (!stream.empty()) return stream;
    for (size_t i = 0; i < kEvents; ++i) {
        std::array<uint8_t, 32> secret{};
        const size_t author = i % authors + 1;
        secret[30] = static_cast<uint8_t>(author >> 8);
        secret[31] = static_cast<uint8_t>(author);
        event::Draft draft = bench::sample_comment();
        draft.created_at += static_cast<int64_t>(i);
        stream.push_back(
            event::Event::sign(draft, *crypto::SecretKey::from_bytes(secret), kAuxRand)->to_json());
    }
    return stream;
}

// Event::parse over the stream, with a key cache (`cached`) or without: with 500 authors
// the cache holds them all (every verify after the first 500 skips the key's square root);
// with 32,768 distinct authors, eight times the cache's 4,096 keys, nearly every lookup
// misses (what a cache costs when it does not help).
void parse_stream(benchmark::State& state, bool cached) {
    const auto& stream = event_stream(static_cast<size_t>(state.range(0)));
    crypto::XOnlyKeyCache keys;
    size_t i = 0;
    for (auto _ : state) {
        auto parsed = cached ? event::Event::parse(stream[i], {}, keys) : event::Event::parse(stream[i]);
        if (!parsed) state.SkipWithError(parsed.error().message.c_str());
        benchmark::DoNotOptimize(parsed);
        i = (i + 1) % stream.size();
    }
    state.SetItemsProcessed(state.iterations());
    if (cached) {
        state.counters["hit_rate"] =
            static_cast<double>(keys.hits()) / static_cast<double>(keys.hits() + keys.misses());
    }
}
void BM_EventParseVerifyStream(benchmark::State& state) { parse_stream(state, false); }
void BM_EventParseVerifyStreamKeyCache(benchmark::State& state) { parse_stream(state, true); }
BENCHMARK(BM_EventParseVerifyStream)->Arg(500)->Arg(kEvents);
BENCHMARK(BM_EventParseVerifyStreamKeyCache)->Arg(500)->Arg(kEvents);

}  // namespace
