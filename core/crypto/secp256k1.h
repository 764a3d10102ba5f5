// libsecp256k1 wrapper: keys, BIP-340 Schnorr, tweaks (BIP-32 and BIP-341 x-only).
// ECDSA is in crypto/ecdsa.h.
//
// One library context is created on first use and shared (creating one per call made a
// wasm port 100x slower elsewhere). Shells may call context_randomize() with fresh random
// bytes for side-channel blinding; the core never draws randomness itself.
//
// Types are validated at construction and can be made no other way: holding an
// XOnlyPubKey or a PubKey means the bytes are a point on the curve, holding a SecretKey
// means 0 < key < n. Key types keep libsecp256k1's parsed form next to their bytes, so
// using a key never parses it again (a parse costs ~12% of a verify).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace datt::crypto {

namespace detail {
struct Secp256k1Access;  // crypto/secp256k1_internal.h: the parsed forms, for crypto's .cpp files
}

class SecretKey {
public:
    // nullopt when the 32 bytes are zero or not below the curve order.
    [[nodiscard]] static std::optional<SecretKey> from_bytes(std::span<const uint8_t, 32> bytes);

    SecretKey(const SecretKey& other) = default;
    SecretKey& operator=(const SecretKey& other) = default;
    ~SecretKey();

    const std::array<uint8_t, 32>& bytes() const { return bytes_; }

private:
    SecretKey() = default;
    std::array<uint8_t, 32> bytes_{};
};

struct XOnlyTweakResult;

// BIP-340 32-byte x-only public key (the point with this x and an even y).
class XOnlyPubKey {
public:
    // nullopt when the x coordinate is not on the curve.
    [[nodiscard]] static std::optional<XOnlyPubKey> parse(std::span<const uint8_t, 32> bytes);

    const std::array<uint8_t, 32>& bytes() const { return bytes_; }
    bool operator==(const XOnlyPubKey& other) const { return bytes_ == other.bytes_; }

    // BIP-341 output key Q = P + t*G, P being this key, with Q's x-only form and the parity
    // of its y (the control block's bit). nullopt when t >= n or Q is infinity (never for a
    // hash output in practice). The tweak t is hash_TapTweak(P || merkle root), computed by
    // the caller (crypto/tagged_hash.h).
    [[nodiscard]] std::optional<XOnlyTweakResult> tweak_add(
        std::span<const uint8_t, 32> tweak) const;
    // True when `tweaked_x` (with y parity `tweaked_y_is_odd`) is this key tweaked by `tweak`:
    // BIP-341's script-path check that the output key commits to the internal key and tree.
    // The tweaked key is taken as bytes, unparsed, as the witness program gives it.
    [[nodiscard]] bool tweak_add_check(std::span<const uint8_t, 32> tweaked_x,
                                       bool tweaked_y_is_odd,
                                       std::span<const uint8_t, 32> tweak) const;

private:
    friend struct detail::Secp256k1Access;
    friend bool schnorr_verify(const XOnlyPubKey&, std::span<const uint8_t>,
                               std::span<const uint8_t, 64>);
    XOnlyPubKey() = default;
    std::array<uint8_t, 32> bytes_{};
    std::array<uint8_t, 64> parsed_{};  // secp256k1_xonly_pubkey
};

struct XOnlyTweakResult {
    XOnlyPubKey key;
    bool y_is_odd;
};

// SEC1 public key: a curve point, remembering the encoding it was parsed from.
class PubKey {
public:
    enum class Format : uint8_t {
        kCompressed,    // 33 bytes: 02/03 (y even/odd) || x
        kUncompressed,  // 65 bytes: 04 || x || y
        kHybrid,        // 65 bytes: 06/07 (y even/odd) || x || y; see parse_allow_hybrid()
    };

    // 33-byte compressed or 65-byte uncompressed encodings of a point on the curve;
    // nullopt for anything else, hybrid encodings included.
    [[nodiscard]] static std::optional<PubKey> parse(std::span<const uint8_t> bytes);
    // parse() plus the 65-byte hybrid encodings (06/07 || x || y, the prefix matching y's
    // parity). Only for Bitcoin's script interpreter without STRICTENC: Bitcoin Core's
    // CPubKey::Verify hands any 65-byte key to libsecp256k1's parser, which takes hybrid
    // keys, so consensus accepts them in CHECKSIG; STRICTENC (policy) rejects them before
    // they get here. Nothing else should accept them.
    [[nodiscard]] static std::optional<PubKey> parse_allow_hybrid(std::span<const uint8_t> bytes);

    Format format() const { return format_; }
    bool is_compressed() const { return format_ == Format::kCompressed; }
    // Exactly the bytes it was parsed from (33 or 65). Keys made here (pubkey(), tweaks)
    // are compressed.
    std::span<const uint8_t> bytes() const { return {encoded_.data(), size()}; }
    std::array<uint8_t, 33> compressed() const;
    std::array<uint8_t, 65> uncompressed() const;

    // The same key in the same encoding.
    bool operator==(const PubKey& other) const;

private:
    friend struct detail::Secp256k1Access;
    PubKey() = default;
    size_t size() const { return format_ == Format::kCompressed ? 33 : 65; }
    std::array<uint8_t, 64> parsed_{};   // secp256k1_pubkey
    std::array<uint8_t, 65> encoded_{};  // the first size() bytes are used
    Format format_ = Format::kCompressed;
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

    SecretKey secret_key() const;
    XOnlyPubKey xonly_pubkey() const;
    // BIP-340 signature over a message of any length; `aux_rand` is fresh randomness.
    SchnorrSig schnorr_sign(std::span<const uint8_t> message,
                            std::span<const uint8_t, 32> aux_rand) const;

    // BIP-341 key-path signing key: the secret d' = t + (d if P has an even y, else n - d),
    // whose x-only key is XOnlyPubKey::tweak_add(t) of this one. nullopt when t >= n or
    // d' is zero.
    [[nodiscard]] std::optional<KeyPair> xonly_tweak_add(std::span<const uint8_t, 32> tweak) const;

private:
    friend struct detail::Secp256k1Access;
    KeyPair() = default;
    std::array<uint8_t, 96> data_{};  // secp256k1_keypair
};

XOnlyPubKey xonly_pubkey(const SecretKey& key);
// Compressed.
PubKey pubkey(const SecretKey& key);

// BIP-340 signature over a message of any length (events sign their 32-byte id).
// `aux_rand` is the BIP-340 auxiliary randomness: fresh random bytes from the shell.
SchnorrSig schnorr_sign(const SecretKey& key, std::span<const uint8_t> message,
                        std::span<const uint8_t, 32> aux_rand);
[[nodiscard]] bool schnorr_verify(const XOnlyPubKey& key, std::span<const uint8_t> message,
                                  std::span<const uint8_t, 64> signature);

// key + tweak (mod n), nullopt if the tweak is >= n or the result is zero (BIP-32).
[[nodiscard]] std::optional<SecretKey> secret_key_tweak_add(const SecretKey& key,
                                                            std::span<const uint8_t, 32> tweak);
// key + tweak*G, compressed; nullopt if the tweak is >= n or the result is infinity.
[[nodiscard]] std::optional<PubKey> pubkey_tweak_add(const PubKey& key,
                                                     std::span<const uint8_t, 32> tweak);

// key * tweak (mod n), nullopt if the tweak is zero or >= n (BOLT-3 revocation keys).
[[nodiscard]] std::optional<SecretKey> secret_key_tweak_mul(const SecretKey& key,
                                                            std::span<const uint8_t, 32> tweak);
// tweak*key, compressed; nullopt if the tweak is zero or >= n.
[[nodiscard]] std::optional<PubKey> pubkey_tweak_mul(const PubKey& key,
                                                     std::span<const uint8_t, 32> tweak);
// a + b (point addition), compressed; nullopt when the sum is infinity (b == -a).
[[nodiscard]] std::optional<PubKey> pubkey_combine(const PubKey& a, const PubKey& b);

// Re-blinds the shared context with 32 random bytes supplied by the shell.
void context_randomize(std::span<const uint8_t, 32> seed);

}  // namespace datt::crypto
