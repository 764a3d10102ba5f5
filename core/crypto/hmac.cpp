#include "crypto/hmac.h"

#include <algorithm>
#include <type_traits>

#include "crypto/wipe.h"

namespace datt::crypto {
namespace {

constexpr uint8_t kInnerPad = 0x36;
constexpr uint8_t kOuterPad = 0x5c;

}  // namespace

template <class Hash>
Hmac<Hash>::Hmac(std::span<const uint8_t> key) {
    // RFC 2104: keys longer than a block are hashed first; shorter ones are zero-padded.
    std::array<uint8_t, Hash::kBlockSize> padded_key{};
    if (key.size() > Hash::kBlockSize) {
        Hash key_hasher;
        auto key_digest = key_hasher.write(key).finalize();
        std::copy(key_digest.begin(), key_digest.end(), padded_key.begin());
        secure_wipe(key_digest.data(), key_digest.size());
        secure_wipe(&key_hasher, sizeof(key_hasher));
    } else {
        std::copy(key.begin(), key.end(), padded_key.begin());
    }

    for (uint8_t& byte : padded_key) byte ^= kInnerPad;
    inner_.write(padded_key);
    for (uint8_t& byte : padded_key) byte ^= kInnerPad ^ kOuterPad;
    outer_.write(padded_key);
    secure_wipe(padded_key.data(), padded_key.size());
}

template <class Hash>
Hmac<Hash>::~Hmac() {
    // Hash states are plain arrays and counters, so wiping their bytes is well defined.
    static_assert(std::is_trivially_copyable_v<Hash>);
    secure_wipe(&inner_, sizeof(inner_));
    secure_wipe(&outer_, sizeof(outer_));
}

template <class Hash>
Hmac<Hash>& Hmac<Hash>::write(std::span<const uint8_t> data) {
    inner_.write(data);
    return *this;
}

template <class Hash>
std::array<uint8_t, Hash::kOutputSize> Hmac<Hash>::finalize() {
    auto inner_digest = inner_.finalize();
    outer_.write(inner_digest);
    secure_wipe(inner_digest.data(), inner_digest.size());
    return outer_.finalize();
}

template class Hmac<Sha256>;
template class Hmac<Sha512>;

std::array<uint8_t, 32> hmac_sha256(std::span<const uint8_t> key, std::span<const uint8_t> data) {
    return HmacSha256(key).write(data).finalize();
}

std::array<uint8_t, 64> hmac_sha512(std::span<const uint8_t> key, std::span<const uint8_t> data) {
    return HmacSha512(key).write(data).finalize();
}

}  // namespace datt::crypto
