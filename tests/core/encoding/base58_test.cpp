// Base58 against Bitcoin Core's base58_encode_decode.json; Base58Check against published
// strings (the genesis block's coinbase address and BIP-32 test vector 1's master xpub).
#include "encoding/base58.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "support/vectors.h"
#include "util/hex.h"

namespace datt::encoding {
namespace {

Bytes hex(std::string_view text) {
    auto decoded = from_hex(text);
    EXPECT_TRUE(decoded.ok()) << text;
    return decoded.ok() ? decoded.value() : Bytes{};
}

TEST(Base58, BitcoinCoreEncodeDecodeVectors) {
    DATT_LOAD_VECTORS(text, "bitcoin-core/base58_encode_decode.json");
    const auto rows = nlohmann::json::parse(text);
    ASSERT_GE(rows.size(), 20u);
    for (const auto& row : rows) {
        const std::string data_hex = row.at(0);
        const std::string base58 = row.at(1);
        const Bytes data = hex(data_hex);
        EXPECT_EQ(base58_encode(data), base58) << data_hex;
        auto decoded = base58_decode(base58);
        ASSERT_TRUE(decoded.ok()) << base58 << ": " << decoded.error().code;
        EXPECT_EQ(to_hex(*decoded), to_hex(data)) << base58;
    }
}

TEST(Base58, RejectsCharactersOutsideTheAlphabet) {
    const std::vector<std::string> bad_inputs = {"0",
                                                 "O",
                                                 "I",
                                                 "l",
                                                 "3SEo3LWLoPntC ",
                                                 " 3SEo3LWLoPntC",
                                                 "3SE+o3",
                                                 "abc\x80",
                                                 std::string("a\0b", 3)};
    for (const std::string& bad : bad_inputs) {
        auto decoded = base58_decode(bad);
        ASSERT_FALSE(decoded.ok()) << bad;
        EXPECT_EQ(decoded.error().code, "base58_invalid_char") << bad;
    }
}

TEST(Base58, CapsDecodeInputLength) {
    const std::string at_limit(kBase58MaxDecodeLength, '1');
    auto decoded = base58_decode(at_limit);
    ASSERT_TRUE(decoded.ok());
    EXPECT_EQ(*decoded, Bytes(kBase58MaxDecodeLength, 0));

    auto too_long = base58_decode(std::string(kBase58MaxDecodeLength + 1, 'z'));
    ASSERT_FALSE(too_long.ok());
    EXPECT_EQ(too_long.error().code, "base58_too_long");
}

TEST(Base58Check, GenesisCoinbaseAddress) {
    // Version byte 0x00 + HASH160 of the genesis block's coinbase output key.
    const Bytes payload = hex("0062e907b15cbf27d5425399ebf6f0fb50ebb88f18");
    const std::string address = "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa";
    EXPECT_EQ(base58check_encode(payload), address);
    auto decoded = base58check_decode(address);
    ASSERT_TRUE(decoded.ok()) << decoded.error().code;
    EXPECT_EQ(*decoded, payload);
}

TEST(Base58Check, Bip32MasterXpubRoundTrip) {
    // BIP-32 test vector 1, chain m: version, depth 0, no parent, child 0, chain code, key.
    const Bytes payload =
        hex("0488b21e000000000000000000"
            "873dff81c02f525623fd1fe5167eac3a55a049de3d314bb42ee227ffed37d508"
            "0339a36013301597daef41fbe593a02cc513d0b55527ec2df1050e2e8ff49c85c2");
    const std::string xpub =
        "xpub661MyMwAqRbcFtXgS5sYJABqqG9YLmC4Q1Rdap9gSE8NqtwybGhePY2gZ29ESFjqJoCu1Rupje8YtGqsefD26"
        "5TMg7usUDFdp6W1EGMcet8";
    EXPECT_EQ(base58check_encode(payload), xpub);
    auto decoded = base58check_decode(xpub);
    ASSERT_TRUE(decoded.ok()) << decoded.error().code;
    EXPECT_EQ(*decoded, payload);
}

TEST(Base58Check, RejectsAnyAlteredCharacter) {
    const std::string address = "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa";
    for (size_t i = 0; i < address.size(); ++i) {
        std::string altered = address;
        altered[i] = altered[i] == 'z' ? 'y' : 'z';
        auto decoded = base58check_decode(altered);
        ASSERT_FALSE(decoded.ok()) << altered;
        EXPECT_EQ(decoded.error().code, "base58check_bad_checksum") << altered;
    }
}

TEST(Base58Check, RejectsDataShorterThanTheChecksum) {
    // "" and "1" decode to 0 and 1 bytes; "211111" (Core's vector) is the 4 bytes 271f35a0,
    // whose checksum would cover an empty payload and does not match.
    for (std::string_view short_text : {"", "1", "111", "2g"}) {
        auto decoded = base58check_decode(short_text);
        ASSERT_FALSE(decoded.ok()) << short_text;
        EXPECT_EQ(decoded.error().code, "base58check_too_short") << short_text;
    }
    auto four_bytes = base58check_decode("211111");
    ASSERT_FALSE(four_bytes.ok());
    EXPECT_EQ(four_bytes.error().code, "base58check_bad_checksum");
}

TEST(Base58Check, EmptyPayloadIsOnlyTheChecksum) {
    // SHA256d("") = 5df6e0e2...: the encoding is just those four bytes in Base58.
    auto decoded = base58check_decode(base58_encode(hex("5df6e0e2")));
    ASSERT_TRUE(decoded.ok()) << decoded.error().code;
    EXPECT_TRUE(decoded->empty());
}

TEST(Base58Check, PropagatesBase58Errors) {
    auto decoded = base58check_decode("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfN0");
    ASSERT_FALSE(decoded.ok());
    EXPECT_EQ(decoded.error().code, "base58_invalid_char");
}

}  // namespace
}  // namespace datt::encoding
