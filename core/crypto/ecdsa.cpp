#include "crypto/ecdsa.h"

#include <secp256k1.h>

#include <algorithm>
#include <cstring>

#include "crypto/secp256k1_internal.h"

namespace datt::crypto {

using detail::context;
using detail::Secp256k1Access;

namespace {

static_assert(sizeof(secp256k1_ecdsa_signature) == 64,
              "EcdsaSignature::parsed_ holds a secp256k1_ecdsa_signature");

constexpr uint8_t kSequenceTag = 0x30;
constexpr uint8_t kIntegerTag = 0x02;
constexpr uint8_t kLongFormLength = 0x80;
// Bitcoin Core's lax parser refuses lengths of sizeof(size_t) or more significant bytes;
// on the 64-bit hosts it runs on that is 8. Fixed here so wasm32 agrees with native.
constexpr size_t kLaxMaxLengthBytes = 8;

secp256k1_ecdsa_signature native(const std::array<uint8_t, 64>& parsed) {
    secp256k1_ecdsa_signature out;
    std::memcpy(&out, parsed.data(), sizeof out);
    return out;
}

// Reads one lax DER length at `pos` (the byte after a tag): a short form as is, or a long
// form 0x80|n with n big-endian bytes, leading zero bytes skipped. nullopt when it runs
// past the end or has kLaxMaxLengthBytes or more significant bytes.
std::optional<uint64_t> read_lax_length(std::span<const uint8_t> in, size_t& pos) {
    if (pos == in.size()) return std::nullopt;
    const uint8_t first = in[pos++];
    if ((first & kLongFormLength) == 0) return first;
    size_t count = first - kLongFormLength;
    if (count > in.size() - pos) return std::nullopt;
    while (count > 0 && in[pos] == 0) {
        ++pos;
        --count;
    }
    if (count >= kLaxMaxLengthBytes) return std::nullopt;
    uint64_t length = 0;
    for (; count > 0; --count) length = (length << 8) | in[pos++];
    return length;
}

// Reads "0x02 length value" at `pos`, returning the value's bytes (unchecked: any length,
// sign or padding) and moving `pos` past them.
std::optional<std::span<const uint8_t>> read_lax_integer(std::span<const uint8_t> in, size_t& pos) {
    if (pos == in.size() || in[pos] != kIntegerTag) return std::nullopt;
    ++pos;
    const std::optional<uint64_t> length = read_lax_length(in, pos);
    if (!length || *length > in.size() - pos) return std::nullopt;
    const auto value = in.subspan(pos, static_cast<size_t>(*length));
    pos += value.size();
    return value;
}

// Right-aligns an unsigned big-endian integer into 32 bytes; false when it needs more.
bool put_scalar(std::span<const uint8_t> value, uint8_t* out32) {
    while (!value.empty() && value.front() == 0) value = value.subspan(1);
    if (value.size() > 32) return false;
    std::copy(value.begin(), value.end(), out32 + 32 - value.size());
    return true;
}

}  // namespace

std::optional<EcdsaSignature> EcdsaSignature::parse_der(std::span<const uint8_t> der) {
    // libsecp256k1 requires a non-null pointer even for zero bytes.
    if (der.empty()) return std::nullopt;
    secp256k1_ecdsa_signature sig;
    if (!secp256k1_ecdsa_signature_parse_der(context(), &sig, der.data(), der.size())) {
        return std::nullopt;
    }
    EcdsaSignature out;
    std::memcpy(out.parsed_.data(), &sig, sizeof sig);
    // What libsecp256k1 accepted is DER; it differs from what serialize_der() writes only
    // where r or s was >= n or negative and was read as zero.
    // (std::equal: emscripten 3.1.6's libc++ has no std::ranges::equal.)
    const std::vector<uint8_t> written = out.serialize_der();
    if (!std::equal(written.begin(), written.end(), der.begin(), der.end())) return std::nullopt;
    return out;
}

std::optional<EcdsaSignature> EcdsaSignature::parse_der_lax(std::span<const uint8_t> der) {
    size_t pos = 0;
    if (pos == der.size() || der[pos] != kSequenceTag) return std::nullopt;
    ++pos;
    // The sequence length: a short form is ignored, a long form's bytes are skipped.
    if (pos == der.size()) return std::nullopt;
    const uint8_t sequence_length = der[pos++];
    if (sequence_length & kLongFormLength) {
        const size_t count = sequence_length - kLongFormLength;
        if (count > der.size() - pos) return std::nullopt;
        pos += count;
    }
    const auto r = read_lax_integer(der, pos);
    if (!r) return std::nullopt;
    const auto s = read_lax_integer(der, pos);
    if (!s) return std::nullopt;
    // Whatever follows s is ignored.

    std::array<uint8_t, 64> compact{};
    const bool fits = put_scalar(*r, compact.data()) && put_scalar(*s, compact.data() + 32);
    secp256k1_ecdsa_signature sig;
    if (!fits || !secp256k1_ecdsa_signature_parse_compact(context(), &sig, compact.data())) {
        // Too large: the zero signature, as Core's parser gives.
        compact.fill(0);
        secp256k1_ecdsa_signature_parse_compact(context(), &sig, compact.data());
    }
    EcdsaSignature out;
    std::memcpy(out.parsed_.data(), &sig, sizeof sig);
    return out;
}

std::optional<EcdsaSignature> EcdsaSignature::parse_compact(std::span<const uint8_t, 64> compact) {
    secp256k1_ecdsa_signature sig;
    if (!secp256k1_ecdsa_signature_parse_compact(context(), &sig, compact.data())) {
        return std::nullopt;
    }
    EcdsaSignature out;
    std::memcpy(out.parsed_.data(), &sig, sizeof sig);
    return out;
}

std::vector<uint8_t> EcdsaSignature::serialize_der() const {
    const secp256k1_ecdsa_signature sig = native(parsed_);
    std::vector<uint8_t> der(72);
    size_t size = der.size();
    secp256k1_ecdsa_signature_serialize_der(context(), der.data(), &size, &sig);
    der.resize(size);
    return der;
}

std::array<uint8_t, 64> EcdsaSignature::serialize_compact() const {
    const secp256k1_ecdsa_signature sig = native(parsed_);
    std::array<uint8_t, 64> out;
    secp256k1_ecdsa_signature_serialize_compact(context(), out.data(), &sig);
    return out;
}

bool EcdsaSignature::is_low_s() const {
    const secp256k1_ecdsa_signature sig = native(parsed_);
    // With no output, normalize only reports whether s was high.
    return secp256k1_ecdsa_signature_normalize(context(), nullptr, &sig) == 0;
}

EcdsaSignature EcdsaSignature::normalized() const {
    const secp256k1_ecdsa_signature sig = native(parsed_);
    secp256k1_ecdsa_signature low;
    secp256k1_ecdsa_signature_normalize(context(), &low, &sig);
    EcdsaSignature out;
    std::memcpy(out.parsed_.data(), &low, sizeof low);
    return out;
}

bool EcdsaSignature::operator==(const EcdsaSignature& other) const {
    return serialize_compact() == other.serialize_compact();
}

EcdsaSignature ecdsa_sign(const SecretKey& key, std::span<const uint8_t, 32> hash) {
    secp256k1_ecdsa_signature sig;
    // Cannot fail: the key is valid and the default nonce function (RFC 6979) always
    // finds a nonce.
    secp256k1_ecdsa_sign(context(), &sig, hash.data(), key.bytes().data(), nullptr, nullptr);
    EcdsaSignature out;
    std::memcpy(out.parsed_.data(), &sig, sizeof sig);
    return out;
}

bool ecdsa_verify(const PubKey& key, std::span<const uint8_t, 32> hash,
                  const EcdsaSignature& signature, HighS high_s) {
    secp256k1_ecdsa_signature sig = native(signature.parsed_);
    switch (high_s) {
        case HighS::kReject:
            break;  // libsecp256k1's verify fails on a high S
        case HighS::kAccept:
            secp256k1_ecdsa_signature_normalize(context(), &sig, &sig);
            break;
    }
    const secp256k1_pubkey pub = Secp256k1Access::native(key);
    return secp256k1_ecdsa_verify(context(), &sig, hash.data(), &pub) == 1;
}

std::vector<uint8_t> ecdsa_sign_der(const SecretKey& key, std::span<const uint8_t, 32> hash) {
    return ecdsa_sign(key, hash).serialize_der();
}

std::array<uint8_t, 64> ecdsa_sign_compact(const SecretKey& key,
                                           std::span<const uint8_t, 32> hash) {
    return ecdsa_sign(key, hash).serialize_compact();
}

bool ecdsa_verify_der(const PubKey& key, std::span<const uint8_t, 32> hash,
                      std::span<const uint8_t> der_signature) {
    const auto sig = EcdsaSignature::parse_der(der_signature);
    return sig && ecdsa_verify(key, hash, *sig, HighS::kReject);
}

bool ecdsa_verify_compact(const PubKey& key, std::span<const uint8_t, 32> hash,
                          std::span<const uint8_t, 64> signature) {
    const auto sig = EcdsaSignature::parse_compact(signature);
    return sig && ecdsa_verify(key, hash, *sig, HighS::kReject);
}

}  // namespace datt::crypto
