// The merkle root of a block's transactions (Bitcoin Core's ComputeMerkleRoot).
//
// Each level hashes pairs with SHA256(SHA256(left || right)); a level with an odd count pairs
// its last hash with itself. That rule lets two different transaction lists share a root
// (CVE-2012-2459: [a, b, c] and [a, b, c, c]), so the result says whether any level held two
// equal hashes side by side: a block whose txids do that is "mutated", and its root proves
// nothing about that list (Core rejects such a block without marking its hash invalid).
//
// Error code: merkle_no_transactions (an empty list has no root).
#pragma once

#include <span>

#include "util/bytes.h"
#include "util/result.h"

namespace datt::bitcoin {

struct MerkleRoot {
    Hash256 root{};        // internal byte order, as in the block header
    bool mutated = false;  // two equal sibling hashes somewhere in the tree
};

// txids in block order, internal byte order.
[[nodiscard]] Result<MerkleRoot> compute_merkle_root(std::span<const Hash256> txids);

// SHA256(SHA256(left || right)): one inner node.
Hash256 merkle_parent(const Hash256& left, const Hash256& right);

}  // namespace datt::bitcoin
