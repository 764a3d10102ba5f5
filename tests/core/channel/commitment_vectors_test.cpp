// BOLT-3 Appendix B (funding transaction) and Appendix C (commitment and HTLC transactions,
// all 16 cases), byte for byte, read from ../shared/vectors/bolt/. Every key the spec lists
// is derived here from the secrets in its HTML comment and compared; both peers' signatures
// (commitment and every HTLC transaction) are made and compared, so the transactions and
// their sighashes, not only the unsigned bytes, must match.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "bitcoin/script_templates.h"
#include "bitcoin/sign.h"
#include "channel/channel_signatures.h"
#include "channel/commitment_keys.h"
#include "channel/commitment_number.h"
#include "channel/commitment_tx.h"
#include "channel/funding.h"
#include "channel/htlc_tx.h"
#include "channel/key_derivation.h"
#include "channel/per_commitment_secret.h"
#include "crypto/sha256.h"
#include "support/vectors.h"
#include "util/hex.h"

namespace datt::channel {
namespace {

using nlohmann::json;

Bytes hex(const std::string& s) {
    return from_hex(s).value();
}

// The spec writes private keys with the compressed-key suffix 01.
crypto::SecretKey secret_of(std::string text) {
    if (text.size() == 66) text.resize(64);
    const Bytes bytes = hex(text);
    Hash256 raw{};
    std::copy(bytes.begin(), bytes.end(), raw.begin());
    return crypto::SecretKey::from_bytes(raw).value();
}

crypto::PubKey point_of(const std::string& text) {
    return crypto::PubKey::parse(hex(text)).value();
}

Hash256 hash_of(const std::string& text) {
    const Bytes bytes = hex(text);
    Hash256 out{};
    std::copy(bytes.begin(), bytes.end(), out.begin());
    return out;
}

// key -> value of a vector file's {key, value} lines (later lines win; none repeat here).
std::map<std::string, std::string> entries_of(const json& lines) {
    std::map<std::string, std::string> out;
    for (const auto& line : lines) {
        if (line.contains("key") && line.contains("value")) out[line["key"]] = line["value"];
    }
    return out;
}

// The value after "name = " in a comment line, if one says so.
std::optional<std::string> comment_value(const json& lines, const std::string& name) {
    for (const auto& line : lines) {
        if (!line.contains("comment")) continue;
        const std::string text = line["comment"];
        if (text.rfind(name + " = ", 0) == 0) return text.substr(name.size() + 3);
    }
    return std::nullopt;
}

TEST(BoltAppendixB, FundingTransaction) {
    DATT_LOAD_VECTORS(text, "bolt/bolt03-appendix-b-funding.json");
    const json vectors = json::parse(text);
    const auto e = entries_of(vectors["entries"]);
    const crypto::PubKey local = point_of(e.at("local_funding_pubkey"));
    const crypto::PubKey remote = point_of(e.at("remote_funding_pubkey"));
    const auto wscript = comment_value(vectors["entries"], "funding witness script");
    ASSERT_TRUE(wscript);
    EXPECT_EQ(to_hex(funding_witness_script(local, remote)), *wscript);
    // The order of the two keys does not matter: the script sorts them.
    EXPECT_EQ(funding_witness_script(remote, local), funding_witness_script(local, remote));

    const crypto::SecretKey coinbase_key = secret_of(e.at("Block 1 coinbase privkey"));
    bitcoin::Transaction tx;
    tx.version = 2;
    bitcoin::TxIn input;
    input.prevout.txid = bitcoin::from_display_hex(e.at("input txid")).value();
    input.prevout.index = static_cast<uint32_t>(std::stoul(e.at("input index")));
    tx.inputs.push_back(input);
    tx.outputs.push_back(
        funding_output(bitcoin::Sats{std::stoll(e.at("funding satoshis"))}, local, remote));
    tx.outputs.push_back(bitcoin::TxOut{bitcoin::Sats{std::stoll(e.at("change satoshis"))},
                                        bitcoin::p2wpkh_script(crypto::pubkey(coinbase_key))});
    EXPECT_EQ(e.at("funding output"), "0");
    tx.inputs[0].script_sig =
        bitcoin::sign_p2pkh_input(tx, 0, coinbase_key, bitcoin::kSighashAll).value();
    EXPECT_EQ(to_hex(bitcoin::serialize(tx)), e.at("funding tx"));
    // The txid is kept as a comment line "txid: <hex>".
    bool txid_checked = false;
    for (const auto& line : vectors["entries"]) {
        if (line.contains("comment") &&
            line["comment"].get<std::string>().rfind("txid: ", 0) == 0) {
            EXPECT_EQ("txid: " + bitcoin::to_display_hex(bitcoin::txid(tx)),
                      line["comment"].get<std::string>());
            txid_checked = true;
        }
    }
    EXPECT_TRUE(txid_checked);
}

struct AppendixC {
    std::map<std::string, std::string> common;
    std::map<std::string, std::string> internal;
    json common_lines;
    json cases;
};

AppendixC load_appendix_c(const std::string& text) {
    const json vectors = json::parse(text);
    return AppendixC{entries_of(vectors["common"]["entries"]),
                     entries_of(vectors["internal_values"]), vectors["common"]["entries"],
                     vectors["cases"]};
}

TEST(BoltAppendixC, DerivedKeysAndObscuredNumber) {
    DATT_LOAD_VECTORS(text, "bolt/bolt03-appendix-c-commitment-htlc.json");
    const AppendixC v = load_appendix_c(text);
    const auto& c = v.common;
    const auto& in = v.internal;

    const crypto::PubKey point = point_of(in.at("local_per_commitment_point"));
    EXPECT_EQ(
        per_commitment_point(secret_of(in.at("x_local_per_commitment_secret")).bytes()).value(),
        point);
    EXPECT_EQ(crypto::pubkey(secret_of(in.at("local_payment_basepoint_secret"))),
              point_of(c.at("local_payment_basepoint")));
    EXPECT_EQ(crypto::pubkey(secret_of(in.at("remote_payment_basepoint_secret"))),
              point_of(c.at("remote_payment_basepoint")));
    EXPECT_EQ(crypto::pubkey(secret_of(in.at("remote_revocation_basepoint_secret"))),
              point_of(in.at("remote_revocation_basepoint")));
    EXPECT_EQ(crypto::pubkey(secret_of(in.at("local_delayed_payment_basepoint_secret"))),
              point_of(in.at("local_delayed_payment_basepoint")));
    EXPECT_EQ(crypto::pubkey(secret_of(c.at("local_funding_privkey"))),
              point_of(c.at("local_funding_pubkey")));
    EXPECT_EQ(crypto::pubkey(secret_of(in.at("remote_funding_privkey"))),
              point_of(c.at("remote_funding_pubkey")));

    const auto to_hex_key = [](const crypto::PubKey& k) { return to_hex(k.bytes()); };
    const crypto::PubKey local_htlc =
        derive_pubkey(point_of(c.at("local_htlc_basepoint")), point).value();
    EXPECT_EQ(to_hex_key(local_htlc), c.at("local_htlcpubkey"));
    EXPECT_EQ(to_hex_key(derive_pubkey(point_of(c.at("remote_htlc_basepoint")), point).value()),
              c.at("remote_htlcpubkey"));
    EXPECT_EQ(to_hex_key(
                  derive_pubkey(point_of(in.at("local_delayed_payment_basepoint")), point).value()),
              c.at("local_delayedpubkey"));
    EXPECT_EQ(
        to_hex_key(derive_revocation_pubkey(point_of(in.at("remote_revocation_basepoint")), point)
                       .value()),
        c.at("local_revocation_pubkey"));
    // The spec's private keys: local_privkey (of the local payment = htlc basepoint),
    // remote_privkey (of the remote's), local_delayed_privkey.
    EXPECT_EQ(to_hex(derive_privkey(secret_of(in.at("local_payment_basepoint_secret")), point)
                         .value()
                         .bytes()) +
                  "01",
              c.at("local_privkey"));
    EXPECT_EQ(to_hex(derive_privkey(secret_of(in.at("remote_payment_basepoint_secret")), point)
                         .value()
                         .bytes()) +
                  "01",
              in.at("remote_privkey"));
    EXPECT_EQ(
        to_hex(derive_privkey(secret_of(in.at("local_delayed_payment_basepoint_secret")), point)
                   .value()
                   .bytes()) +
            "01",
        in.at("local_delayed_privkey"));

    // "obscured commitment number = 0x2bb038521914 ^ 42"
    const uint64_t factor = commitment_obscuring_factor(point_of(c.at("local_payment_basepoint")),
                                                        point_of(c.at("remote_payment_basepoint")));
    EXPECT_EQ(factor, 0x2bb038521914u);
    const ObscuredCommitmentNumber obscured = obscure_commitment_number(42, factor);
    bitcoin::Transaction tx;
    tx.inputs.resize(1);
    tx.lock_time = obscured.lock_time;
    tx.inputs[0].sequence = obscured.sequence;
    EXPECT_EQ(commitment_number_of(tx, factor), 42u);
    tx.lock_time = 0;
    EXPECT_EQ(commitment_number_of(tx, factor), std::nullopt);
}

TEST(BoltAppendixC, EveryCommitmentAndHtlcTransaction) {
    DATT_LOAD_VECTORS(text, "bolt/bolt03-appendix-c-commitment-htlc.json");
    const AppendixC v = load_appendix_c(text);
    const auto& c = v.common;
    const auto& in = v.internal;
    ASSERT_EQ(v.cases.size(), 16u);

    const crypto::PubKey point = point_of(in.at("local_per_commitment_point"));
    // The local revocation basepoint is not part of the vectors and is not used for the
    // local commitment (its revocation key comes from the remote's): any point will do.
    const ChannelBasepoints local{
        point_of(c.at("local_payment_basepoint")), point_of(c.at("local_payment_basepoint")),
        point_of(in.at("local_delayed_payment_basepoint")), point_of(c.at("local_htlc_basepoint"))};
    const ChannelBasepoints remote{
        point_of(in.at("remote_revocation_basepoint")), point_of(c.at("remote_payment_basepoint")),
        point_of(c.at("remote_payment_basepoint")), point_of(c.at("remote_htlc_basepoint"))};
    const CommitmentKeys keys = derive_commitment_keys(point, local, remote).value();
    const HtlcKeys htlc_keys = derive_htlc_keys(point, local, remote).value();

    const crypto::SecretKey local_funding_key = secret_of(c.at("local_funding_privkey"));
    const crypto::SecretKey remote_funding_key = secret_of(in.at("remote_funding_privkey"));
    const crypto::PubKey local_funding = point_of(c.at("local_funding_pubkey"));
    const crypto::PubKey remote_funding = point_of(c.at("remote_funding_pubkey"));
    const bitcoin::Script funding_script = funding_witness_script(local_funding, remote_funding);
    EXPECT_EQ(to_hex(funding_script), comment_value(v.common_lines, "funding wscript").value());
    const crypto::SecretKey local_htlc_key =
        derive_privkey(secret_of(in.at("local_payment_basepoint_secret")), point).value();
    const crypto::SecretKey remote_htlc_key =
        derive_privkey(secret_of(in.at("remote_payment_basepoint_secret")), point).value();

    bitcoin::OutPoint funding_outpoint;
    funding_outpoint.txid = bitcoin::from_display_hex(c.at("funding_tx_id")).value();
    funding_outpoint.index = static_cast<uint32_t>(std::stoul(c.at("funding_output_index")));
    const CommitmentSpec base{
        .funding_outpoint = funding_outpoint,
        .funding_amount = bitcoin::Sats{std::stoll(c.at("funding_amount_satoshi"))},
        .commitment_number = std::stoull(c.at("commitment_number")),
        .obscuring_factor = commitment_obscuring_factor(local.payment, remote.payment),
        .funder = Side::kLocal,
        .to_local = bitcoin::Msats{0},
        .to_remote = bitcoin::Msats{0},
        .feerate_per_kw = 0,
        .dust_limit = bitcoin::Sats{std::stoll(c.at("local_dust_limit_satoshi"))},
        .to_self_delay = static_cast<uint16_t>(std::stoul(c.at("local_delay"))),
        .keys = keys,
        .htlc_keys = htlc_keys,
        .htlcs = {},
    };

    std::vector<CommittedHtlc> all_htlcs;
    std::vector<Hash256> preimages;
    for (int n = 0; n <= 6; ++n) {
        const std::string prefix = "htlc " + std::to_string(n) + " ";
        CommittedHtlc htlc;
        const std::string direction = c.at(prefix + "direction");
        ASSERT_TRUE(direction == "remote->local" || direction == "local->remote");
        htlc.direction =
            direction == "remote->local" ? HtlcDirection::kReceived : HtlcDirection::kOffered;
        htlc.amount = bitcoin::Msats{std::stoull(c.at(prefix + "amount_msat"))};
        htlc.cltv_expiry = static_cast<uint32_t>(std::stoul(c.at(prefix + "expiry")));
        preimages.push_back(hash_of(c.at(prefix + "payment_preimage")));
        htlc.payment_hash = crypto::sha256(preimages.back());
        all_htlcs.push_back(htlc);
    }

    size_t htlc_txs_checked = 0;
    size_t lean_commitments_checked = 0;
    size_t output_comments_checked = 0;
    for (const auto& vc : v.cases) {
        const std::string name = vc["name"];
        SCOPED_TRACE(name);
        // The appendix's prose: the first case has no HTLCs, the last uses HTLCs 1, 5 and 6,
        // the others 0 to 4. build_commitment_tx checks that the amounts add up.
        std::vector<int> numbers;
        if (name.find("no HTLCs") != std::string::npos) {
            numbers = {};
        } else if (name.find("same amount and preimage") != std::string::npos) {
            numbers = {1, 5, 6};
        } else {
            numbers = {0, 1, 2, 3, 4};
        }
        CommitmentSpec spec = base;
        for (int n : numbers) spec.htlcs.push_back(all_htlcs[static_cast<size_t>(n)]);
        spec.to_local = bitcoin::Msats{vc["to_local_msat"].get<uint64_t>()};
        spec.to_remote = bitcoin::Msats{vc["to_remote_msat"].get<uint64_t>()};
        spec.feerate_per_kw = vc["local_feerate_per_kw"].get<uint32_t>();

        const auto commitment = build_commitment_tx(spec);
        ASSERT_TRUE(commitment.ok()) << commitment.error().message;
        // Without the HTLC keys: the same transaction when every HTLC is trimmed (what the
        // machine then builds), refused when an HTLC output needs them.
        CommitmentSpec without_htlc_keys = spec;
        without_htlc_keys.htlc_keys.reset();
        const auto lean = build_commitment_tx(without_htlc_keys);
        const bool has_htlc_output =
            std::any_of(commitment->outputs.begin(), commitment->outputs.end(), [](const CommitmentOutput& o) {
                return o.kind == CommitmentOutputKind::kOfferedHtlc || o.kind == CommitmentOutputKind::kReceivedHtlc;
            });
        EXPECT_EQ(needs_htlc_keys(spec), has_htlc_output);
        if (has_htlc_output) {
            EXPECT_EQ(lean.error().code, "channel_missing_htlc_keys");
        } else {
            ASSERT_TRUE(lean.ok()) << lean.error().message;
            EXPECT_EQ(bitcoin::serialize(lean->tx), bitcoin::serialize(commitment->tx));
            ++lean_commitments_checked;
        }
        if (auto fee = comment_value(vc["lines"], "base commitment transaction fee")) {
            EXPECT_EQ(commitment->base_fee.value(), std::stoll(*fee));
        }
        // The spec's per-output comments, where a case has them: "to_local amount N wscript
        // S" and "HTLC #n offered amount N wscript S".
        const auto has_comment = [&](const std::string& prefix) {
            for (const auto& line : vc["lines"]) {
                if (line.contains("comment") &&
                    line["comment"].get<std::string>().rfind(prefix, 0) == 0) {
                    return true;
                }
            }
            return false;
        };
        for (size_t i = 0; i < commitment->outputs.size(); ++i) {
            const CommitmentOutput& output = commitment->outputs[i];
            const std::string tail = " amount " +
                                     std::to_string(commitment->tx.outputs[i].value.value()) +
                                     " wscript " + to_hex(output.witness_script);
            std::string expected;
            switch (output.kind) {
                case CommitmentOutputKind::kToLocal:
                    if (has_comment("to_local amount")) expected = "to_local" + tail;
                    break;
                case CommitmentOutputKind::kOfferedHtlc:
                case CommitmentOutputKind::kReceivedHtlc:
                    if (has_comment("HTLC #")) {
                        expected =
                            "HTLC #" + std::to_string(numbers.at(output.htlc_index)) +
                            (output.kind == CommitmentOutputKind::kOfferedHtlc ? " offered"
                                                                               : " received") +
                            tail;
                    }
                    break;
                case CommitmentOutputKind::kToRemote:
                    break;
            }
            if (expected.empty()) continue;
            EXPECT_TRUE(has_comment(expected)) << expected;
            ++output_comments_checked;
        }

        const crypto::EcdsaSignature local_sig =
            sign_commitment(*commitment, funding_script, spec.funding_amount, local_funding_key);
        const crypto::EcdsaSignature remote_sig =
            sign_commitment(*commitment, funding_script, spec.funding_amount, remote_funding_key);
        EXPECT_EQ(to_hex(local_sig.serialize_der()), vc["local_signature"].get<std::string>());
        EXPECT_EQ(to_hex(remote_sig.serialize_der()), vc["remote_signature"].get<std::string>());
        EXPECT_TRUE(verify_commitment_signature(*commitment, funding_script, spec.funding_amount,
                                                remote_funding, remote_sig));
        EXPECT_FALSE(verify_commitment_signature(*commitment, funding_script, spec.funding_amount,
                                                 local_funding, remote_sig));
        const bitcoin::Transaction signed_tx = signed_commitment_tx(
            *commitment, funding_script, local_funding, local_sig, remote_funding, remote_sig);
        EXPECT_EQ(to_hex(bitcoin::serialize(signed_tx)), vc["commit_tx"].get<std::string>());

        const auto htlc_txs = build_htlc_txs(*commitment, spec);
        ASSERT_TRUE(htlc_txs.ok());
        ASSERT_EQ(htlc_txs->size(), vc["num_htlcs"].get<size_t>());
        ASSERT_EQ(htlc_txs->size(), vc["htlc_txs"].size());
        for (size_t i = 0; i < htlc_txs->size(); ++i) {
            const HtlcTx& htlc_tx = (*htlc_txs)[i];
            const json& expected = vc["htlc_txs"][i];
            const int number = numbers.at(htlc_tx.htlc_index);
            const bool success = htlc_tx.kind == CommitmentOutputKind::kReceivedHtlc;
            EXPECT_EQ(expected["type"].get<std::string>(),
                      std::string(success ? "htlc_success_tx" : "htlc_timeout_tx") + " (htlc #" +
                          std::to_string(number) + ")");
            const crypto::EcdsaSignature remote_htlc_sig = sign_htlc_tx(htlc_tx, remote_htlc_key);
            const crypto::EcdsaSignature local_htlc_sig = sign_htlc_tx(htlc_tx, local_htlc_key);
            EXPECT_EQ(to_hex(remote_htlc_sig.serialize_der()),
                      expected["remote_htlc_signature"].get<std::string>());
            EXPECT_EQ(to_hex(local_htlc_sig.serialize_der()),
                      expected["local_htlc_signature"].get<std::string>());
            EXPECT_TRUE(verify_htlc_signature(htlc_tx, htlc_keys.remote_htlc, remote_htlc_sig));
            EXPECT_FALSE(verify_htlc_signature(htlc_tx, htlc_keys.local_htlc, remote_htlc_sig));
            bitcoin::Transaction signed_htlc = htlc_tx.tx;
            signed_htlc.inputs[0].witness =
                success ? htlc_success_witness(htlc_tx, remote_htlc_sig, local_htlc_sig,
                                               preimages[static_cast<size_t>(number)])
                        : htlc_timeout_witness(htlc_tx, remote_htlc_sig, local_htlc_sig);
            EXPECT_EQ(to_hex(bitcoin::serialize(signed_htlc)), expected["tx"].get<std::string>());
            ++htlc_txs_checked;
        }
    }
    // 5+5+4+4+3+3+2+2+1+1 HTLC transactions in the cases with HTLCs, and 3 in the last.
    EXPECT_EQ(htlc_txs_checked, 33u);
    EXPECT_EQ(lean_commitments_checked, 5u);  // "no HTLCs" and the four with every HTLC trimmed
    EXPECT_GT(output_comments_checked, 15u);
}

}  // namespace
}  // namespace datt::channel
