#include "bitcoin/address.h"

#include <algorithm>
#include <string>

#include "encoding/base58.h"
#include "encoding/bech32.h"

namespace datt::bitcoin {
namespace {

constexpr size_t kMaxAddressLength = 90;
constexpr size_t kHashSize = 20;  // HASH160 in P2PKH and P2SH

// The opcodes the three templates use (script.h, from the transaction side, names them all).
constexpr uint8_t kOp0 = 0x00;
constexpr uint8_t kOp1 = 0x51;
constexpr uint8_t kOp16 = 0x60;
constexpr uint8_t kOpDup = 0x76;
constexpr uint8_t kOpEqual = 0x87;
constexpr uint8_t kOpEqualVerify = 0x88;
constexpr uint8_t kOpHash160 = 0xa9;
constexpr uint8_t kOpCheckSig = 0xac;

std::string lower(std::string_view text) {
    std::string out(text);
    for (char& c : out) {
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    return out;
}

bool is_p2pkh(ByteSpan s) {
    return s.size() == 25 && s[0] == kOpDup && s[1] == kOpHash160 && s[2] == kHashSize &&
           s[23] == kOpEqualVerify && s[24] == kOpCheckSig;
}

bool is_p2sh(ByteSpan s) {
    return s.size() == 23 && s[0] == kOpHash160 && s[1] == kHashSize && s[22] == kOpEqual;
}

// Core's CScript::IsWitnessProgram: a version opcode and one direct push of 2..40 bytes.
bool is_witness_program(ByteSpan s) {
    if (s.size() < 4 || s.size() > 42) return false;
    if (s[0] != kOp0 && (s[0] < kOp1 || s[0] > kOp16)) return false;
    return static_cast<size_t>(s[1]) + 2 == s.size();
}

const Network* network_with_hrp(std::string_view hrp) {
    for (const Network* network : known_networks()) {
        if (network->bech32_hrp == hrp) return network;
    }
    return nullptr;
}

const Network* network_with_base58_prefix(uint8_t prefix) {
    for (const Network* network : known_networks()) {
        if (network->p2pkh_prefix == prefix || network->p2sh_prefix == prefix) return network;
    }
    return nullptr;
}

Error wrong_network(const Network& expected, const Network& found) {
    return make_error("address_wrong_network",
                      "a " + found.name + " address, not " + expected.name);
}

}  // namespace

Result<Address> Address::from_script_pubkey(const Network& network, ByteSpan script) {
    Address address;
    address.script_pubkey_.assign(script.begin(), script.end());
    if (is_p2pkh(script) || is_p2sh(script)) {
        const bool p2pkh = is_p2pkh(script);
        address.type_ = p2pkh ? AddressType::kP2pkh : AddressType::kP2sh;
        const ByteSpan hash = script.subspan(p2pkh ? 3 : 2, kHashSize);
        address.program_.assign(hash.begin(), hash.end());
        Bytes payload{p2pkh ? network.p2pkh_prefix : network.p2sh_prefix};
        payload.insert(payload.end(), hash.begin(), hash.end());
        address.text_ = encoding::base58check_encode(payload);
        return address;
    }
    if (is_witness_program(script)) {
        const uint8_t version = script[0] == kOp0 ? 0 : static_cast<uint8_t>(script[0] - kOp1 + 1);
        const ByteSpan program = script.subspan(2);
        // v0 programs of other lengths are unspendable, not addresses (BIP-141).
        auto text = encoding::segwit_address_encode(network.bech32_hrp, version, program);
        if (text.ok()) {
            address.type_ = AddressType::kWitness;
            address.witness_version_ = version;
            address.program_.assign(program.begin(), program.end());
            address.text_ = std::move(text.value());
            return address;
        }
    }
    return make_error("script_has_no_address",
                      "the script is not P2PKH, P2SH or a witness program with an address");
}

Result<Address> Address::parse(const Network& network, std::string_view text) {
    if (text.empty()) return make_error("address_empty", "the address is empty");
    if (text.size() > kMaxAddressLength) {
        return make_error("address_too_long", "an address has at most 90 characters, this has " +
                                                  std::to_string(text.size()));
    }

    // Bech32 when it starts with a known hrp and its separator.
    const std::string lowered = lower(text);
    const size_t separator = lowered.rfind('1');
    const Network* by_hrp =
        separator == std::string::npos ? nullptr : network_with_hrp(lowered.substr(0, separator));
    // A base58 address may also start with a known hrp and '1' (bcoin regtest's "RB1..."), so
    // a string that fails bech32 but passes base58check is read as base58.
    if (by_hrp && !encoding::bech32_decode(text).ok() && encoding::base58check_decode(text).ok()) {
        by_hrp = nullptr;
    }
    if (by_hrp) {
        auto decoded = encoding::bech32_decode(text);
        if (!decoded.ok()) return decoded.error();
        if (by_hrp->bech32_hrp != network.bech32_hrp) return wrong_network(network, *by_hrp);
        auto program = encoding::segwit_address_decode(network.bech32_hrp, text);
        if (!program.ok()) return program.error();
        Bytes script{
            program->version == 0 ? kOp0 : static_cast<uint8_t>(kOp1 + program->version - 1),
            static_cast<uint8_t>(program->program.size())};
        script.insert(script.end(), program->program.begin(), program->program.end());
        return from_script_pubkey(network, script);
    }
    if (encoding::bech32_decode(text).ok()) {
        return make_error("address_unknown_hrp", "a bech32 string for hrp '" +
                                                     lowered.substr(0, separator) +
                                                     "', which no known network uses");
    }

    auto payload = encoding::base58check_decode(text);
    if (!payload.ok()) return payload.error();
    if (payload->size() != 1 + kHashSize) {
        return make_error(
            "address_bad_payload_length",
            "a base58 address holds 21 bytes, this holds " + std::to_string(payload->size()));
    }
    const uint8_t prefix = (*payload)[0];
    const ByteSpan hash = ByteSpan(*payload).subspan(1);
    Bytes script;
    if (prefix == network.p2pkh_prefix) {
        script = {kOpDup, kOpHash160, kHashSize};
        script.insert(script.end(), hash.begin(), hash.end());
        script.insert(script.end(), {kOpEqualVerify, kOpCheckSig});
    } else if (prefix == network.p2sh_prefix) {
        script = {kOpHash160, kHashSize};
        script.insert(script.end(), hash.begin(), hash.end());
        script.push_back(kOpEqual);
    } else if (const Network* other = network_with_base58_prefix(prefix)) {
        return wrong_network(network, *other);
    } else {
        return make_error(
            "address_unknown_version",
            "base58 version byte " + std::to_string(prefix) + " belongs to no known network");
    }
    return from_script_pubkey(network, script);
}

}  // namespace datt::bitcoin
