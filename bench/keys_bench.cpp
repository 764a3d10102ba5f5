// Key material: BIP-39 seed stretching and BIP-32 hardened derivation.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <string>

#include "bip32/derive.h"
#include "bip39/mnemonic.h"
#include "bip39/seed.h"
#include "util/bytes.h"

namespace {

using namespace datt;

// PBKDF2-HMAC-SHA512 with 2048 iterations: the cost is the iteration count, not the text.
void BM_Bip39Seed(benchmark::State& state) {
    const std::string mnemonic = *bip39::entropy_to_mnemonic(Bytes(16, 0x7f));
    for (auto _ : state) {
        benchmark::DoNotOptimize(bip39::mnemonic_to_seed(mnemonic, "passphrase"));
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Bip39Seed);

// One hardened child of a private key (HMAC-SHA512, a scalar add and a public key).
void BM_Bip32DeriveHardened(benchmark::State& state) {
    const auto master = *bip32::master_from_seed(Bytes(64, 0x2a));
    uint32_t index = 0;
    for (auto _ : state) {
        auto child = bip32::derive_child(master, bip32::kHardenedOffset + (index++ & 0xff));
        if (!child) state.SkipWithError(child.error().message.c_str());
        benchmark::DoNotOptimize(child);
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Bip32DeriveHardened);

}  // namespace
