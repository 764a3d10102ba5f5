// Script verification flags: Bitcoin Core's SCRIPT_VERIFY_* (same meaning; the bit values are
// ours and not a wire format). Consensus today is P2SH, DERSIG, CHECKLOCKTIMEVERIFY,
// CHECKSEQUENCEVERIFY, WITNESS and NULLDUMMY (plus TAPROOT, not implemented here); the rest
// are Core's relay policy (kStandardScriptFlags).
//
// Valid combinations: WITNESS needs P2SH; CLEANSTACK needs P2SH and WITNESS (Core asserts;
// verify_script() reports kInvalidFlagCombination).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace datt::bitcoin {

enum ScriptFlag : uint32_t {
    kVerifyNone = 0,
    kVerifyP2sh = 1u << 0,                  // BIP-16
    kVerifyStrictEnc = 1u << 1,             // defined hash types, valid key encodings, DER
    kVerifyDerSig = 1u << 2,                // BIP-66 strict DER
    kVerifyLowS = 1u << 3,                  // BIP-146 low S
    kVerifyNullDummy = 1u << 4,             // BIP-147 empty CHECKMULTISIG dummy
    kVerifySigPushOnly = 1u << 5,           // scriptSig only pushes
    kVerifyMinimalData = 1u << 6,           // minimal pushes and numbers
    kVerifyDiscourageUpgradableNops = 1u << 7,
    kVerifyCleanStack = 1u << 8,            // exactly one item left
    kVerifyCheckLockTimeVerify = 1u << 9,   // BIP-65
    kVerifyCheckSequenceVerify = 1u << 10,  // BIP-112
    kVerifyWitness = 1u << 11,              // BIP-141/143
    kVerifyDiscourageUpgradableWitnessProgram = 1u << 12,
    kVerifyMinimalIf = 1u << 13,            // segwit v0 IF/NOTIF argument empty or 0x01
    kVerifyNullFail = 1u << 14,             // BIP-146 failed signatures empty
    kVerifyWitnessPubkeyType = 1u << 15,    // compressed keys only in segwit v0
    kVerifyConstScriptCode = 1u << 16,      // no OP_CODESEPARATOR / FindAndDelete hits in legacy
};

// Every flag this interpreter implements.
inline constexpr uint32_t kAllSupportedScriptFlags = (1u << 17) - 1;

inline constexpr uint32_t kMandatoryScriptFlags =
    kVerifyP2sh | kVerifyDerSig | kVerifyNullDummy | kVerifyCheckLockTimeVerify |
    kVerifyCheckSequenceVerify | kVerifyWitness;

// Core's STANDARD_SCRIPT_VERIFY_FLAGS without TAPROOT and its discouragement flags.
inline constexpr uint32_t kStandardScriptFlags =
    kMandatoryScriptFlags | kVerifyStrictEnc | kVerifyMinimalData |
    kVerifyDiscourageUpgradableNops | kVerifyCleanStack | kVerifyMinimalIf | kVerifyNullFail |
    kVerifyLowS | kVerifyDiscourageUpgradableWitnessProgram | kVerifyWitnessPubkeyType |
    kVerifyConstScriptCode;

// Core's flag names ("P2SH", "STRICTENC", ... "CONST_SCRIPTCODE"); nullopt for names this
// interpreter does not implement ("TAPROOT", "DISCOURAGE_UPGRADABLE_TAPROOT_VERSION", ...).
std::optional<ScriptFlag> script_flag_from_name(std::string_view name);
std::string_view script_flag_name(ScriptFlag flag);

}  // namespace datt::bitcoin
