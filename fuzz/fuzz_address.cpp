// Addresses on untrusted text, and scriptPubKeys on untrusted bytes, for every network.
//
// Invariants checked:
//   - Address::parse either fails with a documented code (address.h, including the
//     base58/bech32 codes it passes through) or gives an address whose text is the input
//     (base58) or the input lower-cased (bech32), which parses back to the same address, and
//     whose scriptPubKey gives the same address back;
//   - Address::from_script_pubkey either fails with script_has_no_address or gives an address
//     whose text parses back to exactly those script bytes;
//   - an address is valid on another network only when that network uses the same prefix
//     or hrp (testnet3, signet and Core's regtest share base58 prefixes; testnet3 and
//     signet share "tb").
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "bitcoin/address.h"
#include "check.h"

namespace {

using namespace datt::bitcoin;

bool is_documented(const std::string& code) {
    return datt::fuzz::is_one_of(code, {"address_empty",
                                        "address_too_long",
                                        "address_wrong_network",
                                        "address_unknown_hrp",
                                        "address_unknown_version",
                                        "address_bad_payload_length",
                                        "base58_invalid_char",
                                        "base58check_bad_checksum",
                                        "base58check_too_short",
                                        "bech32_mixed_case",
                                        "bech32_bad_checksum",
                                        "bech32_invalid_char",
                                        "bech32_invalid_data_char",
                                        "bech32_checksum_too_short",
                                        "bech32_too_long",
                                        "segwit_invalid_version",
                                        "segwit_wrong_variant",
                                        "segwit_invalid_padding",
                                        "segwit_invalid_program_length",
                                        "segwit_empty_data"});
}

std::string lowered(std::string_view text) {
    std::string out(text);
    for (char& c : out) {
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    return out;
}

void check_text(std::string_view text) {
    for (const Network* network : known_networks()) {
        auto address = Address::parse(*network, text);
        if (!address.ok()) {
            DATT_FUZZ_CHECK(is_documented(address.error().code));
            DATT_FUZZ_CHECK(!address.error().message.empty());
            continue;
        }
        const bool bech32 = address->type() == AddressType::kWitness;
        DATT_FUZZ_CHECK(address->to_string() == (bech32 ? lowered(text) : std::string(text)));
        auto again = Address::parse(*network, address->to_string());
        DATT_FUZZ_CHECK(again.ok() && *again == *address);
        auto from_script = Address::from_script_pubkey(*network, address->script_pubkey());
        DATT_FUZZ_CHECK(from_script.ok() && *from_script == *address);
        for (const Network* other : known_networks()) {
            const bool shares = bech32 ? other->bech32_hrp == network->bech32_hrp
                                       : other->p2pkh_prefix == network->p2pkh_prefix &&
                                             other->p2sh_prefix == network->p2sh_prefix;
            DATT_FUZZ_CHECK(Address::parse(*other, text).ok() == shares);
        }
    }
}

void check_script(datt::ByteSpan script) {
    for (const Network* network : known_networks()) {
        auto address = Address::from_script_pubkey(*network, script);
        if (!address.ok()) {
            DATT_FUZZ_CHECK(address.error().code == "script_has_no_address");
            continue;
        }
        DATT_FUZZ_CHECK(address->script_pubkey() == datt::Bytes(script.begin(), script.end()));
        auto parsed = Address::parse(*network, address->to_string());
        DATT_FUZZ_CHECK(parsed.ok() && *parsed == *address);
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    check_text(std::string_view(reinterpret_cast<const char*>(data), size));
    check_script(datt::ByteSpan(data, size));
    return 0;
}
