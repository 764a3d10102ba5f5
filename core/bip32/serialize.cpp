#include "bip32/serialize.h"

#include <algorithm>

#include "crypto/wipe.h"
#include "encoding/base58.h"
#include "util/byte_reader.h"
#include "util/byte_writer.h"

namespace datt::bip32 {

namespace {

using crypto::WipeOnExit;

constexpr size_t kPayloadSize = 78;  // layout in serialize.h

}  // namespace

std::string encode(const ExtendedKey& key, Versions versions) {
    // Reserved at its final size, so the buffer holding a secret is never reallocated
    // (which would leave a copy in freed memory); wiped below.
    ByteWriter writer(kPayloadSize);
    writer.write_u32_be(key.is_private() ? versions.private_version : versions.public_version)
        .write_u8(key.depth())
        .write_bytes(key.parent_fingerprint())
        .write_u32_be(key.child_number())
        .write_bytes(key.chain_code());
    if (key.is_private()) {
        writer.write_u8(0x00).write_bytes(key.secret_key()->bytes());
    } else {
        writer.write_bytes(key.public_key().compressed());
    }
    Bytes payload = std::move(writer).take();
    WipeOnExit wipe_payload(payload.data(), payload.size());
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

    // The length is checked, so none of these reads can fail.
    ByteReader reader(payload);
    const uint32_t version = *reader.read_u32_be();
    const uint8_t depth = *reader.read_u8();
    const ByteArray<4> parent_fingerprint = *reader.read_array<4>();
    const uint32_t child_number = *reader.read_u32_be();
    // Views into `payload` (wiped on exit), so the secret parts are not copied around.
    const ByteSpan chain_code_bytes = *reader.read_span(32);
    const ByteSpan key_data = *reader.read_span(33);

    bool is_private = version == versions.private_version;
    if (!is_private && version != versions.public_version) {
        return make_error("bip32_unknown_version", "unknown extended key version for this network");
    }
    uint8_t key_prefix = key_data[0];
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
    std::copy(chain_code_bytes.begin(), chain_code_bytes.end(), chain_code.begin());

    if (is_private) {
        auto secret_key = crypto::SecretKey::from_bytes(key_data.subspan<1, 32>());
        if (!secret_key) {
            return make_error("bip32_bad_private_key", "the private key is not in 1..n-1");
        }
        return ExtendedKey::from_secret(depth, parent_fingerprint, child_number, chain_code,
                                        *secret_key);
    }
    auto public_key = crypto::PubKey::parse(key_data);
    if (!public_key) {
        return make_error("bip32_bad_public_key", "the public key is not a curve point");
    }
    return ExtendedKey::from_public(depth, parent_fingerprint, child_number, chain_code,
                                    *public_key);
}

}  // namespace datt::bip32
