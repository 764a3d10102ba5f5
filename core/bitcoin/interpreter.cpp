#include "bitcoin/interpreter.h"

#include <algorithm>
#include <cassert>
#include <utility>

#include "bitcoin/opcodes.h"
#include "bitcoin/script.h"
#include "bitcoin/script_num.h"
#include "crypto/ecdsa.h"
#include "crypto/ripemd160.h"
#include "crypto/secp256k1.h"
#include "crypto/sha1.h"
#include "crypto/sha256.h"

namespace datt::bitcoin {
namespace {

constexpr uint32_t kSequenceLockTimeTypeFlag = 1u << 22;
constexpr uint32_t kSequenceLockTimeMask = 0x0000ffff;
constexpr uint32_t kSequenceDisableFlag = 1u << 31;

const Bytes kFalse{};
const Bytes kTrue{1};

bool cast_to_bool(ByteSpan v) {
    for (size_t i = 0; i < v.size(); ++i) {
        if (v[i] != 0) return !(i == v.size() - 1 && v[i] == 0x80);  // negative zero is false
    }
    return false;
}

// IF/ELSE nesting without a vector of bools (Core's ConditionStack): how deep we are and
// where the first false branch is, so "are we executing" is O(1).
class ConditionStack {
  public:
    bool empty() const { return size_ == 0; }
    bool all_true() const { return first_false_ == kNoFalse; }
    void push(bool value) {
        if (first_false_ == kNoFalse && !value) first_false_ = size_;
        ++size_;
    }
    void pop() {
        --size_;
        if (first_false_ == size_) first_false_ = kNoFalse;
    }
    void toggle_top() {
        if (first_false_ == kNoFalse) {
            first_false_ = size_ - 1;  // the top was true
        } else if (first_false_ == size_ - 1) {
            first_false_ = kNoFalse;  // the top was the first false
        }
        // Otherwise a false below the top keeps everything above it unexecuted.
    }

  private:
    static constexpr uint32_t kNoFalse = 0xffffffff;
    uint32_t size_ = 0;
    uint32_t first_false_ = kNoFalse;
};

bool is_compressed_or_uncompressed_pubkey(ByteSpan key) {
    if (key.size() < 33) return false;
    if (key[0] == 0x04) return key.size() == 65;
    if (key[0] == 0x02 || key[0] == 0x03) return key.size() == 33;
    return false;
}

bool is_compressed_pubkey(ByteSpan key) {
    return key.size() == 33 && (key[0] == 0x02 || key[0] == 0x03);
}

bool is_low_der_signature(ByteSpan sig, ScriptError& error) {
    if (!is_valid_signature_encoding(sig)) {
        error = ScriptError::kSigDer;
        return false;
    }
    auto parsed = crypto::EcdsaSignature::parse_der_lax(sig.first(sig.size() - 1));
    if (!parsed || !parsed->is_low_s()) {
        error = ScriptError::kSigHighS;
        return false;
    }
    return true;
}

bool is_defined_hashtype_signature(ByteSpan sig) {
    if (sig.empty()) return false;
    const uint8_t type = sig.back() & ~kSighashAnyoneCanPay;
    return type >= kSighashAll && type <= kSighashSingle;
}

// Core's CheckSignatureEncoding. An empty signature is always allowed (a compact "no").
bool check_signature_encoding(ByteSpan sig, uint32_t flags, ScriptError& error) {
    if (sig.empty()) return true;
    if ((flags & (kVerifyDerSig | kVerifyLowS | kVerifyStrictEnc)) &&
        !is_valid_signature_encoding(sig)) {
        error = ScriptError::kSigDer;
        return false;
    }
    if ((flags & kVerifyLowS) && !is_low_der_signature(sig, error)) return false;
    if ((flags & kVerifyStrictEnc) && !is_defined_hashtype_signature(sig)) {
        error = ScriptError::kSigHashtype;
        return false;
    }
    return true;
}

bool check_pubkey_encoding(ByteSpan key, uint32_t flags, SigVersion sigversion,
                           ScriptError& error) {
    if ((flags & kVerifyStrictEnc) && !is_compressed_or_uncompressed_pubkey(key)) {
        error = ScriptError::kPubkeyType;
        return false;
    }
    if ((flags & kVerifyWitnessPubkeyType) && sigversion == SigVersion::kWitnessV0 &&
        !is_compressed_pubkey(key)) {
        error = ScriptError::kWitnessPubkeyType;
        return false;
    }
    return true;
}

// `data` as Core's CScript() << data writes it: by length only (an empty one is OP_0).
Bytes push_of(ByteSpan data) {
    Bytes out;
    const size_t n = data.size();
    if (n < OP_PUSHDATA1) {
        out.push_back(static_cast<uint8_t>(n));
    } else if (n <= 0xff) {
        out.push_back(OP_PUSHDATA1);
        out.push_back(static_cast<uint8_t>(n));
    } else if (n <= 0xffff) {
        out.push_back(OP_PUSHDATA2);
        out.push_back(static_cast<uint8_t>(n));
        out.push_back(static_cast<uint8_t>(n >> 8));
    } else {
        out.push_back(OP_PUSHDATA4);
        for (int i = 0; i < 4; ++i) out.push_back(static_cast<uint8_t>(n >> (8 * i)));
    }
    out.insert(out.end(), data.begin(), data.end());
    return out;
}

// Core's FindAndDelete: removes every occurrence of `needle` that starts at an operation
// boundary (matches are also tried again right after a removed one). Returns how many.
int find_and_delete(Bytes& script, ByteSpan needle) {
    if (needle.empty()) return 0;
    int found = 0;
    Bytes result;
    size_t pc = 0, copied_to = 0;
    ScriptReader reader(script);
    while (true) {
        result.insert(result.end(), script.begin() + static_cast<std::ptrdiff_t>(copied_to),
                      script.begin() + static_cast<std::ptrdiff_t>(pc));
        while (script.size() - pc >= needle.size() &&
               std::equal(needle.begin(), needle.end(), script.begin() + static_cast<std::ptrdiff_t>(pc))) {
            pc += needle.size();
            ++found;
        }
        copied_to = pc;
        reader = ScriptReader(ByteSpan(script).subspan(pc));
        if (reader.at_end()) break;
        auto op = reader.next();
        if (!op) break;
        pc += op->end;
    }
    if (found > 0) {
        result.insert(result.end(), script.begin() + static_cast<std::ptrdiff_t>(copied_to),
                      script.end());
        script = std::move(result);
    }
    return found;
}

struct Interpreter {
    Interpreter(ScriptStack& stack_, ByteSpan script_, uint32_t flags_,
                const SignatureChecker& checker_, SigVersion sigversion_)
        : stack(stack_), script(script_), flags(flags_), checker(checker_),
          sigversion(sigversion_) {}

    ScriptStack& stack;
    ByteSpan script;
    uint32_t flags;
    const SignatureChecker& checker;
    SigVersion sigversion;

    ScriptStack altstack;
    ConditionStack exec;
    size_t code_begin = 0;  // where the script code starts (after the last OP_CODESEPARATOR)
    int op_count = 0;
    bool require_minimal = false;

    Bytes& top(size_t depth) { return stack[stack.size() - depth]; }  // depth 1 = top
    void pop() { stack.pop_back(); }

    std::optional<ScriptNum> num(size_t depth, size_t max_size = ScriptNum::kDefaultMaxSize) {
        return ScriptNum::decode(top(depth), require_minimal, max_size);
    }

    // Core's EvalChecksigPreTapscript.
    ScriptError check_sig(bool& success) {
        const Bytes& sig = top(2);
        const Bytes& pubkey = top(1);
        Bytes script_code(script.begin() + static_cast<std::ptrdiff_t>(code_begin), script.end());
        if (sigversion == SigVersion::kBase) {
            const int found = find_and_delete(script_code, push_of(sig));
            if (found > 0 && (flags & kVerifyConstScriptCode)) return ScriptError::kSigFindAndDelete;
        }
        ScriptError error = ScriptError::kOk;
        if (!check_signature_encoding(sig, flags, error) ||
            !check_pubkey_encoding(pubkey, flags, sigversion, error))
            return error;
        success = checker.check_ecdsa_signature(sig, pubkey, script_code, sigversion);
        if (!success && (flags & kVerifyNullFail) && !sig.empty()) return ScriptError::kNullFail;
        return ScriptError::kOk;
    }

    ScriptError check_multisig(uint8_t opcode) {
        size_t i = 1;
        if (stack.size() < i) return ScriptError::kInvalidStackOperation;
        auto keys_num = num(i);
        if (!keys_num) return ScriptError::kScriptNum;
        int keys_count = keys_num->clamped_int();
        if (keys_count < 0 || keys_count > kMaxPubkeysPerMultisig) return ScriptError::kPubkeyCount;
        op_count += keys_count;
        if (op_count > kMaxOpsPerScript) return ScriptError::kOpCount;
        size_t ikey = ++i;
        // The deepest key's position: with NULLFAIL, items above it are signatures.
        int ikey2 = keys_count + 2;
        i += static_cast<size_t>(keys_count);
        if (stack.size() < i) return ScriptError::kInvalidStackOperation;
        auto sigs_num = num(i);
        if (!sigs_num) return ScriptError::kScriptNum;
        int sigs_count = sigs_num->clamped_int();
        if (sigs_count < 0 || sigs_count > keys_count) return ScriptError::kSigCount;
        size_t isig = ++i;
        i += static_cast<size_t>(sigs_count);
        if (stack.size() < i) return ScriptError::kInvalidStackOperation;

        Bytes script_code(script.begin() + static_cast<std::ptrdiff_t>(code_begin), script.end());
        if (sigversion == SigVersion::kBase) {
            for (int k = 0; k < sigs_count; ++k) {
                const int found = find_and_delete(script_code, push_of(top(isig + static_cast<size_t>(k))));
                if (found > 0 && (flags & kVerifyConstScriptCode))
                    return ScriptError::kSigFindAndDelete;
            }
        }

        bool success = true;
        while (success && sigs_count > 0) {
            const Bytes& sig = top(isig);
            const Bytes& pubkey = top(ikey);
            ScriptError error = ScriptError::kOk;
            // The order (signature, then key) is observable through STRICTENC: as in Core.
            if (!check_signature_encoding(sig, flags, error) ||
                !check_pubkey_encoding(pubkey, flags, sigversion, error))
                return error;
            if (checker.check_ecdsa_signature(sig, pubkey, script_code, sigversion)) {
                ++isig;
                --sigs_count;
            }
            ++ikey;
            --keys_count;
            // More signatures left than keys: too many failed.
            if (sigs_count > keys_count) success = false;
        }

        while (i-- > 1) {
            if (!success && (flags & kVerifyNullFail) && ikey2 == 0 && !top(1).empty())
                return ScriptError::kNullFail;
            if (ikey2 > 0) --ikey2;
            pop();
        }
        // CHECKMULTISIG pops one item more than it uses (the "dummy").
        if (stack.empty()) return ScriptError::kInvalidStackOperation;
        if ((flags & kVerifyNullDummy) && !top(1).empty()) return ScriptError::kSigNullDummy;
        pop();
        stack.push_back(success ? kTrue : kFalse);
        if (opcode == OP_CHECKMULTISIGVERIFY) {
            if (!success) return ScriptError::kCheckMultisigVerify;
            pop();
        }
        return ScriptError::kOk;
    }

    ScriptError step(const ScriptOp& op, bool executing);
    ScriptError run();
};

bool is_disabled(uint8_t opcode) {
    switch (opcode) {
        case OP_CAT: case OP_SUBSTR: case OP_LEFT: case OP_RIGHT: case OP_INVERT: case OP_AND:
        case OP_OR: case OP_XOR: case OP_2MUL: case OP_2DIV: case OP_MUL: case OP_DIV: case OP_MOD:
        case OP_LSHIFT: case OP_RSHIFT:
            return true;
        default:  // a byte, not an enum: most values are not disabled opcodes
            return false;
    }
}

ScriptError Interpreter::step(const ScriptOp& op, bool executing) {
    const uint8_t opcode = op.opcode;
    if (executing && op.is_push()) {
        if (require_minimal && !is_minimal_push(op)) return ScriptError::kMinimalData;
        stack.emplace_back(op.data.begin(), op.data.end());
        return ScriptError::kOk;
    }
    if (!executing && !(opcode >= OP_IF && opcode <= OP_ENDIF)) return ScriptError::kOk;

    switch (opcode) {
        case OP_1NEGATE: case OP_1: case OP_2: case OP_3: case OP_4: case OP_5: case OP_6:
        case OP_7: case OP_8: case OP_9: case OP_10: case OP_11: case OP_12: case OP_13:
        case OP_14: case OP_15: case OP_16:
            stack.push_back(ScriptNum::encode(static_cast<int>(opcode) - (OP_1 - 1)));
            return ScriptError::kOk;

        case OP_NOP:
            return ScriptError::kOk;

        case OP_CHECKLOCKTIMEVERIFY: {
            if (!(flags & kVerifyCheckLockTimeVerify)) return ScriptError::kOk;  // NOP2
            if (stack.empty()) return ScriptError::kInvalidStackOperation;
            // 5-byte operands: lock times reach 2^32-1 (a 4-byte limit would end in 2038).
            auto lock_time = num(1, 5);
            if (!lock_time) return ScriptError::kScriptNum;
            if (lock_time->value() < 0) return ScriptError::kNegativeLocktime;
            if (!checker.check_lock_time(lock_time->value())) return ScriptError::kUnsatisfiedLocktime;
            return ScriptError::kOk;
        }

        case OP_CHECKSEQUENCEVERIFY: {
            if (!(flags & kVerifyCheckSequenceVerify)) return ScriptError::kOk;  // NOP3
            if (stack.empty()) return ScriptError::kInvalidStackOperation;
            auto sequence = num(1, 5);
            if (!sequence) return ScriptError::kScriptNum;
            if (sequence->value() < 0) return ScriptError::kNegativeLocktime;
            // The disable bit makes CSV a NOP, kept for future soft forks.
            if (sequence->value() & kSequenceDisableFlag) return ScriptError::kOk;
            if (!checker.check_sequence(sequence->value())) return ScriptError::kUnsatisfiedLocktime;
            return ScriptError::kOk;
        }

        case OP_NOP1: case OP_NOP4: case OP_NOP5: case OP_NOP6: case OP_NOP7: case OP_NOP8:
        case OP_NOP9: case OP_NOP10:
            if (flags & kVerifyDiscourageUpgradableNops) return ScriptError::kDiscourageUpgradableNops;
            return ScriptError::kOk;

        case OP_IF:
        case OP_NOTIF: {
            bool value = false;
            if (executing) {
                // Core says UNBALANCED_CONDITIONAL here; the vectors (btcd's copy of Core's
                // file, like btcd itself) say INVALID_STACK_OPERATION. Either way it fails.
                if (stack.empty()) return ScriptError::kInvalidStackOperation;
                const Bytes& condition = top(1);
                if (sigversion == SigVersion::kWitnessV0 && (flags & kVerifyMinimalIf)) {
                    if (condition.size() > 1) return ScriptError::kMinimalIf;
                    if (condition.size() == 1 && condition[0] != 1) return ScriptError::kMinimalIf;
                }
                value = cast_to_bool(condition);
                if (opcode == OP_NOTIF) value = !value;
                pop();
            }
            exec.push(value);
            return ScriptError::kOk;
        }

        case OP_ELSE:
            if (exec.empty()) return ScriptError::kUnbalancedConditional;
            exec.toggle_top();
            return ScriptError::kOk;

        case OP_ENDIF:
            if (exec.empty()) return ScriptError::kUnbalancedConditional;
            exec.pop();
            return ScriptError::kOk;

        case OP_VERIFY:
            if (stack.empty()) return ScriptError::kInvalidStackOperation;
            if (!cast_to_bool(top(1))) return ScriptError::kVerify;
            pop();
            return ScriptError::kOk;

        case OP_RETURN:
            return ScriptError::kOpReturn;

        case OP_TOALTSTACK:
            if (stack.empty()) return ScriptError::kInvalidStackOperation;
            altstack.push_back(std::move(top(1)));
            pop();
            return ScriptError::kOk;

        case OP_FROMALTSTACK:
            if (altstack.empty()) return ScriptError::kInvalidAltstackOperation;
            stack.push_back(std::move(altstack.back()));
            altstack.pop_back();
            return ScriptError::kOk;

        case OP_2DROP:
            if (stack.size() < 2) return ScriptError::kInvalidStackOperation;
            pop();
            pop();
            return ScriptError::kOk;

        case OP_2DUP: {
            if (stack.size() < 2) return ScriptError::kInvalidStackOperation;
            Bytes a = top(2), b = top(1);
            stack.push_back(std::move(a));
            stack.push_back(std::move(b));
            return ScriptError::kOk;
        }

        case OP_3DUP: {
            if (stack.size() < 3) return ScriptError::kInvalidStackOperation;
            Bytes a = top(3), b = top(2), c = top(1);
            stack.push_back(std::move(a));
            stack.push_back(std::move(b));
            stack.push_back(std::move(c));
            return ScriptError::kOk;
        }

        case OP_2OVER: {
            if (stack.size() < 4) return ScriptError::kInvalidStackOperation;
            Bytes a = top(4), b = top(3);
            stack.push_back(std::move(a));
            stack.push_back(std::move(b));
            return ScriptError::kOk;
        }

        case OP_2ROT: {
            if (stack.size() < 6) return ScriptError::kInvalidStackOperation;
            Bytes a = std::move(top(6)), b = std::move(top(5));
            stack.erase(stack.end() - 6, stack.end() - 4);
            stack.push_back(std::move(a));
            stack.push_back(std::move(b));
            return ScriptError::kOk;
        }

        case OP_2SWAP:
            if (stack.size() < 4) return ScriptError::kInvalidStackOperation;
            std::swap(top(4), top(2));
            std::swap(top(3), top(1));
            return ScriptError::kOk;

        case OP_IFDUP:
            if (stack.empty()) return ScriptError::kInvalidStackOperation;
            if (cast_to_bool(top(1))) {
                Bytes copy = top(1);
                stack.push_back(std::move(copy));
            }
            return ScriptError::kOk;

        case OP_DEPTH:
            stack.push_back(ScriptNum::encode(static_cast<int64_t>(stack.size())));
            return ScriptError::kOk;

        case OP_DROP:
            if (stack.empty()) return ScriptError::kInvalidStackOperation;
            pop();
            return ScriptError::kOk;

        case OP_DUP: {
            if (stack.empty()) return ScriptError::kInvalidStackOperation;
            Bytes copy = top(1);
            stack.push_back(std::move(copy));
            return ScriptError::kOk;
        }

        case OP_NIP:
            if (stack.size() < 2) return ScriptError::kInvalidStackOperation;
            stack.erase(stack.end() - 2);
            return ScriptError::kOk;

        case OP_OVER: {
            if (stack.size() < 2) return ScriptError::kInvalidStackOperation;
            Bytes copy = top(2);
            stack.push_back(std::move(copy));
            return ScriptError::kOk;
        }

        case OP_PICK:
        case OP_ROLL: {
            if (stack.size() < 2) return ScriptError::kInvalidStackOperation;
            auto n_num = num(1);
            if (!n_num) return ScriptError::kScriptNum;
            const int n = n_num->clamped_int();
            pop();
            if (n < 0 || static_cast<size_t>(n) >= stack.size()) return ScriptError::kInvalidStackOperation;
            Bytes value = top(static_cast<size_t>(n) + 1);
            if (opcode == OP_ROLL) stack.erase(stack.end() - n - 1);
            stack.push_back(std::move(value));
            return ScriptError::kOk;
        }

        case OP_ROT:
            if (stack.size() < 3) return ScriptError::kInvalidStackOperation;
            std::swap(top(3), top(2));
            std::swap(top(2), top(1));
            return ScriptError::kOk;

        case OP_SWAP:
            if (stack.size() < 2) return ScriptError::kInvalidStackOperation;
            std::swap(top(2), top(1));
            return ScriptError::kOk;

        case OP_TUCK: {
            if (stack.size() < 2) return ScriptError::kInvalidStackOperation;
            Bytes copy = top(1);
            stack.insert(stack.end() - 2, std::move(copy));
            return ScriptError::kOk;
        }

        case OP_SIZE:
            if (stack.empty()) return ScriptError::kInvalidStackOperation;
            stack.push_back(ScriptNum::encode(static_cast<int64_t>(top(1).size())));
            return ScriptError::kOk;

        case OP_EQUAL:
        case OP_EQUALVERIFY: {
            if (stack.size() < 2) return ScriptError::kInvalidStackOperation;
            const bool equal = top(2) == top(1);
            pop();
            pop();
            stack.push_back(equal ? kTrue : kFalse);
            if (opcode == OP_EQUALVERIFY) {
                if (!equal) return ScriptError::kEqualVerify;
                pop();
            }
            return ScriptError::kOk;
        }

        case OP_1ADD: case OP_1SUB: case OP_NEGATE: case OP_ABS: case OP_NOT: case OP_0NOTEQUAL: {
            if (stack.empty()) return ScriptError::kInvalidStackOperation;
            auto n = num(1);
            if (!n) return ScriptError::kScriptNum;
            int64_t v = n->value();  // |v| < 2^31: no overflow below
            switch (opcode) {
                case OP_1ADD: v += 1; break;
                case OP_1SUB: v -= 1; break;
                case OP_NEGATE: v = -v; break;
                case OP_ABS: v = v < 0 ? -v : v; break;
                case OP_NOT: v = v == 0; break;
                case OP_0NOTEQUAL: v = v != 0; break;
                default: assert(false); break;  // a byte: only the cases above reach here
            }
            pop();
            stack.push_back(ScriptNum::encode(v));
            return ScriptError::kOk;
        }

        case OP_ADD: case OP_SUB: case OP_BOOLAND: case OP_BOOLOR: case OP_NUMEQUAL:
        case OP_NUMEQUALVERIFY: case OP_NUMNOTEQUAL: case OP_LESSTHAN: case OP_GREATERTHAN:
        case OP_LESSTHANOREQUAL: case OP_GREATERTHANOREQUAL: case OP_MIN: case OP_MAX: {
            if (stack.size() < 2) return ScriptError::kInvalidStackOperation;
            auto n1 = num(2);
            auto n2 = num(1);
            if (!n1 || !n2) return ScriptError::kScriptNum;
            const int64_t a = n1->value(), b = n2->value();
            int64_t r = 0;
            switch (opcode) {
                case OP_ADD: r = a + b; break;
                case OP_SUB: r = a - b; break;
                case OP_BOOLAND: r = a != 0 && b != 0; break;
                case OP_BOOLOR: r = a != 0 || b != 0; break;
                case OP_NUMEQUAL: case OP_NUMEQUALVERIFY: r = a == b; break;
                case OP_NUMNOTEQUAL: r = a != b; break;
                case OP_LESSTHAN: r = a < b; break;
                case OP_GREATERTHAN: r = a > b; break;
                case OP_LESSTHANOREQUAL: r = a <= b; break;
                case OP_GREATERTHANOREQUAL: r = a >= b; break;
                case OP_MIN: r = std::min(a, b); break;
                case OP_MAX: r = std::max(a, b); break;
                default: assert(false); break;  // a byte: only the cases above reach here
            }
            pop();
            pop();
            stack.push_back(ScriptNum::encode(r));
            if (opcode == OP_NUMEQUALVERIFY) {
                if (!cast_to_bool(top(1))) return ScriptError::kNumEqualVerify;
                pop();
            }
            return ScriptError::kOk;
        }

        case OP_WITHIN: {
            if (stack.size() < 3) return ScriptError::kInvalidStackOperation;
            auto x = num(3), min = num(2), max = num(1);
            if (!x || !min || !max) return ScriptError::kScriptNum;
            const bool within = min->value() <= x->value() && x->value() < max->value();
            pop();
            pop();
            pop();
            stack.push_back(within ? kTrue : kFalse);
            return ScriptError::kOk;
        }

        case OP_RIPEMD160: case OP_SHA1: case OP_SHA256: case OP_HASH160: case OP_HASH256: {
            if (stack.empty()) return ScriptError::kInvalidStackOperation;
            const Bytes& in = top(1);
            Bytes out;
            if (opcode == OP_RIPEMD160) {
                auto h = crypto::ripemd160(in);
                out.assign(h.begin(), h.end());
            } else if (opcode == OP_SHA1) {
                auto h = crypto::sha1(in);
                out.assign(h.begin(), h.end());
            } else if (opcode == OP_SHA256) {
                auto h = crypto::sha256(in);
                out.assign(h.begin(), h.end());
            } else if (opcode == OP_HASH160) {
                auto h = crypto::hash160(in);
                out.assign(h.begin(), h.end());
            } else {
                auto h = crypto::sha256d(in);
                out.assign(h.begin(), h.end());
            }
            pop();
            stack.push_back(std::move(out));
            return ScriptError::kOk;
        }

        case OP_CODESEPARATOR:
            code_begin = op.end;
            return ScriptError::kOk;

        case OP_CHECKSIG:
        case OP_CHECKSIGVERIFY: {
            if (stack.size() < 2) return ScriptError::kInvalidStackOperation;
            bool success = false;
            if (ScriptError e = check_sig(success); e != ScriptError::kOk) return e;
            pop();
            pop();
            stack.push_back(success ? kTrue : kFalse);
            if (opcode == OP_CHECKSIGVERIFY) {
                if (!success) return ScriptError::kCheckSigVerify;
                pop();
            }
            return ScriptError::kOk;
        }

        case OP_CHECKMULTISIG:
        case OP_CHECKMULTISIGVERIFY:
            return check_multisig(opcode);

        default:
            // Undefined bytes, OP_RESERVED/VER/RESERVED1/2 when executed, OP_VERIF and
            // OP_VERNOTIF even when not, and OP_CHECKSIGADD outside tapscript.
            return ScriptError::kBadOpcode;
    }
}

ScriptError Interpreter::run() {
    if (script.size() > kMaxScriptSize) return ScriptError::kScriptSize;
    require_minimal = (flags & kVerifyMinimalData) != 0;
    ScriptReader reader(script);
    while (!reader.at_end()) {
        const bool executing = exec.all_true();
        auto op = reader.next();
        if (!op) return ScriptError::kBadOpcode;
        if (op->data.size() > kMaxScriptElementSize) return ScriptError::kPushSize;
        // OP_RESERVED (0x50) is not counted, as in Core.
        if (op->opcode > OP_16 && ++op_count > kMaxOpsPerScript) return ScriptError::kOpCount;
        if (is_disabled(op->opcode)) return ScriptError::kDisabledOpcode;
        if (op->opcode == OP_CODESEPARATOR && sigversion == SigVersion::kBase &&
            (flags & kVerifyConstScriptCode))
            return ScriptError::kOpCodeseparator;
        if (ScriptError e = step(*op, executing); e != ScriptError::kOk) return e;
        if (stack.size() + altstack.size() > kMaxStackSize) return ScriptError::kStackSize;
    }
    if (!exec.empty()) return ScriptError::kUnbalancedConditional;
    return ScriptError::kOk;
}

ScriptError execute_witness_script(std::span<const Bytes> witness_stack, ByteSpan script,
                                   uint32_t flags, const SignatureChecker& checker) {
    ScriptStack stack(witness_stack.begin(), witness_stack.end());
    for (const Bytes& item : stack)
        if (item.size() > kMaxScriptElementSize) return ScriptError::kPushSize;
    if (ScriptError e = eval_script(stack, script, flags, checker, SigVersion::kWitnessV0);
        e != ScriptError::kOk)
        return e;
    // Witness scripts must leave exactly one true item.
    if (stack.size() != 1) return ScriptError::kCleanStack;
    if (!cast_to_bool(stack.back())) return ScriptError::kEvalFalse;
    return ScriptError::kOk;
}

ScriptError verify_witness_program(std::span<const Bytes> witness, const WitnessProgram& program,
                                   uint32_t flags, const SignatureChecker& checker, bool is_p2sh) {
    if (program.version == 0) {
        if (program.program.size() == 32) {  // P2WSH
            if (witness.empty()) return ScriptError::kWitnessProgramWitnessEmpty;
            const Bytes& witness_script = witness.back();
            const Hash256 hash = crypto::sha256(witness_script);
            if (!std::equal(hash.begin(), hash.end(), program.program.begin()))
                return ScriptError::kWitnessProgramMismatch;
            return execute_witness_script(witness.first(witness.size() - 1), witness_script, flags,
                                          checker);
        }
        if (program.program.size() == 20) {  // P2WPKH
            if (witness.size() != 2) return ScriptError::kWitnessProgramMismatch;
            Bytes script = {OP_DUP, OP_HASH160, 20};
            script.insert(script.end(), program.program.begin(), program.program.end());
            script.push_back(OP_EQUALVERIFY);
            script.push_back(OP_CHECKSIG);
            return execute_witness_script(witness, script, flags, checker);
        }
        return ScriptError::kWitnessProgramWrongLength;
    }
    // Taproot (v1, 32 bytes, not nested in P2SH) is not implemented: Core without TAPROOT
    // accepts it as we do here, and skips DISCOURAGE_UPGRADABLE_WITNESS_PROGRAM for it.
    if (program.version == 1 && program.program.size() == 32 && !is_p2sh) return ScriptError::kOk;
    if (flags & kVerifyDiscourageUpgradableWitnessProgram)
        return ScriptError::kDiscourageUpgradableWitnessProgram;
    return ScriptError::kOk;  // future versions: anyone can spend, for soft-fork upgrades
}

}  // namespace

bool is_valid_signature_encoding(ByteSpan sig) {
    // 0x30 [total-length] 0x02 [R-length] [R] 0x02 [S-length] [S] [sighash]
    if (sig.size() < 9 || sig.size() > 73) return false;
    if (sig[0] != 0x30) return false;
    if (sig[1] != sig.size() - 3) return false;
    const size_t len_r = sig[3];
    if (5 + len_r >= sig.size()) return false;
    const size_t len_s = sig[5 + len_r];
    if (len_r + len_s + 7 != sig.size()) return false;
    if (sig[2] != 0x02) return false;
    if (len_r == 0) return false;
    if (sig[4] & 0x80) return false;  // negative R
    if (len_r > 1 && sig[4] == 0x00 && !(sig[5] & 0x80)) return false;  // padded R
    if (sig[len_r + 4] != 0x02) return false;
    if (len_s == 0) return false;
    if (sig[len_r + 6] & 0x80) return false;  // negative S
    if (len_s > 1 && sig[len_r + 6] == 0x00 && !(sig[len_r + 7] & 0x80)) return false;
    return true;
}

bool SignatureChecker::check_ecdsa_signature(ByteSpan, ByteSpan, ByteSpan, SigVersion) const {
    return false;
}
bool SignatureChecker::check_lock_time(int64_t) const { return false; }
bool SignatureChecker::check_sequence(int64_t) const { return false; }

bool TransactionSignatureChecker::check_ecdsa_signature(ByteSpan signature, ByteSpan pubkey_bytes,
                                                        ByteSpan script_code,
                                                        SigVersion sigversion) const {
    // Core's CPubKey::Verify: the key as libsecp256k1 parses it (hybrid keys included), the
    // signature as lax DER, normalized to low S before verifying.
    auto pubkey = crypto::PubKey::parse_allow_hybrid(pubkey_bytes);
    if (!pubkey || signature.empty()) return false;
    const uint8_t hash_type = signature.back();
    auto parsed = crypto::EcdsaSignature::parse_der_lax(signature.first(signature.size() - 1));
    if (!parsed) return false;
    const Hash256 sighash =
        sigversion == SigVersion::kWitnessV0
            ? segwit_v0_sighash(tx_, input_index_, script_code, amount_, hash_type, cache_)
            : legacy_sighash(tx_, input_index_, script_code, hash_type);
    return crypto::ecdsa_verify(*pubkey, sighash, *parsed, crypto::HighS::kAccept);
}

bool TransactionSignatureChecker::check_lock_time(int64_t lock_time) const {
    const int64_t tx_lock_time = tx_.lock_time;
    // Heights and times do not compare.
    if ((tx_lock_time < kLocktimeThreshold) != (lock_time < kLocktimeThreshold)) return false;
    if (lock_time > tx_lock_time) return false;
    // A final input would let the transaction ignore its lock time altogether.
    return tx_.inputs[input_index_].sequence != kSequenceFinal;
}

bool TransactionSignatureChecker::check_sequence(int64_t sequence) const {
    const int64_t tx_sequence = tx_.inputs[input_index_].sequence;
    if (tx_.version < 2) return false;  // BIP-68 needs version 2
    if (tx_sequence & kSequenceDisableFlag) return false;
    constexpr int64_t kMask = kSequenceLockTimeTypeFlag | kSequenceLockTimeMask;
    const int64_t tx_masked = tx_sequence & kMask;
    const int64_t masked = sequence & kMask;
    // Blocks and 512-second units do not compare.
    if ((tx_masked < kSequenceLockTimeTypeFlag) != (masked < kSequenceLockTimeTypeFlag)) return false;
    return masked <= tx_masked;
}

ScriptError eval_script(ScriptStack& stack, ByteSpan script, uint32_t flags,
                        const SignatureChecker& checker, SigVersion sigversion) {
    Interpreter interpreter(stack, script, flags, checker, sigversion);
    return interpreter.run();
}

ScriptError verify_script(ByteSpan script_sig, ByteSpan script_pubkey,
                          std::span<const Bytes> witness, uint32_t flags,
                          const SignatureChecker& checker) {
    if ((flags & kVerifyWitness) && !(flags & kVerifyP2sh))
        return ScriptError::kInvalidFlagCombination;
    if ((flags & kVerifyCleanStack) && !((flags & kVerifyP2sh) && (flags & kVerifyWitness)))
        return ScriptError::kInvalidFlagCombination;
    if ((flags & kVerifySigPushOnly) && !is_push_only(script_sig)) return ScriptError::kSigPushOnly;

    // scriptSig and scriptPubKey run one after the other on one stack, never concatenated
    // (CVE-2010-5141).
    ScriptStack stack;
    if (ScriptError e = eval_script(stack, script_sig, flags, checker, SigVersion::kBase);
        e != ScriptError::kOk)
        return e;
    ScriptStack stack_copy;
    if (flags & kVerifyP2sh) stack_copy = stack;
    if (ScriptError e = eval_script(stack, script_pubkey, flags, checker, SigVersion::kBase);
        e != ScriptError::kOk)
        return e;
    if (stack.empty() || !cast_to_bool(stack.back())) return ScriptError::kEvalFalse;

    bool had_witness = false;
    if (flags & kVerifyWitness) {
        if (auto program = witness_program(script_pubkey)) {
            had_witness = true;
            if (!script_sig.empty()) return ScriptError::kWitnessMalleated;
            if (ScriptError e = verify_witness_program(witness, *program, flags, checker, false);
                e != ScriptError::kOk)
                return e;
            stack.resize(1);  // the witness ran on its own stack: skip CLEANSTACK below
        }
    }

    if ((flags & kVerifyP2sh) && is_p2sh(script_pubkey)) {
        if (!is_push_only(script_sig)) return ScriptError::kSigPushOnly;
        std::swap(stack, stack_copy);
        // Not empty: HASH160 on an empty stack would have failed above.
        assert(!stack.empty());
        const Bytes redeem_script = std::move(stack.back());
        stack.pop_back();
        if (ScriptError e = eval_script(stack, redeem_script, flags, checker, SigVersion::kBase);
            e != ScriptError::kOk)
            return e;
        if (stack.empty() || !cast_to_bool(stack.back())) return ScriptError::kEvalFalse;

        if (flags & kVerifyWitness) {
            if (auto program = witness_program(redeem_script)) {
                had_witness = true;
                // Exactly one push of the redeem script, or the txid could be malleated.
                if (Bytes(script_sig.begin(), script_sig.end()) != push_of(redeem_script))
                    return ScriptError::kWitnessMalleatedP2sh;
                if (ScriptError e = verify_witness_program(witness, *program, flags, checker, true);
                    e != ScriptError::kOk)
                    return e;
                stack.resize(1);
            }
        }
    }

    if ((flags & kVerifyCleanStack) && stack.size() != 1) return ScriptError::kCleanStack;
    if ((flags & kVerifyWitness) && !had_witness && !witness.empty())
        return ScriptError::kWitnessUnexpected;
    return ScriptError::kOk;
}

ScriptError verify_input(const Transaction& tx, size_t input_index, ByteSpan script_pubkey,
                         Sats amount, uint32_t flags, const SighashCache* cache) {
    assert(input_index < tx.inputs.size());
    const TxIn& in = tx.inputs[input_index];
    TransactionSignatureChecker checker(tx, input_index, amount, cache);
    return verify_script(in.script_sig, script_pubkey, in.witness, flags, checker);
}

}  // namespace datt::bitcoin
