// core/channel state machine: what one payment costs between two in-memory machines, every
// message serialized and parsed (tests/support/channel_pair.h). One payment is A adding an
// HTLC, commitment_signed + revoke_and_ack both ways, B fulfilling it, and the same dance
// again: 4 commitment_signed (each signed, then verified) and 4 revoke_and_ack.
//   BM_Payment/0           the machines alone (states kept in memory)
//   BM_Payment/1           plus every new state through the stored format (serialize and
//                          parse, as a node commits it before sending): 10 stores
//   BM_Payment/0/N, /1/N   with N other HTLCs already in the channel (each commitment then
//                          signs N + 1 HTLC transactions, and verifies as many)
// items_per_second is payments per second on one core (the benchmark is single-threaded).
#include <benchmark/benchmark.h>

#include "support/channel_pair.h"

namespace {

using namespace datt;
using namespace datt::channel;
using datt::channel::testing::ChannelPair;

const ByteArray<kOnionPacketSize> kOnion{};

Hash256 preimage(uint64_t n) {
    Hash256 out{};
    for (int i = 0; i < 8; ++i) out[i] = static_cast<uint8_t>(n >> (8 * i));
    return out;
}

void BM_Payment(benchmark::State& state) {
    ChannelPair pair;
    datt::channel::testing::PairConfig config;
    config.store_every_state = state.range(0) == 1;
    if (!pair.open(config)) {
        state.SkipWithError(pair.last_error.c_str());
        return;
    }
    // Standing HTLCs B -> A that stay in every commitment.
    for (int64_t k = 0; k < state.range(1); ++k) {
        if (!pair.take(pair.b, add_htlc(*pair.b.channel, bitcoin::Msats{1'000'000},
                                        crypto::sha256(preimage(1'000'000 + k)), 700'000, kOnion, 0),
                       pair.to_a) ||
            !pair.flush()) {
            state.SkipWithError(pair.last_error.c_str());
            return;
        }
    }
    uint64_t n = 0;
    for (auto _ : state) {
        const uint64_t id = pair.a.channel->local_next_htlc_id;
        const Hash256 secret = preimage(n++);
        bool ok = pair.take(pair.a, add_htlc(*pair.a.channel, bitcoin::Msats{10'000},
                                             crypto::sha256(secret), 700'000, kOnion, 0),
                            pair.to_b) &&
                  pair.flush() &&
                  pair.take(pair.b, fulfill_htlc(*pair.b.channel, id, secret), pair.to_a) &&
                  pair.flush();
        if (!ok) {
            state.SkipWithError(pair.last_error.c_str());
            return;
        }
        pair.a.events.clear();
        pair.b.events.clear();
    }
    state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_Payment)->Args({0, 0})->Args({1, 0})->Args({0, 10})->Args({1, 10})->Unit(benchmark::kMicrosecond);

}  // namespace
