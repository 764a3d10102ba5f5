// Merkle roots and partial merkle trees: block 170's real root, the duplicate-last-node rule
// and its CVE-2012-2459 mutation, proofs for random subsets of random blocks (built, encoded,
// parsed, verified), a proof written by hand from BIP-37's layout, and hostile proofs.
#include "bitcoin/merkle.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "bitcoin/display_hash.h"
#include "bitcoin/merkle_block.h"
#include "bitcoin/partial_merkle_tree.h"
#include "util/hex.h"
#include "util/varint.h"

namespace datt::bitcoin {
namespace {

Hash256 display(const std::string& hex) {
    auto hash = from_display_hex(hex);
    EXPECT_TRUE(hash.ok()) << hex;
    return hash.ok() ? *hash : Hash256{};
}

Hash256 number(uint8_t n) {
    Hash256 hash{};
    hash[0] = n;
    return hash;
}

std::vector<Hash256> random_txids(std::mt19937_64& random, size_t count) {
    std::vector<Hash256> txids(count);
    for (Hash256& txid : txids) {
        for (uint8_t& b : txid) b = static_cast<uint8_t>(random());
    }
    return txids;
}

// Block 170 (the first transaction between two people): its coinbase and its one other
// transaction, and the header committing to them (a public header; hash 00000000d1145790...).
const char* const kBlock170Header =
    "0100000055bd840a78798ad0da853f68974f3d183e2bd1db6a842c1feecf222a00000000ff104ccb05421ab93e63f8"
    "c3ce5c2c2e9dbb37de2764b3a3175c8166562cac7d51b96a49ffff001d283e9e70";
const char* const kBlock170Txid0 =
    "b1fea52486ce0c62bb442b530a3f0132b826c74e473d1f2c220bfa78111c5082";
const char* const kBlock170Txid1 =
    "f4184fc596403b9d638783cf57adfe4c75c605f6356fbc91338530e9831e9e16";

TEST(MerkleRoot, Block170) {
    const BlockHeader header = *parse_block_header(*from_hex(kBlock170Header));
    EXPECT_EQ(to_display_hex(block_hash(header)),
              "00000000d1145790a8694403d4063f323d499e655c83426834d4ce2f8dd4a2ee");
    const std::vector<Hash256> txids{display(kBlock170Txid0), display(kBlock170Txid1)};
    auto root = compute_merkle_root(txids);
    ASSERT_TRUE(root.ok());
    EXPECT_EQ(root->root, header.merkle_root);
    EXPECT_EQ(to_display_hex(root->root),
              "7dac2c5666815c17a3b36427de37bb9d2e2c5ccec3f8633eb91a4205cb4c10ff");
    EXPECT_FALSE(root->mutated);
}

TEST(MerkleRoot, SingleDuplicateAndMutation) {
    EXPECT_EQ(compute_merkle_root({}).error().code, "merkle_no_transactions");
    const Hash256 a = number(1), b = number(2), c = number(3);
    EXPECT_EQ(compute_merkle_root(std::vector<Hash256>{a})->root, a);
    // [a, b, c] pairs c with itself; [a, b, c, c] has the same root but is mutated.
    const auto odd = *compute_merkle_root(std::vector<Hash256>{a, b, c});
    const auto even = *compute_merkle_root(std::vector<Hash256>{a, b, c, c});
    EXPECT_EQ(odd.root, merkle_parent(merkle_parent(a, b), merkle_parent(c, c)));
    EXPECT_EQ(even.root, odd.root);
    EXPECT_FALSE(odd.mutated);
    EXPECT_TRUE(even.mutated);
    // Equal neighbours at a higher level are a mutation too (Core checks every level).
    const auto high = *compute_merkle_root(std::vector<Hash256>{a, b, a, b});
    EXPECT_TRUE(high.mutated);
    // Equal hashes that are not siblings are not.
    EXPECT_FALSE(compute_merkle_root(std::vector<Hash256>{a, b, a})->mutated);
}

TEST(PartialMerkleTree, HandWrittenProofForBlock170) {
    // BIP-37 layout for 2 transactions proving the second: count 2, both leaf hashes, and the
    // flag bits root=1, left leaf=0, right leaf=1 -> 0b101 in one byte.
    const std::string proof_hex = std::string(kBlock170Header) + "02000000" + "02" +
                                  to_hex(display(kBlock170Txid0)) +
                                  to_hex(display(kBlock170Txid1)) + "01" + "05";
    auto proof = verify_merkle_block(*from_hex(proof_hex));
    ASSERT_TRUE(proof.ok()) << proof.error().code;
    ASSERT_EQ(proof->matches.size(), 1u);
    EXPECT_EQ(proof->matches[0].txid, display(kBlock170Txid1));
    EXPECT_EQ(proof->matches[0].index, 1u);
    EXPECT_EQ(proof->transaction_count, 2u);
    EXPECT_EQ(to_display_hex(proof->block_hash),
              "00000000d1145790a8694403d4063f323d499e655c83426834d4ce2f8dd4a2ee");
    // Our builder writes the same bytes.
    auto tree = PartialMerkleTree::build(
        std::vector<Hash256>{display(kBlock170Txid0), display(kBlock170Txid1)}, {false, true});
    ASSERT_TRUE(tree.ok());
    const MerkleBlock block =
        MerkleBlock::from_parts(*parse_block_header(*from_hex(kBlock170Header)), *tree);
    EXPECT_EQ(to_hex(block.serialize()), proof_hex);
}

TEST(PartialMerkleTree, RandomBlocksAndSubsets) {
    std::mt19937_64 random(170);
    size_t proofs = 0;
    for (size_t count : {1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 100, 255, 1000, 4095}) {
        const std::vector<Hash256> txids = random_txids(random, count);
        const Hash256 root = compute_merkle_root(txids)->root;
        BlockHeader header;
        header.merkle_root = root;
        for (int round = 0; round < 6; ++round) {
            // Nothing, everything, one, or a random share of the transactions.
            std::vector<bool> matches(count, false);
            if (round == 1) matches.assign(count, true);
            if (round == 2) matches[random() % count] = true;
            if (round >= 3) {
                for (size_t i = 0; i < count; ++i) matches[i] = random() % (round * 3) == 0;
            }
            auto tree = PartialMerkleTree::build(txids, matches);
            ASSERT_TRUE(tree.ok()) << count;
            EXPECT_EQ(tree->root(), root);
            std::vector<MerkleMatch> expected;
            for (uint32_t i = 0; i < count; ++i) {
                if (matches[i]) expected.push_back({txids[i], i});
            }
            EXPECT_EQ(tree->matches(), expected);

            const Bytes bytes = MerkleBlock::from_parts(header, *tree).serialize();
            auto proof = verify_merkle_block(bytes);
            ASSERT_TRUE(proof.ok()) << count << ": " << proof.error().code;
            EXPECT_EQ(proof->matches, expected);
            EXPECT_EQ(proof->transaction_count, count);
            auto reparsed = MerkleBlock::parse(bytes);
            ASSERT_TRUE(reparsed.ok());
            EXPECT_EQ(reparsed->serialize(), bytes);
            EXPECT_EQ(reparsed->tree(), *tree);

            // The same proof under a header with another root is refused.
            BlockHeader other = header;
            other.merkle_root[0] ^= 1;
            auto wrong = verify_merkle_block(MerkleBlock::from_parts(other, *tree));
            ASSERT_FALSE(wrong.ok());
            EXPECT_EQ(wrong.error().code, "merkle_root_mismatch");
            ++proofs;
        }
    }
    std::printf("[ merkle ] %zu random proofs built, parsed and verified\n", proofs);
}

TEST(PartialMerkleTree, LargestBlock) {
    std::mt19937_64 random(16666);
    const std::vector<Hash256> txids = random_txids(random, kMaxMerkleTransactions);
    std::vector<bool> matches(txids.size(), false);
    matches[0] = true;
    auto tree = PartialMerkleTree::build(txids, matches);
    ASSERT_TRUE(tree.ok());
    EXPECT_EQ(tree->root(), compute_merkle_root(txids)->root);
    EXPECT_EQ(tree->hashes().size(), 16u);  // the leaf and one sibling per level (15 levels)
    EXPECT_TRUE(PartialMerkleTree::parse(tree->serialize()).ok());
    // The last one: where the path has no right sibling, no hash is needed.
    matches[0] = false;
    matches[kMaxMerkleTransactions - 1] = true;
    auto last = PartialMerkleTree::build(txids, matches);
    ASSERT_TRUE(last.ok());
    EXPECT_EQ(last->matches(),
              (std::vector<MerkleMatch>{{txids.back(), kMaxMerkleTransactions - 1}}));
    EXPECT_LT(last->hashes().size(), 16u);
    auto too_many = PartialMerkleTree::build(random_txids(random, kMaxMerkleTransactions + 1),
                                             std::vector<bool>(kMaxMerkleTransactions + 1, false));
    ASSERT_FALSE(too_many.ok());
    EXPECT_EQ(too_many.error().code, "merkle_too_many_transactions");
    EXPECT_EQ(PartialMerkleTree::build(txids, {true}).error().code, "merkle_match_count_mismatch");
    EXPECT_EQ(PartialMerkleTree::build({}, {}).error().code, "merkle_no_transactions");
}

// Re-encodes a tree with its fields changed: count, hashes, flag bytes.
Bytes encode_tree(uint32_t count, const std::vector<Hash256>& hashes, const Bytes& flags) {
    ByteWriter writer;
    writer.write_u32_le(count);
    write_compact_size(writer, hashes.size());
    for (const Hash256& hash : hashes) writer.write_bytes(hash);
    write_compact_size(writer, flags.size());
    writer.write_bytes(flags);
    return std::move(writer).take();
}

std::string tree_code(const Bytes& bytes) {
    auto tree = PartialMerkleTree::parse(bytes);
    return tree.ok() ? std::string() : tree.error().code;
}

TEST(PartialMerkleTree, HostileProofs) {
    std::mt19937_64 random(2459);
    const std::vector<Hash256> txids = random_txids(random, 10);
    std::vector<bool> matches(10, false);
    matches[3] = matches[8] = true;
    const PartialMerkleTree tree = *PartialMerkleTree::build(txids, matches);
    const Bytes good = tree.serialize();
    ASSERT_EQ(tree_code(good), "");
    const uint32_t n = tree.transaction_count();
    const auto& hashes = tree.hashes();
    const Bytes& flags = tree.flag_bytes();

    // Every truncation fails cleanly; a byte more is trailing.
    for (size_t size = 0; size < good.size(); ++size) {
        EXPECT_NE(tree_code(Bytes(good.begin(), good.begin() + static_cast<long>(size))), "")
            << size;
    }
    Bytes longer = good;
    longer.push_back(0);
    EXPECT_EQ(tree_code(longer), "trailing_bytes");

    EXPECT_EQ(tree_code(encode_tree(0, {}, {})), "merkle_no_transactions");
    EXPECT_EQ(tree_code(encode_tree(kMaxMerkleTransactions + 1, hashes, flags)),
              "merkle_too_many_transactions");
    EXPECT_EQ(tree_code(encode_tree(2, hashes, flags)), "merkle_too_many_hashes");
    EXPECT_EQ(tree_code(encode_tree(n, hashes, {})), "merkle_too_few_bits");
    // One flag byte less than needed: the traversal runs out of bits.
    EXPECT_EQ(tree_code(encode_tree(n, hashes, Bytes(flags.begin(), flags.end() - 1))),
              "merkle_bits_exhausted");
    // One hash less.
    EXPECT_EQ(
        tree_code(encode_tree(n, std::vector<Hash256>(hashes.begin(), hashes.end() - 1), flags)),
        "merkle_hashes_exhausted");
    // One hash more, one flag byte more.
    std::vector<Hash256> more_hashes = hashes;
    more_hashes.push_back(number(9));
    EXPECT_EQ(tree_code(encode_tree(n, more_hashes, flags)), "merkle_unused_hashes");
    Bytes more_flags = flags;
    more_flags.push_back(0);
    EXPECT_EQ(tree_code(encode_tree(n, hashes, more_flags)), "merkle_unused_bits");
    // A set bit beyond the ones the traversal reads (flags here use fewer than 8 * size).
    Bytes padded = flags;
    padded.back() |= 0x80;
    ASSERT_NE(padded, flags);
    EXPECT_EQ(tree_code(encode_tree(n, hashes, padded)), "merkle_nonzero_padding");
    // A non-canonical CompactSize for the hash count.
    Bytes non_canonical{0x0a, 0, 0, 0, 0xfd, static_cast<uint8_t>(hashes.size()), 0};
    EXPECT_EQ(tree_code(non_canonical), "non_canonical_compact_size");
    // A huge hash count never reserves memory: it fails on the counts.
    Bytes huge{0x0a, 0, 0, 0, 0xfe, 0xff, 0xff, 0xff, 0x01};
    EXPECT_EQ(tree_code(huge), "merkle_too_many_hashes");
    // A plausible count with nothing behind it.
    Bytes missing{0x0a, 0, 0, 0, 0x05};
    EXPECT_EQ(tree_code(missing), "truncated");
    // A wrong hash: the tree parses, but leads to another root.
    std::vector<Hash256> swapped = hashes;
    swapped[0][0] ^= 1;
    auto other = PartialMerkleTree::parse(encode_tree(n, swapped, flags));
    ASSERT_TRUE(other.ok());
    EXPECT_NE(other->root(), tree.root());
}

TEST(PartialMerkleTree, DuplicatedLastTransactionCannotFakeAMatch) {
    // CVE-2012-2459 applied to proofs: in a 3-transaction block the last txid is paired with
    // itself, so a 4-transaction "block" [a, b, c, c] has the same root. A proof that claims
    // c at position 3 of that block needs two equal sibling subtrees and is refused.
    const Hash256 a = number(1), b = number(2), c = number(3);
    const Hash256 root = compute_merkle_root(std::vector<Hash256>{a, b, c})->root;
    // Flags, depth first: root 1, left subtree (a,b) 0, right subtree 1, leaf c 0, leaf c 1.
    const Bytes forged = encode_tree(4, {merkle_parent(a, b), c, c}, {0b10101});
    auto tree = PartialMerkleTree::parse(forged);
    ASSERT_FALSE(tree.ok());
    EXPECT_EQ(tree.error().code, "merkle_duplicate_hash");
    // The honest proof of c at position 2 of the real block is fine and has that root.
    auto honest = PartialMerkleTree::build(std::vector<Hash256>{a, b, c}, {false, false, true});
    ASSERT_TRUE(honest.ok());
    EXPECT_EQ(honest->root(), root);
    EXPECT_EQ(honest->matches(), (std::vector<MerkleMatch>{{c, 2}}));

    // Bitcoin Core's pmt_tests (pmt_malleability): txids 1..10 then 9 and 10 again, matching
    // 9 and 10 in the duplicated tail: no tree with those matches is accepted.
    std::vector<Hash256> txids;
    for (uint8_t i = 1; i <= 10; ++i) txids.push_back(number(i));
    txids.push_back(number(9));
    txids.push_back(number(10));
    std::vector<bool> matches{false, false, false, false, false, false,
                              false, false, false, true,  true,  false};
    auto malleated = PartialMerkleTree::build(txids, matches);
    ASSERT_FALSE(malleated.ok());
    EXPECT_EQ(malleated.error().code, "merkle_duplicate_hash");
}

TEST(MerkleBlock, ParseErrors) {
    const Bytes header = *from_hex(kBlock170Header);
    EXPECT_EQ(MerkleBlock::parse(ByteSpan(header).first(79)).error().code, "truncated");
    EXPECT_EQ(MerkleBlock::parse(header).error().code, "truncated");
    Bytes with_tree = header;
    const Bytes tree = encode_tree(1, {number(7)}, {0x01});
    with_tree.insert(with_tree.end(), tree.begin(), tree.end());
    auto parsed = MerkleBlock::parse(with_tree);
    ASSERT_TRUE(parsed.ok());
    // The tree's root is the one txid, not block 170's root.
    EXPECT_EQ(verify_merkle_block(*parsed).error().code, "merkle_root_mismatch");
    with_tree.push_back(0);
    EXPECT_EQ(MerkleBlock::parse(with_tree).error().code, "trailing_bytes");
}

}  // namespace
}  // namespace datt::bitcoin
