// Scripts as text, the way Bitcoin Core's RPCs print them (core_write.cpp's ScriptToAsmStr):
// what `decoderawtransaction` shows as "asm".
//
//   - a push of at most 4 bytes prints as the number it encodes (ScriptNum, minimal form
//     not required: 0x0100 prints 1; the empty push prints 0);
//   - a longer push prints as hex; in a scriptSig (decode_signatures), a push that is a
//     strict-DER signature with a defined hash type (STRICTENC's rule) prints as the
//     signature's hex followed by "[ALL]", "[NONE|ANYONECANPAY]", ... instead of the type
//     byte, unless the script starts with OP_RETURN;
//   - OP_1..OP_16 and OP_1NEGATE print as 1..16 and -1, other opcodes by name (opcodes.h),
//     undefined bytes as OP_UNKNOWN;
//   - a push running past the end of the script prints "[error]" and ends the text.
// Operations are separated by one space. Every byte string has a text; nothing fails.
#pragma once

#include <string>

#include "util/bytes.h"

namespace datt::bitcoin {

std::string script_to_asm(ByteSpan script, bool decode_signatures = false);

}  // namespace datt::bitcoin
