// core/bitcoin/wallet: what choosing coins and building a payment cost on large wallets.
//   BM_SelectCoins/N        select_coins over N coins (values 5,000..1,000,000 sats, drawn
//                           once from a fixed seed) for a 0.01 BTC payment at 5 sat/vB:
//                           Branch and Bound's search (at most 100,000 steps), then the
//                           random draw when it finds no changeless set
//   BM_SelectCoinsNoMatch/N the same with effective values all multiples of 10,000 sats
//                           (10,000..1,000,000), so that no set lands in Branch and Bound's
//                           359-sat window: it explores its 100,000 steps and gives up, then
//                           the random draw: the worst case
//   BM_BuildPayment/N       build_payment over N coins: validation, selection, the
//                           transaction with its exact size, fee and change
//   BM_SignPayment          sign_wallet_transaction of a 3-input payment: key derivation
//                           (BIP-32 from the account), BIP-143 sighash and ECDSA per input
#include <benchmark/benchmark.h>

#include <random>
#include <vector>

#include "bip39/seed.h"
#include "bitcoin/network.h"
#include "bitcoin/script_templates.h"
#include "bitcoin/wallet/bip84.h"
#include "bitcoin/wallet/coin_selection.h"
#include "bitcoin/wallet/spend.h"
#include "bitcoin/wallet/tx_builder.h"

namespace {

using namespace datt;
using namespace datt::bitcoin;
using namespace datt::bitcoin::wallet;

const Bip84Account& account() {
    static const Bip84Account a = [] {
        const auto seed = bip39::mnemonic_to_seed(
            "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon "
            "abandon about",
            "");
        return Bip84Account::from_seed(regtest(), seed, 0).value();
    }();
    return a;
}

std::vector<WalletCoin> wallet_coins(size_t n, bool coarse) {
    std::mt19937_64 rng(42);
    const Script script = account().script_pubkey(Chain::kReceive, 0).value();
    std::vector<WalletCoin> coins;
    for (size_t i = 0; i < n; ++i) {
        WalletCoin c;
        c.outpoint.txid.fill(0);
        for (size_t b = 0; b < 8; ++b) c.outpoint.txid[b] = static_cast<uint8_t>(i >> (8 * b));
        // 340 sats is a P2WPKH input's fee at 5 sat/vB.
        c.value = Sats{coarse ? 340 + 10'000 * (1 + static_cast<int64_t>(rng() % 100))
                              : 5'000 + static_cast<int64_t>(rng() % 995'000)};
        c.script_pubkey = script;
        c.path = account().key_path(Chain::kReceive, 0);
        coins.push_back(c);
    }
    return coins;
}

CoinSelectionParams payment_params() {
    CoinSelectionParams p;
    p.value_out = Sats{1'000'000};
    p.fixed_weight = 4 * (4 + 3 + 1 + 4) + 2 + 124;
    p.fee = FeeRequirement{FeeRate::sat_per_vb(5), Sats{0}, FeeRate()};
    p.change_output_weight = 124;
    p.min_change = Sats{294};
    p.change_spend_fee = Sats{204};
    p.random_seed.fill(1);
    return p;
}

void run_selection(benchmark::State& state, bool coarse) {
    std::vector<SelectionCandidate> candidates;
    for (const WalletCoin& c : wallet_coins(static_cast<size_t>(state.range(0)), coarse))
        candidates.push_back(SelectionCandidate{c.value, p2wpkh_input_weight()});
    const CoinSelectionParams params = payment_params();
    size_t selected = 0;
    for (auto _ : state) {
        auto selection = select_coins(candidates, params);
        if (!selection) state.SkipWithError("selection failed");
        selected = selection->selected.size();
        benchmark::DoNotOptimize(selection);
    }
    state.counters["inputs"] = static_cast<double>(selected);
}

void BM_SelectCoins(benchmark::State& state) {
    run_selection(state, false);
}
BENCHMARK(BM_SelectCoins)->Arg(1'000)->Arg(10'000)->Unit(benchmark::kMillisecond);

void BM_SelectCoinsNoMatch(benchmark::State& state) {
    run_selection(state, true);
}
BENCHMARK(BM_SelectCoinsNoMatch)->Arg(1'000)->Arg(10'000)->Unit(benchmark::kMillisecond);

void BM_BuildPayment(benchmark::State& state) {
    PaymentRequest request;
    request.coins = wallet_coins(static_cast<size_t>(state.range(0)), false);
    request.payees = {TxOut{Sats{1'000'000}, p2wpkh_script(Hash160{7})}};
    request.fee_rate = FeeRate::sat_per_vb(5);
    request.change_script = account().script_pubkey(Chain::kChange, 0).value();
    request.random_seed.fill(2);
    for (auto _ : state) {
        auto u = build_payment(request);
        if (!u) state.SkipWithError("build failed");
        benchmark::DoNotOptimize(u);
    }
}
BENCHMARK(BM_BuildPayment)->Arg(1'000)->Arg(10'000)->Unit(benchmark::kMillisecond);

void BM_SignPayment(benchmark::State& state) {
    PaymentRequest request;
    for (uint32_t i = 0; i < 3; ++i) {
        WalletCoin c;
        c.outpoint.txid.fill(static_cast<uint8_t>(i + 1));
        c.value = Sats{400'000};
        c.path = account().key_path(Chain::kReceive, i);
        c.script_pubkey = account().script_pubkey(Chain::kReceive, i).value();
        request.coins.push_back(c);
    }
    request.payees = {TxOut{Sats{1'000'000}, p2wpkh_script(Hash160{7})}};
    request.fee_rate = FeeRate::sat_per_vb(5);
    request.change_script = account().script_pubkey(Chain::kChange, 0).value();
    const UnsignedTransaction u = build_payment(request).value();
    for (auto _ : state) {
        auto signed_tx = sign_wallet_transaction(account(), u);
        if (!signed_tx) state.SkipWithError("signing failed");
        benchmark::DoNotOptimize(signed_tx);
    }
    state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(u.inputs.size()));
    state.SetLabel("items = inputs");
}
BENCHMARK(BM_SignPayment)->Unit(benchmark::kMicrosecond);

}  // namespace
