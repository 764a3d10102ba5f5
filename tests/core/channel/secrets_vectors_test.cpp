// BOLT-3 Appendix D (per-commitment secret generation and shachain storage, every case,
// the failing inserts included) and Appendix E (key derivation), read from
// ../shared/vectors/bolt/.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "channel/channel_state.h"
#include "channel/commitment_keys.h"
#include "channel/key_derivation.h"
#include "channel/per_commitment_secret.h"
#include "channel/shachain.h"
#include "support/vectors.h"
#include "util/hex.h"

namespace datt::channel {
namespace {

using nlohmann::json;

Hash256 hash_of(const std::string& hex) {
    const Bytes bytes = from_hex(hex).value();
    EXPECT_EQ(bytes.size(), 32u);
    Hash256 out{};
    std::copy_n(bytes.begin(), std::min<size_t>(32, bytes.size()), out.begin());
    return out;
}

crypto::SecretKey secret_of(const std::string& hex) {
    return crypto::SecretKey::from_bytes(hash_of(hex)).value();
}

crypto::PubKey point_of(const std::string& hex) {
    return crypto::PubKey::parse(from_hex(hex).value()).value();
}

std::string hex_of(const crypto::PubKey& key) {
    return to_hex(key.bytes());
}

TEST(BoltAppendixD, GenerateFromSeed) {
    DATT_LOAD_VECTORS(text, "bolt/bolt03-appendix-d-per-commitment-secrets.json");
    const json vectors = json::parse(text);
    ASSERT_EQ(vectors["generation"].size(), 5u);
    for (const auto& c : vectors["generation"]) {
        SCOPED_TRACE(c["name"].get<std::string>());
        const auto secret =
            generate_per_commitment_secret(hash_of(c["seed"]), c["I"].get<uint64_t>());
        ASSERT_TRUE(secret.ok());
        EXPECT_EQ(to_hex(*secret), c["output"].get<std::string>());
    }
}

TEST(BoltAppendixD, ShachainInsertAndDerive) {
    DATT_LOAD_VECTORS(text, "bolt/bolt03-appendix-d-per-commitment-secrets.json");
    const json vectors = json::parse(text);
    ASSERT_EQ(vectors["storage"].size(), 9u);
    size_t errors_seen = 0;
    for (const auto& c : vectors["storage"]) {
        SCOPED_TRACE(c["name"].get<std::string>());
        Shachain chain;
        std::vector<std::pair<uint64_t, Hash256>> accepted;
        for (const auto& step : c["steps"]) {
            const uint64_t index = step["I"].get<uint64_t>();
            const Hash256 secret = hash_of(step["secret"]);
            const Status inserted = chain.insert(index, secret);
            if (step["output"] == "OK") {
                ASSERT_TRUE(inserted.ok()) << "index " << index << ": " << inserted.error().message;
                accepted.emplace_back(index, secret);
                // Every secret accepted so far is derivable from the compact store.
                for (const auto& [old_index, old_secret] : accepted) {
                    const auto derived = chain.derive(old_index);
                    ASSERT_TRUE(derived.ok());
                    EXPECT_EQ(*derived, old_secret);
                }
            } else {
                ASSERT_EQ(step["output"], "ERROR");
                ASSERT_FALSE(inserted.ok()) << "index " << index;
                EXPECT_EQ(inserted.error().code, "shachain_secret_mismatch");
                ++errors_seen;
                // A refused insert changes nothing.
                ASSERT_EQ(chain.last_index(), accepted.back().first);
            }
        }
    }
    EXPECT_EQ(errors_seen, 8u);
}

TEST(Shachain, RefusesOutOfOrderAndUnknown) {
    const Hash256 seed =
        hash_of("0101010101010101010101010101010101010101010101010101010101010101");
    Shachain chain;
    const Hash256 first = generate_per_commitment_secret(seed, kMaxCommitmentIndex).value();
    const Hash256 second = generate_per_commitment_secret(seed, kMaxCommitmentIndex - 1).value();
    EXPECT_EQ(chain.insert(kMaxCommitmentIndex - 1, second).error().code, "shachain_out_of_order");
    EXPECT_EQ(chain.insert(kMaxCommitmentIndex + 1, first).error().code,
              "shachain_index_out_of_range");
    ASSERT_TRUE(chain.insert(kMaxCommitmentIndex, first).ok());
    EXPECT_EQ(chain.insert(kMaxCommitmentIndex, first).error().code, "shachain_out_of_order");
    EXPECT_EQ(chain.derive(kMaxCommitmentIndex - 1).error().code, "shachain_unknown_index");
    ASSERT_TRUE(chain.insert(kMaxCommitmentIndex - 1, second).ok());
    EXPECT_EQ(*chain.derive(kMaxCommitmentIndex), first);
}

TEST(Shachain, ThousandSecretsFromFortyNineEntries) {
    const Hash256 seed =
        hash_of("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
    Shachain chain;
    for (uint64_t n = 0; n < 1000; ++n) {
        const uint64_t index = commitment_index(n).value();
        ASSERT_TRUE(chain.insert(index, generate_per_commitment_secret(seed, index).value()).ok());
    }
    for (uint64_t n = 0; n < 1000; n += 37) {
        const uint64_t index = commitment_index(n).value();
        EXPECT_EQ(*chain.derive(index), generate_per_commitment_secret(seed, index).value());
    }
    EXPECT_FALSE(chain.derive(commitment_index(1000).value()).ok());
}

// Runs of consecutive indexes, generated together, equal one generation each: runs that
// cross a power of two (where the shared bits end high up), the top and bottom of the range.
TEST(PerCommitmentSecrets, ARunEqualsOneGenerationEach) {
    const Hash256 seed =
        hash_of("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
    const uint64_t highests[] = {kMaxCommitmentIndex, kMaxCommitmentIndex - 1,
                                 kMaxCommitmentIndex - 255, uint64_t{1} << 40, (uint64_t{1} << 20) + 1,
                                 1000, 2, 1};
    for (const uint64_t highest : highests) {
        for (const uint64_t count : {uint64_t{1}, uint64_t{2}, uint64_t{3}}) {
            if (count > highest + 1) continue;
            const auto run = generate_per_commitment_secrets(seed, highest, count).value();
            ASSERT_EQ(run.size(), count);
            for (uint64_t i = 0; i < count; ++i) {
                EXPECT_EQ(run[i], generate_per_commitment_secret(seed, highest - i).value())
                    << "index " << highest - i;
            }
        }
    }
    EXPECT_EQ(generate_per_commitment_secrets(seed, kMaxCommitmentIndex + 1, 1).error().code,
              "channel_commitment_index_out_of_range");
    EXPECT_EQ(generate_per_commitment_secrets(seed, 1, 3).error().code,
              "channel_commitment_index_out_of_range");
    EXPECT_FALSE(generate_per_commitment_secrets(seed, 5, 0).ok());
}

TEST(BoltAppendixE, KeyDerivation) {
    DATT_LOAD_VECTORS(text, "bolt/bolt03-appendix-e-key-derivation.json");
    const json vectors = json::parse(text);
    const json& common = vectors["common"];
    const crypto::SecretKey base_secret = secret_of(common["base_secret"]);
    const crypto::SecretKey per_commitment_secret = secret_of(common["per_commitment_secret"]);
    const crypto::PubKey base_point = point_of(common["base_point"]);
    const crypto::PubKey commitment_point = point_of(common["per_commitment_point"]);
    // The spec's points are those of its secrets.
    EXPECT_EQ(crypto::pubkey(base_secret), base_point);
    EXPECT_EQ(per_commitment_point(hash_of(common["per_commitment_secret"])).value(),
              commitment_point);

    size_t checked = 0;
    for (const auto& c : vectors["cases"]) {
        SCOPED_TRACE(c["name"].get<std::string>());
        const json& result = c["result"];
        if (result.contains("localpubkey")) {
            EXPECT_EQ(hex_of(derive_pubkey(base_point, commitment_point).value()),
                      result["localpubkey"].get<std::string>());
            // The same key through the base secret (one multiplication of G).
            EXPECT_EQ(hex_of(derive_pubkey_from_secret(base_secret, base_point, commitment_point).value()),
                      result["localpubkey"].get<std::string>());
            ++checked;
        }
        if (result.contains("localprivkey")) {
            const auto key = derive_privkey(base_secret, commitment_point).value();
            EXPECT_EQ(to_hex(key.bytes()), result["localprivkey"].get<std::string>());
            EXPECT_EQ(to_hex(derive_privkey(base_secret, base_point, commitment_point).value().bytes()),
                      result["localprivkey"].get<std::string>());
            // And the private key belongs to the derived public key.
            EXPECT_EQ(crypto::pubkey(key), derive_pubkey(base_point, commitment_point).value());
            ++checked;
        }
        if (result.contains("revocationpubkey")) {
            EXPECT_EQ(hex_of(derive_revocation_pubkey(base_point, commitment_point).value()),
                      result["revocationpubkey"].get<std::string>());
            // The same key by whichever side holds a secret: the revocation basepoint's
            // (the remote's commitment) or the per-commitment secret (our own).
            EXPECT_EQ(hex_of(derive_revocation_pubkey_from_basepoint_secret(base_secret, base_point,
                                                                            commitment_point)
                                 .value()),
                      result["revocationpubkey"].get<std::string>());
            EXPECT_EQ(hex_of(derive_revocation_pubkey_from_commitment_secret(
                                 base_point, per_commitment_secret, commitment_point)
                                 .value()),
                      result["revocationpubkey"].get<std::string>());
            ++checked;
        }
        if (result.contains("revocationprivkey")) {
            const auto key = derive_revocation_privkey(base_secret, per_commitment_secret).value();
            EXPECT_EQ(to_hex(key.bytes()), result["revocationprivkey"].get<std::string>());
            EXPECT_EQ(crypto::pubkey(key),
                      derive_revocation_pubkey(base_point, commitment_point).value());
            ++checked;
        }
    }
    EXPECT_EQ(checked, 4u);
}

// The keys of a commitment derived with our secrets are the BOLT-3 keys from the public
// basepoints, for both owners and many per-commitment points.
TEST(CommitmentKeys, FromOurSecretsEqualTheBolt3Derivation) {
    Hash256 seed_a{};
    seed_a.fill(0x01);
    Hash256 seed_b{};
    seed_b.fill(0x02);
    const ChannelSecrets ours = ChannelSecrets::from_seed(seed_a).value();
    const ChannelSecrets theirs = ChannelSecrets::from_seed(seed_b).value();
    const ChannelBasepoints our_points = ours.basepoints();
    const ChannelBasepoints their_points = theirs.basepoints();
    for (uint64_t index = kMaxCommitmentIndex; index > kMaxCommitmentIndex - 20; --index) {
        const Hash256 our_secret = generate_per_commitment_secret(ours.per_commitment_seed, index).value();
        const crypto::PubKey our_point = per_commitment_point(our_secret).value();
        const crypto::PubKey their_point =
            per_commitment_point(generate_per_commitment_secret(theirs.per_commitment_seed, index).value()).value();

        const CommitmentKeys local_expected = derive_commitment_keys(our_point, our_points, their_points).value();
        const HtlcKeys local_htlc_expected = derive_htlc_keys(our_point, our_points, their_points).value();
        const CommitmentKeys local = derive_local_commitment_keys(
                                         crypto::SecretKey::from_bytes(our_secret).value(), our_point, our_points,
                                         ours.delayed_payment_basepoint_secret, their_points)
                                         .value();
        const HtlcKeys local_htlc =
            derive_local_htlc_keys(our_point, our_points, ours.htlc_basepoint_secret, their_points).value();
        EXPECT_EQ(local.revocation, local_expected.revocation);
        EXPECT_EQ(local.local_delayed, local_expected.local_delayed);
        EXPECT_EQ(local_htlc.local_htlc, local_htlc_expected.local_htlc);
        EXPECT_EQ(local_htlc.remote_htlc, local_htlc_expected.remote_htlc);
        EXPECT_EQ(local.remote_payment, local_expected.remote_payment);

        const CommitmentKeys remote_expected =
            derive_commitment_keys(their_point, their_points, our_points).value();
        const HtlcKeys remote_htlc_expected = derive_htlc_keys(their_point, their_points, our_points).value();
        const CommitmentKeys remote =
            derive_remote_commitment_keys(their_point, their_points, our_points, ours.revocation_basepoint_secret)
                .value();
        const HtlcKeys remote_htlc =
            derive_remote_htlc_keys(their_point, their_points, our_points, ours.htlc_basepoint_secret).value();
        EXPECT_EQ(remote.revocation, remote_expected.revocation);
        EXPECT_EQ(remote.local_delayed, remote_expected.local_delayed);
        EXPECT_EQ(remote_htlc.local_htlc, remote_htlc_expected.local_htlc);
        EXPECT_EQ(remote_htlc.remote_htlc, remote_htlc_expected.remote_htlc);
        EXPECT_EQ(remote.remote_payment, remote_expected.remote_payment);
        // Different commitments, different keys (the comparison above is not vacuous).
        EXPECT_FALSE(local.revocation == remote.revocation);
        EXPECT_FALSE(local_htlc.local_htlc == remote_htlc.local_htlc);
    }
}

}  // namespace
}  // namespace datt::channel
