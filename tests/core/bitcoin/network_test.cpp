// Network parameters: each genesis header hashes to the hash Bitcoin Core asserts in
// chainparams.cpp, its bits are the compact form of the pow limit, the version bytes produce
// the prefixes users know (xpub, tpub, bcoin's rpub), and names resolve.
#include "bitcoin/network.h"

#include <gtest/gtest.h>

#include <string>

#include "bitcoin/display_hash.h"
#include "bitcoin/target.h"
#include "encoding/base58.h"
#include "util/hex.h"

namespace datt::bitcoin {
namespace {

std::string base58_prefix(uint32_t version, size_t payload_size, size_t chars) {
    Bytes payload{static_cast<uint8_t>(version >> 24), static_cast<uint8_t>(version >> 16),
                  static_cast<uint8_t>(version >> 8), static_cast<uint8_t>(version)};
    payload.resize(payload_size, 0);
    return encoding::base58check_encode(payload).substr(0, chars);
}

TEST(Network, GenesisHeadersHashToCoresGenesisHashes) {
    // The hashes Bitcoin Core's chainparams.cpp asserts (consensus.hashGenesisBlock).
    const struct {
        const Network& network;
        const char* hash;
    } cases[] = {
        {mainnet(), "000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f"},
        {testnet3(), "000000000933ea01ad0ee984209779baaec3ced90fa3f408719526f8d77f4943"},
        {signet(), "00000008819873e925422c1ff0f99f7cc9bbb232af63a077a480a3633bee1ef6"},
        {regtest(), "0f9188f13cb7b2c71f2a335e3a4fc328bf5beb436012afca590b1a11466e2206"},
        {bcoin_regtest(), "0f9188f13cb7b2c71f2a335e3a4fc328bf5beb436012afca590b1a11466e2206"},
    };
    for (const auto& c : cases) {
        EXPECT_EQ(to_display_hex(block_hash(c.network.genesis)), c.hash) << c.network.name;
        EXPECT_EQ(c.network.genesis_hash, block_hash(c.network.genesis)) << c.network.name;
        EXPECT_EQ(to_display_hex(c.network.genesis.merkle_root),
                  "4a5e1e4baab89f3a32518a88c31bc87f618f76673e2cc77ab2127b7afdeda33b");
        EXPECT_TRUE(
            check_proof_of_work(c.network.genesis_hash, c.network.genesis.bits, c.network.pow_limit)
                .ok())
            << c.network.name;
        EXPECT_EQ(c.network.interval(), 2016);
    }
}

TEST(Network, GenesisSerializationMatchesPublishedBytes) {
    // The first 80 bytes of the genesis blocks as bcoin v1.0.2's networks.js spells them
    // (main.genesisBlock, regtest.genesisBlock).
    EXPECT_EQ(to_hex(serialize_block_header(mainnet().genesis)),
              "0100000000000000000000000000000000000000000000000000000000000000000000003ba3edfd7a"
              "7b12b27ac72c3e67768f617fc81bc3888a51323a9fb8aa4b1e5e4a29ab5f49ffff001d1dac2b7c");
    EXPECT_EQ(to_hex(serialize_block_header(bcoin_regtest().genesis)),
              "0100000000000000000000000000000000000000000000000000000000000000000000003ba3edfd7a"
              "7b12b27ac72c3e67768f617fc81bc3888a51323a9fb8aa4b1e5e4adae5494dffff7f2002000000");
}

TEST(Network, PowLimitsAreTheGenesisTargets) {
    // Each chain starts at its easiest target; Core's min-difficulty rule compares against
    // GetCompact(powLimit), which is therefore the genesis bits.
    for (const Network* network : known_networks()) {
        EXPECT_EQ(encode_compact(network->pow_limit), network->genesis.bits) << network->name;
    }
    EXPECT_EQ(mainnet().pow_limit, testnet3().pow_limit);
    EXPECT_EQ(regtest().pow_limit, bcoin_regtest().pow_limit);
}

TEST(Network, Bip32VersionsGiveTheKnownPrefixes) {
    // A serialized extended key is 78 bytes; its version decides the first four characters.
    const struct {
        const Network& network;
        const char* pub;
        const char* prv;
    } cases[] = {{mainnet(), "xpub", "xprv"},
                 {testnet3(), "tpub", "tprv"},
                 {signet(), "tpub", "tprv"},
                 {regtest(), "tpub", "tprv"},
                 {bcoin_regtest(), "rpub", "rprv"}};
    for (const auto& c : cases) {
        EXPECT_EQ(base58_prefix(c.network.bip32_xpub_version, 78, 4), c.pub) << c.network.name;
        EXPECT_EQ(base58_prefix(c.network.bip32_xprv_version, 78, 4), c.prv) << c.network.name;
    }
}

TEST(Network, PrefixesAndCoinTypes) {
    // Compressed-key WIF (prefix + 32 bytes + 0x01) starts with K/L on mainnet and c on
    // Core's test networks; P2PKH addresses with 1 / m-n; bcoin's regtest with R.
    const Bytes key(32, 0x11);
    const auto wif_first = [&](const Network& n) {
        Bytes payload{n.wif_prefix};
        payload.insert(payload.end(), key.begin(), key.end());
        payload.push_back(1);
        return encoding::base58check_encode(payload).substr(0, 1);
    };
    EXPECT_TRUE(wif_first(mainnet()) == "K" || wif_first(mainnet()) == "L");
    EXPECT_EQ(wif_first(testnet3()), "c");
    EXPECT_EQ(wif_first(regtest()), "c");
    EXPECT_EQ(mainnet().bech32_hrp, "bc");
    EXPECT_EQ(testnet3().bech32_hrp, "tb");
    EXPECT_EQ(signet().bech32_hrp, "tb");
    EXPECT_EQ(regtest().bech32_hrp, "bcrt");
    EXPECT_EQ(bcoin_regtest().bech32_hrp, "rb");
    EXPECT_EQ(bcoin_regtest().p2pkh_prefix, 0x3c);
    EXPECT_EQ(bcoin_regtest().p2sh_prefix, 0x26);
    EXPECT_EQ(bcoin_regtest().wif_prefix, 0x5a);
    EXPECT_EQ(mainnet().bip84_coin_type, 0u);
    for (const Network* n : {&testnet3(), &signet(), &regtest(), &bcoin_regtest()}) {
        EXPECT_EQ(n->bip84_coin_type, 1u) << n->name;
    }
}

TEST(Network, RetargetRules) {
    EXPECT_EQ(mainnet().retarget_rule, RetargetRule::kEveryInterval);
    EXPECT_EQ(signet().retarget_rule, RetargetRule::kEveryInterval);
    EXPECT_EQ(testnet3().retarget_rule, RetargetRule::kEveryIntervalWithMinDifficulty);
    EXPECT_EQ(regtest().retarget_rule, RetargetRule::kNone);
    EXPECT_EQ(bcoin_regtest().retarget_rule, RetargetRule::kNone);
}

TEST(Network, ByName) {
    for (const Network* network : known_networks()) {
        auto found = network_by_name(network->name);
        ASSERT_TRUE(found.ok()) << network->name;
        EXPECT_EQ(found->genesis_hash, network->genesis_hash);
        EXPECT_EQ(found->bech32_hrp, network->bech32_hrp);
    }
    EXPECT_EQ(network_by_name("main")->name, "mainnet");
    EXPECT_EQ(network_by_name("test")->name, "testnet3");
    EXPECT_EQ(network_by_name("testnet")->name, "testnet3");
    for (const char* unknown : {"", "Mainnet", "testnet4", "litecoin"}) {
        auto missing = network_by_name(unknown);
        ASSERT_FALSE(missing.ok()) << unknown;
        EXPECT_EQ(missing.error().code, "unknown_network");
    }
}

}  // namespace
}  // namespace datt::bitcoin
