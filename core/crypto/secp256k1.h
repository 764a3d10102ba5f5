// libsecp256k1 wrapper: keys, BIP-340 Schnorr, ECDSA (RFC 6979, low-S), tweaks.
//
// One library context is created on first use and shared (creating one per call made a
// wasm port 100x slower elsewhere). Shells may call context_randomize() with fresh random
// bytes for side-channel blinding; the core never draws randomness itself.
//
// Types are validated at construction: holding an XOnlyPubKey or a PubKey means the
// bytes are a point on the curve; holding a SecretKey means 0 < key < n.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace datt::crypto {

class SecretKey {
public:
    // nullopt when the 32 bytes are zero or not below the curve order.
    static std::optional<SecretKey> from_bytes(std::span<const uint8_t, 32> bytes);

    SecretKey(const SecretKey& other) = default;
    SecretKey& operator=(const SecretKey& other) = default;
    ~SecretKey();

    const std::array<uint8_t, 32>& bytes() const { return bytes_; }

private:
    SecretKey() = default;
    std::array<uint8_t, 32> bytes_{};
};

// BIP-340 32-byte x-only public key. It keeps libsecp256k1's parsed form too, so that
// verifying with it does not parse the point again (a parse costs ~12% of a verify).
class XOnlyPubKey {
public:
    // nullopt when the x coordinate is not on the curve.
    static std::optional<XOnlyPubKey> parse(std::span<const uint8_t, 32> bytes);

    const std::array<uint8_t, 32>& bytes() const { return bytes_; }
    bool operator==(const XOnlyPubKey& other) const { return bytes_ == other.bytes_; }

private:
    friend class KeyPair;
    friend bool schnorr_verify(const XOnlyPubKey&, std::span<const uint8_t>,
                               std::span<const uint8_t, 64>);
    XOnlyPubKey() = default;
    std::array<uint8_t, 32> bytes_{};
    std::array<uint8_t, 64> parsed_{};  // secp256k1_xonly_pubkey
};

// 33-byte compressed SEC1 public key.
struct PubKey {
    std::array<uint8_t, 33> bytes;

    // Accepts 33-byte compressed or 65-byte uncompressed encodings; stores compressed.
    static std::optional<PubKey> parse(std::span<const uint8_t> bytes);
    bool operator==(const PubKey&) const = default;
};

using SchnorrSig = std::array<uint8_t, 64>;

// A secret key with its public key computed once, for signing several times (or signing
// and publishing the pubkey) without redoing the point multiplication. Wiped on destruction.
class KeyPair {
public:
    explicit KeyPair(const SecretKey& key);
    KeyPair(const KeyPair&) = default;
    KeyPair& operator=(const KeyPair&) = default;
    ~KeyPair();

    XOnlyPubKey xonly_pubkey() const;
    // BIP-340 signature over a message of any length; `aux_rand` is fresh randomness.
    SchnorrSig schnorr_sign(std::span<const uint8_t> message,
                            std::span<const uint8_t, 32> aux_rand) const;

private:
    std::array<uint8_t, 96> data_;  // secp256k1_keypair
};

XOnlyPubKey xonly_pubkey(const SecretKey& key);
PubKey pubkey(const SecretKey& key);

// BIP-340 signature over a message of any length (events sign their 32-byte id).
// `aux_rand` is the BIP-340 auxiliary randomness: fresh random bytes from the shell.
SchnorrSig schnorr_sign(const SecretKey& key, std::span<const uint8_t> message,
                        std::span<const uint8_t, 32> aux_rand);
bool schnorr_verify(const XOnlyPubKey& key, std::span<const uint8_t> message,
                    std::span<const uint8_t, 64> signature);

// ECDSA with RFC 6979 nonces; libsecp256k1 always produces low-S signatures.
std::vector<uint8_t> ecdsa_sign_der(const SecretKey& key, std::span<const uint8_t, 32> hash);
std::array<uint8_t, 64> ecdsa_sign_compact(const SecretKey& key,
                                           std::span<const uint8_t, 32> hash);
// Strict DER; high-S signatures are rejected as Bitcoin's LOW_S rule demands.
bool ecdsa_verify_der(const PubKey& key, std::span<const uint8_t, 32> hash,
                      std::span<const uint8_t> der_signature);
bool ecdsa_verify_compact(const PubKey& key, std::span<const uint8_t, 32> hash,
                          std::span<const uint8_t, 64> signature);

// key + tweak (mod n), nullopt if the tweak is >= n or the result is zero (BIP-32).
std::optional<SecretKey> secret_key_tweak_add(const SecretKey& key,
                                              std::span<const uint8_t, 32> tweak);
// key + tweak*G, nullopt if the tweak is >= n or the result is infinity.
std::optional<PubKey> pubkey_tweak_add(const PubKey& key, std::span<const uint8_t, 32> tweak);

// Re-blinds the shared context with 32 random bytes supplied by the shell.
void context_randomize(std::span<const uint8_t, 32> seed);

}  // namespace datt::crypto
