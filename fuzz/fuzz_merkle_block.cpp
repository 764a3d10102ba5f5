// Merkle blocks (gettxoutproof replies) and partial merkle trees on untrusted bytes, and
// trees built from input-chosen blocks.
//
// Invariants checked:
//   - MerkleBlock::parse and PartialMerkleTree::parse either fail with a documented code or
//     give a value that serializes back to exactly the input (the encoding is unique);
//   - the merkle block's tree is the tree parse of the bytes after the header;
//   - verify never crashes: ok exactly when the tree's root is the header's, and then its
//     matches are the tree's, in strictly increasing positions below the transaction count;
//   - for a block built from the input (distinct txids, input-chosen matches): build gives
//     the root compute_merkle_root gives, exactly the chosen matches, and parses back equal.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "bitcoin/merkle.h"
#include "bitcoin/merkle_block.h"
#include "bitcoin/partial_merkle_tree.h"
#include "check.h"
#include "crypto/sha256.h"

namespace {

using namespace datt::bitcoin;
using datt::ByteSpan;

bool is_documented(const std::string& code) {
    return datt::fuzz::is_one_of(
        code, {"merkle_no_transactions", "merkle_too_many_transactions", "merkle_too_many_hashes",
               "merkle_too_few_bits", "merkle_bits_exhausted", "merkle_hashes_exhausted",
               "merkle_duplicate_hash", "merkle_unused_bits", "merkle_unused_hashes",
               "merkle_nonzero_padding", "truncated", "trailing_bytes",
               "non_canonical_compact_size", "compact_size_too_large"});
}

void check_matches(const PartialMerkleTree& tree) {
    const auto& matches = tree.matches();
    for (size_t i = 0; i < matches.size(); ++i) {
        DATT_FUZZ_CHECK(matches[i].index < tree.transaction_count());
        if (i > 0) DATT_FUZZ_CHECK(matches[i - 1].index < matches[i].index);
    }
    DATT_FUZZ_CHECK(tree.hashes().size() <= tree.transaction_count());
}

void check_parse(ByteSpan data) {
    auto tree = PartialMerkleTree::parse(data);
    if (tree.ok()) {
        DATT_FUZZ_CHECK(tree->serialize() == datt::Bytes(data.begin(), data.end()));
        check_matches(*tree);
    } else {
        DATT_FUZZ_CHECK(is_documented(tree.error().code));
    }

    auto block = MerkleBlock::parse(data);
    if (!block.ok()) {
        DATT_FUZZ_CHECK(is_documented(block.error().code));
        return;
    }
    DATT_FUZZ_CHECK(block->serialize() == datt::Bytes(data.begin(), data.end()));
    auto alone = PartialMerkleTree::parse(data.subspan(kBlockHeaderSize));
    DATT_FUZZ_CHECK(alone.ok() && *alone == block->tree());
    check_matches(block->tree());
    auto proof = verify_merkle_block(*block);
    DATT_FUZZ_CHECK(proof.ok() == (block->tree().root() == block->header().merkle_root));
    if (proof.ok()) {
        DATT_FUZZ_CHECK(proof->matches == block->tree().matches());
        DATT_FUZZ_CHECK(proof->block_hash == block_hash(block->header()));
    } else {
        DATT_FUZZ_CHECK(proof.error().code == "merkle_root_mismatch");
    }
}

// Bytes 0-1: transaction count (1..64); the rest: match bits.
void check_build(ByteSpan data) {
    if (data.size() < 2) return;
    const size_t count = 1 + ((size_t{data[0]} << 8 | data[1]) % 64);
    std::vector<datt::Hash256> txids(count);
    std::vector<bool> matches(count, false);
    for (size_t i = 0; i < count; ++i) {
        const uint8_t seed[4] = {static_cast<uint8_t>(i), static_cast<uint8_t>(i >> 8),
                                 static_cast<uint8_t>(data.size()), 0x17};
        txids[i] = datt::crypto::sha256(seed);
        const size_t bit = 16 + i;
        if (bit / 8 < data.size()) matches[i] = (data[bit / 8] >> (bit % 8)) & 1;
    }
    auto tree = PartialMerkleTree::build(txids, matches);
    DATT_FUZZ_CHECK(tree.ok());
    auto root = compute_merkle_root(txids);
    DATT_FUZZ_CHECK(root.ok() && !root->mutated && root->root == tree->root());
    std::vector<MerkleMatch> expected;
    for (size_t i = 0; i < count; ++i) {
        if (matches[i]) expected.push_back({txids[i], static_cast<uint32_t>(i)});
    }
    DATT_FUZZ_CHECK(tree->matches() == expected);
    auto parsed = PartialMerkleTree::parse(tree->serialize());
    DATT_FUZZ_CHECK(parsed.ok() && *parsed == *tree);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const ByteSpan bytes(data, size);
    check_parse(bytes);
    check_build(bytes);
    return 0;
}
