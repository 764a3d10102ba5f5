// Addresses <-> scriptPubKeys: every segwit address vector of BIP-173 and BIP-350
// (bip/bech32-bech32m-test-vectors.json) gives its exact scriptPubKey and every invalid one
// is refused with a code matching its stated reason; known base58 addresses per network
// (checked when the test was written with an independent base58check/bech32 script);
// wrong-network, checksum, case and template errors.
//
// Base58 itself (Bitcoin Core's base58_encode_decode.json) is run by encoding_test.
#include "bitcoin/address.h"

#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "encoding/base58.h"
#include "encoding/bech32.h"
#include "support/vectors.h"
#include "util/hex.h"

namespace datt::bitcoin {
namespace {

using nlohmann::json;

std::string lower(std::string s) {
    for (char& c : s) {
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    return s;
}

Bytes unhex(const std::string& text) {
    auto bytes = from_hex(text);
    EXPECT_TRUE(bytes.ok()) << text;
    return bytes.ok() ? *bytes : Bytes{};
}

// The networks whose addresses use the hrp a vector's address starts with.
std::vector<const Network*> networks_for(const std::string& address) {
    const std::string text = lower(address);
    std::vector<const Network*> out;
    for (const Network* network : known_networks()) {
        if (text.rfind(network->bech32_hrp + "1", 0) == 0) out.push_back(network);
    }
    return out;
}

void expect_valid(const Network& network, const std::string& text, const std::string& script_hex,
                  AddressType type) {
    auto address = Address::parse(network, text);
    ASSERT_TRUE(address.ok()) << network.name << " " << text << ": " << address.error().code;
    EXPECT_EQ(to_hex(address->script_pubkey()), script_hex) << text;
    EXPECT_EQ(address->type(), type) << text;
    const bool bech32 = type == AddressType::kWitness;
    EXPECT_EQ(address->to_string(), bech32 ? lower(text) : text);
    auto back = Address::from_script_pubkey(network, unhex(script_hex));
    ASSERT_TRUE(back.ok()) << text << ": " << back.error().code;
    EXPECT_EQ(*back, *address);
}

void expect_error(const Network& network, const std::string& text, const std::string& code) {
    auto address = Address::parse(network, text);
    ASSERT_FALSE(address.ok()) << network.name << " accepted " << text;
    EXPECT_EQ(address.error().code, code)
        << network.name << " " << text << ": " << address.error().message;
}

TEST(AddressVectors, Bip350ValidSegwitAddresses) {
    DATT_LOAD_VECTORS(text, "bip/bech32-bech32m-test-vectors.json");
    const json entries = json::parse(text).at("bip350").at("valid_segwit_addresses");
    ASSERT_FALSE(entries.empty());
    size_t checked = 0;
    for (const auto& entry : entries) {
        const std::string address = entry.at("string");
        const std::string script = entry.at("scriptPubKey");
        const auto networks = networks_for(address);
        ASSERT_FALSE(networks.empty()) << address;
        for (const Network* network : networks) {
            expect_valid(*network, address, script, AddressType::kWitness);
            ++checked;
        }
        // Any other network refuses it as another network's.
        for (const Network* network : known_networks()) {
            if (network->bech32_hrp == networks.front()->bech32_hrp) continue;
            expect_error(*network, address, "address_wrong_network");
        }
    }
    std::printf("[ bip350 ] %zu valid address checks (%zu vectors)\n", checked, entries.size());
}

TEST(AddressVectors, Bip173EraAddresses) {
    // v0 ones are still valid; v1+ ones carry the old Bech32 checksum and are not (BIP-350).
    DATT_LOAD_VECTORS(text, "bip/bech32-bech32m-test-vectors.json");
    const json entries = json::parse(text).at("bip173").at("valid_segwit_addresses_bip173_era");
    ASSERT_FALSE(entries.empty());
    for (const auto& entry : entries) {
        const std::string address = entry.at("string");
        const std::string script = entry.at("scriptPubKey");
        for (const Network* network : networks_for(address)) {
            if (script.substr(0, 2) == "00") {
                expect_valid(*network, address, script, AddressType::kWitness);
            } else {
                expect_error(*network, address, "segwit_wrong_variant");
            }
        }
    }
}

// The reason each invalid vector gives, and the code Address::parse answers with.
const std::map<std::string, std::string>& code_for_reason() {
    static const std::map<std::string, std::string> table = {
        {"Invalid human-readable part", "address_unknown_hrp"},
        {"Invalid checksum", "bech32_bad_checksum"},
        {"Invalid checksum (Bech32 instead of Bech32m)", "segwit_wrong_variant"},
        {"Invalid checksum (Bech32m instead of Bech32)", "segwit_wrong_variant"},
        {"Invalid witness version", "segwit_invalid_version"},
        {"Invalid program length", "segwit_invalid_program_length"},
        {"Invalid program length (1 byte)", "segwit_invalid_program_length"},
        {"Invalid program length (41 bytes)", "segwit_invalid_program_length"},
        {"Invalid program length for witness version 0 (per BIP141)",
         "segwit_invalid_program_length"},
        {"Mixed case", "bech32_mixed_case"},
        {"zero padding of more than 4 bits", "segwit_invalid_padding"},
        {"Non-zero padding in 8-to-5 conversion", "segwit_invalid_padding"},
        {"Empty data section", "segwit_empty_data"},
        {"Invalid character in checksum", "bech32_invalid_data_char"},
    };
    return table;
}

void check_invalid(const json& entries) {
    ASSERT_FALSE(entries.empty());
    for (const auto& entry : entries) {
        const std::string address = entry.at("string");
        const std::string reason = entry.at("reason");
        // Refused everywhere; on the network it names, for the reason the BIP gives.
        for (const Network* network : known_networks()) {
            EXPECT_FALSE(Address::parse(*network, address).ok()) << network->name << " " << address;
        }
        const auto found = code_for_reason().find(reason);
        ASSERT_NE(found, code_for_reason().end()) << "unmapped reason: " << reason;
        const auto networks = networks_for(address);
        for (const Network* network : networks) expect_error(*network, address, found->second);
        if (networks.empty()) expect_error(mainnet(), address, found->second);
    }
}

TEST(AddressVectors, Bip350InvalidSegwitAddresses) {
    DATT_LOAD_VECTORS(text, "bip/bech32-bech32m-test-vectors.json");
    check_invalid(json::parse(text).at("bip350").at("invalid_segwit_addresses"));
}

TEST(AddressVectors, Bip173InvalidSegwitAddresses) {
    DATT_LOAD_VECTORS(text, "bip/bech32-bech32m-test-vectors.json");
    check_invalid(json::parse(text).at("bip173").at("invalid_segwit_addresses"));
}

TEST(AddressVectors, Bech32StringsThatAreNoAddresses) {
    // The generic Bech32/Bech32m strings of both BIPs: valid ones use hrps no network has,
    // invalid ones are invalid; none is an address anywhere.
    DATT_LOAD_VECTORS(text, "bip/bech32-bech32m-test-vectors.json");
    const json vectors = json::parse(text);
    size_t checked = 0;
    for (const char* bip : {"bip173", "bip350"}) {
        for (const char* list :
             {"valid_bech32", "invalid_bech32", "valid_bech32m", "invalid_bech32m"}) {
            if (!vectors.at(bip).contains(list)) continue;
            for (const auto& entry : vectors.at(bip).at(list)) {
                const std::string string = entry.at("string");
                for (const Network* network : known_networks()) {
                    auto address = Address::parse(*network, string);
                    ASSERT_FALSE(address.ok()) << network->name << " " << string;
                    if (std::string(list).rfind("valid", 0) == 0 && string.size() <= 90) {
                        EXPECT_EQ(address.error().code, "address_unknown_hrp") << string;
                    }
                    ++checked;
                }
            }
        }
    }
    EXPECT_GT(checked, 0u);
}

TEST(Address, KnownBase58AddressesPerNetwork) {
    // Mainnet: the genesis coinbase key's address and the P2SH example of the Bitcoin wiki;
    // testnet: two common test-suite addresses; bcoin 1.0.2 regtest: the same hashes under
    // its prefixes 0x3c / 0x26 (computed with an independent script when written).
    const std::string genesis_key = "76a91462e907b15cbf27d5425399ebf6f0fb50ebb88f1888ac";
    const std::string wiki_p2sh = "a914b472a266d0bd89c13706a4132ccfb16f7c3b9fcb87";
    expect_valid(mainnet(), "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa", genesis_key, AddressType::kP2pkh);
    expect_valid(mainnet(), "3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy", wiki_p2sh, AddressType::kP2sh);
    for (const Network* n : {&testnet3(), &signet(), &regtest()}) {
        expect_valid(*n, "mipcBbFg9gMiCh81Kj8tqqdgoZub1ZJRfn",
                     "76a914243f1394f44554f4ce3fd68649c19adc483ce92488ac", AddressType::kP2pkh);
        expect_valid(*n, "2MzQwSSnBHWHqSAqtTVQ6v47XtaisrJa1Vc",
                     "a9144e9f39ca4688ff102128ea4ccda34105324305b087", AddressType::kP2sh);
    }
    expect_valid(bcoin_regtest(), "RJJBTXXfgE5DjiPQpZSnYrQe73NhrBZ3ao", genesis_key,
                 AddressType::kP2pkh);
    expect_valid(bcoin_regtest(), "GaJ3NbMKfWPxBgNGjZe8rvxgHWHxtbz5HE", wiki_p2sh,
                 AddressType::kP2sh);
}

TEST(Address, Base58TextThatStartsLikeABech32Hrp) {
    // bcoin regtest's P2PKH prefix gives "R..." addresses; this one reads "RB1", i.e. hrp "rb"
    // and a separator once lower-cased (found by fuzz_address; text checked with bcoin 1.0.2).
    expect_valid(bcoin_regtest(), "RB1evAJTwCkmKrtoDWhUoECnQiJYAvL5d3",
                 "76a91413000000523127d5425391ebf6f0fb50ebb88f1888ac", AddressType::kP2pkh);
    // a bech32-looking string that is neither keeps the bech32 error
    expect_error(bcoin_regtest(), "RB1evAJTwCkmKrtoDWhUoECnQiJYAvL5d4", "bech32_mixed_case");
}

TEST(Address, KnownSegwitAddressesOnRegtests) {
    const std::string p2wpkh = "0014751e76e8199196d454941c45d1b3a323f1433bd6";
    const std::string program32 =
        "1863143c14c5166804bd19203356da136c985678cd4d27a1b8c6329604903262";
    expect_valid(regtest(), "bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7kygt080", p2wpkh,
                 AddressType::kWitness);
    expect_valid(bcoin_regtest(), "rb1qw508d6qejxtdg4y5r3zarvary0c5xw7k38f4sn", p2wpkh,
                 AddressType::kWitness);
    expect_valid(bcoin_regtest(), "rb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3qffcjef",
                 "0020" + program32, AddressType::kWitness);
    expect_valid(bcoin_regtest(), "rb1prp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3qr7cmp4",
                 "5120" + program32, AddressType::kWitness);
    expect_valid(regtest(), "bcrt1prp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3qg74mmc",
                 "5120" + program32, AddressType::kWitness);
    auto taproot = Address::parse(
        regtest(), "BCRT1PRP33G0Q5C5TXSP9ARYSRX4K6ZDKFS4NCE4XJ0GDCCCEFVPYSXF3QG74MMC");
    ASSERT_TRUE(taproot.ok());
    EXPECT_EQ(taproot->witness_version(), 1);
    EXPECT_EQ(to_hex(taproot->program()), program32);
    EXPECT_EQ(taproot->to_string(),
              "bcrt1prp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3qg74mmc");
}

TEST(Address, WrongNetwork) {
    expect_error(mainnet(), "mipcBbFg9gMiCh81Kj8tqqdgoZub1ZJRfn", "address_wrong_network");
    expect_error(testnet3(), "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa", "address_wrong_network");
    expect_error(regtest(), "RJJBTXXfgE5DjiPQpZSnYrQe73NhrBZ3ao", "address_wrong_network");
    expect_error(bcoin_regtest(), "mipcBbFg9gMiCh81Kj8tqqdgoZub1ZJRfn", "address_wrong_network");
    expect_error(bcoin_regtest(), "bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7kygt080",
                 "address_wrong_network");
    expect_error(regtest(), "rb1qw508d6qejxtdg4y5r3zarvary0c5xw7k38f4sn", "address_wrong_network");
    expect_error(mainnet(), "tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sl5k7",
                 "address_wrong_network");
}

TEST(Address, MalformedText) {
    expect_error(mainnet(), "", "address_empty");
    expect_error(mainnet(), std::string(91, '1'), "address_too_long");
    // One character changed: the base58 checksum fails.
    expect_error(mainnet(), "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb", "base58check_bad_checksum");
    expect_error(mainnet(), "1A1zP1eP5QGefi2DMPTfTL5SLmv7Divf0a", "base58_invalid_char");
    expect_error(mainnet(), "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5", "bech32_bad_checksum");
    expect_error(mainnet(), "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kV8F3T4", "bech32_mixed_case");
    // Base58check with a 20-byte payload, and with a version byte no network here uses
    // (0x30, Litecoin's).
    expect_error(mainnet(), encoding::base58check_encode(Bytes(20, 7)),
                 "address_bad_payload_length");
    Bytes litecoin(21, 7);
    litecoin[0] = 0x30;
    expect_error(mainnet(), encoding::base58check_encode(litecoin), "address_unknown_version");
    // Valid bech32 for an hrp no network here uses.
    auto ltc = encoding::segwit_address_encode("ltc", 0, Bytes(20, 1));
    ASSERT_TRUE(ltc.ok());
    expect_error(mainnet(), *ltc, "address_unknown_hrp");
    // Not an address at all.
    expect_error(mainnet(), "hello world", "base58_invalid_char");
}

TEST(Address, ScriptsWithoutAnAddress) {
    const std::string hash20(40, 'a');
    const std::vector<std::string> scripts{
        std::string(""),
        std::string("6a0401020304"),             // OP_RETURN
        "2102" + std::string(64, 'b') + "ac",    // P2PK
        "5121" + std::string(66, 'c') + "51ae",  // bare 1-of-1 multisig
        "0019" + std::string(50, 'd'),           // v0, 25-byte program
        std::string("0001ff"),                   // v0, 1-byte program
        "004c14" + hash20,                       // v0 with a PUSHDATA1 push
        "5129" + std::string(82, 'e'),           // v1, 41-byte program
        "76a914" + hash20 + "88ad",              // P2PKH with OP_CHECKSIGVERIFY
        "a914" + hash20 + "88",                  // P2SH with OP_EQUALVERIFY
        "a914" + hash20 + "8700",                // P2SH and a trailing byte
    };
    for (const std::string& script : scripts) {
        auto address = Address::from_script_pubkey(mainnet(), unhex(script));
        ASSERT_FALSE(address.ok()) << script;
        EXPECT_EQ(address.error().code, "script_has_no_address") << script;
    }
}

TEST(Address, EveryWitnessVersionRoundTrips) {
    for (uint8_t version = 0; version <= 16; ++version) {
        for (size_t length = 2; length <= 40; ++length) {
            Bytes script{version == 0 ? uint8_t{0} : static_cast<uint8_t>(0x50 + version),
                         static_cast<uint8_t>(length)};
            script.resize(2 + length, static_cast<uint8_t>(length));
            auto address = Address::from_script_pubkey(testnet3(), script);
            const bool valid = version != 0 || length == 20 || length == 32;
            ASSERT_EQ(address.ok(), valid) << int(version) << " " << length;
            if (!valid) continue;
            EXPECT_EQ(address->witness_version(), version);
            auto parsed = Address::parse(signet(), address->to_string());
            ASSERT_TRUE(parsed.ok()) << address->to_string();
            EXPECT_EQ(parsed->script_pubkey(), script);
            const auto variant = encoding::bech32_decode(address->to_string())->variant;
            EXPECT_EQ(variant, version == 0 ? encoding::Bech32Variant::kBech32
                                            : encoding::Bech32Variant::kBech32m);
        }
    }
}

}  // namespace
}  // namespace datt::bitcoin
