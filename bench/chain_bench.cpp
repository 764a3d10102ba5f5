// core/chain: the chain check a relay or client runs per event (ChainLink::of + apply_link),
// to set against the cost of Event::parse (BM_EventParseVerify) and relay ingest; and the
// verification of a fork proof from its encoding.
#include <benchmark/benchmark.h>

#include <array>
#include <optional>
#include <vector>

#include "chain/chain_state.h"
#include "chain/chain_tag.h"
#include "chain/fork_proof.h"
#include "sample_event.h"

namespace datt::bench {
namespace {

// `count` events of one chain, each the sample comment with its chain tag.
std::vector<event::Event> sample_chain(size_t count, uint8_t chain_fill = 1) {
    std::array<uint8_t, 16> random{};
    random.fill(chain_fill);
    const chain::ChainId chain = chain::ChainId::from_random(random);
    const crypto::SecretKey key = sample_secret_key();
    const std::array<uint8_t, 32> aux{};
    std::vector<event::Event> events;
    std::optional<Hash256> prev;
    for (size_t seq = 0; seq < count; ++seq) {
        event::Draft draft = sample_comment();
        draft.created_at += static_cast<int64_t>(seq);
        draft.tags.push_back(chain::ChainTag::make(chain, seq, prev)->to_tag());
        events.push_back(*event::Event::sign(draft, key, aux));
        prev = events.back().id();
    }
    return events;
}

// Per event: read the chain tag of a parsed event and fold it into the chain's state
// (extending the head, the common case). The state is copied in and out, as a shell
// holding it would.
void BM_ChainCheck(benchmark::State& state) {
    static const std::vector<event::Event> events = sample_chain(4096);
    const chain::ChainLink first = **chain::ChainLink::of(events[0]);
    chain::ChainState chain_state = chain::empty_chain(first.author(), first.chain());
    size_t next = 0;
    for (auto _ : state) {
        if (next == events.size()) {
            chain_state = chain::empty_chain(first.author(), first.chain());
            next = 0;
        }
        auto link = chain::ChainLink::of(events[next++]);
        auto step = chain::apply_link(chain_state, **link, std::nullopt);
        chain_state = std::move(step->state);
        benchmark::DoNotOptimize(chain_state);
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ChainCheck);

// A gap's worth of work: the event lands among 512 pending entries.
void BM_ChainCheckPending(benchmark::State& state) {
    static const std::vector<event::Event> events = sample_chain(1026);
    const chain::ChainLink first = **chain::ChainLink::of(events[0]);
    chain::ChainState base = chain::empty_chain(first.author(), first.chain());
    for (size_t i = 2; i < events.size(); i += 2) {
        base = chain::apply_link(base, **chain::ChainLink::of(events[i]), std::nullopt)->state;
    }
    const chain::ChainLink odd = **chain::ChainLink::of(events[513]);
    for (auto _ : state) {
        auto step = chain::apply_link(base, odd, std::nullopt);
        benchmark::DoNotOptimize(step);
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ChainCheckPending);

// A client checking a fork proof it fetched: parse both events (two signature checks).
void BM_ForkProofParseVerify(benchmark::State& state) {
    const std::vector<event::Event> a = sample_chain(2, 9);
    event::Draft other = sample_comment();
    other.content = "the other event at seq 1";
    other.tags.push_back(a[1].tags().back());
    const std::array<uint8_t, 32> aux{};
    const event::Event b1 = *event::Event::sign(other, sample_secret_key(), aux);
    const std::string json = chain::ForkProof::make(a[1], b1)->to_json();
    for (auto _ : state) {
        auto proof = chain::ForkProof::parse(json);
        benchmark::DoNotOptimize(proof);
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ForkProofParseVerify);

}  // namespace
}  // namespace datt::bench
