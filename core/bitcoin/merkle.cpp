#include "bitcoin/merkle.h"

#include <algorithm>
#include <vector>

#include "crypto/sha256.h"

namespace datt::bitcoin {

Hash256 merkle_parent(const Hash256& left, const Hash256& right) {
    ByteArray<64> pair;
    std::copy(left.begin(), left.end(), pair.begin());
    std::copy(right.begin(), right.end(), pair.begin() + 32);
    return crypto::sha256d(pair);
}

Result<MerkleRoot> compute_merkle_root(std::span<const Hash256> txids) {
    if (txids.empty()) return make_error("merkle_no_transactions", "no txids, no merkle root");
    std::vector<Hash256> level(txids.begin(), txids.end());
    MerkleRoot out;
    while (level.size() > 1) {
        for (size_t i = 0; i + 1 < level.size(); i += 2) {
            if (level[i] == level[i + 1]) out.mutated = true;
        }
        if (level.size() % 2 == 1) level.push_back(level.back());
        for (size_t i = 0; i < level.size() / 2; ++i) {
            level[i] = merkle_parent(level[2 * i], level[2 * i + 1]);
        }
        level.resize(level.size() / 2);
    }
    out.root = level[0];
    return out;
}

}  // namespace datt::bitcoin
