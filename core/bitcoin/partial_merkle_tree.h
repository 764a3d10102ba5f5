// Partial merkle trees (BIP-37; Bitcoin Core's CPartialMerkleTree): the part of a block's
// merkle tree that proves some of its txids, as `gettxoutproof` and `merkleblock` messages
// carry it after the header (merkle_block.h).
//
// Layout (integers little-endian):
//   4         transaction count            number of txids in the block
//   varint n  then n * 32 bytes            hashes, in depth-first order
//   varint m  then m bytes                 flag bits, depth-first, bit i = byte[i / 8] >> (i % 8)
// Depth-first from the root, each visited node takes one flag bit: 1 = an ancestor of a
// matched txid (descend; at a leaf, the txid is a match), 0 = not (take the next hash as
// this node's hash, do not descend). A leaf takes a hash either way.
//
// A PartialMerkleTree exists only after that traversal succeeded (parse(), read(), build()),
// so it always holds a well-formed tree, its matches with their positions in the block, and
// the root they lead to; comparing that root with a header is merkle_block.h's job.
//
// Error codes (Error::code), the checks of Core's ExtractMatches in its order, plus one:
//   merkle_no_transactions        transaction count 0
//   merkle_too_many_transactions  more than 16,666 (4,000,000 weight / 240, the smallest tx)
//   merkle_too_many_hashes        more hashes than transactions
//   merkle_too_few_bits           fewer flag bits than hashes
//   merkle_bits_exhausted         the traversal needs more flag bits than there are
//   merkle_hashes_exhausted       the traversal needs more hashes than there are
//   merkle_duplicate_hash         two sibling subtrees with the same hash (CVE-2012-2459: a
//                                 duplicated last txid could fake a match)
//   merkle_unused_bits            whole flag bytes left after the traversal
//   merkle_unused_hashes          hashes left after the traversal
//   merkle_nonzero_padding        the unused bits of the last flag byte are not zero (stricter
//                                 than Core, which ignores them; every implementation writes
//                                 zeros, and it makes the encoding of a tree unique)
//   merkle_match_count_mismatch   (build) txids and matches of different lengths
//   truncated, trailing_bytes, non_canonical_compact_size, compact_size_too_large (the codec)
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "util/byte_reader.h"
#include "util/byte_writer.h"
#include "util/bytes.h"
#include "util/result.h"

namespace datt::bitcoin {

// Core's bound: MAX_BLOCK_WEIGHT / MIN_TRANSACTION_WEIGHT.
inline constexpr uint32_t kMaxMerkleTransactions = 4'000'000 / 240;

struct MerkleMatch {
    Hash256 txid{};      // internal byte order
    uint32_t index = 0;  // position in the block (0 = coinbase)
    bool operator==(const MerkleMatch&) const = default;
};

class PartialMerkleTree {
  public:
    // The tree proving the txids whose `matches` entry is true (Core's constructor).
    [[nodiscard]] static Result<PartialMerkleTree> build(std::span<const Hash256> txids,
                                                         const std::vector<bool>& matches);
    // Exactly one tree.
    [[nodiscard]] static Result<PartialMerkleTree> parse(ByteSpan bytes);
    // One tree from a larger structure; on failure the reader may have advanced.
    [[nodiscard]] static Result<PartialMerkleTree> read(ByteReader& reader);

    Bytes serialize() const;
    void write(ByteWriter& writer) const;

    uint32_t transaction_count() const { return transaction_count_; }
    const std::vector<Hash256>& hashes() const { return hashes_; }
    const Bytes& flag_bytes() const { return flags_; }
    // The root the proof leads to (internal byte order).
    const Hash256& root() const { return root_; }
    // Matched txids in block order.
    const std::vector<MerkleMatch>& matches() const { return matches_; }

    bool operator==(const PartialMerkleTree&) const = default;

  private:
    PartialMerkleTree() = default;
    // The traversal: checks the structure and fills root_ and matches_.
    Status extract();

    uint32_t transaction_count_ = 0;
    std::vector<Hash256> hashes_;
    Bytes flags_;
    Hash256 root_{};
    std::vector<MerkleMatch> matches_;
};

}  // namespace datt::bitcoin
