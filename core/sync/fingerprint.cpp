#include "sync/fingerprint.h"

#include <algorithm>

#include "crypto/sha256.h"
#include "util/byte_writer.h"
#include "util/varint.h"

namespace datt::sync {
namespace {

// Limb i holds bytes 8i .. 8i+7 of the id, least significant byte first.
std::array<uint64_t, 4> limbs_of(const Hash256& id) {
    std::array<uint64_t, 4> limbs{};
    for (size_t limb = 0; limb < 4; ++limb) {
        uint64_t value = 0;
        for (size_t byte = 0; byte < 8; ++byte) {
            value |= static_cast<uint64_t>(id[8 * limb + byte]) << (8 * byte);
        }
        limbs[limb] = value;
    }
    return limbs;
}

}  // namespace

void IdSum::add_limbs(const std::array<uint64_t, 4>& other) {
    uint64_t carry = 0;
    for (size_t i = 0; i < 4; ++i) {
        const uint64_t with_carry = limbs_[i] + carry;
        carry = with_carry < carry ? 1 : 0;
        const uint64_t sum = with_carry + other[i];
        carry += sum < other[i] ? 1 : 0;
        limbs_[i] = sum;
    }
    // A carry out of the top limb is dropped: arithmetic modulo 2^256.
}

void IdSum::add(const Hash256& id) {
    add_limbs(limbs_of(id));
}

void IdSum::add(const IdSum& other) {
    add_limbs(other.limbs_);
}

void IdSum::subtract(const IdSum& other) {
    // a - b = a + (~b + 1) modulo 2^256.
    std::array<uint64_t, 4> negated{};
    for (size_t i = 0; i < 4; ++i) negated[i] = ~other.limbs_[i];
    add_limbs(negated);
    add_limbs({1, 0, 0, 0});
}

Hash256 IdSum::to_bytes() const {
    Hash256 bytes{};
    for (size_t limb = 0; limb < 4; ++limb) {
        for (size_t byte = 0; byte < 8; ++byte) {
            bytes[8 * limb + byte] = static_cast<uint8_t>(limbs_[limb] >> (8 * byte));
        }
    }
    return bytes;
}

Fingerprint make_fingerprint(const IdSum& sum, uint64_t count) {
    ByteWriter input(kIdSize + 10);
    input.write_bytes(sum.to_bytes());
    write_nip77_varint(input, count);
    const auto hash = crypto::sha256(input.bytes());
    Fingerprint fingerprint{};
    std::copy_n(hash.begin(), kFingerprintSize, fingerprint.begin());
    return fingerprint;
}

Fingerprint fingerprint_of(std::span<const Item> items) {
    IdSum sum;
    for (const Item& item : items) sum.add(item.id);
    return make_fingerprint(sum, items.size());
}

}  // namespace datt::sync
