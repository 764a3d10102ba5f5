// Why a script failed: Bitcoin Core's ScriptError values under the names its test vectors
// print (script_tests.json's expected_error column maps onto this enum one to one).
//
// The vectors are btcd's copy of Core's script_tests.json, which names two outcomes
// differently from Core, and we follow the vectors: a numeric operand too long or not
// minimal is SCRIPTNUM (Core: UNKNOWN_ERROR), and OP_IF/OP_NOTIF on an empty stack is
// INVALID_STACK_OPERATION (Core: UNBALANCED_CONDITIONAL). Pass or fail is the same in both.
#pragma once

#include <optional>
#include <string_view>

namespace datt::bitcoin {

enum class ScriptError {
    kOk,                       // OK
    kUnknownError,             // UNKNOWN_ERROR: nothing more specific applies
    kEvalFalse,                // EVAL_FALSE: the script ran but left false (or nothing) on top
    kOpReturn,                 // OP_RETURN was executed

    // Limits.
    kScriptSize,               // SCRIPT_SIZE: script over 10,000 bytes
    kPushSize,                 // PUSH_SIZE: element over 520 bytes
    kOpCount,                  // OP_COUNT: over 201 non-push operations
    kStackSize,                // STACK_SIZE: stack + altstack over 1,000 elements
    kSigCount,                 // SIG_COUNT: multisig signature count < 0 or > key count
    kPubkeyCount,              // PUBKEY_COUNT: multisig key count < 0 or > 20

    // Failed verify operations.
    kVerify,                   // VERIFY
    kEqualVerify,              // EQUALVERIFY
    kCheckMultisigVerify,      // CHECKMULTISIGVERIFY
    kCheckSigVerify,           // CHECKSIGVERIFY
    kNumEqualVerify,           // NUMEQUALVERIFY

    // Logical and script errors.
    kBadOpcode,                // BAD_OPCODE: undefined opcode, or a truncated push
    kDisabledOpcode,           // DISABLED_OPCODE: CAT, SUBSTR, MUL, ... (CVE-2010-5137)
    kInvalidStackOperation,    // INVALID_STACK_OPERATION: too few stack items
    kInvalidAltstackOperation, // INVALID_ALTSTACK_OPERATION
    kUnbalancedConditional,    // UNBALANCED_CONDITIONAL: IF/ELSE/ENDIF mismatch
    // A numeric operand over its size limit, or not minimal under MINIMALDATA. Bitcoin Core
    // reports it as UNKNOWN_ERROR (its CScriptNum throws); the vectors here (btcd's copy of
    // Core's file) name it SCRIPTNUM, and so do we.
    kScriptNum,                // SCRIPTNUM

    // CHECKLOCKTIMEVERIFY and CHECKSEQUENCEVERIFY.
    kNegativeLocktime,         // NEGATIVE_LOCKTIME
    kUnsatisfiedLocktime,      // UNSATISFIED_LOCKTIME

    // Malleability and policy.
    kSigHashtype,              // SIG_HASHTYPE: undefined hash type (STRICTENC)
    kSigDer,                   // SIG_DER: not strict DER (DERSIG, STRICTENC, LOW_S)
    kMinimalData,              // MINIMALDATA: a push not in its shortest form
    kSigPushOnly,              // SIG_PUSHONLY: scriptSig with non-push operations
    kSigHighS,                 // SIG_HIGH_S (LOW_S)
    kSigNullDummy,             // SIG_NULLDUMMY: CHECKMULTISIG's extra item not empty
    kPubkeyType,               // PUBKEYTYPE: not a compressed or uncompressed key (STRICTENC)
    kCleanStack,               // CLEANSTACK: more than one item left
    kMinimalIf,                // MINIMALIF: IF/NOTIF argument not empty or 0x01 (segwit)
    kNullFail,                 // NULLFAIL: a failed signature that is not empty

    // Soft-fork safeness.
    kDiscourageUpgradableNops,            // DISCOURAGE_UPGRADABLE_NOPS
    kDiscourageUpgradableWitnessProgram,  // DISCOURAGE_UPGRADABLE_WITNESS_PROGRAM

    // Segregated witness.
    kWitnessProgramWrongLength,    // WITNESS_PROGRAM_WRONG_LENGTH
    kWitnessProgramWitnessEmpty,   // WITNESS_PROGRAM_WITNESS_EMPTY
    kWitnessProgramMismatch,       // WITNESS_PROGRAM_MISMATCH
    kWitnessMalleated,             // WITNESS_MALLEATED: scriptSig not empty for native segwit
    kWitnessMalleatedP2sh,         // WITNESS_MALLEATED_P2SH: not exactly one push of the program
    kWitnessUnexpected,            // WITNESS_UNEXPECTED: a witness for a non-witness output
    kWitnessPubkeyType,            // WITNESS_PUBKEYTYPE: uncompressed key in segwit

    // Constant scriptCode.
    kOpCodeseparator,              // OP_CODESEPARATOR (CONST_SCRIPTCODE)
    kSigFindAndDelete,             // SIG_FINDANDDELETE (CONST_SCRIPTCODE)

    // Not Core's: the caller passed a flag set Core would assert on (WITNESS without P2SH,
    // CLEANSTACK without P2SH and WITNESS). Reported instead of aborting.
    kInvalidFlagCombination,       // INVALID_FLAG_COMBINATION
};

// "OK", "EVAL_FALSE", ... as listed above.
std::string_view script_error_name(ScriptError error);
std::optional<ScriptError> script_error_from_name(std::string_view name);

}  // namespace datt::bitcoin
