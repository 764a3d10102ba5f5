// BOLT-3 "Per-commitment Secret Requirements": the secret of each commitment, generated
// from one 32-byte seed so that revealing the secret of index I lets the peer compute every
// secret of a larger index from it (and none of a smaller one).
//
//   generate_from_seed(seed, I):
//       P = seed
//       for B in 47 down to 0:
//           if bit B of I is set: flip bit B of P (byte B / 8, bit B % 8); P = SHA256(P)
//       return P
//
// Indexes are 48 bits. Commitment number n (0, 1, 2, ... as BOLT-2 counts them) uses index
// 2^48 - 1 - n: the first commitment takes the largest index, so every secret revealed later
// can derive all the earlier ones (shachain.h stores them in 49 entries).
//
// Error codes: channel_commitment_index_out_of_range (index or number >= 2^48),
// channel_bad_per_commitment_secret (the secret is not a valid private key: its point does
// not exist; chance about 2^-128 for a generated one).
#pragma once

#include <cstdint>
#include <vector>

#include "crypto/secp256k1.h"
#include "util/bytes.h"
#include "util/result.h"

namespace datt::channel {

// The largest index, that of commitment number 0.
inline constexpr uint64_t kMaxCommitmentIndex = (uint64_t{1} << 48) - 1;

[[nodiscard]] Result<Hash256> generate_per_commitment_secret(const Hash256& seed, uint64_t index);

// The index of commitment number `commitment_number` (2^48 - 1 - n).
[[nodiscard]] Result<uint64_t> commitment_index(uint64_t commitment_number);

// per_commitment_point = per_commitment_secret * G.
[[nodiscard]] Result<crypto::PubKey> per_commitment_point(const Hash256& per_commitment_secret);

// derive_secret(base, bits, I) of the spec: from the secret at a prefix of I (the low `bits`
// bits of the prefix zero) to the secret at I, hashing for each of those low bits set in I.
// generate_per_commitment_secret(seed, I) is derive_from(seed, 48, I). bits <= 48.
Hash256 derive_secret_from(const Hash256& base, int bits, uint64_t index);

// The secrets of the `count` indexes from `highest` down (highest, highest - 1, ...), the
// same as generate_per_commitment_secret of each, but the hashes for the index bits they
// share are done once: consecutive commitments' secrets (the state machine needs three
// at each commitment_signed) cost about one generation instead of three (a generation is up
// to 48 SHA-256, and commitment indexes count down from 2^48 - 1, so most bits are set).
// count >= 1; channel_commitment_index_out_of_range if highest >= 2^48 or count > highest + 1.
[[nodiscard]] Result<std::vector<Hash256>> generate_per_commitment_secrets(const Hash256& seed,
                                                                          uint64_t highest,
                                                                          uint64_t count);

}  // namespace datt::channel
