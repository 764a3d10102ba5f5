#include "crypto/secp256k1.h"

#include <secp256k1.h>
#include <secp256k1_extrakeys.h>
#include <secp256k1_schnorrsig.h>

#include <cstring>

#include "crypto/wipe.h"

namespace datt::crypto {
namespace {

secp256k1_context* context() {
    // Created once; never destroyed (lives for the process, like the wasm instance).
    static secp256k1_context* const ctx = secp256k1_context_create(SECP256K1_CONTEXT_NONE);
    return ctx;
}

secp256k1_pubkey load(const PubKey& key) {
    secp256k1_pubkey out;
    // Cannot fail: PubKey is validated at construction.
    int ok = secp256k1_ec_pubkey_parse(context(), &out, key.bytes.data(), key.bytes.size());
    (void)ok;
    return out;
}

PubKey store(const secp256k1_pubkey& key) {
    PubKey out;
    size_t size = out.bytes.size();
    secp256k1_ec_pubkey_serialize(context(), out.bytes.data(), &size, &key,
                                  SECP256K1_EC_COMPRESSED);
    return out;
}

static_assert(sizeof(secp256k1_keypair) == 96, "KeyPair::data_ holds a secp256k1_keypair");
static_assert(sizeof(secp256k1_xonly_pubkey) == 64, "XOnlyPubKey::parsed_ holds the parsed key");

const secp256k1_keypair* as_keypair(const std::array<uint8_t, 96>& data) {
    return reinterpret_cast<const secp256k1_keypair*>(data.data());
}

}  // namespace

std::optional<SecretKey> SecretKey::from_bytes(std::span<const uint8_t, 32> bytes) {
    if (!secp256k1_ec_seckey_verify(context(), bytes.data())) return std::nullopt;
    SecretKey key;
    std::memcpy(key.bytes_.data(), bytes.data(), 32);
    return key;
}

SecretKey::~SecretKey() { secure_wipe(bytes_.data(), bytes_.size()); }

std::optional<XOnlyPubKey> XOnlyPubKey::parse(std::span<const uint8_t, 32> bytes) {
    secp256k1_xonly_pubkey parsed;
    if (!secp256k1_xonly_pubkey_parse(context(), &parsed, bytes.data())) return std::nullopt;
    XOnlyPubKey out;
    std::memcpy(out.bytes_.data(), bytes.data(), 32);
    std::memcpy(out.parsed_.data(), &parsed, sizeof parsed);
    return out;
}

KeyPair::KeyPair(const SecretKey& key) {
    secp256k1_keypair keypair;
    int ok = secp256k1_keypair_create(context(), &keypair, key.bytes().data());
    (void)ok;  // SecretKey is valid by construction.
    std::memcpy(data_.data(), &keypair, sizeof keypair);
    secure_wipe(&keypair, sizeof keypair);
}

KeyPair::~KeyPair() { secure_wipe(data_.data(), data_.size()); }

XOnlyPubKey KeyPair::xonly_pubkey() const {
    secp256k1_xonly_pubkey xonly;
    int ok = secp256k1_keypair_xonly_pub(context(), &xonly, nullptr, as_keypair(data_));
    (void)ok;
    XOnlyPubKey out;
    secp256k1_xonly_pubkey_serialize(context(), out.bytes_.data(), &xonly);
    std::memcpy(out.parsed_.data(), &xonly, sizeof xonly);
    return out;
}

SchnorrSig KeyPair::schnorr_sign(std::span<const uint8_t> message,
                                 std::span<const uint8_t, 32> aux_rand) const {
    secp256k1_schnorrsig_extraparams params = SECP256K1_SCHNORRSIG_EXTRAPARAMS_INIT;
    params.ndata = const_cast<uint8_t*>(aux_rand.data());
    SchnorrSig sig;
    int ok = secp256k1_schnorrsig_sign_custom(context(), sig.data(), message.data(), message.size(),
                                              as_keypair(data_), &params);
    (void)ok;
    return sig;
}

std::optional<PubKey> PubKey::parse(std::span<const uint8_t> bytes) {
    if (bytes.size() != 33 && bytes.size() != 65) return std::nullopt;
    secp256k1_pubkey parsed;
    if (!secp256k1_ec_pubkey_parse(context(), &parsed, bytes.data(), bytes.size())) {
        return std::nullopt;
    }
    return store(parsed);
}

XOnlyPubKey xonly_pubkey(const SecretKey& key) { return KeyPair(key).xonly_pubkey(); }

PubKey pubkey(const SecretKey& key) {
    secp256k1_pubkey pub;
    int ok = secp256k1_ec_pubkey_create(context(), &pub, key.bytes().data());
    (void)ok;
    return store(pub);
}

SchnorrSig schnorr_sign(const SecretKey& key, std::span<const uint8_t> message,
                        std::span<const uint8_t, 32> aux_rand) {
    return KeyPair(key).schnorr_sign(message, aux_rand);
}

bool schnorr_verify(const XOnlyPubKey& key, std::span<const uint8_t> message,
                    std::span<const uint8_t, 64> signature) {
    secp256k1_xonly_pubkey xonly;
    std::memcpy(&xonly, key.parsed_.data(), sizeof xonly);
    return secp256k1_schnorrsig_verify(context(), signature.data(), message.data(),
                                       message.size(), &xonly) == 1;
}

std::vector<uint8_t> ecdsa_sign_der(const SecretKey& key, std::span<const uint8_t, 32> hash) {
    secp256k1_ecdsa_signature sig;
    secp256k1_ecdsa_sign(context(), &sig, hash.data(), key.bytes().data(), nullptr, nullptr);
    std::vector<uint8_t> der(72);
    size_t size = der.size();
    secp256k1_ecdsa_signature_serialize_der(context(), der.data(), &size, &sig);
    der.resize(size);
    return der;
}

std::array<uint8_t, 64> ecdsa_sign_compact(const SecretKey& key,
                                           std::span<const uint8_t, 32> hash) {
    secp256k1_ecdsa_signature sig;
    secp256k1_ecdsa_sign(context(), &sig, hash.data(), key.bytes().data(), nullptr, nullptr);
    std::array<uint8_t, 64> out;
    secp256k1_ecdsa_signature_serialize_compact(context(), out.data(), &sig);
    return out;
}

bool ecdsa_verify_der(const PubKey& key, std::span<const uint8_t, 32> hash,
                      std::span<const uint8_t> der_signature) {
    secp256k1_ecdsa_signature sig;
    if (!secp256k1_ecdsa_signature_parse_der(context(), &sig, der_signature.data(),
                                             der_signature.size())) {
        return false;
    }
    secp256k1_pubkey pub = load(key);
    return secp256k1_ecdsa_verify(context(), &sig, hash.data(), &pub) == 1;
}

bool ecdsa_verify_compact(const PubKey& key, std::span<const uint8_t, 32> hash,
                          std::span<const uint8_t, 64> signature) {
    secp256k1_ecdsa_signature sig;
    if (!secp256k1_ecdsa_signature_parse_compact(context(), &sig, signature.data())) {
        return false;
    }
    secp256k1_pubkey pub = load(key);
    return secp256k1_ecdsa_verify(context(), &sig, hash.data(), &pub) == 1;
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

std::optional<PubKey> pubkey_tweak_add(const PubKey& key, std::span<const uint8_t, 32> tweak) {
    secp256k1_pubkey pub = load(key);
    if (!secp256k1_ec_pubkey_tweak_add(context(), &pub, tweak.data())) return std::nullopt;
    return store(pub);
}

void context_randomize(std::span<const uint8_t, 32> seed) {
    int ok = secp256k1_context_randomize(context(), seed.data());
    (void)ok;
}

}  // namespace datt::crypto
