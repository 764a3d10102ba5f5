// core/tip: what verifying an on-chain tip costs (docs/performance.md "On-chain tips").
// The scenario, the same in bench/wasm_bench.mjs: the payment (1 input, 3 outputs: the
// author, the commitment, change) at position 1,234 of a 2,000-transaction block on a
// regtest chain, with 6 confirmations.
//   BM_TipVerify            verify_tip on a parsed tip: the transaction parsed and hashed,
//                           the merkle proof parsed and its root computed (11 levels), 6
//                           headers hashed and linked
//   BM_TipParseAndVerify    what datt.tips.verify does per call: Event::parse of the tip
//                           (JSON, id, BIP-340 signature), Tip::parse (the embedded payout
//                           event parsed and its signature verified too), then verify_tip
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "bitcoin/header_chain.h"
#include "bitcoin/merkle.h"
#include "bitcoin/merkle_block.h"
#include "bitcoin/partial_merkle_tree.h"
#include "bitcoin/tx.h"
#include "crypto/secp256k1.h"
#include "crypto/sha256.h"
#include "tip/commitment.h"
#include "tip/payout.h"
#include "tip/tip.h"
#include "tip/verify_tip.h"

namespace {

using namespace datt;

crypto::SecretKey key(uint8_t n) {
    std::array<uint8_t, 32> bytes{};
    bytes[31] = n;
    return *crypto::SecretKey::from_bytes(bytes);
}

event::Event sign(uint8_t signer, const event::Draft& draft) {
    const std::array<uint8_t, 32> aux{};
    return *event::Event::sign(draft, key(signer), aux);
}

bitcoin::BlockHeader mine(bitcoin::BlockHeader header) {
    while (!bitcoin::check_proof_of_work(bitcoin::block_hash(header), header.bits,
                                         bitcoin::regtest().pow_limit)
                .ok()) {
        ++header.nonce;
    }
    return header;
}

struct TipScenario {
    std::string tip_json;
    Bytes raw;
    Bytes proof;
    std::vector<bitcoin::BlockHeader> headers;  // the block and 5 on top
    bitcoin::HeaderChainState state = bitcoin::HeaderChainState::genesis(bitcoin::regtest());

    TipScenario() {
        Bytes paid{0x00, 0x14};
        paid.insert(paid.end(), 20, 0x33);
        const std::string address =
            bitcoin::Address::from_script_pubkey(bitcoin::regtest(), paid)->to_string();
        const std::vector<tip::PayoutEntry> entries = {{"regtest", address}};
        const event::Event payout = sign(1, *tip::payout_draft(entries, 1700000000));
        Hash256 target{};
        target.fill(0x77);
        const ByteArray<32> payer = crypto::KeyPair(key(2)).xonly_pubkey().bytes();

        bitcoin::Transaction tx;
        bitcoin::TxIn input;
        input.prevout.txid.fill(0x42);
        input.sequence = 0xfffffffd;
        input.witness = {Bytes(72, 0x30), Bytes(33, 0x02)};
        tx.inputs.push_back(input);
        Bytes change{0x00, 0x14};
        change.insert(change.end(), 20, 0xcc);
        tx.outputs = {{bitcoin::Sats(21'000), paid},
                      {bitcoin::Sats(0), tip::commitment_script(target, payer)},
                      {bitcoin::Sats(50'000), change}};
        raw = bitcoin::serialize(tx);
        const Hash256 txid = bitcoin::txid(tx);

        std::vector<Hash256> txids;
        std::vector<bool> matches;
        for (uint32_t i = 0; i < 2000; ++i) {
            const std::string seed = "tx " + std::to_string(i);
            const auto hash =
                crypto::Sha256()
                    .write(ByteSpan(reinterpret_cast<const uint8_t*>(seed.data()), seed.size()))
                    .finalize();
            txids.push_back(i == 1234 ? txid : Hash256(hash));
            matches.push_back(i == 1234);
        }
        for (uint32_t height = 1; height <= 6; ++height) {
            bitcoin::BlockHeader header;
            header.version = 0x20000000;
            header.prev_block = state.tip().hash;
            header.merkle_root = bitcoin::compute_merkle_root(txids)->root;
            header.merkle_root[0] ^= static_cast<uint8_t>(height == 1 ? 0 : height);
            header.time = state.tip().recent_times.back() + 600;
            header.bits = state.tip().bits;
            headers.push_back(mine(header));
            state = bitcoin::extend_header_chain(
                        bitcoin::regtest(), state,
                        std::span<const bitcoin::BlockHeader>(&headers.back(), 1))
                        .state;
        }
        auto tree = bitcoin::PartialMerkleTree::build(txids, matches);
        proof = bitcoin::MerkleBlock::from_parts(headers[0], std::move(*tree)).serialize();
        tip::TipRequest request{
            target, {&bitcoin::regtest(), txid, 0, bitcoin::Sats(21'000)}, "thanks", 1700000100};
        tip_json = sign(2, *tip::tip_draft(payout, request)).to_json();
    }
};

const TipScenario& scenario() {
    static const TipScenario s;
    return s;
}

void BM_TipVerify(benchmark::State& state) {
    const TipScenario& s = scenario();
    const tip::Tip tip = *tip::Tip::parse(*event::Event::parse(s.tip_json));
    if (tip::verify_tip(bitcoin::regtest(), s.state, tip, {s.raw, s.proof, s.headers}).status !=
        tip::TipStatus::kVerified) {
        state.SkipWithError("the scenario does not verify");
        return;
    }
    for (auto _ : state) {
        benchmark::DoNotOptimize(
            tip::verify_tip(bitcoin::regtest(), s.state, tip, {s.raw, s.proof, s.headers}));
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_TipVerify)->Unit(benchmark::kMicrosecond);

void BM_TipParseAndVerify(benchmark::State& state) {
    const TipScenario& s = scenario();
    for (auto _ : state) {
        auto event = event::Event::parse(s.tip_json);
        auto tip = tip::Tip::parse(*event);
        const auto verdict =
            tip::verify_tip(bitcoin::regtest(), s.state, *tip, {s.raw, s.proof, s.headers});
        if (verdict.status != tip::TipStatus::kVerified) {
            state.SkipWithError("the scenario does not verify");
            return;
        }
        benchmark::DoNotOptimize(verdict);
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_TipParseAndVerify)->Unit(benchmark::kMicrosecond);

}  // namespace
