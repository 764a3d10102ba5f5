#include "bitcoin/descriptor.h"

#include <array>
#include <cstdint>

#include "bitcoin/address.h"
#include "bitcoin/script_solver.h"
#include "crypto/secp256k1.h"
#include "util/hex.h"

namespace datt::bitcoin {
namespace {

// BIP-380: every character a descriptor may hold, in groups of 32, so that a character's
// position gives 5 bits of its value (position & 31) and a 3-valued group (position >> 5).
constexpr std::string_view kInputCharset =
    "0123456789()[],'/*abcdefgh@:$%{}"
    "IJKLMNOPQRSTUVWXYZ&+-.;<=>?!^_|~"
    "ijklmnopqrstuvwxyzABCDEFGH`#\"\\ ";
constexpr std::string_view kChecksumCharset = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";

// The BCH code's step over GF(32): a 40-bit state, one 5-bit symbol in.
uint64_t polymod_step(uint64_t c, unsigned value) {
    const uint8_t top = static_cast<uint8_t>(c >> 35);
    c = ((c & 0x7ffffffffULL) << 5) ^ value;
    if (top & 1) c ^= 0xf5dee51989ULL;
    if (top & 2) c ^= 0xa9fdca3312ULL;
    if (top & 4) c ^= 0x1bab10e32dULL;
    if (top & 8) c ^= 0x3706b1677aULL;
    if (top & 16) c ^= 0x644d626ffdULL;
    return c;
}

// The key descriptors may name: compressed or uncompressed, never hybrid (Core's
// IsValidNonHybrid: a size check and the prefix byte, not a curve check).
bool is_non_hybrid_key(ByteSpan key) {
    return is_valid_pubkey_size(key) && key[0] != 0x06 && key[0] != 0x07;
}

std::string with_checksum(std::string text) {
    const std::string checksum = descriptor_checksum(text);
    return text + "#" + checksum;
}

}  // namespace

std::string descriptor_checksum(std::string_view descriptor) {
    uint64_t c = 1;
    unsigned groups[3];
    int group_count = 0;
    for (char ch : descriptor) {
        const size_t position = kInputCharset.find(ch);
        if (position == std::string_view::npos) return "";
        c = polymod_step(c, position & 31);
        groups[group_count++] = static_cast<unsigned>(position >> 5);
        if (group_count == 3) {
            c = polymod_step(c, groups[0] * 9 + groups[1] * 3 + groups[2]);
            group_count = 0;
        }
    }
    if (group_count == 1) c = polymod_step(c, groups[0]);
    if (group_count == 2) c = polymod_step(c, groups[0] * 3 + groups[1]);
    for (int i = 0; i < 8; ++i) c = polymod_step(c, 0);
    c ^= 1;
    std::string out(8, ' ');
    for (int i = 0; i < 8; ++i) out[i] = kChecksumCharset[(c >> (5 * (7 - i))) & 31];
    return out;
}

std::string infer_descriptor(ByteSpan script_pubkey, const Network& network) {
    const SolvedScript solved = solve_script(script_pubkey);
    switch (solved.type) {
        case TxoutType::kPubkey:
            if (is_non_hybrid_key(solved.solutions[0])) {
                return with_checksum(std::string("pk(").append(to_hex(solved.solutions[0])).append(")"));
            }
            break;
        case TxoutType::kMultisig: {
            std::string text = "multi(" + std::to_string(solved.solutions.front()[0]);
            bool all_keys = true;
            for (size_t i = 1; i + 1 < solved.solutions.size(); ++i) {
                all_keys = all_keys && is_non_hybrid_key(solved.solutions[i]);
                text += ',';
                text += to_hex(solved.solutions[i]);
            }
            if (all_keys) return with_checksum(text + ")");
            break;
        }
        case TxoutType::kWitnessV1Taproot: {
            std::array<uint8_t, 32> xonly{};
            std::copy(solved.solutions[0].begin(), solved.solutions[0].end(), xonly.begin());
            if (crypto::XOnlyPubKey::parse(xonly)) {
                return with_checksum("rawtr(" + to_hex(xonly) + ")");
            }
            break;
        }
        case TxoutType::kNonStandard:
        case TxoutType::kAnchor:
        case TxoutType::kPubkeyHash:
        case TxoutType::kScriptHash:
        case TxoutType::kNullData:
        case TxoutType::kWitnessV0KeyHash:
        case TxoutType::kWitnessV0ScriptHash:
        case TxoutType::kWitnessUnknown: break;
    }
    // Core's fallback: an address when the script has one (P2PK never does), raw() else.
    if (solved.type != TxoutType::kPubkey && solved.type != TxoutType::kMultisig &&
        solved.type != TxoutType::kNullData && solved.type != TxoutType::kNonStandard) {
        if (auto address = Address::from_script_pubkey(network, script_pubkey)) {
            return with_checksum("addr(" + address->to_string() + ")");
        }
    }
    return with_checksum("raw(" + to_hex(script_pubkey) + ")");
}

}  // namespace datt::bitcoin
