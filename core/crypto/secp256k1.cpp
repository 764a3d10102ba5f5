#include "crypto/secp256k1.h"

#include <secp256k1.h>
#include <secp256k1_extrakeys.h>
#include <secp256k1_schnorrsig.h>

#include <algorithm>
#include <cstring>

#include "crypto/secp256k1_internal.h"
#include "crypto/wipe.h"

namespace datt::crypto {

namespace detail {

secp256k1_context* context() {
    static secp256k1_context* const ctx = secp256k1_context_create(SECP256K1_CONTEXT_NONE);
    return ctx;
}

PubKey Secp256k1Access::make_pubkey(const secp256k1_pubkey& point, PubKey::Format format) {
    PubKey out;
    std::memcpy(out.parsed_.data(), &point, sizeof point);
    out.format_ = format;
    size_t size = out.size();
    // Cannot fail: the point is valid and the buffer fits the format.
    secp256k1_ec_pubkey_serialize(context(), out.encoded_.data(), &size, &point,
                                  format == PubKey::Format::kCompressed
                                      ? SECP256K1_EC_COMPRESSED
                                      : SECP256K1_EC_UNCOMPRESSED);
    return out;
}

PubKey Secp256k1Access::make_hybrid_pubkey(const secp256k1_pubkey& point,
                                           std::span<const uint8_t, 65> bytes) {
    PubKey out;
    std::memcpy(out.parsed_.data(), &point, sizeof point);
    std::copy(bytes.begin(), bytes.end(), out.encoded_.begin());
    out.format_ = PubKey::Format::kHybrid;
    return out;
}

XOnlyPubKey Secp256k1Access::make_xonly(const secp256k1_xonly_pubkey& point) {
    XOnlyPubKey out;
    secp256k1_xonly_pubkey_serialize(context(), out.bytes_.data(), &point);
    std::memcpy(out.parsed_.data(), &point, sizeof point);
    return out;
}

KeyPair Secp256k1Access::make_keypair(const secp256k1_keypair& pair) {
    KeyPair out;
    std::memcpy(out.data_.data(), &pair, sizeof pair);
    return out;
}

}  // namespace detail

using detail::context;
using detail::Secp256k1Access;

namespace {

constexpr uint8_t kTagEven = 0x02;
constexpr uint8_t kTagOdd = 0x03;
constexpr uint8_t kTagUncompressed = 0x04;
constexpr uint8_t kTagHybridEven = 0x06;
constexpr uint8_t kTagHybridOdd = 0x07;

std::optional<PubKey> parse_pubkey(std::span<const uint8_t> bytes, bool allow_hybrid) {
    if (bytes.empty()) return std::nullopt;
    const uint8_t tag = bytes[0];
    PubKey::Format format;
    if (bytes.size() == 33 && (tag == kTagEven || tag == kTagOdd)) {
        format = PubKey::Format::kCompressed;
    } else if (bytes.size() == 65 && tag == kTagUncompressed) {
        format = PubKey::Format::kUncompressed;
    } else if (allow_hybrid && bytes.size() == 65 &&
               (tag == kTagHybridEven || tag == kTagHybridOdd)) {
        format = PubKey::Format::kHybrid;
    } else {
        return std::nullopt;
    }
    // libsecp256k1 checks the point is on the curve (and, for hybrid, the parity tag).
    secp256k1_pubkey point;
    if (!secp256k1_ec_pubkey_parse(context(), &point, bytes.data(), bytes.size())) {
        return std::nullopt;
    }
    if (format == PubKey::Format::kHybrid) {
        return Secp256k1Access::make_hybrid_pubkey(point, bytes.first<65>());
    }
    return Secp256k1Access::make_pubkey(point, format);
}

}  // namespace

std::optional<SecretKey> SecretKey::from_bytes(std::span<const uint8_t, 32> bytes) {
    if (!secp256k1_ec_seckey_verify(context(), bytes.data())) return std::nullopt;
    SecretKey key;
    std::memcpy(key.bytes_.data(), bytes.data(), 32);
    return key;
}

SecretKey::~SecretKey() {
    secure_wipe(bytes_.data(), bytes_.size());
}

std::optional<XOnlyPubKey> XOnlyPubKey::parse(std::span<const uint8_t, 32> bytes) {
    secp256k1_xonly_pubkey parsed;
    if (!secp256k1_xonly_pubkey_parse(context(), &parsed, bytes.data())) return std::nullopt;
    XOnlyPubKey out;
    std::memcpy(out.bytes_.data(), bytes.data(), 32);
    std::memcpy(out.parsed_.data(), &parsed, sizeof parsed);
    return out;
}

std::optional<XOnlyTweakResult> XOnlyPubKey::tweak_add(std::span<const uint8_t, 32> tweak) const {
    const secp256k1_xonly_pubkey internal = Secp256k1Access::native(*this);
    secp256k1_pubkey output;
    if (!secp256k1_xonly_pubkey_tweak_add(context(), &output, &internal, tweak.data())) {
        return std::nullopt;
    }
    secp256k1_xonly_pubkey output_xonly;
    int parity = 0;
    int ok = secp256k1_xonly_pubkey_from_pubkey(context(), &output_xonly, &parity, &output);
    (void)ok;  // cannot fail: the output point is valid
    return XOnlyTweakResult{Secp256k1Access::make_xonly(output_xonly), parity == 1};
}

bool XOnlyPubKey::tweak_add_check(std::span<const uint8_t, 32> tweaked_x, bool tweaked_y_is_odd,
                                  std::span<const uint8_t, 32> tweak) const {
    const secp256k1_xonly_pubkey internal = Secp256k1Access::native(*this);
    return secp256k1_xonly_pubkey_tweak_add_check(
               context(), tweaked_x.data(), tweaked_y_is_odd ? 1 : 0, &internal, tweak.data()) == 1;
}

std::optional<PubKey> PubKey::parse(std::span<const uint8_t> bytes) {
    return parse_pubkey(bytes, false);
}

std::optional<PubKey> PubKey::parse_allow_hybrid(std::span<const uint8_t> bytes) {
    return parse_pubkey(bytes, true);
}

std::array<uint8_t, 33> PubKey::compressed() const {
    if (format_ == Format::kCompressed) {
        std::array<uint8_t, 33> out;
        std::copy_n(encoded_.begin(), 33, out.begin());
        return out;
    }
    const secp256k1_pubkey point = Secp256k1Access::native(*this);
    std::array<uint8_t, 33> out;
    size_t size = out.size();
    secp256k1_ec_pubkey_serialize(context(), out.data(), &size, &point, SECP256K1_EC_COMPRESSED);
    return out;
}

std::array<uint8_t, 65> PubKey::uncompressed() const {
    if (format_ == Format::kUncompressed) return encoded_;
    const secp256k1_pubkey point = Secp256k1Access::native(*this);
    std::array<uint8_t, 65> out;
    size_t size = out.size();
    secp256k1_ec_pubkey_serialize(context(), out.data(), &size, &point, SECP256K1_EC_UNCOMPRESSED);
    return out;
}

bool PubKey::operator==(const PubKey& other) const {
    const auto mine = bytes();
    const auto theirs = other.bytes();
    return format_ == other.format_ &&
           std::equal(mine.begin(), mine.end(), theirs.begin(), theirs.end());
}

KeyPair::KeyPair(const SecretKey& key) {
    secp256k1_keypair keypair;
    int ok = secp256k1_keypair_create(context(), &keypair, key.bytes().data());
    (void)ok;  // SecretKey is valid by construction.
    std::memcpy(data_.data(), &keypair, sizeof keypair);
    secure_wipe(&keypair, sizeof keypair);
}

KeyPair::~KeyPair() {
    secure_wipe(data_.data(), data_.size());
}

SecretKey KeyPair::secret_key() const {
    std::array<uint8_t, 32> bytes;
    int ok = secp256k1_keypair_sec(context(), bytes.data(), Secp256k1Access::native(*this));
    (void)ok;  // cannot fail for a keypair made here
    // A keypair only ever holds a valid secret key.
    std::optional<SecretKey> key = SecretKey::from_bytes(bytes);
    secure_wipe(bytes.data(), bytes.size());
    return *key;
}

XOnlyPubKey KeyPair::xonly_pubkey() const {
    secp256k1_xonly_pubkey xonly;
    int ok =
        secp256k1_keypair_xonly_pub(context(), &xonly, nullptr, Secp256k1Access::native(*this));
    (void)ok;
    return Secp256k1Access::make_xonly(xonly);
}

SchnorrSig KeyPair::schnorr_sign(std::span<const uint8_t> message,
                                 std::span<const uint8_t, 32> aux_rand) const {
    secp256k1_schnorrsig_extraparams params = SECP256K1_SCHNORRSIG_EXTRAPARAMS_INIT;
    params.ndata = const_cast<uint8_t*>(aux_rand.data());
    SchnorrSig sig;
    int ok = secp256k1_schnorrsig_sign_custom(context(), sig.data(), message.data(), message.size(),
                                              Secp256k1Access::native(*this), &params);
    (void)ok;
    return sig;
}

std::optional<KeyPair> KeyPair::xonly_tweak_add(std::span<const uint8_t, 32> tweak) const {
    secp256k1_keypair tweaked;
    std::memcpy(&tweaked, data_.data(), sizeof tweaked);
    std::optional<KeyPair> out;
    if (secp256k1_keypair_xonly_tweak_add(context(), &tweaked, tweak.data())) {
        out = Secp256k1Access::make_keypair(tweaked);
    }
    secure_wipe(&tweaked, sizeof tweaked);
    return out;
}

XOnlyPubKey xonly_pubkey(const SecretKey& key) {
    return KeyPair(key).xonly_pubkey();
}

PubKey pubkey(const SecretKey& key) {
    secp256k1_pubkey pub;
    int ok = secp256k1_ec_pubkey_create(context(), &pub, key.bytes().data());
    (void)ok;
    return Secp256k1Access::make_pubkey(pub, PubKey::Format::kCompressed);
}

SchnorrSig schnorr_sign(const SecretKey& key, std::span<const uint8_t> message,
                        std::span<const uint8_t, 32> aux_rand) {
    return KeyPair(key).schnorr_sign(message, aux_rand);
}

bool schnorr_verify(const XOnlyPubKey& key, std::span<const uint8_t> message,
                    std::span<const uint8_t, 64> signature) {
    secp256k1_xonly_pubkey xonly;
    std::memcpy(&xonly, key.parsed_.data(), sizeof xonly);
    return secp256k1_schnorrsig_verify(context(), signature.data(), message.data(), message.size(),
                                       &xonly) == 1;
}

std::optional<SecretKey> secret_key_tweak_add(const SecretKey& key,
                                              std::span<const uint8_t, 32> tweak) {
    std::array<uint8_t, 32> sum = key.bytes();
    std::optional<SecretKey> out;
    if (secp256k1_ec_seckey_tweak_add(context(), sum.data(), tweak.data())) {
        out = SecretKey::from_bytes(sum);
    }
    secure_wipe(sum.data(), sum.size());
    return out;
}

std::optional<SecretKey> secret_key_tweak_mul(const SecretKey& key,
                                              std::span<const uint8_t, 32> tweak) {
    std::array<uint8_t, 32> product = key.bytes();
    std::optional<SecretKey> out;
    if (secp256k1_ec_seckey_tweak_mul(context(), product.data(), tweak.data())) {
        out = SecretKey::from_bytes(product);
    }
    secure_wipe(product.data(), product.size());
    return out;
}

std::optional<PubKey> pubkey_tweak_mul(const PubKey& key, std::span<const uint8_t, 32> tweak) {
    secp256k1_pubkey pub = Secp256k1Access::native(key);
    if (!secp256k1_ec_pubkey_tweak_mul(context(), &pub, tweak.data())) return std::nullopt;
    return Secp256k1Access::make_pubkey(pub, PubKey::Format::kCompressed);
}

std::optional<PubKey> pubkey_combine(const PubKey& a, const PubKey& b) {
    const secp256k1_pubkey first = Secp256k1Access::native(a);
    const secp256k1_pubkey second = Secp256k1Access::native(b);
    const secp256k1_pubkey* points[2] = {&first, &second};
    secp256k1_pubkey sum;
    if (!secp256k1_ec_pubkey_combine(context(), &sum, points, 2)) return std::nullopt;
    return Secp256k1Access::make_pubkey(sum, PubKey::Format::kCompressed);
}

std::optional<PubKey> pubkey_tweak_add(const PubKey& key, std::span<const uint8_t, 32> tweak) {
    secp256k1_pubkey pub = Secp256k1Access::native(key);
    if (!secp256k1_ec_pubkey_tweak_add(context(), &pub, tweak.data())) return std::nullopt;
    return Secp256k1Access::make_pubkey(pub, PubKey::Format::kCompressed);
}

void context_randomize(std::span<const uint8_t, 32> seed) {
    int ok = secp256k1_context_randomize(context(), seed.data());
    (void)ok;
}

}  // namespace datt::crypto
