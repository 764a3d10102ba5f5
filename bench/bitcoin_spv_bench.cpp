// SPV verification: header chains, merkle proofs, addresses (docs/performance.md).
//
// The header chain is Bitcoin Core regtest's (bits 0x207fffff, so the setup can mine 100,000
// headers in a fraction of a second): each header pays for everything a header costs on any
// network (double SHA-256, proof of work against its target, linkage, the bits rule, median
// time past, version, chain work). What regtest leaves out is the retarget itself, which runs
// once per 2016 headers elsewhere; BM_RetargetBits measures it alone.
#include <benchmark/benchmark.h>

#include <random>
#include <vector>

#include "bitcoin/address.h"
#include "bitcoin/header.h"
#include "bitcoin/header_chain.h"
#include "bitcoin/merkle.h"
#include "bitcoin/merkle_block.h"
#include "bitcoin/network.h"
#include "bitcoin/partial_merkle_tree.h"
#include "util/hex.h"

namespace {

using namespace datt;
using namespace datt::bitcoin;

constexpr size_t kChainLength = 100'000;

// 100,000 valid regtest headers after the genesis, ten minutes apart, built once.
const std::vector<BlockHeader>& regtest_chain() {
    static const std::vector<BlockHeader> chain = [] {
        std::vector<BlockHeader> headers;
        headers.reserve(kChainLength);
        const Network& network = regtest();
        Hash256 prev = network.genesis_hash;
        uint32_t time = network.genesis.time;
        for (size_t height = 1; height <= kChainLength; ++height) {
            BlockHeader header;
            header.version = 0x20000000;
            header.prev_block = prev;
            for (size_t i = 0; i < 4; ++i)
                header.merkle_root[i] = static_cast<uint8_t>(height >> (8 * i));
            header.time = time += 600;
            header.bits = network.genesis.bits;
            while (!check_proof_of_work(block_hash(header), header.bits, network.pow_limit).ok()) {
                ++header.nonce;
            }
            prev = block_hash(header);
            headers.push_back(header);
        }
        return headers;
    }();
    return chain;
}

void BM_VerifyHeaders100k(benchmark::State& state) {
    const std::vector<BlockHeader>& headers = regtest_chain();
    const HeaderChainState genesis = HeaderChainState::genesis(regtest());
    for (auto _ : state) {
        const HeaderChainUpdate update = extend_header_chain(regtest(), genesis, headers);
        if (update.failure || update.accepted != kChainLength) {
            state.SkipWithError("the chain did not validate");
        }
        benchmark::DoNotOptimize(update.state);
    }
    state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * kChainLength));
}
BENCHMARK(BM_VerifyHeaders100k)->Unit(benchmark::kMillisecond);

// The 80 bytes of 100,000 headers parsed, then verified: what a client holding a headers
// file or a `getblockheader` batch pays.
void BM_ParseAndVerifyHeaders100k(benchmark::State& state) {
    Bytes bytes;
    for (const BlockHeader& header : regtest_chain()) {
        const auto raw = serialize_block_header(header);
        bytes.insert(bytes.end(), raw.begin(), raw.end());
    }
    const HeaderChainState genesis = HeaderChainState::genesis(regtest());
    for (auto _ : state) {
        auto headers = parse_block_headers(bytes);
        const HeaderChainUpdate update = extend_header_chain(regtest(), genesis, *headers);
        if (update.failure) state.SkipWithError("the chain did not validate");
        benchmark::DoNotOptimize(update.state);
    }
    state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * kChainLength));
}
BENCHMARK(BM_ParseAndVerifyHeaders100k)->Unit(benchmark::kMillisecond);

void BM_BlockHash(benchmark::State& state) {
    const BlockHeader header = mainnet().genesis;
    for (auto _ : state) benchmark::DoNotOptimize(block_hash(header));
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_BlockHash);

void BM_RetargetBits(benchmark::State& state) {
    // Bitcoin Core's pow_tests case for block 32256.
    for (auto _ : state) {
        benchmark::DoNotOptimize(retarget_bits(mainnet(), 0x1d00ffff, 1261130161, 1262152739));
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_RetargetBits);

// A gettxoutproof reply for one transaction of a block of `state.range(0)` transactions,
// parsed and verified against its header.
void BM_MerkleProofVerify(benchmark::State& state) {
    const auto count = static_cast<size_t>(state.range(0));
    std::mt19937_64 random(7);
    std::vector<Hash256> txids(count);
    for (Hash256& txid : txids) {
        for (uint8_t& b : txid) b = static_cast<uint8_t>(random());
    }
    std::vector<bool> matches(count, false);
    matches[count / 3] = true;
    const PartialMerkleTree tree = *PartialMerkleTree::build(txids, matches);
    BlockHeader header = mainnet().genesis;
    header.merkle_root = tree.root();
    const Bytes proof = MerkleBlock::from_parts(header, tree).serialize();
    for (auto _ : state) {
        auto verified = verify_merkle_block(proof);
        if (!verified.ok() || verified->matches.size() != 1) state.SkipWithError("did not verify");
        benchmark::DoNotOptimize(verified);
    }
    state.SetItemsProcessed(state.iterations());
    state.counters["proof_bytes"] = static_cast<double>(proof.size());
}
BENCHMARK(BM_MerkleProofVerify)->Arg(2000)->Arg(16666);

void BM_MerkleRoot2000(benchmark::State& state) {
    std::mt19937_64 random(8);
    std::vector<Hash256> txids(2000);
    for (Hash256& txid : txids) {
        for (uint8_t& b : txid) b = static_cast<uint8_t>(random());
    }
    for (auto _ : state) benchmark::DoNotOptimize(compute_merkle_root(txids));
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_MerkleRoot2000);

const Bytes kP2wpkh = *from_hex("0014751e76e8199196d454941c45d1b3a323f1433bd6");
const Bytes kP2pkh = *from_hex("76a91462e907b15cbf27d5425399ebf6f0fb50ebb88f1888ac");

void BM_AddressEncodeP2wpkh(benchmark::State& state) {
    for (auto _ : state) benchmark::DoNotOptimize(Address::from_script_pubkey(mainnet(), kP2wpkh));
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_AddressEncodeP2wpkh);

void BM_AddressDecodeP2wpkh(benchmark::State& state) {
    const std::string text = "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4";
    for (auto _ : state) benchmark::DoNotOptimize(Address::parse(mainnet(), text));
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_AddressDecodeP2wpkh);

void BM_AddressEncodeP2pkh(benchmark::State& state) {
    for (auto _ : state) benchmark::DoNotOptimize(Address::from_script_pubkey(mainnet(), kP2pkh));
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_AddressEncodeP2pkh);

void BM_AddressDecodeP2pkh(benchmark::State& state) {
    const std::string text = "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa";
    for (auto _ : state) benchmark::DoNotOptimize(Address::parse(mainnet(), text));
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_AddressDecodeP2pkh);

}  // namespace
