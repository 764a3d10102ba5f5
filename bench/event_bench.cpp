// NIP-01 events: id, signing and the full validation of untrusted JSON.
#include <benchmark/benchmark.h>

#include <array>
#include <cstdint>
#include <string>

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

}  // namespace
