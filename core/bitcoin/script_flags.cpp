#include "bitcoin/script_flags.h"

#include <array>

namespace datt::bitcoin {
namespace {

struct NamedFlag {
    ScriptFlag flag;
    std::string_view name;
};

constexpr std::array kNamedFlags = {
    NamedFlag{kVerifyP2sh, "P2SH"},
    NamedFlag{kVerifyStrictEnc, "STRICTENC"},
    NamedFlag{kVerifyDerSig, "DERSIG"},
    NamedFlag{kVerifyLowS, "LOW_S"},
    NamedFlag{kVerifyNullDummy, "NULLDUMMY"},
    NamedFlag{kVerifySigPushOnly, "SIGPUSHONLY"},
    NamedFlag{kVerifyMinimalData, "MINIMALDATA"},
    NamedFlag{kVerifyDiscourageUpgradableNops, "DISCOURAGE_UPGRADABLE_NOPS"},
    NamedFlag{kVerifyCleanStack, "CLEANSTACK"},
    NamedFlag{kVerifyCheckLockTimeVerify, "CHECKLOCKTIMEVERIFY"},
    NamedFlag{kVerifyCheckSequenceVerify, "CHECKSEQUENCEVERIFY"},
    NamedFlag{kVerifyWitness, "WITNESS"},
    NamedFlag{kVerifyDiscourageUpgradableWitnessProgram, "DISCOURAGE_UPGRADABLE_WITNESS_PROGRAM"},
    NamedFlag{kVerifyMinimalIf, "MINIMALIF"},
    NamedFlag{kVerifyNullFail, "NULLFAIL"},
    NamedFlag{kVerifyWitnessPubkeyType, "WITNESS_PUBKEYTYPE"},
    NamedFlag{kVerifyConstScriptCode, "CONST_SCRIPTCODE"},
};

}  // namespace

std::optional<ScriptFlag> script_flag_from_name(std::string_view name) {
    for (const NamedFlag& named : kNamedFlags)
        if (named.name == name) return named.flag;
    return std::nullopt;
}

std::string_view script_flag_name(ScriptFlag flag) {
    for (const NamedFlag& named : kNamedFlags)
        if (named.flag == flag) return named.name;
    return "";
}

}  // namespace datt::bitcoin
