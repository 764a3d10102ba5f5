#include "tip/commitment.h"

#include <algorithm>

#include "crypto/tagged_hash.h"

namespace datt::tip {

Hash256 tip_commitment(const Hash256& target, const ByteArray<32>& payer) {
    static const crypto::TaggedHash hash(kCommitmentTag);
    std::array<uint8_t, 64> data{};
    std::copy(target.begin(), target.end(), data.begin());
    std::copy(payer.begin(), payer.end(), data.begin() + 32);
    const std::array<uint8_t, 32> digest = hash(data);
    Hash256 out{};
    std::copy(digest.begin(), digest.end(), out.begin());
    return out;
}

Bytes commitment_script(const Hash256& target, const ByteArray<32>& payer) {
    const Hash256 commitment = tip_commitment(target, payer);
    // OP_RETURN, a 32-byte push, the commitment (sized up front: g++ 12 misreads the
    // insert into a 2-byte vector as an out-of-bounds copy)
    Bytes script(2 + commitment.size());
    script[0] = 0x6a;
    script[1] = 0x20;
    std::copy(commitment.begin(), commitment.end(), script.begin() + 2);
    return script;
}

std::optional<size_t> find_commitment(const bitcoin::Transaction& tx, const Hash256& target,
                                      const ByteArray<32>& payer) {
    const Bytes script = commitment_script(target, payer);
    for (size_t i = 0; i < tx.outputs.size(); ++i) {
        if (tx.outputs[i].script_pubkey == script) return i;
    }
    return std::nullopt;
}

}  // namespace datt::tip
