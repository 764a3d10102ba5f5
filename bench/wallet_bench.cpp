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
//   BM_WalletRescan1000Blocks  a rescan as a wallet does it from raw blocks: 1,000 blocks of
//                           100 serialized P2WPKH transactions (1 input, 2 outputs) each,
//                           every transaction parsed, every output looked up in the
//                           ScanState (gap 20), and each of the 30 payments to the wallet
//                           (to receive indices 0, 3, 6, ... 87: further than one gap from
//                           the start) marked used, which extends the watched window;
//                           items = blocks
#include <benchmark/benchmark.h>

#include <random>
#include <vector>

#include "bip39/seed.h"
#include "bitcoin/network.h"
#include "bitcoin/script_templates.h"
#include "bitcoin/tx.h"
#include "bitcoin/wallet/bip84.h"
#include "bitcoin/wallet/coin_selection.h"
#include "bitcoin/wallet/gap_limit.h"
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

// 1,000 blocks of 100 serialized transactions; block 30k+5 holds a payment to receive index
// 3k (k = 0..29), the rest pay scripts that are not the wallet's.
const std::vector<std::vector<Bytes>>& rescan_blocks() {
    static const std::vector<std::vector<Bytes>> blocks = [] {
        std::vector<std::vector<Bytes>> out(1000);
        for (uint32_t b = 0; b < 1000; ++b) {
            for (uint32_t t = 0; t < 100; ++t) {
                Transaction tx;
                TxIn input;
                input.prevout.txid.fill(static_cast<uint8_t>(t));
                input.prevout.txid[0] = static_cast<uint8_t>(b);
                input.prevout.txid[1] = static_cast<uint8_t>(b >> 8);
                input.witness = {Bytes(72, 0x30), Bytes(33, 0x02)};
                tx.inputs.push_back(input);
                for (uint32_t o = 0; o < 2; ++o) {
                    Script script{0x00, 0x14};
                    script.insert(script.end(), 20, static_cast<uint8_t>(b * 7 + t * 3 + o));
                    script[2] = 0xee;  // never a wallet key's hash in practice
                    tx.outputs.push_back({Sats{10'000 + t}, script});
                }
                if (b % 30 == 5 && t == 50 && b / 30 < 30) {
                    tx.outputs[1].script_pubkey =
                        account().script_pubkey(Chain::kReceive, (b / 30) * 3).value();
                }
                out[b].push_back(serialize(tx));
            }
        }
        return out;
    }();
    return blocks;
}

void BM_WalletRescan1000Blocks(benchmark::State& state) {
    const auto& blocks = rescan_blocks();
    size_t found = 0;
    for (auto _ : state) {
        ScanState scan = ScanState::create(account()).value();
        found = 0;
        for (const std::vector<Bytes>& block : blocks) {
            for (const Bytes& raw : block) {
                auto tx = parse_transaction(raw);
                if (!tx) state.SkipWithError("a transaction does not parse");
                for (const TxOut& output : tx->outputs) {
                    if (!scan.find(output.script_pubkey)) continue;
                    scan = scan.mark_used(output.script_pubkey).value().state;
                    ++found;
                }
            }
        }
        benchmark::DoNotOptimize(scan);
    }
    if (found != 30) state.SkipWithError("the rescan did not find the 30 payments");
    state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(blocks.size()));
    state.counters["payments"] = static_cast<double>(found);
    state.SetLabel("items = blocks");
}
BENCHMARK(BM_WalletRescan1000Blocks)->Unit(benchmark::kMillisecond);

}  // namespace
