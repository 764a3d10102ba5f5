#include "bip32/serialize.h"

#include <algorithm>

#include "crypto/wipe.h"
#include "encoding/base58.h"

namespace datt::bip32 {

namespace {

using crypto::WipeOnExit;

constexpr size_t kPayloadSize = 78;
constexpr size_t kDepthOffset = 4;
constexpr size_t kParentFingerprintOffset = 5;
constexpr size_t kChildNumberOffset = 9;
constexpr size_t kChainCodeOffset = 13;
constexpr size_t kKeyOffset = 45;

void write_be32(uint8_t* out, uint32_t value) {
    for (int i = 0; i < 4; ++i) out[i] = static_cast<uint8_t>(value >> (24 - 8 * i));
}

uint32_t read_be32(const uint8_t* in) {
    return (uint32_t{in[0]} << 24) | (uint32_t{in[1]} << 16) | (uint32_t{in[2]} << 8) |
           uint32_t{in[3]};
}

}  // namespace

std::string encode(const ExtendedKey& key, Versions versions) {
    ByteArray<kPayloadSize> payload{};
    WipeOnExit wipe_payload(payload.data(), payload.size());
    write_be32(payload.data(),
               key.is_private() ? versions.private_version : versions.public_version);
    payload[kDepthOffset] = key.depth();
    std::copy(key.parent_fingerprint().begin(), key.parent_fingerprint().end(),
              payload.begin() + kParentFingerprintOffset);
    write_be32(payload.data() + kChildNumberOffset, key.child_number());
    std::copy(key.chain_code().begin(), key.chain_code().end(), payload.begin() + kChainCodeOffset);
    if (key.is_private()) {
        const auto& secret = key.secret_key()->bytes();
        std::copy(secret.begin(), secret.end(), payload.begin() + kKeyOffset + 1);
    } else {
        const auto& point = key.public_key().bytes;
        std::copy(point.begin(), point.end(), payload.begin() + kKeyOffset);
    }
    return encoding::base58check_encode(payload);
}

Result<ExtendedKey> decode(std::string_view text, Versions versions) {
    auto decoded = encoding::base58check_decode(text);
    if (!decoded) {
        const std::string& code = decoded.error().code;
        if (code == "base58check_bad_checksum") {
            return make_error("bip32_bad_checksum", "the key's checksum does not match");
        }
        if (code == "base58check_too_short" || code == "base58_too_long") {
            return make_error("bip32_bad_length", "an extended key holds 78 bytes");
        }
        return make_error("bip32_bad_base58", "the key is not valid Base58");
    }
    Bytes& payload = decoded.value();
    WipeOnExit wipe_payload(payload.data(), payload.size());
    if (payload.size() != kPayloadSize) {
        return make_error("bip32_bad_length", "an extended key holds 78 bytes");
    }

    uint32_t version = read_be32(payload.data());
    bool is_private = version == versions.private_version;
    if (!is_private && version != versions.public_version) {
        return make_error("bip32_unknown_version", "unknown extended key version for this network");
    }
    uint8_t key_prefix = payload[kKeyOffset];
    bool holds_public_key = key_prefix == 0x02 || key_prefix == 0x03;
    if (is_private && holds_public_key) {
        return make_error("bip32_private_version_with_public_key",
                          "a private key version with public key data");
    }
    if (is_private && key_prefix != 0x00) {
        return make_error("bip32_bad_private_key_prefix",
                          "private key data must start with a zero byte");
    }
    if (!is_private && key_prefix == 0x00) {
        return make_error("bip32_public_version_with_private_key",
                          "a public key version with private key data");
    }
    if (!is_private && !holds_public_key) {
        return make_error("bip32_bad_public_key_prefix",
                          "public key data must start with 02 or 03");
    }

    uint8_t depth = payload[kDepthOffset];
    ByteArray<4> parent_fingerprint;
    std::copy_n(payload.begin() + kParentFingerprintOffset, 4, parent_fingerprint.begin());
    uint32_t child_number = read_be32(payload.data() + kChildNumberOffset);
    if (depth == 0 && parent_fingerprint != ByteArray<4>{}) {
        return make_error("bip32_zero_depth_parent_fingerprint",
                          "a master key (depth 0) has a zero parent fingerprint");
    }
    if (depth == 0 && child_number != 0) {
        return make_error("bip32_zero_depth_child_number",
                          "a master key (depth 0) has child number 0");
    }
    ByteArray<32> chain_code;
    WipeOnExit wipe_chain_code(chain_code.data(), chain_code.size());
    std::copy_n(payload.begin() + kChainCodeOffset, 32, chain_code.begin());

    if (is_private) {
        auto secret_key = crypto::SecretKey::from_bytes(
            std::span<const uint8_t, 32>(payload.data() + kKeyOffset + 1, 32));
        if (!secret_key) {
            return make_error("bip32_bad_private_key", "the private key is not in 1..n-1");
        }
        return ExtendedKey::from_secret(depth, parent_fingerprint, child_number, chain_code,
                                        *secret_key);
    }
    auto public_key = crypto::PubKey::parse(ByteSpan(payload.data() + kKeyOffset, 33));
    if (!public_key) {
        return make_error("bip32_bad_public_key", "the public key is not a curve point");
    }
    return ExtendedKey::from_public(depth, parent_fingerprint, child_number, chain_code,
                                    *public_key);
}

}  // namespace datt::bip32
