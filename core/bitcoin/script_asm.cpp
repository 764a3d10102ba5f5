#include "bitcoin/script_asm.h"

#include "bitcoin/interpreter.h"
#include "bitcoin/opcodes.h"
#include "bitcoin/script.h"
#include "bitcoin/script_num.h"
#include "bitcoin/sighash.h"
#include "util/hex.h"

namespace datt::bitcoin {
namespace {

// Core's mapSigHashTypes: the six hash types STRICTENC accepts.
const char* hash_type_name(uint8_t hash_type) {
    switch (hash_type) {
        case kSighashAll: return "ALL";
        case kSighashAll | kSighashAnyoneCanPay: return "ALL|ANYONECANPAY";
        case kSighashNone: return "NONE";
        case kSighashNone | kSighashAnyoneCanPay: return "NONE|ANYONECANPAY";
        case kSighashSingle: return "SINGLE";
        case kSighashSingle | kSighashAnyoneCanPay: return "SINGLE|ANYONECANPAY";
        default: return nullptr;  // a byte, not an enum: every other value is undefined
    }
}

std::string push_text(ByteSpan data, bool decode_signatures) {
    if (data.size() <= 4) {
        // At most 4 bytes always decode when minimal form is not required.
        return std::to_string(ScriptNum::decode(data, false)->value());
    }
    if (decode_signatures && is_valid_signature_encoding(data)) {
        if (const char* name = hash_type_name(data.back())) {
            return to_hex(data.first(data.size() - 1)) + "[" + name + "]";
        }
    }
    return to_hex(data);
}

}  // namespace

std::string script_to_asm(ByteSpan script, bool decode_signatures) {
    // Core's IsUnspendable() check: OP_RETURN data is never read as a signature.
    const bool unspendable = !script.empty() && script[0] == OP_RETURN;
    std::string text;
    ScriptReader reader(script);
    while (!reader.at_end()) {
        if (!text.empty()) text += ' ';
        auto op = reader.next();
        if (!op) {
            text += "[error]";
            break;
        }
        if (op->is_push()) {
            text += push_text(op->data, decode_signatures && !unspendable);
        } else {
            text += opcode_name(op->opcode);
        }
    }
    return text;
}

}  // namespace datt::bitcoin
