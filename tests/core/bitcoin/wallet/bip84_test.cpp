// BIP-84 accounts: the BIP's own test vectors on mainnet, the same seed on the test networks
// (vpub and bcoin's rpub), watch-only accounts from an xpub, and the error codes.
#include "bitcoin/wallet/bip84.h"

#include <gtest/gtest.h>

#include <string>

#include "bip39/seed.h"
#include "bitcoin/network.h"
#include "encoding/base58.h"
#include "util/hex.h"

namespace datt::bitcoin::wallet {
namespace {

constexpr const char* kMnemonic =
    "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon "
    "about";

Bip84Account account_on(const Network& network, uint32_t number = 0) {
    const auto seed = bip39::mnemonic_to_seed(kMnemonic, "");
    auto account = Bip84Account::from_seed(network, seed, number);
    EXPECT_TRUE(account.ok()) << account.error().code;
    return std::move(account).value();
}

// The 32 secret bytes of a compressed-key mainnet WIF (0x80 || key || 0x01).
std::string wif_secret_hex(const std::string& wif) {
    auto payload = encoding::base58check_decode(wif);
    EXPECT_TRUE(payload.ok());
    EXPECT_EQ(payload->size(), 34u);
    EXPECT_EQ(payload->front(), 0x80);
    EXPECT_EQ(payload->back(), 0x01);
    return to_hex(ByteSpan(payload->data() + 1, 32));
}

std::string pubkey_hex(const Bip84Account& account, Chain chain, uint32_t index) {
    auto key = account.public_key(chain, index);
    EXPECT_TRUE(key.ok());
    return to_hex(key->bytes());
}

std::string address_of(const Bip84Account& account, Chain chain, uint32_t index) {
    auto address = account.address(chain, index);
    EXPECT_TRUE(address.ok());
    return address->to_string();
}

// BIP-84's "Test vectors" (bitcoin/bips bip-0084.mediawiki; the account zpub is from the
// revision that also lists rootpub and the "Extended Key Version" section).
TEST(Bip84, BipTestVectorsOnMainnet) {
    const Bip84Account account = account_on(mainnet());
    EXPECT_EQ(account.account_path(), "m/84'/0'/0'");
    EXPECT_EQ(account.coin_type(), 0u);
    EXPECT_EQ(account.encode_account_xprv().value(),
              "zprvAdG4iTXWBoARxkkzNpNh8r6Qag3irQB8PzEMkAFeTRXxHpbF9z4QgEvBRmfvqWvGp42t42nvgGpNgY"
              "SJA9iefm1yYNZKEm7z6qUWCroSQnE");
    EXPECT_EQ(account.encode_account_xpub(),
              "zpub6rFR7y4Q2AijBEqTUquhVz398htDFrtymD9xYYfG1m4wAcvPhXNfE3EfH1r1ADqtfSdVCToUG868Rv"
              "UUkgDKf31mGDtKsAYz2oz2AGutZYs");

    // Account 0, first receiving address = m/84'/0'/0'/0/0
    EXPECT_EQ(pubkey_hex(account, Chain::kReceive, 0),
              "0330d54fd0dd420a6e5f8d3624f5f3482cae350f79d5f0753bf5beef9c2d91af3c");
    EXPECT_EQ(address_of(account, Chain::kReceive, 0),
              "bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu");
    // Account 0, second receiving address = m/84'/0'/0'/0/1
    EXPECT_EQ(pubkey_hex(account, Chain::kReceive, 1),
              "03e775fd51f0dfb8cd865d9ff1cca2a158cf651fe997fdc9fee9c1d3b5e995ea77");
    EXPECT_EQ(address_of(account, Chain::kReceive, 1),
              "bc1qnjg0jd8228aq7egyzacy8cys3knf9xvrerkf9g");
    // Account 0, first change address = m/84'/0'/0'/1/0
    EXPECT_EQ(pubkey_hex(account, Chain::kChange, 0),
              "03025324888e429ab8e3dbaf1f7802648b9cd01e9b418485c5fa4c1b9b5700e1a6");
    EXPECT_EQ(address_of(account, Chain::kChange, 0), "bc1q8c6fshw2dlwun7ekn9qwf37cu2rn755upcp6el");

    const struct {
        Chain chain;
        uint32_t index;
        const char* wif;
    } keys[] = {
        {Chain::kReceive, 0, "KyZpNDKnfs94vbrwhJneDi77V6jF64PWPF8x5cdJb8ifgg2DUc9d"},
        {Chain::kReceive, 1, "Kxpf5b8p3qX56DKEe5NqWbNUP9MnqoRFzZwHRtsFqhzuvUJsYZCy"},
        {Chain::kChange, 0, "KxuoxufJL5csa1Wieb2kp29VNdn92Us8CoaUG3aGtPtcF3AzeXvF"},
    };
    for (const auto& k : keys) {
        const KeyPath path = account.key_path(k.chain, k.index);
        auto secret = account.secret_key(path);
        ASSERT_TRUE(secret.ok()) << path.to_string();
        EXPECT_EQ(to_hex(secret->bytes()), wif_secret_hex(k.wif)) << path.to_string();
    }
    EXPECT_EQ(account.key_path(Chain::kChange, 0).to_string(), "m/84'/0'/0'/1/0");
}

// The same mnemonic on the test networks: coin type 1, SLIP-132's vpub where the network has
// testnet's BIP-32 versions, bcoin's own rpub on its regtest. Values computed when written
// with an independent script (npm @scure/bip32 1.3.1, @scure/bip39, @scure/base's bech32).
TEST(Bip84, TestNetworksUseCoinTypeOneAndTheirOwnVersionsAndHrp) {
    const std::string vpub =
        "vpub5Y6cjg78GGuNLsaPhmYsiw4gYX3HoQiRBiSwDaBXKUafCt9bNwWQiitDk5VZ5BVxYnQdwoTyXSs2JHRPAgj"
        "AvtbBrf8ZhDYe2jWAqvZVnsc";
    const struct {
        const Network& network;
        std::string xpub;
        const char* receive0;
        const char* receive1;
        const char* change0;
    } cases[] = {
        {testnet3(), vpub, "tb1q6rz28mcfaxtmd6v789l9rrlrusdprr9pqcpvkl",
         "tb1qd7spv5q28348xl4myc8zmh983w5jx32cjhkn97",
         "tb1q9u62588spffmq4dzjxsr5l297znf3z6j5p2688"},
        {signet(), vpub, "tb1q6rz28mcfaxtmd6v789l9rrlrusdprr9pqcpvkl",
         "tb1qd7spv5q28348xl4myc8zmh983w5jx32cjhkn97",
         "tb1q9u62588spffmq4dzjxsr5l297znf3z6j5p2688"},
        {regtest(), vpub, "bcrt1q6rz28mcfaxtmd6v789l9rrlrusdprr9pz3cppk",
         "bcrt1qd7spv5q28348xl4myc8zmh983w5jx32cs707jh",
         "bcrt1q9u62588spffmq4dzjxsr5l297znf3z6jkgnhsw"},
        {bcoin_regtest(),
         "rpubKBABsQcKVenU69K7Rzavbn8k9CMVJRu9GW1PW86WVesBQbNJh1dGHi4RQvxhi7jPWz4zAMRS8UqfXTdbySRX"
         "QdArDctHxDDSAxFzSkMAy9Do",
         "rb1q6rz28mcfaxtmd6v789l9rrlrusdprr9ph76mk2", "rb1qd7spv5q28348xl4myc8zmh983w5jx32c93dy9t",
         "rb1q9u62588spffmq4dzjxsr5l297znf3z6jr83d8j"},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.network.name);
        const Bip84Account account = account_on(c.network);
        EXPECT_EQ(account.account_path(), "m/84'/1'/0'");
        EXPECT_EQ(account.encode_account_xpub(), c.xpub);
        EXPECT_EQ(address_of(account, Chain::kReceive, 0), c.receive0);
        EXPECT_EQ(address_of(account, Chain::kReceive, 1), c.receive1);
        EXPECT_EQ(address_of(account, Chain::kChange, 0), c.change0);
        EXPECT_EQ(pubkey_hex(account, Chain::kReceive, 0),
                  "02e7ab2537b5d49e970309aae06e9e49f36ce1c9febbd44ec8e0d1cca0b4f9c319");
    }
    EXPECT_EQ(account_on(testnet3()).encode_account_xprv().value().substr(0, 4), "vprv");
    EXPECT_EQ(account_on(bcoin_regtest()).encode_account_xprv().value().substr(0, 4), "rprv");
}

// Account 1 on mainnet (same independent script): the account number is the third level.
TEST(Bip84, SecondAccountDerivesItsOwnKeys) {
    const Bip84Account account = account_on(mainnet(), 1);
    EXPECT_EQ(account.account_path(), "m/84'/0'/1'");
    EXPECT_EQ(account.encode_account_xpub(),
              "zpub6rFR7y4Q2AijF6Gk1bofHLs1d66hKFamhXWdWBup1Em25wfabZqkDqvaieV63fDQFaYmaatCG7jVNU"
              "pUiM2hAMo6SAVHcrUpSnHDpNzucB7");
    EXPECT_EQ(address_of(account, Chain::kReceive, 0),
              "bc1qku0qh0mc00y8tk0n65x2tqw4trlspak0fnjmfz");
    EXPECT_EQ(address_of(account, Chain::kChange, 0), "bc1qt0x83f5vmnapgl2gjj9r3d67rcghvjaqrvgpck");
}

TEST(Bip84, WatchOnlyFromTheAccountXpubDerivesTheSameAddresses) {
    for (const Network* network : known_networks()) {
        SCOPED_TRACE(network->name);
        const Bip84Account full = account_on(*network, 3);
        auto watch = Bip84Account::from_account_xpub(*network, full.encode_account_xpub());
        ASSERT_TRUE(watch.ok()) << watch.error().code;
        EXPECT_FALSE(watch->can_sign());
        EXPECT_TRUE(full.can_sign());
        EXPECT_EQ(watch->account(), 3u);
        EXPECT_EQ(watch->fingerprint(), full.fingerprint());
        EXPECT_EQ(watch->encode_account_xpub(), full.encode_account_xpub());
        for (Chain chain : {Chain::kReceive, Chain::kChange})
            for (uint32_t index : {0u, 1u, 19u, 1000u})
                EXPECT_EQ(watch->script_pubkey(chain, index).value(),
                          full.script_pubkey(chain, index).value());
        EXPECT_EQ(watch->encode_account_xprv().error().code, "wallet_watch_only");
        EXPECT_EQ(watch->secret_key(watch->key_path(Chain::kReceive, 0)).error().code,
                  "wallet_watch_only");
        EXPECT_FALSE(full.watch_only().can_sign());
    }
}

TEST(Bip84, ScriptPubKeyIsP2wpkhOfTheCompressedKey) {
    const Bip84Account account = account_on(mainnet());
    // OP_0 <20>: the program of bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu.
    EXPECT_EQ(to_hex(account.script_pubkey(Chain::kReceive, 0).value()),
              "0014c0cebcd6c3d3ca8c75dc5ec62ebe55330ef910e2");
}

TEST(Bip84, RefusesBadNumbersAndForeignKeys) {
    const auto seed = bip39::mnemonic_to_seed(kMnemonic, "");
    EXPECT_EQ(Bip84Account::from_seed(mainnet(), seed, 0x80000000).error().code,
              "wallet_bad_account");
    EXPECT_EQ(Bip84Account::from_seed(mainnet(), ByteSpan(seed.data(), 15), 0).error().code,
              "bip32_seed_length");

    const Bip84Account account = account_on(mainnet());
    EXPECT_EQ(account.address(Chain::kReceive, 0x80000000).error().code, "wallet_bad_index");
    EXPECT_EQ(account.public_key(static_cast<Chain>(2), 0).error().code, "wallet_bad_chain");
    KeyPath other = account.key_path(Chain::kReceive, 0);
    other.account = 1;
    EXPECT_EQ(account.secret_key(other).error().code, "wallet_wrong_account");
    other = account.key_path(Chain::kReceive, 0);
    other.coin_type = 1;
    EXPECT_EQ(account.secret_key(other).error().code, "wallet_wrong_account");

    // A zpub is not a testnet key, nor a vpub a mainnet one.
    EXPECT_EQ(
        Bip84Account::from_account_xpub(testnet3(), account.encode_account_xpub()).error().code,
        "bip32_unknown_version");
    // A private key, or a key at another depth, is not an account xpub.
    EXPECT_EQ(Bip84Account::from_account_xpub(mainnet(), account.encode_account_xprv().value())
                  .error()
                  .code,
              "wallet_not_account_key");
    // BIP-84's rootpub (depth 0).
    EXPECT_EQ(Bip84Account::from_account_xpub(
                  mainnet(),
                  "zpub6jftahH18ngZxLmXaKw3GSZzZsszmt9WqedkyZdezFtWRFBZqsQH5hyUmb4pCEeZGmVfQuP5bed"
                  "XTB8is6fTv19U1GQRyQUKQGUTzyHACMF")
                  .error()
                  .code,
              "wallet_not_account_key");
}

}  // namespace
}  // namespace datt::bitcoin::wallet
