// Range fingerprints (Negentropy protocol v1, "Fingerprint Algorithm"):
//
//   fingerprint = first 16 bytes of SHA-256( sum || varint(count) )
//
// where `sum` is the addition modulo 2^256 of the range's ids, each read as a 32-byte
// little-endian unsigned integer, written back as 32 little-endian bytes, and `count` is
// the number of ids in the NIP-77 varint (util/varint.h).
//
// Because the sum is a group operation, the sum of a range is a difference of two sums
// of prefixes: ItemSet keeps sums at regular points so that no fingerprint needs a pass
// over its whole range.
#pragma once

#include <array>
#include <cstdint>
#include <span>

#include "sync/item.h"
#include "util/bytes.h"

namespace datt::sync {

inline constexpr size_t kFingerprintSize = 16;
using Fingerprint = ByteArray<kFingerprintSize>;

// A sum of ids modulo 2^256, as four 64-bit limbs, least significant first.
class IdSum {
  public:
    void add(const Hash256& id);
    void add(const IdSum& other);
    void subtract(const IdSum& other);

    // The sum as 32 little-endian bytes (the fingerprint's hash input).
    Hash256 to_bytes() const;

    bool operator==(const IdSum&) const = default;

  private:
    void add_limbs(const std::array<uint64_t, 4>& other);

    std::array<uint64_t, 4> limbs_{};
};

// The fingerprint of `count` ids whose sum is `sum`.
Fingerprint make_fingerprint(const IdSum& sum, uint64_t count);

// The fingerprint of the ids of `items`, by one pass over them (the definition; ItemSet
// answers the same question faster).
Fingerprint fingerprint_of(std::span<const Item> items);

}  // namespace datt::sync
