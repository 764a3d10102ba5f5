// BIP-39 against trezor/python-mnemonic's vectors.json (english) and the canonical wordlist.
#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <string>

#include "bip32/derive.h"
#include "bip32/serialize.h"
#include "bip39/mnemonic.h"
#include "bip39/seed.h"
#include "bip39/wordlist.h"
#include "crypto/sha256.h"
#include "support/vectors.h"
#include "util/hex.h"

namespace datt::bip39 {
namespace {

constexpr const char* kAbandonAbout =
    "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon "
    "about";

Bytes hex(std::string_view text) {
    auto bytes = from_hex(text);
    EXPECT_TRUE(bytes.ok()) << text;
    return bytes.ok() ? *bytes : Bytes{};
}

std::string repeat_word(std::string_view word, size_t count) {
    std::string out;
    for (size_t i = 0; i < count; ++i) {
        if (i > 0) out += ' ';
        out += word;
    }
    return out;
}

std::string error_code_of(std::string_view mnemonic) {
    auto entropy = mnemonic_to_entropy(mnemonic);
    return entropy.ok() ? "ok" : entropy.error().code;
}

TEST(Bip39Wordlist, IsTheCanonicalEnglishTxt) {
    std::string joined;
    for (auto word : kEnglishWordlist) joined.append(word).push_back('\n');
    EXPECT_EQ(to_hex(crypto::sha256(as_bytes(joined))),
              "2f5eed53a4727b4bf8880d8f3f199efc90e58503646d9ff8eff3a2ed3b24dbda");
}

TEST(Bip39Wordlist, IsSortedSoBinarySearchFindsEveryWord) {
    EXPECT_TRUE(std::is_sorted(kEnglishWordlist.begin(), kEnglishWordlist.end()));
    for (size_t i = 0; i < kEnglishWordlist.size(); ++i) {
        auto index = find_english_word(kEnglishWordlist[i]);
        ASSERT_TRUE(index.has_value()) << kEnglishWordlist[i];
        EXPECT_EQ(*index, i);
    }
    EXPECT_FALSE(find_english_word("").has_value());
    EXPECT_FALSE(find_english_word("Abandon").has_value());
    EXPECT_FALSE(find_english_word("abando").has_value());
    EXPECT_FALSE(find_english_word("zoo ").has_value());
    EXPECT_FALSE(find_english_word("zzz").has_value());
}

TEST(Bip39Vectors, English) {
    DATT_LOAD_VECTORS(text, "bip/bip39-vectors.json");
    auto vectors = nlohmann::json::parse(text).at("english");
    ASSERT_EQ(vectors.size(), 24u);
    for (const auto& vector : vectors) {
        const std::string entropy_hex = vector.at(0);
        const std::string mnemonic = vector.at(1);
        const std::string seed_hex = vector.at(2);
        const std::string xprv = vector.at(3);
        SCOPED_TRACE(mnemonic);
        Bytes entropy = hex(entropy_hex);

        auto words = entropy_to_mnemonic(entropy);
        ASSERT_TRUE(words.ok()) << words.error().message;
        EXPECT_EQ(*words, mnemonic);

        auto decoded = mnemonic_to_entropy(mnemonic);
        ASSERT_TRUE(decoded.ok()) << decoded.error().message;
        EXPECT_EQ(to_hex(*decoded), entropy_hex);
        EXPECT_TRUE(check_mnemonic(mnemonic).ok());

        auto seed = mnemonic_to_seed(mnemonic, "TREZOR");
        EXPECT_EQ(to_hex(seed), seed_hex);

        auto master = bip32::master_from_seed(seed);
        ASSERT_TRUE(master.ok()) << master.error().message;
        EXPECT_EQ(bip32::encode(*master, bip32::kMainnetVersions), xprv);
    }
}

TEST(Bip39Seed, EmptyPassphrase) {
    // Python's hashlib.pbkdf2_hmac("sha512", mnemonic, b"mnemonic", 2048).
    EXPECT_EQ(to_hex(mnemonic_to_seed(kAbandonAbout, "")),
              "5eb00bbddcf069084889a8ab9155568165f5c453ccb85e70811aaed6f6da5fc19a5ac40b389cd37"
              "0d086206dec8aa6c43daea6690f20ad3d8d48b2d2ce9e38e4");
}

TEST(Bip39Mnemonic, RejectsBadChecksum) {
    // Twelve "abandon" are all-zero entropy with checksum bits 0000; the right ones are 0011.
    EXPECT_EQ(error_code_of(repeat_word("abandon", 12)), "mnemonic_checksum");
    EXPECT_EQ(error_code_of(repeat_word("zoo", 24)), "mnemonic_checksum");
    EXPECT_EQ(check_mnemonic(repeat_word("abandon", 12)).error().code, "mnemonic_checksum");
    // The valid sentence with its last word swapped for a neighbour.
    std::string swapped = kAbandonAbout;
    swapped.replace(swapped.size() - 5, 5, "above");
    EXPECT_EQ(error_code_of(swapped), "mnemonic_checksum");
    EXPECT_EQ(error_code_of(kAbandonAbout), "ok");
}

TEST(Bip39Mnemonic, UnknownWordNamesThePositionNotTheWord) {
    std::string mnemonic =
        "abandon abandon abandon abandon secretword abandon abandon abandon abandon abandon "
        "abandon about";
    auto entropy = mnemonic_to_entropy(mnemonic);
    ASSERT_FALSE(entropy.ok());
    EXPECT_EQ(entropy.error().code, "mnemonic_unknown_word");
    EXPECT_NE(entropy.error().message.find("word 5 "), std::string::npos)
        << entropy.error().message;
    EXPECT_EQ(entropy.error().message.find("secretword"), std::string::npos);

    std::string uppercase = kAbandonAbout;
    uppercase[0] = 'A';
    EXPECT_EQ(error_code_of(uppercase), "mnemonic_unknown_word");
    std::string prefix_only = kAbandonAbout;
    prefix_only.replace(prefix_only.size() - 5, 5, "abou");
    EXPECT_EQ(error_code_of(prefix_only), "mnemonic_unknown_word");
}

TEST(Bip39Mnemonic, RejectsWrongWordCounts) {
    EXPECT_EQ(error_code_of(""), "mnemonic_word_count");
    for (size_t count : {1, 3, 9, 11, 13, 14, 16, 23, 25, 27, 48}) {
        EXPECT_EQ(error_code_of(repeat_word("abandon", count)), "mnemonic_word_count") << count;
    }
}

TEST(Bip39Mnemonic, RejectsAnythingButSingleSpaces) {
    std::string valid = kAbandonAbout;
    EXPECT_EQ(error_code_of(" " + valid), "mnemonic_separator");
    EXPECT_EQ(error_code_of(valid + " "), "mnemonic_separator");
    EXPECT_EQ(error_code_of(valid + "\n"), "mnemonic_separator");
    EXPECT_EQ(error_code_of(" "), "mnemonic_separator");
    for (const char* separator : {"  ", "\t", "\n", "\r\n", " \t"}) {
        std::string bad = valid;
        bad.replace(bad.find(' '), 1, separator);
        EXPECT_EQ(error_code_of(bad), "mnemonic_separator") << int(separator[0]);
    }
}

TEST(Bip39Mnemonic, RejectsBadEntropyLengths) {
    for (size_t size : {0, 4, 12, 15, 17, 30, 33, 36, 64}) {
        Bytes entropy(size, 0x42);
        auto mnemonic = entropy_to_mnemonic(entropy);
        ASSERT_FALSE(mnemonic.ok()) << size;
        EXPECT_EQ(mnemonic.error().code, "mnemonic_entropy_length");
    }
}

}  // namespace
}  // namespace datt::bip39
