// Proof-of-work targets: the compact `bits` form of a block header <-> a 256-bit target, and
// the work a target stands for.
//
// Compact form (Bitcoin Core's arith_uint256::SetCompact/GetCompact): bits = EE MMMMMM, an
// exponent byte and a 24-bit mantissa whose top bit (0x00800000) is a sign;
// target = mantissa * 256^(exponent - 3) (for exponent <= 3 the mantissa is shifted right).
// A header whose bits decode to a negative number, overflow 256 bits, are zero, or exceed the
// network's proof-of-work limit has no valid target (Core's CheckProofOfWork rejects it).
//
// Error code (Error::code):
//   invalid_bits   negative, overflowing, zero, or above the proof-of-work limit
#pragma once

#include <cstdint>

#include "bitcoin/uint256.h"
#include "util/result.h"

namespace datt::bitcoin {

// Core's SetCompact, flags included: the value it yields (truncated to 256 bits when
// `overflow`), whether the sign bit marks it negative and whether it overflows 256 bits.
struct CompactDecoded {
    Uint256 value;
    bool negative = false;
    bool overflow = false;
};
CompactDecoded decode_compact(uint32_t bits);

// Core's GetCompact: the shortest compact form; never sets the sign bit unless `negative`.
uint32_t encode_compact(const Uint256& value, bool negative = false);

// The target `bits` stands for, when it is a valid target under `pow_limit`.
[[nodiscard]] Result<Uint256> target_from_bits(uint32_t bits, const Uint256& pow_limit);

// Expected number of hashes to meet `target`: 2^256 / (target + 1), computed as Core's
// GetBlockProof does (~target / (target + 1) + 1). The target must not be zero.
Uint256 work_from_target(const Uint256& target);

}  // namespace datt::bitcoin
