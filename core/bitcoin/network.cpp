#include "bitcoin/network.h"

#include <array>
#include <cassert>
#include <string>

#include "bitcoin/display_hash.h"

namespace datt::bitcoin {
namespace {

// Constants written in this file; a typo is our bug.
Hash256 display_hash(std::string_view hex) {
    auto hash = from_display_hex(hex);
    assert(hash.ok());
    return *hash;
}

Uint256 number(std::string_view hex) {
    auto value = Uint256::from_hex(hex);
    assert(value.ok());
    return *value;
}

// Every genesis block here has the same coinbase, so the same merkle root.
constexpr std::string_view kGenesisMerkleRoot =
    "4a5e1e4baab89f3a32518a88c31bc87f618f76673e2cc77ab2127b7afdeda33b";

BlockHeader genesis_header(uint32_t time, uint32_t nonce, uint32_t bits) {
    BlockHeader header;
    header.version = 1;
    header.merkle_root = display_hash(kGenesisMerkleRoot);
    header.time = time;
    header.bits = bits;
    header.nonce = nonce;
    return header;
}

constexpr int64_t kTwoWeeks = 14 * 24 * 60 * 60;
constexpr int64_t kTenMinutes = 10 * 60;

Network make_mainnet() {
    Network n;
    n.name = "mainnet";
    n.bech32_hrp = "bc";
    n.p2pkh_prefix = 0;
    n.p2sh_prefix = 5;
    n.wif_prefix = 128;
    n.bip32_xpub_version = 0x0488B21E;  // xpub
    n.bip32_xprv_version = 0x0488ADE4;  // xprv
    n.bip84_coin_type = 0;
    n.genesis = genesis_header(1231006505, 2083236893, 0x1d00ffff);
    n.genesis_hash =
        display_hash("000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f");
    n.pow_limit = number("00000000ffffffffffffffffffffffffffffffffffffffffffffffffffffffff");
    n.target_spacing = kTenMinutes;
    n.target_timespan = kTwoWeeks;
    n.retarget_rule = RetargetRule::kEveryInterval;
    n.bip34_height = 227931;
    n.bip66_height = 363725;
    n.bip65_height = 388381;
    return n;
}

// testnet3, signet and Core's regtest share the test prefixes (tpub/tprv, 111/196/239).
void set_core_test_prefixes(Network& n) {
    n.p2pkh_prefix = 111;
    n.p2sh_prefix = 196;
    n.wif_prefix = 239;
    n.bip32_xpub_version = 0x043587CF;  // tpub
    n.bip32_xprv_version = 0x04358394;  // tprv
    n.bip84_coin_type = 1;
}

Network make_testnet3() {
    Network n;
    n.name = "testnet3";
    n.bech32_hrp = "tb";
    set_core_test_prefixes(n);
    n.genesis = genesis_header(1296688602, 414098458, 0x1d00ffff);
    n.genesis_hash =
        display_hash("000000000933ea01ad0ee984209779baaec3ced90fa3f408719526f8d77f4943");
    n.pow_limit = number("00000000ffffffffffffffffffffffffffffffffffffffffffffffffffffffff");
    n.target_spacing = kTenMinutes;
    n.target_timespan = kTwoWeeks;
    n.retarget_rule = RetargetRule::kEveryIntervalWithMinDifficulty;
    n.bip34_height = 21111;
    n.bip66_height = 330776;
    n.bip65_height = 581885;
    return n;
}

Network make_signet() {
    Network n;
    n.name = "signet";
    n.bech32_hrp = "tb";
    set_core_test_prefixes(n);
    n.genesis = genesis_header(1598918400, 52613770, 0x1e0377ae);
    n.genesis_hash =
        display_hash("00000008819873e925422c1ff0f99f7cc9bbb232af63a077a480a3633bee1ef6");
    n.pow_limit = number("00000377ae000000000000000000000000000000000000000000000000000000");
    n.target_spacing = kTenMinutes;
    n.target_timespan = kTwoWeeks;
    n.retarget_rule = RetargetRule::kEveryInterval;
    n.bip34_height = 1;
    n.bip66_height = 1;
    n.bip65_height = 1;
    return n;
}

// Core's and bcoin's regtest chains are the same chain; only the encodings and the buried
// deployment heights differ.
void set_regtest_chain(Network& n) {
    n.genesis = genesis_header(1296688602, 2, 0x207fffff);
    n.genesis_hash =
        display_hash("0f9188f13cb7b2c71f2a335e3a4fc328bf5beb436012afca590b1a11466e2206");
    n.pow_limit = number("7fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff");
    n.target_spacing = kTenMinutes;
    n.target_timespan = kTwoWeeks;
    n.retarget_rule = RetargetRule::kNone;
}

Network make_regtest() {
    Network n;
    n.name = "regtest";
    n.bech32_hrp = "bcrt";
    set_core_test_prefixes(n);
    set_regtest_chain(n);
    n.bip34_height = 1;
    n.bip66_height = 1;
    n.bip65_height = 1;
    return n;
}

Network make_bcoin_regtest() {
    Network n;
    n.name = "bcoin-regtest";
    n.bech32_hrp = "rb";
    n.p2pkh_prefix = 0x3c;
    n.p2sh_prefix = 0x26;
    n.wif_prefix = 0x5a;
    n.bip32_xpub_version = 0xeab4fa05;  // rpub
    n.bip32_xprv_version = 0xeab404c7;  // rprv
    n.bip84_coin_type = 1;
    set_regtest_chain(n);
    n.bip34_height = 100000000;  // never, in practice: bcoin's regtest accepts version 1
    n.bip66_height = 1251;
    n.bip65_height = 1351;
    return n;
}

}  // namespace

const Network& mainnet() {
    static const Network network = make_mainnet();
    return network;
}

const Network& testnet3() {
    static const Network network = make_testnet3();
    return network;
}

const Network& signet() {
    static const Network network = make_signet();
    return network;
}

const Network& regtest() {
    static const Network network = make_regtest();
    return network;
}

const Network& bcoin_regtest() {
    static const Network network = make_bcoin_regtest();
    return network;
}

std::span<const Network* const> known_networks() {
    static const std::array<const Network*, 5> all = {&mainnet(), &testnet3(), &signet(),
                                                      &regtest(), &bcoin_regtest()};
    return all;
}

Result<Network> network_by_name(std::string_view name) {
    if (name == "main") return mainnet();
    if (name == "test" || name == "testnet") return testnet3();
    for (const Network* network : known_networks()) {
        if (network->name == name) return *network;
    }
    return make_error("unknown_network",
                      "unknown network '" + std::string(name) +
                          "' (mainnet, testnet3, signet, regtest, bcoin-regtest)");
}

}  // namespace datt::bitcoin
