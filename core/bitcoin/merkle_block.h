// Merkle blocks: a block header followed by a partial merkle tree (Bitcoin Core's
// CMerkleBlock), the bytes `gettxoutproof` returns (hex) and `verifytxoutproof` takes.
//
// Layout:  80-byte header (header.h) | partial merkle tree (partial_merkle_tree.h)
//
// verify() is the SPV check of transaction inclusion: the tree's root must be the header's
// merkle root. It proves the matched txids are in the block with that header; the caller
// still has to know the header is in its best header chain (header_chain.h: compare
// block_hash with the hashes it validated) and how deep.
//
// Error codes: those of header.h's read_block_header and of partial_merkle_tree.h, plus
//   merkle_root_mismatch   the tree leads to another root than the header's
#pragma once

#include <vector>

#include "bitcoin/header.h"
#include "bitcoin/partial_merkle_tree.h"
#include "util/bytes.h"
#include "util/result.h"

namespace datt::bitcoin {

class MerkleBlock {
  public:
    // Exactly one merkle block; the tree is fully checked, the root not yet (verify()).
    [[nodiscard]] static Result<MerkleBlock> parse(ByteSpan bytes);
    static MerkleBlock from_parts(const BlockHeader& header, PartialMerkleTree tree);

    Bytes serialize() const;

    const BlockHeader& header() const { return header_; }
    const PartialMerkleTree& tree() const { return tree_; }

  private:
    MerkleBlock(const BlockHeader& header, PartialMerkleTree tree)
        : header_(header), tree_(std::move(tree)) {}

    BlockHeader header_;
    PartialMerkleTree tree_;
};

struct TxInclusionProof {
    BlockHeader header;
    Hash256 block_hash{};              // internal byte order
    std::vector<MerkleMatch> matches;  // txids proven to be in the block, with positions
    uint32_t transaction_count = 0;    // transactions in the block
};

// Checks the tree's root against the header's merkle root.
[[nodiscard]] Result<TxInclusionProof> verify_merkle_block(const MerkleBlock& block);
// parse() then verify_merkle_block(): a `gettxoutproof` reply (as bytes) in, proof out.
[[nodiscard]] Result<TxInclusionProof> verify_merkle_block(ByteSpan bytes);

}  // namespace datt::bitcoin
