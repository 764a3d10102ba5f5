// BIP-32 against the BIP's test vectors 1-5 (bip/bip32-test-vectors.json).
#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "bip32/derive.h"
#include "bip32/extended_key.h"
#include "bip32/path.h"
#include "bip32/serialize.h"
#include "encoding/base58.h"
#include "support/vectors.h"
#include "util/hex.h"

namespace datt::bip32 {
namespace {

constexpr uint32_t H = kHardenedOffset;

Bytes hex(std::string_view text) {
    auto bytes = from_hex(text);
    EXPECT_TRUE(bytes.ok()) << text;
    return bytes.ok() ? *bytes : Bytes{};
}

ExtendedKey decode_ok(std::string_view text, Versions versions = kMainnetVersions) {
    auto key = decode(text, versions);
    EXPECT_TRUE(key.ok()) << text << ": " << key.error().code;
    return std::move(key).value();
}

nlohmann::json load_vectors(const std::string& text) {
    return nlohmann::json::parse(text).at("vectors");
}

struct Chain {
    std::string path;
    std::string xpub;
    std::string xprv;
};

std::vector<Chain> chains_of(const nlohmann::json& vector) {
    std::vector<Chain> chains;
    for (const auto& chain : vector.at("chains")) {
        chains.push_back({chain.at("path"), chain.at("xpub"), chain.at("xprv")});
    }
    return chains;
}

TEST(Bip32Vectors, PrivateDerivationFromSeed) {
    DATT_LOAD_VECTORS(text, "bip/bip32-test-vectors.json");
    size_t checked = 0;
    for (const auto& vector : load_vectors(text)) {
        if (!vector.contains("seed")) continue;
        auto master = master_from_seed(hex(vector.at("seed").get<std::string>()));
        ASSERT_TRUE(master.ok()) << master.error().message;
        for (const auto& chain : chains_of(vector)) {
            SCOPED_TRACE("vector " + vector.at("vector").dump() + " " + chain.path);
            auto key = derive_path(*master, chain.path);
            ASSERT_TRUE(key.ok()) << key.error().message;
            EXPECT_TRUE(key->is_private());
            EXPECT_EQ(encode(*key, kMainnetVersions), chain.xprv);
            EXPECT_EQ(encode(neuter(*key), kMainnetVersions), chain.xpub);
            ++checked;
        }
    }
    EXPECT_EQ(checked, 6u + 6u + 2u + 3u);  // chains in vectors 1, 2, 3 and 4
}

TEST(Bip32Vectors, DecodeReencodesIdentically) {
    DATT_LOAD_VECTORS(text, "bip/bip32-test-vectors.json");
    for (const auto& vector : load_vectors(text)) {
        if (!vector.contains("chains")) continue;
        for (const auto& chain : chains_of(vector)) {
            ExtendedKey xprv = decode_ok(chain.xprv);
            ExtendedKey xpub = decode_ok(chain.xpub);
            EXPECT_TRUE(xprv.is_private());
            EXPECT_FALSE(xpub.is_private());
            EXPECT_FALSE(xpub.secret_key().has_value());
            EXPECT_EQ(xprv.public_key(), xpub.public_key());
            EXPECT_EQ(encode(xprv, kMainnetVersions), chain.xprv);
            EXPECT_EQ(encode(xpub, kMainnetVersions), chain.xpub);
            EXPECT_EQ(encode(neuter(xprv), kMainnetVersions), chain.xpub);
        }
    }
}

TEST(Bip32Vectors, ParentFingerprintsMatchTheParents) {
    DATT_LOAD_VECTORS(text, "bip/bip32-test-vectors.json");
    for (const auto& vector : load_vectors(text)) {
        if (!vector.contains("chains")) continue;
        auto chains = chains_of(vector);
        for (size_t i = 1; i < chains.size(); ++i) {
            // Each chain extends the previous one by one component.
            ASSERT_EQ(chains[i].path.rfind(chains[i - 1].path + "/", 0), 0u);
            EXPECT_EQ(decode_ok(chains[i].xpub).parent_fingerprint(),
                      fingerprint(decode_ok(chains[i - 1].xpub)));
        }
    }
}

// Every descendant reachable from an ancestor's xpub through non-hardened steps only.
TEST(Bip32Vectors, PublicDerivationMatchesPrivate) {
    DATT_LOAD_VECTORS(text, "bip/bip32-test-vectors.json");
    size_t checked = 0;
    for (const auto& vector : load_vectors(text)) {
        if (!vector.contains("chains")) continue;
        auto chains = chains_of(vector);
        for (const auto& ancestor : chains) {
            for (const auto& descendant : chains) {
                std::string prefix = ancestor.path + "/";
                if (descendant.path.rfind(prefix, 0) != 0) continue;
                std::string relative = "m/" + descendant.path.substr(prefix.size());
                SCOPED_TRACE(ancestor.path + " -> " + descendant.path);
                auto derived = derive_path(decode_ok(ancestor.xpub), relative);
                if (relative.find('\'') != std::string::npos) {
                    ASSERT_FALSE(derived.ok());
                    EXPECT_EQ(derived.error().code, "bip32_hardened_from_public");
                    continue;
                }
                ASSERT_TRUE(derived.ok()) << derived.error().message;
                EXPECT_FALSE(derived->is_private());
                EXPECT_EQ(encode(*derived, kMainnetVersions), descendant.xpub);
                ++checked;
            }
        }
    }
    // Vector 1: m/0'/1 from m/0'; m/0'/1/2'/2 and .../1000000000 from m/0'/1/2', the last
    // also from m/0'/1/2'/2. Vector 2: m/0 from m; m/0/2147483647'/1 from m/0/2147483647';
    // m/0/2147483647'/1/2147483646'/2 from its parent.
    EXPECT_EQ(checked, 4u + 3u);
}

TEST(Bip32Vectors, InvalidKeysOfVector5AreRejected) {
    DATT_LOAD_VECTORS(text, "bip/bip32-test-vectors.json");
    // Reason (as the BIP words it, up to its first variable part) -> our code.
    const std::vector<std::pair<std::string, std::string>> codes = {
        {"pubkey version / prvkey mismatch", "bip32_public_version_with_private_key"},
        {"prvkey version / pubkey mismatch", "bip32_private_version_with_public_key"},
        {"invalid pubkey prefix", "bip32_bad_public_key_prefix"},
        {"invalid prvkey prefix", "bip32_bad_private_key_prefix"},
        {"zero depth with non-zero parent fingerprint", "bip32_zero_depth_parent_fingerprint"},
        {"zero depth with non-zero index", "bip32_zero_depth_child_number"},
        {"unknown extended key version", "bip32_unknown_version"},
        {"private key 0 not in 1..n-1", "bip32_bad_private_key"},
        {"private key n not in 1..n-1", "bip32_bad_private_key"},
        {"invalid pubkey 0", "bip32_bad_public_key"},
        {"invalid checksum", "bip32_bad_checksum"},
    };
    size_t rejected = 0;
    for (const auto& vector : load_vectors(text)) {
        if (!vector.contains("invalid")) continue;
        for (const auto& invalid : vector.at("invalid")) {
            const std::string key = invalid.at("key");
            const std::string reason = invalid.at("reason");
            SCOPED_TRACE(reason + ": " + key);
            auto decoded = decode(key, kMainnetVersions);
            ASSERT_FALSE(decoded.ok());
            std::string expected_code;
            for (const auto& [reason_prefix, code] : codes) {
                if (reason.rfind(reason_prefix, 0) == 0) {
                    expected_code = code;
                    break;
                }
            }
            ASSERT_FALSE(expected_code.empty()) << "no code mapped for this reason";
            EXPECT_EQ(decoded.error().code, expected_code);
            ++rejected;
        }
    }
    EXPECT_EQ(rejected, 16u);
}

TEST(Bip32Decode, RejectsWrongLengthsAndBadBase58) {
    for (size_t size : {0, 77, 79}) {
        Bytes payload(size, 0);
        auto decoded = decode(encoding::base58check_encode(payload), kMainnetVersions);
        ASSERT_FALSE(decoded.ok()) << size;
        EXPECT_EQ(decoded.error().code, "bip32_bad_length") << size;
    }
    for (const std::string& text : {std::string(), std::string("1"), std::string(2000, '1')}) {
        auto decoded = decode(text, kMainnetVersions);
        ASSERT_FALSE(decoded.ok()) << text.size();
        EXPECT_EQ(decoded.error().code, "bip32_bad_length") << text.size();
    }
    auto bad_char = decode(
        "xprv9s21ZrQH143K3QTDL4LXw2F7HEK3wJUD2nW2nRk4stbPy6cq3jPPqjiChkVvvNKmPGJxWUtg6LnF5kejMRNN"
        "U3TGtRBeJgk33yuGBxrMPH0",
        kMainnetVersions);
    ASSERT_FALSE(bad_char.ok());
    EXPECT_EQ(bad_char.error().code, "bip32_bad_base58");
}

TEST(Bip32Decode, VersionsAreTheCallersNetworkChoice) {
    // Vector 1's master key.
    const char* xprv =
        "xprv9s21ZrQH143K3QTDL4LXw2F7HEK3wJUD2nW2nRk4stbPy6cq3jPPqjiChkVvvNKmPGJxWUtg6LnF5kejMRNN"
        "U3TGtRBeJgk33yuGBxrMPHi";
    auto as_testnet = decode(xprv, kTestnetVersions);
    ASSERT_FALSE(as_testnet.ok());
    EXPECT_EQ(as_testnet.error().code, "bip32_unknown_version");

    ExtendedKey master = decode_ok(xprv);
    std::string tprv = encode(master, kTestnetVersions);
    std::string tpub = encode(neuter(master), kTestnetVersions);
    EXPECT_EQ(tprv.substr(0, 4), "tprv");
    EXPECT_EQ(tpub.substr(0, 4), "tpub");
    EXPECT_EQ(encode(decode_ok(tprv, kTestnetVersions), kMainnetVersions), xprv);
    EXPECT_FALSE(decode(tpub, kMainnetVersions).ok());
}

TEST(Bip32Master, SeedLengthIs16To64Bytes) {
    for (size_t size : {0, 15, 65}) {
        auto master = master_from_seed(Bytes(size, 1));
        ASSERT_FALSE(master.ok()) << size;
        EXPECT_EQ(master.error().code, "bip32_seed_length");
    }
    EXPECT_TRUE(master_from_seed(Bytes(16, 1)).ok());
    EXPECT_TRUE(master_from_seed(Bytes(64, 1)).ok());
}

TEST(Bip32Master, FingerprintOfVector1) {
    // BIP-32 vector 1 lists the master key's identifier 3442193e1bb7... (fingerprint
    // 0x3442193e).
    auto master = master_from_seed(hex("000102030405060708090a0b0c0d0e0f"));
    ASSERT_TRUE(master.ok());
    EXPECT_EQ(to_hex(fingerprint(*master)), "3442193e");
    EXPECT_EQ(to_hex(master->parent_fingerprint()), "00000000");
    EXPECT_EQ(master->depth(), 0);
    EXPECT_EQ(master->child_number(), 0u);
}

TEST(Bip32Derive, HardenedChildOfPublicKeyIsAnError) {
    auto master = master_from_seed(hex("000102030405060708090a0b0c0d0e0f"));
    ASSERT_TRUE(master.ok());
    auto child = derive_child(neuter(*master), H);
    ASSERT_FALSE(child.ok());
    EXPECT_EQ(child.error().code, "bip32_hardened_from_public");
    EXPECT_TRUE(derive_child(neuter(*master), H - 1).ok());
}

TEST(Bip32Derive, DepthStopsAt255) {
    auto master = master_from_seed(hex("000102030405060708090a0b0c0d0e0f"));
    ASSERT_TRUE(master.ok());
    ExtendedKey key = *master;
    for (int depth = 1; depth <= 255; ++depth) {
        auto child = derive_child(key, 0);
        ASSERT_TRUE(child.ok()) << depth;
        key = std::move(child).value();
    }
    EXPECT_EQ(key.depth(), 255);
    auto too_deep = derive_child(key, 0);
    ASSERT_FALSE(too_deep.ok());
    EXPECT_EQ(too_deep.error().code, "bip32_depth_overflow");
}

TEST(Bip32Path, ParsesStrictSyntax) {
    auto parsed = parse_path("m/44'/0'/0'/0/1");
    ASSERT_TRUE(parsed.ok());
    EXPECT_EQ(*parsed, (std::vector<uint32_t>{44 + H, H, H, 0, 1}));
    parsed = parse_path("m/84h/1h/2147483647'/2147483647");
    ASSERT_TRUE(parsed.ok());
    EXPECT_EQ(*parsed, (std::vector<uint32_t>{84 + H, 1 + H, 0xFFFFFFFF, 0x7FFFFFFF}));
    parsed = parse_path("m");
    ASSERT_TRUE(parsed.ok());
    EXPECT_TRUE(parsed->empty());
}

TEST(Bip32Path, RejectsEverythingElse) {
    for (const char* path : {"",
                             "M",
                             "M/0",
                             "/0",
                             "0/1",
                             "m/",
                             "m//0",
                             "m/0/",
                             "m/01",
                             "m/00",
                             "m/2147483648",
                             "m/4294967295",
                             "m/99999999999999999999",
                             "m/0''",
                             "m/0'h",
                             "m/0H",
                             "m/-1",
                             "m/+1",
                             "m/ 0",
                             "m/0 ",
                             " m/0",
                             "m/0x1",
                             "m/1a",
                             "m\\0",
                             "m0",
                             "mm"}) {
        auto parsed = parse_path(path);
        ASSERT_FALSE(parsed.ok()) << path;
        EXPECT_EQ(parsed.error().code, "bip32_bad_path") << path;
    }
    auto master = master_from_seed(hex("000102030405060708090a0b0c0d0e0f"));
    ASSERT_TRUE(master.ok());
    auto derived = derive_path(*master, "m/0'/");
    ASSERT_FALSE(derived.ok());
    EXPECT_EQ(derived.error().code, "bip32_bad_path");
}

}  // namespace
}  // namespace datt::bip32
