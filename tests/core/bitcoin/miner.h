// A tiny miner for tests: finds a nonce that meets a header's own bits. At regtest difficulty
// (0x207fffff) half of all hashes do, so a chain of thousands of headers takes milliseconds.
#pragma once

#include <cstdint>
#include <vector>

#include "bitcoin/header.h"
#include "bitcoin/header_chain.h"
#include "bitcoin/network.h"

namespace datt::bitcoin::test {

inline BlockHeader mine(BlockHeader header, const Network& network) {
    while (!check_proof_of_work(block_hash(header), header.bits, network.pow_limit).ok()) {
        ++header.nonce;
    }
    return header;
}

// The next header after `prev_hash`, mined: `time` and `bits` as given, a merkle root that
// differs per height so no two headers are alike.
inline BlockHeader next_header(const Network& network, const Hash256& prev_hash, uint32_t height,
                               uint32_t time, uint32_t bits, int32_t version = 0x20000000) {
    BlockHeader header;
    header.version = version;
    header.prev_block = prev_hash;
    for (size_t i = 0; i < 4; ++i) header.merkle_root[i] = static_cast<uint8_t>(height >> (8 * i));
    header.merkle_root[31] = 0x5a;
    header.time = time;
    header.bits = bits;
    return mine(header, network);
}

// `count` valid headers after `state`'s tip, ten minutes apart, with the bits the network
// requires.
inline std::vector<BlockHeader> mine_chain(const Network& network, const HeaderChainState& state,
                                           size_t count, uint32_t spacing = 600) {
    std::vector<BlockHeader> headers;
    HeaderChainState tip = state;
    for (size_t i = 0; i < count; ++i) {
        const uint32_t time = tip.tip().recent_times.back() + spacing;
        headers.push_back(next_header(network, tip.tip().hash, tip.height() + 1, time,
                                      next_required_bits(network, tip, time)));
        const HeaderChainUpdate update =
            extend_header_chain(network, tip, std::span<const BlockHeader>(&headers.back(), 1));
        tip = update.state;
    }
    return headers;
}

}  // namespace datt::bitcoin::test
