// Bech32/Bech32m and segwit addresses against the BIP-173 and BIP-350 test vectors
// (bip/bech32-bech32m-test-vectors.json): every valid and invalid string and address.
#include "encoding/bech32.h"

#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "support/vectors.h"
#include "util/hex.h"

namespace datt::encoding {
namespace {

using nlohmann::json;

std::string lower(std::string s) {
    for (char& c : s) {
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    return s;
}

// The hrp as the string itself spells it (everything before the last '1'), lower-cased.
std::string hrp_of(const std::string& address) {
    const size_t separator = address.rfind('1');
    return separator == std::string::npos ? "" : lower(address.substr(0, separator));
}

// scriptPubKey = OP_n (0x00 or 0x50+n), push of the program length, program.
WitnessProgram program_from_script_pubkey(const std::string& script_hex) {
    auto script = from_hex(script_hex);
    EXPECT_TRUE(script.ok()) << script_hex;
    if (!script.ok() || script->size() < 2) return {};
    const Bytes& bytes = *script;
    const uint8_t version = bytes[0] == 0 ? 0 : static_cast<uint8_t>(bytes[0] - 0x50);
    EXPECT_EQ(bytes[1], bytes.size() - 2) << script_hex;
    return WitnessProgram{version, Bytes(bytes.begin() + 2, bytes.end())};
}

// The vectors give a reason per invalid case; these are the codes each reason may yield.
const std::map<std::string, std::set<std::string>>& codes_for_reason() {
    static const std::map<std::string, std::set<std::string>> table = {
        {"HRP character out of range", {"bech32_invalid_char"}},
        {"overall max length exceeded", {"bech32_too_long"}},
        {"No separator character", {"bech32_no_separator"}},
        {"Empty HRP", {"bech32_empty_hrp"}},
        {"empty HRP", {"bech32_empty_hrp"}},
        {"Invalid data character", {"bech32_invalid_data_char"}},
        {"Too short checksum", {"bech32_checksum_too_short"}},
        // Out-of-range bytes (0xFF) are caught before the charset lookup.
        {"Invalid character in checksum", {"bech32_invalid_data_char", "bech32_invalid_char"}},
        {"checksum calculated with uppercase form of HRP", {"bech32_bad_checksum"}},
        {"Invalid human-readable part", {"segwit_wrong_hrp"}},
        {"Invalid checksum", {"bech32_bad_checksum"}},
        {"Invalid checksum (Bech32 instead of Bech32m)", {"segwit_wrong_variant"}},
        {"Invalid checksum (Bech32m instead of Bech32)", {"segwit_wrong_variant"}},
        {"Invalid witness version", {"segwit_invalid_version"}},
        {"Invalid program length", {"segwit_invalid_program_length"}},
        {"Invalid program length (1 byte)", {"segwit_invalid_program_length"}},
        {"Invalid program length (41 bytes)", {"segwit_invalid_program_length"}},
        {"Invalid program length for witness version 0 (per BIP141)",
         {"segwit_invalid_program_length"}},
        {"Mixed case", {"bech32_mixed_case"}},
        {"zero padding of more than 4 bits", {"segwit_invalid_padding"}},
        {"Non-zero padding in 8-to-5 conversion", {"segwit_invalid_padding"}},
        {"Empty data section", {"segwit_empty_data"}},
    };
    return table;
}

void expect_code_for_reason(const std::string& code, const json& entry) {
    const std::string reason = entry.at("reason");
    const auto found = codes_for_reason().find(reason);
    ASSERT_NE(found, codes_for_reason().end()) << "unmapped reason: " << reason;
    EXPECT_TRUE(found->second.count(code))
        << entry.at("string").get<std::string>() << ": got " << code << " for " << reason;
}

json load_vectors_json(const std::string& text) {
    return json::parse(text);
}

void check_valid_strings(const json& entries, Bech32Variant variant) {
    ASSERT_FALSE(entries.empty());
    for (const auto& entry : entries) {
        const std::string text = entry.at("string");
        auto decoded = bech32_decode(text);
        ASSERT_TRUE(decoded.ok()) << text << ": " << decoded.error().code;
        EXPECT_EQ(decoded->variant, variant) << text;
        EXPECT_EQ(decoded->hrp, hrp_of(text)) << text;

        auto encoded = bech32_encode(variant, decoded->hrp, decoded->data);
        ASSERT_TRUE(encoded.ok()) << text << ": " << encoded.error().code;
        EXPECT_EQ(*encoded, lower(text));

        // Any single substituted data/checksum character must break the checksum.
        const size_t separator = text.rfind('1');
        for (size_t i = separator + 1; i < text.size(); ++i) {
            std::string altered = lower(text);
            altered[i] = altered[i] == 'q' ? 'p' : 'q';
            auto bad = bech32_decode(altered);
            ASSERT_FALSE(bad.ok()) << altered;
            EXPECT_EQ(bad.error().code, "bech32_bad_checksum") << altered;
        }
    }
}

void check_invalid_strings(const json& entries) {
    ASSERT_FALSE(entries.empty());
    for (const auto& entry : entries) {
        const std::string text = entry.at("string");
        auto decoded = bech32_decode(text);
        ASSERT_FALSE(decoded.ok()) << text << " decoded";
        expect_code_for_reason(decoded.error().code, entry);
    }
}

void check_valid_addresses(const json& entries) {
    ASSERT_FALSE(entries.empty());
    for (const auto& entry : entries) {
        const std::string address = entry.at("string");
        const WitnessProgram expected = program_from_script_pubkey(entry.at("scriptPubKey"));
        const std::string hrp = hrp_of(address);
        auto decoded = segwit_address_decode(hrp, address);
        ASSERT_TRUE(decoded.ok()) << address << ": " << decoded.error().code;
        EXPECT_EQ(decoded->version, expected.version) << address;
        EXPECT_EQ(to_hex(decoded->program), to_hex(expected.program)) << address;

        auto encoded = segwit_address_encode(hrp, expected.version, expected.program);
        ASSERT_TRUE(encoded.ok()) << address << ": " << encoded.error().code;
        EXPECT_EQ(*encoded, lower(address));

        // An address is valid only for its own network.
        auto other = segwit_address_decode(hrp == "bc" ? "tb" : "bc", address);
        ASSERT_FALSE(other.ok());
        EXPECT_EQ(other.error().code, "segwit_wrong_hrp");
    }
}

void check_invalid_addresses(const json& entries) {
    ASSERT_FALSE(entries.empty());
    for (const auto& entry : entries) {
        const std::string address = entry.at("string");
        // Invalid for every network; the reason is checked against the network it names.
        for (const char* hrp : {"bc", "tb"}) {
            auto decoded = segwit_address_decode(hrp, address);
            ASSERT_FALSE(decoded.ok()) << address << " decoded for " << hrp;
            if (hrp_of(address) == hrp || hrp_of(address) == "tc") {
                expect_code_for_reason(decoded.error().code, entry);
            }
        }
    }
}

TEST(Bech32, Bip173ValidStrings) {
    DATT_LOAD_VECTORS(text, "bip/bech32-bech32m-test-vectors.json");
    check_valid_strings(load_vectors_json(text).at("bip173").at("valid_bech32"),
                        Bech32Variant::kBech32);
}

TEST(Bech32, Bip173InvalidStrings) {
    DATT_LOAD_VECTORS(text, "bip/bech32-bech32m-test-vectors.json");
    check_invalid_strings(load_vectors_json(text).at("bip173").at("invalid_bech32"));
}

TEST(Bech32m, Bip350ValidStrings) {
    DATT_LOAD_VECTORS(text, "bip/bech32-bech32m-test-vectors.json");
    check_valid_strings(load_vectors_json(text).at("bip350").at("valid_bech32m"),
                        Bech32Variant::kBech32m);
}

TEST(Bech32m, Bip350InvalidStrings) {
    DATT_LOAD_VECTORS(text, "bip/bech32-bech32m-test-vectors.json");
    check_invalid_strings(load_vectors_json(text).at("bip350").at("invalid_bech32m"));
}

TEST(SegwitAddress, Bip350ValidAddresses) {
    DATT_LOAD_VECTORS(text, "bip/bech32-bech32m-test-vectors.json");
    check_valid_addresses(load_vectors_json(text).at("bip350").at("valid_segwit_addresses"));
}

TEST(SegwitAddress, Bip350InvalidAddresses) {
    DATT_LOAD_VECTORS(text, "bip/bech32-bech32m-test-vectors.json");
    check_invalid_addresses(load_vectors_json(text).at("bip350").at("invalid_segwit_addresses"));
}

TEST(SegwitAddress, Bip173InvalidAddresses) {
    DATT_LOAD_VECTORS(text, "bip/bech32-bech32m-test-vectors.json");
    check_invalid_addresses(load_vectors_json(text).at("bip173").at("invalid_segwit_addresses"));
}

TEST(SegwitAddress, Bip173EraAddresses) {
    // v0 addresses are unchanged by BIP-350; v1+ addresses with the old Bech32 checksum
    // are still valid Bech32 strings but no longer valid addresses.
    DATT_LOAD_VECTORS(text, "bip/bech32-bech32m-test-vectors.json");
    const json entries =
        load_vectors_json(text).at("bip173").at("valid_segwit_addresses_bip173_era");
    ASSERT_FALSE(entries.empty());
    for (const auto& entry : entries) {
        const std::string address = entry.at("string");
        const WitnessProgram expected = program_from_script_pubkey(entry.at("scriptPubKey"));
        auto decoded = segwit_address_decode(hrp_of(address), address);
        if (expected.version == 0) {
            ASSERT_TRUE(decoded.ok()) << address << ": " << decoded.error().code;
            EXPECT_EQ(*decoded, expected) << address;
        } else {
            ASSERT_FALSE(decoded.ok()) << address;
            EXPECT_EQ(decoded.error().code, "segwit_wrong_variant") << address;
            auto as_string = bech32_decode(address);
            ASSERT_TRUE(as_string.ok()) << address;
            EXPECT_EQ(as_string->variant, Bech32Variant::kBech32);
        }
    }
}

TEST(Bech32, MaxLengthIsAParameter) {
    // BIP-173's 90-char example with an 83-char hrp: rejected under a tighter limit,
    // and a 91+ character string is accepted when the caller raises the limit (NIP-19 TLV).
    const std::string valid =
        "an83characterlonghumanreadablepartthatcontainsthenumber1andtheexcludedcharactersbio1tt5tg"
        "s";
    ASSERT_EQ(valid.size(), 90u);
    EXPECT_TRUE(bech32_decode(valid).ok());
    auto tight = bech32_decode(valid, 89);
    ASSERT_FALSE(tight.ok());
    EXPECT_EQ(tight.error().code, "bech32_too_long");

    const Bytes data(100, 7);
    auto too_long = bech32_encode(Bech32Variant::kBech32, "nevent", data);
    ASSERT_FALSE(too_long.ok());
    EXPECT_EQ(too_long.error().code, "bech32_too_long");
    auto long_string = bech32_encode(Bech32Variant::kBech32, "nevent", data, 5000);
    ASSERT_TRUE(long_string.ok());
    EXPECT_EQ(long_string->size(), 6u + 1 + 100 + 6);
    EXPECT_FALSE(bech32_decode(*long_string).ok());
    auto decoded = bech32_decode(*long_string, 5000);
    ASSERT_TRUE(decoded.ok()) << decoded.error().code;
    EXPECT_EQ(decoded->hrp, "nevent");
    EXPECT_EQ(decoded->data, data);
}

TEST(Bech32, EncodeRejectsBadInput) {
    auto empty_hrp = bech32_encode(Bech32Variant::kBech32, "", Bytes{});
    ASSERT_FALSE(empty_hrp.ok());
    EXPECT_EQ(empty_hrp.error().code, "bech32_invalid_hrp");
    auto space_hrp = bech32_encode(Bech32Variant::kBech32, "a b", Bytes{});
    ASSERT_FALSE(space_hrp.ok());
    EXPECT_EQ(space_hrp.error().code, "bech32_invalid_hrp");
    auto wide_value = bech32_encode(Bech32Variant::kBech32, "a", Bytes{1, 32});
    ASSERT_FALSE(wide_value.ok());
    EXPECT_EQ(wide_value.error().code, "bech32_invalid_data");
}

TEST(ConvertBits, RegroupsAndChecksPadding) {
    // 0xff -> 11111 111(00): two groups with zero padding, and back.
    auto groups = convert_bits(Bytes{0xff}, 8, 5, true);
    ASSERT_TRUE(groups.ok());
    EXPECT_EQ(*groups, (Bytes{31, 28}));
    auto bytes = convert_bits(*groups, 5, 8, false);
    ASSERT_TRUE(bytes.ok());
    EXPECT_EQ(*bytes, Bytes{0xff});

    auto nonzero = convert_bits(Bytes{31, 29}, 5, 8, false);
    ASSERT_FALSE(nonzero.ok());
    EXPECT_EQ(nonzero.error().code, "convert_bits_nonzero_padding");
    auto excess = convert_bits(Bytes{31, 28, 0}, 5, 8, false);
    ASSERT_FALSE(excess.ok());
    EXPECT_EQ(excess.error().code, "convert_bits_excess_padding");
    auto wide = convert_bits(Bytes{32}, 5, 8, true);
    ASSERT_FALSE(wide.ok());
    EXPECT_EQ(wide.error().code, "convert_bits_invalid_value");
}

TEST(SegwitAddress, EncodeRejectsInvalidPrograms) {
    auto version17 = segwit_address_encode("bc", 17, Bytes(32, 0));
    ASSERT_FALSE(version17.ok());
    EXPECT_EQ(version17.error().code, "segwit_invalid_version");
    auto v0_length = segwit_address_encode("bc", 0, Bytes(21, 0));
    ASSERT_FALSE(v0_length.ok());
    EXPECT_EQ(v0_length.error().code, "segwit_invalid_program_length");
    auto too_short = segwit_address_encode("bc", 1, Bytes(1, 0));
    ASSERT_FALSE(too_short.ok());
    EXPECT_EQ(too_short.error().code, "segwit_invalid_program_length");
    auto too_long = segwit_address_encode("bc", 1, Bytes(41, 0));
    ASSERT_FALSE(too_long.ok());
    EXPECT_EQ(too_long.error().code, "segwit_invalid_program_length");
}

}  // namespace
}  // namespace datt::encoding
