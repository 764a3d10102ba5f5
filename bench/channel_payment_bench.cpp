// core/channel state machine: what one payment costs between two in-memory machines, every
// message serialized and parsed (tests/support/channel_pair.h). One payment is A adding an
// HTLC, commitment_signed + revoke_and_ack both ways, B fulfilling it, and the same dance
// again: 4 commitment_signed (each signed, then verified) and 4 revoke_and_ack.
//   BM_Payment/S/N/A  S = 0: the machines alone (states kept in memory); S = 1: plus every
//                     new state through the stored format (serialize and the checked parse
//                     back, as a read from storage does), 10 stores per payment; S = 2: every
//                     new state serialized only (what a node writes; the hub keeps the
//                     machine's value and never parses what it wrote)
//                     N other HTLCs of 10,000 sat already in the channel (each commitment
//                     then signs, and verifies, N more HTLC transactions)
//                     A the payment in sat: 2 is trimmed (a tip: no HTLC output), 50,000 is not;
//                     payments alternate A -> B and B -> A
// items_per_second is payments per second on one core (the benchmark is single-threaded).
//   BM_DeriveCommitmentKeys/H the keys of one commitment (BOLT-3 key derivation): H = 0
//                             the three every commitment needs, H = 1 the two HTLC keys too
//                             (a commitment with an untrimmed HTLC output)
//   BM_DeriveLocalCommitmentKeys/H / BM_DeriveRemoteCommitmentKeys/H  the same keys with our
//                             secrets (what the machine does: G multiplications instead)
//   BM_PerCommitmentPoint     our secret and point of one commitment number
#include <benchmark/benchmark.h>

#include "channel/commitment_keys.h"
#include "channel/per_commitment_secret.h"
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
    config.store_every_state = state.range(0) >= 1;
    config.load_every_state = state.range(0) == 1;
    if (!pair.open(config)) {
        state.SkipWithError(pair.last_error.c_str());
        return;
    }
    // Standing HTLCs B -> A that stay in every commitment.
    for (int64_t k = 0; k < state.range(1); ++k) {
        if (!pair.take(pair.b, add_htlc(*pair.b.channel, bitcoin::Msats{10'000'000},
                                        crypto::sha256(preimage(1'000'000 + k)), 700'000, kOnion, 0),
                       pair.to_a) ||
            !pair.flush()) {
            state.SkipWithError(pair.last_error.c_str());
            return;
        }
    }
    uint64_t n = 0;
    for (auto _ : state) {
        // Alternate A -> B and B -> A so balances never run out.
        const bool from_a = n % 2 == 0;
        auto& payer = from_a ? pair.a : pair.b;
        auto& payee = from_a ? pair.b : pair.a;
        auto& to_payee = from_a ? pair.to_b : pair.to_a;
        auto& to_payer = from_a ? pair.to_a : pair.to_b;
        const uint64_t id = payer.channel->local_next_htlc_id;
        const Hash256 secret = preimage(n++);
        const bitcoin::Msats amount{static_cast<uint64_t>(state.range(2)) * 1000};
        bool ok = pair.take(payer, add_htlc(*payer.channel, amount, crypto::sha256(secret),
                                            700'000, kOnion, 0),
                            to_payee) &&
                  pair.flush() &&
                  pair.take(payee, fulfill_htlc(*payee.channel, id, secret), to_payer) &&
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
BENCHMARK(BM_Payment)
    ->Args({0, 0, 2})
    ->Args({1, 0, 2})
    ->Args({0, 0, 50'000})
    ->Args({1, 0, 50'000})
    ->Args({2, 0, 50'000})
    ->Args({1, 10, 50'000})
    ->Unit(benchmark::kMicrosecond);

// Argument: 0 for a commitment whose HTLCs are all trimmed (no HTLC keys), 1 with the two
// HTLC keys too (an untrimmed HTLC output).
struct DeriveFixture {
    ChannelSecrets a = ChannelSecrets::from_seed(datt::channel::testing::filled(1)).value();
    ChannelSecrets b = ChannelSecrets::from_seed(datt::channel::testing::filled(2)).value();
    crypto::PubKey point = crypto::pubkey(a.funding_key);
    ChannelBasepoints owner = a.basepoints();
    ChannelBasepoints other = b.basepoints();
};

void BM_DeriveCommitmentKeys(benchmark::State& state) {
    const DeriveFixture f;
    for (auto _ : state) {
        auto keys = derive_commitment_keys(f.point, f.owner, f.other);
        benchmark::DoNotOptimize(keys);
        if (state.range(0) == 0) continue;
        auto htlc_keys = derive_htlc_keys(f.point, f.owner, f.other);
        benchmark::DoNotOptimize(htlc_keys);
    }
}
BENCHMARK(BM_DeriveCommitmentKeys)->Arg(0)->Arg(1)->Unit(benchmark::kMicrosecond);

void BM_DeriveLocalCommitmentKeys(benchmark::State& state) {
    const DeriveFixture f;
    for (auto _ : state) {
        auto keys = derive_local_commitment_keys(f.a.funding_key, f.point, f.owner,
                                                 f.a.delayed_payment_basepoint_secret, f.other);
        benchmark::DoNotOptimize(keys);
        if (state.range(0) == 0) continue;
        auto htlc_keys = derive_local_htlc_keys(f.point, f.owner, f.a.htlc_basepoint_secret, f.other);
        benchmark::DoNotOptimize(htlc_keys);
    }
}
BENCHMARK(BM_DeriveLocalCommitmentKeys)->Arg(0)->Arg(1)->Unit(benchmark::kMicrosecond);

void BM_DeriveRemoteCommitmentKeys(benchmark::State& state) {
    const DeriveFixture f;
    for (auto _ : state) {
        auto keys = derive_remote_commitment_keys(f.point, f.owner, f.other, f.b.revocation_basepoint_secret);
        benchmark::DoNotOptimize(keys);
        if (state.range(0) == 0) continue;
        auto htlc_keys = derive_remote_htlc_keys(f.point, f.owner, f.other, f.b.htlc_basepoint_secret);
        benchmark::DoNotOptimize(htlc_keys);
    }
}
BENCHMARK(BM_DeriveRemoteCommitmentKeys)->Arg(0)->Arg(1)->Unit(benchmark::kMicrosecond);

void BM_PerCommitmentPoint(benchmark::State& state) {
    const Hash256 seed = datt::channel::testing::filled(3);
    uint64_t n = 0;
    for (auto _ : state) {
        auto secret = generate_per_commitment_secret(seed, commitment_index(n++).value());
        auto point = per_commitment_point(secret.value());
        benchmark::DoNotOptimize(point);
    }
}
BENCHMARK(BM_PerCommitmentPoint)->Unit(benchmark::kMicrosecond);

}  // namespace
