// Network parameters as values: one struct per chain, returned by name, passed to whatever
// encodes addresses or validates headers. Nothing in core/bitcoin assumes mainnet.
//
// Sources (each value was checked against them):
//   - Bitcoin Core src/kernel/chainparams.cpp (commit 0083e015e84020d29cad18de1e19f44f2029a275):
//     mainnet, testnet3, signet (the default challenge), regtest;
//   - bcoin v1.0.2 lib/protocol/networks.js (the npm bcoin@1.0.2 Datt runs, see
//     ../shared/notes/bitcoin-node.md): bcoin's regtest. From bcoin v2.0.0 on, bcoin's regtest
//     uses Core's prefixes; 1.0.2 has its own (`rb`, 0x3c, 0x26, 0x5a, rpub/rprv), while its
//     genesis block, proof-of-work limit and retarget rule are Core's regtest ones.
//
// Left out on purpose: testnet4 (BIP-94's timewarp rule is not implemented), custom signet
// challenges (a signet's headers are validated like mainnet's; the block signature of BIP-325
// lives in the coinbase, which a header chain does not carry), message start bytes, ports,
// seeds, checkpoints and minimum chain work (a client supplies its own checkpoint state,
// header_chain.h).
//
// Error code: unknown_network (network_by_name).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "bitcoin/header.h"
#include "bitcoin/uint256.h"
#include "util/bytes.h"
#include "util/result.h"

namespace datt::bitcoin {

// How the expected `bits` of the next header is found (Core's GetNextWorkRequired).
enum class RetargetRule {
    // Every `interval()` blocks the target is rescaled by the time the previous interval
    // took (clamped to a factor of 4), otherwise it stays (mainnet, signet).
    kEveryInterval,
    // The same, and between retargets a header more than twice the target spacing after its
    // parent may use the proof-of-work limit; otherwise it must use the bits of the last
    // header that was at an interval start or not at that limit (testnet3's
    // fPowAllowMinDifficultyBlocks).
    kEveryIntervalWithMinDifficulty,
    // Never changes (regtest's fPowNoRetargeting). Core's regtest also allows min-difficulty
    // blocks, which changes nothing there: every regtest header is at the limit.
    kNone,
};

struct Network {
    std::string name;        // "mainnet", "testnet3", "signet", "regtest", "bcoin-regtest"
    std::string bech32_hrp;  // segwit addresses
    uint8_t p2pkh_prefix;    // base58check version bytes
    uint8_t p2sh_prefix;
    uint8_t wif_prefix;
    uint32_t bip32_xpub_version;  // BIP-32 serialization versions
    uint32_t bip32_xprv_version;
    uint32_t bip84_coin_type;  // m/84'/coin_type'/...: 0 on mainnet, 1 on every test network

    BlockHeader genesis;
    Hash256 genesis_hash;  // block_hash(genesis), internal byte order

    Uint256 pow_limit;        // the easiest target allowed
    int64_t target_spacing;   // seconds per block
    int64_t target_timespan;  // seconds per retarget interval
    RetargetRule retarget_rule;
    // First heights at which header versions below 2, 3 and 4 are rejected (BIP-34, BIP-66,
    // BIP-65 buried deployments).
    uint32_t bip34_height;
    uint32_t bip66_height;
    uint32_t bip65_height;

    // Blocks per retarget interval: 2016 on every network here.
    int64_t interval() const { return target_timespan / target_spacing; }
};

const Network& mainnet();
const Network& testnet3();
const Network& signet();
const Network& regtest();        // Bitcoin Core's
const Network& bcoin_regtest();  // bcoin 1.0.2's

// The five networks above, in that order.
std::span<const Network* const> known_networks();

// By canonical name, or the aliases "main", "test", "testnet".
[[nodiscard]] Result<Network> network_by_name(std::string_view name);

}  // namespace datt::bitcoin
