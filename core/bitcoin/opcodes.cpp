#include "bitcoin/opcodes.h"

#include <array>
#include <string>

namespace datt::bitcoin {
namespace {

struct NamedOpcode {
    Opcode opcode;
    std::string_view name;
};

// Every named opcode that is not a push (pushes and OP_1..OP_16 print as numbers).
constexpr std::array kNamedOpcodes = {
    NamedOpcode{OP_PUSHDATA1, "OP_PUSHDATA1"}, NamedOpcode{OP_PUSHDATA2, "OP_PUSHDATA2"},
    NamedOpcode{OP_PUSHDATA4, "OP_PUSHDATA4"}, NamedOpcode{OP_RESERVED, "OP_RESERVED"},
    NamedOpcode{OP_NOP, "OP_NOP"}, NamedOpcode{OP_VER, "OP_VER"}, NamedOpcode{OP_IF, "OP_IF"},
    NamedOpcode{OP_NOTIF, "OP_NOTIF"}, NamedOpcode{OP_VERIF, "OP_VERIF"},
    NamedOpcode{OP_VERNOTIF, "OP_VERNOTIF"}, NamedOpcode{OP_ELSE, "OP_ELSE"},
    NamedOpcode{OP_ENDIF, "OP_ENDIF"}, NamedOpcode{OP_VERIFY, "OP_VERIFY"},
    NamedOpcode{OP_RETURN, "OP_RETURN"}, NamedOpcode{OP_TOALTSTACK, "OP_TOALTSTACK"},
    NamedOpcode{OP_FROMALTSTACK, "OP_FROMALTSTACK"}, NamedOpcode{OP_2DROP, "OP_2DROP"},
    NamedOpcode{OP_2DUP, "OP_2DUP"}, NamedOpcode{OP_3DUP, "OP_3DUP"},
    NamedOpcode{OP_2OVER, "OP_2OVER"}, NamedOpcode{OP_2ROT, "OP_2ROT"},
    NamedOpcode{OP_2SWAP, "OP_2SWAP"}, NamedOpcode{OP_IFDUP, "OP_IFDUP"},
    NamedOpcode{OP_DEPTH, "OP_DEPTH"}, NamedOpcode{OP_DROP, "OP_DROP"},
    NamedOpcode{OP_DUP, "OP_DUP"}, NamedOpcode{OP_NIP, "OP_NIP"}, NamedOpcode{OP_OVER, "OP_OVER"},
    NamedOpcode{OP_PICK, "OP_PICK"}, NamedOpcode{OP_ROLL, "OP_ROLL"}, NamedOpcode{OP_ROT, "OP_ROT"},
    NamedOpcode{OP_SWAP, "OP_SWAP"}, NamedOpcode{OP_TUCK, "OP_TUCK"}, NamedOpcode{OP_CAT, "OP_CAT"},
    NamedOpcode{OP_SUBSTR, "OP_SUBSTR"}, NamedOpcode{OP_LEFT, "OP_LEFT"},
    NamedOpcode{OP_RIGHT, "OP_RIGHT"}, NamedOpcode{OP_SIZE, "OP_SIZE"},
    NamedOpcode{OP_INVERT, "OP_INVERT"}, NamedOpcode{OP_AND, "OP_AND"}, NamedOpcode{OP_OR, "OP_OR"},
    NamedOpcode{OP_XOR, "OP_XOR"}, NamedOpcode{OP_EQUAL, "OP_EQUAL"},
    NamedOpcode{OP_EQUALVERIFY, "OP_EQUALVERIFY"}, NamedOpcode{OP_RESERVED1, "OP_RESERVED1"},
    NamedOpcode{OP_RESERVED2, "OP_RESERVED2"}, NamedOpcode{OP_1ADD, "OP_1ADD"},
    NamedOpcode{OP_1SUB, "OP_1SUB"}, NamedOpcode{OP_2MUL, "OP_2MUL"}, NamedOpcode{OP_2DIV, "OP_2DIV"},
    NamedOpcode{OP_NEGATE, "OP_NEGATE"}, NamedOpcode{OP_ABS, "OP_ABS"}, NamedOpcode{OP_NOT, "OP_NOT"},
    NamedOpcode{OP_0NOTEQUAL, "OP_0NOTEQUAL"}, NamedOpcode{OP_ADD, "OP_ADD"},
    NamedOpcode{OP_SUB, "OP_SUB"}, NamedOpcode{OP_MUL, "OP_MUL"}, NamedOpcode{OP_DIV, "OP_DIV"},
    NamedOpcode{OP_MOD, "OP_MOD"}, NamedOpcode{OP_LSHIFT, "OP_LSHIFT"},
    NamedOpcode{OP_RSHIFT, "OP_RSHIFT"}, NamedOpcode{OP_BOOLAND, "OP_BOOLAND"},
    NamedOpcode{OP_BOOLOR, "OP_BOOLOR"}, NamedOpcode{OP_NUMEQUAL, "OP_NUMEQUAL"},
    NamedOpcode{OP_NUMEQUALVERIFY, "OP_NUMEQUALVERIFY"},
    NamedOpcode{OP_NUMNOTEQUAL, "OP_NUMNOTEQUAL"}, NamedOpcode{OP_LESSTHAN, "OP_LESSTHAN"},
    NamedOpcode{OP_GREATERTHAN, "OP_GREATERTHAN"},
    NamedOpcode{OP_LESSTHANOREQUAL, "OP_LESSTHANOREQUAL"},
    NamedOpcode{OP_GREATERTHANOREQUAL, "OP_GREATERTHANOREQUAL"}, NamedOpcode{OP_MIN, "OP_MIN"},
    NamedOpcode{OP_MAX, "OP_MAX"}, NamedOpcode{OP_WITHIN, "OP_WITHIN"},
    NamedOpcode{OP_RIPEMD160, "OP_RIPEMD160"}, NamedOpcode{OP_SHA1, "OP_SHA1"},
    NamedOpcode{OP_SHA256, "OP_SHA256"}, NamedOpcode{OP_HASH160, "OP_HASH160"},
    NamedOpcode{OP_HASH256, "OP_HASH256"}, NamedOpcode{OP_CODESEPARATOR, "OP_CODESEPARATOR"},
    NamedOpcode{OP_CHECKSIG, "OP_CHECKSIG"}, NamedOpcode{OP_CHECKSIGVERIFY, "OP_CHECKSIGVERIFY"},
    NamedOpcode{OP_CHECKMULTISIG, "OP_CHECKMULTISIG"},
    NamedOpcode{OP_CHECKMULTISIGVERIFY, "OP_CHECKMULTISIGVERIFY"}, NamedOpcode{OP_NOP1, "OP_NOP1"},
    NamedOpcode{OP_CHECKLOCKTIMEVERIFY, "OP_CHECKLOCKTIMEVERIFY"},
    NamedOpcode{OP_CHECKSEQUENCEVERIFY, "OP_CHECKSEQUENCEVERIFY"}, NamedOpcode{OP_NOP4, "OP_NOP4"},
    NamedOpcode{OP_NOP5, "OP_NOP5"}, NamedOpcode{OP_NOP6, "OP_NOP6"}, NamedOpcode{OP_NOP7, "OP_NOP7"},
    NamedOpcode{OP_NOP8, "OP_NOP8"}, NamedOpcode{OP_NOP9, "OP_NOP9"},
    NamedOpcode{OP_NOP10, "OP_NOP10"}, NamedOpcode{OP_CHECKSIGADD, "OP_CHECKSIGADD"},
    NamedOpcode{OP_INVALIDOPCODE, "OP_INVALIDOPCODE"},
};

constexpr std::array<std::string_view, 17> kSmallIntNames = {
    "0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12", "13", "14", "15", "16"};

}  // namespace

std::string_view opcode_name(uint8_t opcode) {
    if (auto n = small_int_value(opcode)) return kSmallIntNames[static_cast<size_t>(*n)];
    if (opcode == OP_1NEGATE) return "-1";
    for (const NamedOpcode& named : kNamedOpcodes)
        if (named.opcode == opcode) return named.name;
    return "OP_UNKNOWN";
}

std::optional<Opcode> opcode_from_name(std::string_view name) {
    // Core's test parser also knows the pre-BIP-65/112 names.
    if (name == "NOP2" || name == "OP_NOP2") return OP_CHECKLOCKTIMEVERIFY;
    if (name == "NOP3" || name == "OP_NOP3") return OP_CHECKSEQUENCEVERIFY;
    for (const NamedOpcode& named : kNamedOpcodes) {
        if (named.name == name || named.name.substr(3) == name) return named.opcode;
    }
    return std::nullopt;
}

}  // namespace datt::bitcoin
