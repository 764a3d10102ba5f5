#include "channel/per_commitment_secret.h"

#include <cassert>

#include "crypto/sha256.h"

namespace datt::channel {

Hash256 derive_secret_from(const Hash256& base, int bits, uint64_t index) {
    assert(bits >= 0 && bits <= 48);
    Hash256 p = base;
    for (int bit = bits - 1; bit >= 0; --bit) {
        if ((index >> bit) & 1) {
            p[bit / 8] ^= static_cast<uint8_t>(1u << (bit % 8));
            p = crypto::sha256(p);
        }
    }
    return p;
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
