#include "channel/per_commitment_secret.h"

#include <cassert>

#include "crypto/sha256.h"

namespace datt::channel {

namespace {

// The spec's loop over the bits of `index` from `high` - 1 down to `low`.
Hash256 walk_bits(Hash256 p, uint64_t index, int high, int low) {
    for (int bit = high - 1; bit >= low; --bit) {
        if ((index >> bit) & 1) {
            p[bit / 8] ^= static_cast<uint8_t>(1u << (bit % 8));
            p = crypto::sha256(p);
        }
    }
    return p;
}

}  // namespace

Hash256 derive_secret_from(const Hash256& base, int bits, uint64_t index) {
    assert(bits >= 0 && bits <= 48);
    return walk_bits(base, index, bits, 0);
}

Result<std::vector<Hash256>> generate_per_commitment_secrets(const Hash256& seed, uint64_t highest,
                                                             uint64_t count) {
    if (highest > kMaxCommitmentIndex || count == 0 || count > highest + 1) {
        return make_error("channel_commitment_index_out_of_range",
                          "a per-commitment index has 48 bits");
    }
    const uint64_t lowest = highest - (count - 1);
    // Bits above the highest one where `highest` and `lowest` differ are the same in every
    // index between them: walk them once.
    int shared_from = 0;
    while (shared_from < 48 && (highest >> shared_from) != (lowest >> shared_from)) ++shared_from;
    const Hash256 prefix = walk_bits(seed, highest, 48, shared_from);
    std::vector<Hash256> out;
    out.reserve(count);
    for (uint64_t index = highest;; --index) {
        out.push_back(walk_bits(prefix, index, shared_from, 0));
        if (index == lowest) break;
    }
    return out;
}

Result<Hash256> generate_per_commitment_secret(const Hash256& seed, uint64_t index) {
    if (index > kMaxCommitmentIndex) {
        return make_error("channel_commitment_index_out_of_range",
                          "a per-commitment index has 48 bits");
    }
    return derive_secret_from(seed, 48, index);
}

Result<uint64_t> commitment_index(uint64_t commitment_number) {
    if (commitment_number > kMaxCommitmentIndex) {
        return make_error("channel_commitment_index_out_of_range",
                          "a commitment number has 48 bits");
    }
    return kMaxCommitmentIndex - commitment_number;
}

Result<crypto::PubKey> per_commitment_point(const Hash256& per_commitment_secret) {
    auto key = crypto::SecretKey::from_bytes(per_commitment_secret);
    if (!key) {
        return make_error("channel_bad_per_commitment_secret",
                          "the per-commitment secret is zero or not below the group order");
    }
    return crypto::pubkey(*key);
}

}  // namespace datt::channel
