#include "bitcoin/script_error.h"

#include <array>

namespace datt::bitcoin {

std::string_view script_error_name(ScriptError error) {
    switch (error) {
        case ScriptError::kOk:
            return "OK";
        case ScriptError::kUnknownError:
            return "UNKNOWN_ERROR";
        case ScriptError::kEvalFalse:
            return "EVAL_FALSE";
        case ScriptError::kOpReturn:
            return "OP_RETURN";
        case ScriptError::kScriptSize:
            return "SCRIPT_SIZE";
        case ScriptError::kPushSize:
            return "PUSH_SIZE";
        case ScriptError::kOpCount:
            return "OP_COUNT";
        case ScriptError::kStackSize:
            return "STACK_SIZE";
        case ScriptError::kSigCount:
            return "SIG_COUNT";
        case ScriptError::kPubkeyCount:
            return "PUBKEY_COUNT";
        case ScriptError::kVerify:
            return "VERIFY";
        case ScriptError::kEqualVerify:
            return "EQUALVERIFY";
        case ScriptError::kCheckMultisigVerify:
            return "CHECKMULTISIGVERIFY";
        case ScriptError::kCheckSigVerify:
            return "CHECKSIGVERIFY";
        case ScriptError::kNumEqualVerify:
            return "NUMEQUALVERIFY";
        case ScriptError::kBadOpcode:
            return "BAD_OPCODE";
        case ScriptError::kDisabledOpcode:
            return "DISABLED_OPCODE";
        case ScriptError::kInvalidStackOperation:
            return "INVALID_STACK_OPERATION";
        case ScriptError::kInvalidAltstackOperation:
            return "INVALID_ALTSTACK_OPERATION";
        case ScriptError::kUnbalancedConditional:
            return "UNBALANCED_CONDITIONAL";
        case ScriptError::kScriptNum:
            return "SCRIPTNUM";
        case ScriptError::kNegativeLocktime:
            return "NEGATIVE_LOCKTIME";
        case ScriptError::kUnsatisfiedLocktime:
            return "UNSATISFIED_LOCKTIME";
        case ScriptError::kSigHashtype:
            return "SIG_HASHTYPE";
        case ScriptError::kSigDer:
            return "SIG_DER";
        case ScriptError::kMinimalData:
            return "MINIMALDATA";
        case ScriptError::kSigPushOnly:
            return "SIG_PUSHONLY";
        case ScriptError::kSigHighS:
            return "SIG_HIGH_S";
        case ScriptError::kSigNullDummy:
            return "SIG_NULLDUMMY";
        case ScriptError::kPubkeyType:
            return "PUBKEYTYPE";
        case ScriptError::kCleanStack:
            return "CLEANSTACK";
        case ScriptError::kMinimalIf:
            return "MINIMALIF";
        case ScriptError::kNullFail:
            return "NULLFAIL";
        case ScriptError::kDiscourageUpgradableNops:
            return "DISCOURAGE_UPGRADABLE_NOPS";
        case ScriptError::kDiscourageUpgradableWitnessProgram:
            return "DISCOURAGE_UPGRADABLE_WITNESS_PROGRAM";
        case ScriptError::kWitnessProgramWrongLength:
            return "WITNESS_PROGRAM_WRONG_LENGTH";
        case ScriptError::kWitnessProgramWitnessEmpty:
            return "WITNESS_PROGRAM_WITNESS_EMPTY";
        case ScriptError::kWitnessProgramMismatch:
            return "WITNESS_PROGRAM_MISMATCH";
        case ScriptError::kWitnessMalleated:
            return "WITNESS_MALLEATED";
        case ScriptError::kWitnessMalleatedP2sh:
            return "WITNESS_MALLEATED_P2SH";
        case ScriptError::kWitnessUnexpected:
            return "WITNESS_UNEXPECTED";
        case ScriptError::kWitnessPubkeyType:
            return "WITNESS_PUBKEYTYPE";
        case ScriptError::kOpCodeseparator:
            return "OP_CODESEPARATOR";
        case ScriptError::kSigFindAndDelete:
            return "SIG_FINDANDDELETE";
        case ScriptError::kInvalidFlagCombination:
            return "INVALID_FLAG_COMBINATION";
    }
    return "UNKNOWN_ERROR";  // unreachable: every enumerator is listed
}

std::optional<ScriptError> script_error_from_name(std::string_view name) {
    constexpr std::array kAll = {
        ScriptError::kOk,
        ScriptError::kUnknownError,
        ScriptError::kEvalFalse,
        ScriptError::kOpReturn,
        ScriptError::kScriptSize,
        ScriptError::kPushSize,
        ScriptError::kOpCount,
        ScriptError::kStackSize,
        ScriptError::kSigCount,
        ScriptError::kPubkeyCount,
        ScriptError::kVerify,
        ScriptError::kEqualVerify,
        ScriptError::kCheckMultisigVerify,
        ScriptError::kCheckSigVerify,
        ScriptError::kNumEqualVerify,
        ScriptError::kBadOpcode,
        ScriptError::kDisabledOpcode,
        ScriptError::kInvalidStackOperation,
        ScriptError::kInvalidAltstackOperation,
        ScriptError::kUnbalancedConditional,
        ScriptError::kScriptNum,
        ScriptError::kNegativeLocktime,
        ScriptError::kUnsatisfiedLocktime,
        ScriptError::kSigHashtype,
        ScriptError::kSigDer,
        ScriptError::kMinimalData,
        ScriptError::kSigPushOnly,
        ScriptError::kSigHighS,
        ScriptError::kSigNullDummy,
        ScriptError::kPubkeyType,
        ScriptError::kCleanStack,
        ScriptError::kMinimalIf,
        ScriptError::kNullFail,
        ScriptError::kDiscourageUpgradableNops,
        ScriptError::kDiscourageUpgradableWitnessProgram,
        ScriptError::kWitnessProgramWrongLength,
        ScriptError::kWitnessProgramWitnessEmpty,
        ScriptError::kWitnessProgramMismatch,
        ScriptError::kWitnessMalleated,
        ScriptError::kWitnessMalleatedP2sh,
        ScriptError::kWitnessUnexpected,
        ScriptError::kWitnessPubkeyType,
        ScriptError::kOpCodeseparator,
        ScriptError::kSigFindAndDelete,
        ScriptError::kInvalidFlagCombination,
    };
    for (ScriptError error : kAll)
        if (script_error_name(error) == name) return error;
    return std::nullopt;
}

}  // namespace datt::bitcoin
