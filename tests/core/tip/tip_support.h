// Test support for core/tip: signed payout and tip events, a tip transaction, a regtest
// chain with the transaction mined in it, all built with the real parts (events signed with
// libsecp256k1, headers mined at regtest difficulty, merkle proofs from core/bitcoin).
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "bitcoin/address.h"
#include "bitcoin/header_chain.h"
#include "bitcoin/merkle.h"
#include "bitcoin/merkle_block.h"
#include "bitcoin/network.h"
#include "bitcoin/partial_merkle_tree.h"
#include "bitcoin/tx.h"
#include "core/bitcoin/miner.h"
#include "support/test_signer.h"
#include "tip/commitment.h"
#include "tip/payout.h"
#include "tip/tip.h"

namespace datt::tip::test {

inline constexpr uint8_t kAuthor = 1;
inline constexpr uint8_t kPayer = 2;
inline constexpr uint8_t kStranger = 3;

inline ByteArray<32> pubkey_of(uint8_t signer) {
    return crypto::KeyPair(testing::key(signer)).xonly_pubkey().bytes();
}

// A P2WPKH address on `network` whose program is 20 bytes of `fill`.
inline std::string p2wpkh_address(const bitcoin::Network& network, uint8_t fill) {
    Bytes script{0x00, 0x14};
    script.insert(script.end(), 20, fill);
    return bitcoin::Address::from_script_pubkey(network, script)->to_string();
}

inline event::Event payout_event(uint8_t signer, std::vector<PayoutEntry> entries,
                                 int64_t created_at = 1700000000) {
    auto draft = payout_draft(entries, created_at);
    EXPECT_TRUE(draft.ok()) << (draft.ok() ? "" : draft.error().code);
    return testing::sign(signer, *draft);
}

inline Hash256 target_id() {
    Hash256 id{};
    id.fill(0x77);
    return id;
}

// A transaction of the payer's: one input, outputs [payment, commitment, change].
inline bitcoin::Transaction tip_transaction(const Bytes& paid_script, int64_t sats,
                                            const Hash256& target, const ByteArray<32>& payer,
                                            bool with_commitment = true) {
    bitcoin::Transaction tx;
    bitcoin::TxIn input;
    input.prevout.txid.fill(0x42);
    input.prevout.index = 1;
    input.sequence = 0xfffffffd;
    input.witness = {Bytes(72, 0x30), Bytes(33, 0x02)};
    tx.inputs.push_back(input);
    tx.outputs.push_back({bitcoin::Sats(sats), paid_script});
    if (with_commitment) tx.outputs.push_back({bitcoin::Sats(0), commitment_script(target, payer)});
    Bytes change{0x00, 0x14};
    change.insert(change.end(), 20, 0xcc);
    tx.outputs.push_back({bitcoin::Sats(50'000), change});
    return tx;
}

// A regtest chain: `before` blocks, then a block holding `txids` (others around it), then
// `after` blocks. Keeps the headers by height for the caller's "header store".
struct MinedChain {
    std::vector<bitcoin::BlockHeader> headers;  // headers[h - 1] is the block at height h
    bitcoin::HeaderChainState state = bitcoin::HeaderChainState::genesis(bitcoin::regtest());
    uint32_t block_height = 0;
    std::vector<Hash256> block_txids;

    // Headers from `height` to the tip.
    std::vector<bitcoin::BlockHeader> from(uint32_t height) const {
        return {headers.begin() + (height - 1), headers.end()};
    }
    // The gettxoutproof bytes for `txid` in the block.
    Bytes proof(const Hash256& txid) const {
        std::vector<bool> matches;
        for (const Hash256& t : block_txids) matches.push_back(t == txid);
        auto tree = bitcoin::PartialMerkleTree::build(block_txids, matches);
        EXPECT_TRUE(tree.ok());
        return bitcoin::MerkleBlock::from_parts(headers[block_height - 1], std::move(tree).value())
            .serialize();
    }
    void extend(const std::vector<bitcoin::BlockHeader>& more) {
        const auto update = bitcoin::extend_header_chain(bitcoin::regtest(), state, more);
        ASSERT_FALSE(update.failure.has_value());
        state = update.state;
        headers.insert(headers.end(), more.begin(), more.end());
    }
    void mine(size_t count) { extend(bitcoin::test::mine_chain(bitcoin::regtest(), state, count)); }
    void mine_block_with(std::vector<Hash256> txids) {
        Hash256 coinbase{};
        coinbase.fill(static_cast<uint8_t>(state.height() + 1));
        Hash256 other{};
        other.fill(0xee);
        block_txids = {coinbase, other};
        block_txids.insert(block_txids.end(), txids.begin(), txids.end());
        const auto root = bitcoin::compute_merkle_root(block_txids);
        ASSERT_TRUE(root.ok());
        bitcoin::BlockHeader header;
        header.version = 0x20000000;
        header.prev_block = state.tip().hash;
        header.merkle_root = root->root;
        header.time = state.tip().recent_times.back() + 600;
        header.bits = bitcoin::next_required_bits(bitcoin::regtest(), state, header.time);
        extend({bitcoin::test::mine(header, bitcoin::regtest())});
        block_height = state.height();
    }
};

}  // namespace datt::tip::test
