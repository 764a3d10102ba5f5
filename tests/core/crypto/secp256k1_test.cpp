// libsecp256k1 wrapper: every row of the BIP-340 vectors, plus ECDSA properties.
#include "crypto/secp256k1.h"

#include <gtest/gtest.h>

#include <sstream>

#include "crypto/ecdsa.h"
#include "crypto/sha256.h"
#include "support/vectors.h"
#include "util/hex.h"

namespace datt::crypto {
namespace {

std::vector<std::string> split_csv_line(const std::string& line) {
    std::vector<std::string> cells;
    std::string cell;
    std::istringstream in(line);
    while (std::getline(in, cell, ',')) cells.push_back(cell);
    if (!line.empty() && line.back() == ',') cells.emplace_back();
    return cells;
}

Bytes hex(std::string_view text) {
    auto decoded = from_hex(text);
    EXPECT_TRUE(decoded.ok()) << text;
    return decoded.ok() ? *decoded : Bytes{};
}

template <size_t N>
std::array<uint8_t, N> hex_array(std::string_view text) {
    auto decoded = from_hex_fixed<N>(text);
    EXPECT_TRUE(decoded.ok()) << text;
    return decoded.ok() ? *decoded : std::array<uint8_t, N>{};
}

TEST(Bip340, EveryVectorRow) {
    DATT_LOAD_VECTORS(csv, "bip/bip340-test-vectors.csv");
    std::istringstream lines(csv);
    std::string line;
    std::getline(lines, line);  // header
    int rows = 0, signed_rows = 0;
    while (std::getline(lines, line)) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (line.empty()) continue;
        auto cells = split_csv_line(line);
        ASSERT_GE(cells.size(), 7u) << line;
        SCOPED_TRACE("BIP-340 vector " + cells[0] + " " + (cells.size() > 7 ? cells[7] : ""));
        const Bytes message = hex(cells[4]);
        const auto signature = hex_array<64>(cells[5]);
        const bool expected = cells[6] == "TRUE";
        ++rows;

        if (!cells[1].empty()) {
            auto key = SecretKey::from_bytes(hex_array<32>(cells[1]));
            ASSERT_TRUE(key.has_value());
            EXPECT_EQ(to_hex(xonly_pubkey(*key).bytes()), to_hex(hex(cells[2])));
            const auto aux = hex_array<32>(cells[3]);
            EXPECT_EQ(to_hex(schnorr_sign(*key, message, aux)), to_hex(signature));
            ++signed_rows;
        }
        auto pub = XOnlyPubKey::parse(hex_array<32>(cells[2]));
        const bool verified = pub.has_value() && schnorr_verify(*pub, message, signature);
        EXPECT_EQ(verified, expected);
    }
    EXPECT_EQ(rows, 19);
    EXPECT_EQ(signed_rows, 8);  // rows 0-3 and 15-18 carry a secret key
}

TEST(SecretKey, RejectsZeroAndOrderAndAbove) {
    std::array<uint8_t, 32> zero{};
    EXPECT_FALSE(SecretKey::from_bytes(zero).has_value());
    auto order = hex_array<32>("fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141");
    EXPECT_FALSE(SecretKey::from_bytes(order).has_value());
    auto below = hex_array<32>("fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364140");
    EXPECT_TRUE(SecretKey::from_bytes(below).has_value());
}

TEST(PubKey, GeneratorFromKeyOne) {
    std::array<uint8_t, 32> one{};
    one[31] = 1;
    auto key = SecretKey::from_bytes(one);
    ASSERT_TRUE(key);
    // SEC 2: the compressed generator point G.
    EXPECT_EQ(to_hex(pubkey(*key).compressed()),
              "0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798");
    EXPECT_FALSE(PubKey::parse(hex("0479be66")).has_value());
    EXPECT_FALSE(
        PubKey::parse(hex("0579be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798"))
            .has_value());
}

TEST(Ecdsa, Rfc6979KnownSignature) {
    // Widely published RFC 6979 secp256k1 case: key 1, sha256("Satoshi Nakamoto").
    std::array<uint8_t, 32> one{};
    one[31] = 1;
    auto key = SecretKey::from_bytes(one);
    ASSERT_TRUE(key);
    const auto hash = sha256(as_bytes("Satoshi Nakamoto"));
    EXPECT_EQ(to_hex(ecdsa_sign_compact(*key, hash)),
              "934b1ea10a4b3c1757e2b0c017d0b6143ce3c9a7e6a4a49860d7a6ab210ee3d8"
              "2442ce9d2b916064108014783e923ec36b49743e2ffa1c4496f01a512aafd9e5");
}

TEST(Ecdsa, SignVerifyLowSAndTamper) {
    auto key = SecretKey::from_bytes(
        hex_array<32>("b7e151628aed2a6abf7158809cf4f3c762e7160f38b4da56a784d9045190cfef"));
    ASSERT_TRUE(key);
    const PubKey pub = pubkey(*key);
    for (int i = 0; i < 32; ++i) {
        std::array<uint8_t, 32> hash = sha256(std::array<uint8_t, 1>{static_cast<uint8_t>(i)});
        auto der = ecdsa_sign_der(*key, hash);
        EXPECT_TRUE(ecdsa_verify_der(pub, hash, der));
        auto compact = ecdsa_sign_compact(*key, hash);
        EXPECT_TRUE(ecdsa_verify_compact(pub, hash, compact));
        // low-S: s <= n/2, i.e. the top byte of s is below 0x80 (n/2 = 7fff...a0).
        EXPECT_LT(compact[32], 0x80);
        hash[0] ^= 1;
        EXPECT_FALSE(ecdsa_verify_der(pub, hash, der));
    }
}

TEST(Ecdsa, HighSIsRejected) {
    auto key = SecretKey::from_bytes(
        hex_array<32>("0000000000000000000000000000000000000000000000000000000000000007"));
    ASSERT_TRUE(key);
    const auto hash = sha256(as_bytes("high s"));
    auto sig = ecdsa_sign_compact(*key, hash);
    // s' = n - s is the same signature's malleated twin.
    static const auto n =
        hex_array<32>("fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141");
    int borrow = 0;
    for (int i = 31; i >= 0; --i) {
        int diff = n[i] - sig[32 + i] - borrow;
        borrow = diff < 0;
        sig[32 + i] = static_cast<uint8_t>(diff + (borrow ? 256 : 0));
    }
    EXPECT_FALSE(ecdsa_verify_compact(pubkey(*key), hash, sig));
}

TEST(Tweak, AddMatchesBetweenSecretAndPublic) {
    auto key = SecretKey::from_bytes(
        hex_array<32>("0000000000000000000000000000000000000000000000000000000000000005"));
    ASSERT_TRUE(key);
    const auto tweak = hex_array<32>("00000000000000000000000000000000000000000000000000000000000000a0");
    auto tweaked = secret_key_tweak_add(*key, tweak);
    ASSERT_TRUE(tweaked);
    EXPECT_EQ(tweaked->bytes()[31], 0xa5);
    auto tweaked_pub = pubkey_tweak_add(pubkey(*key), tweak);
    ASSERT_TRUE(tweaked_pub);
    EXPECT_EQ(*tweaked_pub, pubkey(*tweaked));
    const auto order = hex_array<32>("fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141");
    EXPECT_FALSE(secret_key_tweak_add(*key, order).has_value());
}

}  // namespace
}  // namespace datt::crypto
