#include "bip32/derive.h"

#include <algorithm>
#include <span>
#include <string>

#include "bip32/path.h"
#include "crypto/wipe.h"
#include "crypto/hmac.h"

namespace datt::bip32 {

namespace {

using crypto::WipeOnExit;

constexpr std::string_view kMasterHmacKey = "Bitcoin seed";

std::span<const uint8_t, 32> left_half(const ByteArray<64>& hmac) {
    return std::span<const uint8_t, 32>(hmac.data(), 32);
}

ByteArray<32> right_half(const ByteArray<64>& hmac) {
    ByteArray<32> half;
    std::copy(hmac.begin() + 32, hmac.end(), half.begin());
    return half;
}

}  // namespace

Result<ExtendedKey> master_from_seed(ByteSpan seed) {
    if (seed.size() < 16 || seed.size() > 64) {
        return make_error("bip32_seed_length",
                          "a seed is 16 to 64 bytes, got " + std::to_string(seed.size()));
    }
    ByteArray<64> hmac = crypto::hmac_sha512(as_bytes(kMasterHmacKey), seed);
    WipeOnExit wipe_hmac(hmac.data(), hmac.size());
    auto secret_key = crypto::SecretKey::from_bytes(left_half(hmac));
    if (!secret_key) {
        return make_error("bip32_invalid_master", "this seed gives an invalid master key");
    }
    ByteArray<32> chain_code = right_half(hmac);
    WipeOnExit wipe_chain_code(chain_code.data(), chain_code.size());
    return ExtendedKey::from_secret(0, ByteArray<4>{}, 0, chain_code, *secret_key);
}

Result<ExtendedKey> derive_child(const ExtendedKey& parent, uint32_t index) {
    if (parent.depth() == UINT8_MAX) {
        return make_error("bip32_depth_overflow", "a key at depth 255 has no children");
    }
    bool hardened = index >= kHardenedOffset;
    if (hardened && !parent.is_private()) {
        return make_error("bip32_hardened_from_public",
                          "a hardened child needs the parent's private key");
    }

    // HMAC input: ser256(k) with a zero byte in front (hardened) or serP(K), then ser32(i).
    ByteArray<37> data{};
    WipeOnExit wipe_data(data.data(), data.size());
    if (hardened) {
        const auto& secret = parent.secret_key()->bytes();
        std::copy(secret.begin(), secret.end(), data.begin() + 1);
    } else {
        const auto point = parent.public_key().compressed();
        std::copy(point.begin(), point.end(), data.begin());
    }
    for (int i = 0; i < 4; ++i) data[33 + i] = static_cast<uint8_t>(index >> (24 - 8 * i));

    ByteArray<64> hmac = crypto::hmac_sha512(parent.chain_code(), data);
    WipeOnExit wipe_hmac(hmac.data(), hmac.size());
    ByteArray<32> chain_code = right_half(hmac);
    WipeOnExit wipe_chain_code(chain_code.data(), chain_code.size());
    uint8_t depth = static_cast<uint8_t>(parent.depth() + 1);
    ByteArray<4> parent_fingerprint = fingerprint(parent);

    if (parent.is_private()) {
        auto child = crypto::secret_key_tweak_add(*parent.secret_key(), left_half(hmac));
        if (!child) {
            return make_error("bip32_invalid_child",
                              "child " + std::to_string(index) + " is invalid; use the next index");
        }
        return ExtendedKey::from_secret(depth, parent_fingerprint, index, chain_code, *child);
    }
    auto child = crypto::pubkey_tweak_add(parent.public_key(), left_half(hmac));
    if (!child) {
        return make_error("bip32_invalid_child",
                          "child " + std::to_string(index) + " is invalid; use the next index");
    }
    return ExtendedKey::from_public(depth, parent_fingerprint, index, chain_code, *child);
}

Result<ExtendedKey> derive_path(const ExtendedKey& key, std::string_view path) {
    auto children = parse_path(path);
    if (!children) return children.error();
    ExtendedKey current = key;
    for (uint32_t index : *children) {
        auto child = derive_child(current, index);
        if (!child) return child.error();
        current = std::move(child).value();
    }
    return current;
}

}  // namespace datt::bip32
