// core/bitcoin: what signing and checking a payment costs.
//   BM_P2wpkhSighashSignVerify/N  per P2WPKH input of an N-input transaction: the BIP-143
//                                 sighash (with the per-transaction cache), an ECDSA
//                                 signature, and the interpreter's full verification of
//                                 the input with the standard flags
//   BM_TxParse/...               strict parse of a ~250-byte and a 100-input transaction
//   BM_ScriptTestsFullRun         every case of Core's script_tests.json in scope, once
//                                 (needs ../shared/vectors or $DATT_VECTORS_DIR)
#include <benchmark/benchmark.h>

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <vector>

#include "bitcoin/interpreter.h"
#include "bitcoin/script_flags.h"
#include "bitcoin/script_templates.h"
#include "bitcoin/sighash.h"
#include "bitcoin/sign.h"
#include "bitcoin/tx.h"
#include "core/bitcoin/script_asm.h"
#include "crypto/secp256k1.h"
#include "util/hex.h"

namespace {

using namespace datt;
using namespace datt::bitcoin;

crypto::SecretKey key_from_byte(uint8_t b) {
    std::array<uint8_t, 32> bytes{};
    bytes.fill(b);
    return *crypto::SecretKey::from_bytes(bytes);
}

// `inputs` P2WPKH inputs of one key, two P2WPKH outputs.
Transaction p2wpkh_spend(size_t inputs) {
    Transaction tx;
    for (size_t i = 0; i < inputs; ++i) {
        TxIn in;
        in.prevout.txid.fill(static_cast<uint8_t>(i));
        in.prevout.index = static_cast<uint32_t>(i);
        in.sequence = 0xfffffffd;
        tx.inputs.push_back(in);
    }
    tx.outputs.push_back(TxOut{Sats{50'000}, p2wpkh_script(Hash160{})});
    tx.outputs.push_back(TxOut{Sats{40'000}, p2wpkh_script(Hash160{1})});
    return tx;
}

void BM_P2wpkhSighashSignVerify(benchmark::State& state) {
    const size_t inputs = static_cast<size_t>(state.range(0));
    const crypto::SecretKey key = key_from_byte(7);
    const Script prevout = p2wpkh_script(crypto::pubkey(key));
    const Sats amount{100'000};
    Transaction tx = p2wpkh_spend(inputs);
    for (auto _ : state) {
        const SighashCache cache = make_sighash_cache(tx);
        for (size_t i = 0; i < inputs; ++i) {
            auto witness = sign_p2wpkh_input(tx, i, amount, key, kSighashAll, &cache);
            tx.inputs[i].witness = std::move(*witness);
        }
        for (size_t i = 0; i < inputs; ++i) {
            const ScriptError e = verify_input(tx, i, prevout, amount, kStandardScriptFlags, &cache);
            if (e != ScriptError::kOk) state.SkipWithError("a signed input did not verify");
        }
    }
    state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(inputs));
    state.SetLabel("items = inputs");
}
BENCHMARK(BM_P2wpkhSighashSignVerify)->Arg(1)->Arg(100)->Unit(benchmark::kMicrosecond);

Bytes signed_spend_bytes(size_t inputs) {
    const crypto::SecretKey key = key_from_byte(9);
    Transaction tx = p2wpkh_spend(inputs);
    const SighashCache cache = make_sighash_cache(tx);
    for (size_t i = 0; i < inputs; ++i)
        tx.inputs[i].witness = *sign_p2wpkh_input(tx, i, Sats{1000}, key, kSighashAll, &cache);
    return serialize(tx);
}

// A legacy P2PKH spend of one input to two outputs: 225-226 bytes, the common ~250-byte
// transaction.
Bytes legacy_spend_bytes() {
    const crypto::SecretKey key = key_from_byte(11);
    Transaction tx = p2wpkh_spend(1);
    tx.outputs[0].script_pubkey = p2pkh_script(Hash160{});
    tx.inputs[0].script_sig = *sign_p2pkh_input(tx, 0, key, kSighashAll);
    return serialize(tx);
}

void BM_TxParse(benchmark::State& state, const Bytes& bytes) {
    for (auto _ : state) {
        auto tx = parse_transaction(bytes);
        benchmark::DoNotOptimize(tx);
    }
    state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(bytes.size()));
    state.SetLabel(std::to_string(bytes.size()) + " bytes");
}
BENCHMARK_CAPTURE(BM_TxParse, legacy_1in_2out, legacy_spend_bytes());
BENCHMARK_CAPTURE(BM_TxParse, p2wpkh_100in_2out, signed_spend_bytes(100));

struct ScriptCase {
    Bytes script_sig, script_pubkey;
    std::vector<Bytes> witness;
    Sats amount;
    uint32_t flags;
};

std::vector<ScriptCase> load_script_tests() {
    const char* env = std::getenv("DATT_VECTORS_DIR");
    const std::string dir = env && *env ? env : DATT_DEFAULT_VECTORS_DIR;
    std::ifstream in(dir + "/bitcoin-core/script_tests.json");
    std::vector<ScriptCase> cases;
    if (!in) return cases;
    std::stringstream text;
    text << in.rdbuf();
    for (const auto& row : nlohmann::json::parse(text.str())) {
        size_t pos = 0;
        ScriptCase c;
        bool skip = false;
        if (!row.empty() && row[0].is_array()) {
            for (size_t i = 0; i + 1 < row[0].size(); ++i) {
                auto item = from_hex(row[0][i].get<std::string>());
                if (!item) skip = true;  // taproot placeholders
                else c.witness.push_back(*item);
            }
            c.amount = Sats{std::llround(row[0].back().get<double>() * 1e8)};
            pos = 1;
        }
        if (row.size() < 4 + pos || skip) continue;
        auto sig = test::parse_script_asm(row[pos].get<std::string>());
        auto pub = test::parse_script_asm(row[pos + 1].get<std::string>());
        if (!sig || !pub) continue;
        c.script_sig = *sig;
        c.script_pubkey = *pub;
        c.flags = 0;
        std::istringstream names(row[pos + 2].get<std::string>());
        for (std::string name; std::getline(names, name, ',');) {
            if (name.empty() || name == "NONE") continue;
            auto flag = script_flag_from_name(name);
            if (!flag) skip = true;
            else c.flags |= *flag;
        }
        if (skip) continue;
        if (c.flags & kVerifyCleanStack) c.flags |= kVerifyP2sh | kVerifyWitness;
        cases.push_back(std::move(c));
    }
    return cases;
}

// Each case spends a crediting transaction's output, as in Core's test.
void BM_ScriptTestsFullRun(benchmark::State& state) {
    const std::vector<ScriptCase> cases = load_script_tests();
    if (cases.empty()) {
        state.SkipWithError("script_tests.json not found (set DATT_VECTORS_DIR)");
        return;
    }
    std::vector<Transaction> spends;
    for (const ScriptCase& c : cases) {
        Transaction credit;
        credit.version = 1;
        TxIn coinbase;
        coinbase.prevout.index = 0xffffffff;
        coinbase.script_sig = Bytes{0, 0};
        credit.inputs.push_back(coinbase);
        credit.outputs.push_back(TxOut{c.amount, c.script_pubkey});
        Transaction spend;
        spend.version = 1;
        TxIn in;
        in.prevout = OutPoint{txid(credit), 0};
        in.script_sig = c.script_sig;
        in.witness = c.witness;
        spend.inputs.push_back(in);
        spend.outputs.push_back(TxOut{c.amount, Bytes{}});
        spends.push_back(std::move(spend));
    }
    for (auto _ : state) {
        size_t ok = 0;
        for (size_t i = 0; i < cases.size(); ++i) {
            ok += verify_input(spends[i], 0, cases[i].script_pubkey, cases[i].amount,
                               cases[i].flags, nullptr) == ScriptError::kOk;
        }
        benchmark::DoNotOptimize(ok);
    }
    state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(cases.size()));
    state.SetLabel(std::to_string(cases.size()) + " cases");
}
BENCHMARK(BM_ScriptTestsFullRun)->Unit(benchmark::kMillisecond);

}  // namespace
