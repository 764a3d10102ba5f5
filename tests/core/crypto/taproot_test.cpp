// BIP-341's wallet test vectors (bip/bip341-wallet-test-vectors.json) for what crypto
// provides to Taproot: the TapLeaf/TapBranch/TapTweak/TapSighash tagged hashes, the x-only
// public key tweak with its parity and check, and the key-path secret key tweak.
#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "crypto/secp256k1.h"
#include "crypto/tagged_hash.h"
#include "support/vectors.h"
#include "util/byte_writer.h"
#include "util/hex.h"
#include "util/varint.h"

namespace datt::crypto {
namespace {

template <size_t N>
ByteArray<N> hex_array(const std::string& text) {
    auto decoded = from_hex_fixed<N>(text);
    EXPECT_TRUE(decoded.ok()) << text;
    return decoded.ok() ? *decoded : ByteArray<N>{};
}

Bytes hex(const std::string& text) {
    auto decoded = from_hex(text);
    EXPECT_TRUE(decoded.ok()) << text;
    return decoded.ok() ? *decoded : Bytes{};
}

const TaggedHash& tap_leaf() {
    static const TaggedHash hash("TapLeaf");
    return hash;
}
const TaggedHash& tap_branch() {
    static const TaggedHash hash("TapBranch");
    return hash;
}
const TaggedHash& tap_tweak() {
    static const TaggedHash hash("TapTweak");
    return hash;
}
const TaggedHash& tap_sighash() {
    static const TaggedHash hash("TapSighash");
    return hash;
}

// BIP-341's taproot_tree_helper: a leaf is {id, script, leafVersion}, a branch [left, right];
// records each leaf's hash by id and returns the node's hash.
Hash256 tree_hash(const nlohmann::json& node, std::map<int, std::string>& leaf_hashes) {
    if (node.is_object()) {
        const Bytes script = hex(node.at("script").get<std::string>());
        ByteWriter leaf;
        leaf.write_u8(node.at("leafVersion").get<uint8_t>());
        write_compact_size(leaf, script.size());
        leaf.write_bytes(script);
        const Hash256 hash = tap_leaf()(leaf.bytes());
        leaf_hashes[node.at("id").get<int>()] = to_hex(hash);
        return hash;
    }
    Hash256 left = tree_hash(node.at(0), leaf_hashes);
    Hash256 right = tree_hash(node.at(1), leaf_hashes);
    if (right < left) std::swap(left, right);
    return tap_branch().hasher().write(left).write(right).finalize();
}

Hash256 taproot_tweak(const XOnlyPubKey& internal, const nlohmann::json& merkle_root) {
    Sha256 hasher = tap_tweak().hasher();
    hasher.write(internal.bytes());
    if (!merkle_root.is_null()) hasher.write(hex_array<32>(merkle_root.get<std::string>()));
    return hasher.finalize();
}

TEST(Bip341, ScriptPubKeyTweaks) {
    DATT_LOAD_VECTORS(text, "bip/bip341-wallet-test-vectors.json");
    const auto vectors = nlohmann::json::parse(text).at("scriptPubKey");
    int cases = 0;
    for (const auto& entry : vectors) {
        SCOPED_TRACE("scriptPubKey case " + std::to_string(cases));
        const auto& given = entry.at("given");
        const auto& intermediary = entry.at("intermediary");

        std::optional<std::string> merkle_root;
        if (!given.at("scriptTree").is_null()) {
            std::map<int, std::string> leaf_hashes;
            merkle_root = to_hex(tree_hash(given.at("scriptTree"), leaf_hashes));
            const auto& expected_leaves = intermediary.at("leafHashes");
            ASSERT_EQ(leaf_hashes.size(), expected_leaves.size());
            for (const auto& [id, hash] : leaf_hashes) {
                EXPECT_EQ(hash, expected_leaves.at(id).get<std::string>()) << "leaf " << id;
            }
            EXPECT_EQ(*merkle_root, intermediary.at("merkleRoot").get<std::string>());
        } else {
            EXPECT_TRUE(intermediary.at("merkleRoot").is_null());
        }

        auto internal = XOnlyPubKey::parse(hex_array<32>(given.at("internalPubkey")));
        ASSERT_TRUE(internal);
        const Hash256 tweak = taproot_tweak(*internal, intermediary.at("merkleRoot"));
        EXPECT_EQ(to_hex(tweak), intermediary.at("tweak").get<std::string>());

        auto tweaked = internal->tweak_add(tweak);
        ASSERT_TRUE(tweaked);
        const std::string expected_key = intermediary.at("tweakedPubkey");
        EXPECT_EQ(to_hex(tweaked->key.bytes()), expected_key);
        EXPECT_EQ(entry.at("expected").at("scriptPubKey").get<std::string>(),
                  "5120" + expected_key);
        // The control block's parity bit must be the right one, and only it.
        const auto tweaked_x = hex_array<32>(expected_key);
        EXPECT_TRUE(internal->tweak_add_check(tweaked_x, tweaked->y_is_odd, tweak));
        EXPECT_FALSE(internal->tweak_add_check(tweaked_x, !tweaked->y_is_odd, tweak));
        auto other_tweak = tweak;
        other_tweak[31] ^= 1;
        EXPECT_FALSE(internal->tweak_add_check(tweaked_x, tweaked->y_is_odd, other_tweak));
        ++cases;
    }
    EXPECT_EQ(cases, 7);
}

TEST(Bip341, KeyPathSpendingKeysAndSighashes) {
    DATT_LOAD_VECTORS(text, "bip/bip341-wallet-test-vectors.json");
    const auto vectors = nlohmann::json::parse(text).at("keyPathSpending");
    int inputs = 0;
    for (const auto& tx : vectors) {
        for (const auto& input : tx.at("inputSpending")) {
            SCOPED_TRACE("keyPathSpending input " + std::to_string(inputs));
            const auto& given = input.at("given");
            const auto& intermediary = input.at("intermediary");
            auto secret = SecretKey::from_bytes(hex_array<32>(given.at("internalPrivkey")));
            ASSERT_TRUE(secret);
            const KeyPair internal(*secret);
            const XOnlyPubKey internal_pub = internal.xonly_pubkey();
            EXPECT_EQ(to_hex(internal_pub.bytes()),
                      intermediary.at("internalPubkey").get<std::string>());

            const Hash256 tweak = taproot_tweak(internal_pub, given.at("merkleRoot"));
            EXPECT_EQ(to_hex(tweak), intermediary.at("tweak").get<std::string>());
            auto tweaked = internal.xonly_tweak_add(tweak);
            ASSERT_TRUE(tweaked);
            EXPECT_EQ(to_hex(tweaked->secret_key().bytes()),
                      intermediary.at("tweakedPrivkey").get<std::string>());
            // The tweaked secret's key is the tweaked public key.
            auto output = internal_pub.tweak_add(tweak);
            ASSERT_TRUE(output);
            EXPECT_EQ(tweaked->xonly_pubkey(), output->key);

            const Hash256 sighash = tap_sighash()(hex(intermediary.at("sigMsg")));
            EXPECT_EQ(to_hex(sighash), intermediary.at("sigHash").get<std::string>());
            // The expected witness signature verifies under the output key.
            const Bytes witness_sig = hex(input.at("expected").at("witness").at(0));
            ASSERT_GE(witness_sig.size(), 64u);
            EXPECT_TRUE(schnorr_verify(output->key, sighash,
                                       std::span<const uint8_t, 64>(witness_sig.data(), 64)));
            ++inputs;
        }
    }
    EXPECT_EQ(inputs, 7);
}

TEST(XOnlyTweak, OutOfRangeTweakIsRefused) {
    auto internal = XOnlyPubKey::parse(
        hex_array<32>("d6889cb081036e0faefa3a35157ad71086b123b2b144b649798b494c300a961d"));
    ASSERT_TRUE(internal);
    const auto order =
        hex_array<32>("fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141");
    EXPECT_FALSE(internal->tweak_add(order).has_value());
    std::array<uint8_t, 32> one{};
    one[31] = 1;
    auto key = SecretKey::from_bytes(one);
    ASSERT_TRUE(key);
    EXPECT_FALSE(KeyPair(*key).xonly_tweak_add(order).has_value());
    // 1 + (n - 1) = 0: no key.
    auto minus_one = order;
    minus_one[31] -= 1;
    EXPECT_FALSE(KeyPair(*key).xonly_tweak_add(minus_one).has_value());
}

}  // namespace
}  // namespace datt::crypto
