// Bitcoin Core's test-script notation (script_tests.json, tx_valid.json, tx_invalid.json),
// read the way Core's test helper ParseScript reads it:
//   123, -1          a number: OP_0, OP_1NEGATE, OP_1..OP_16, or a direct push of its
//                    ScriptNum encoding
//   0x4c0b...        raw bytes inserted as they are (pushes and opcodes alike)
//   'text'           a direct push of the characters (never OP_N)
//   DUP, OP_DUP      an opcode, with or without the OP_ prefix (NOP2/NOP3 are CLTV/CSV)
// Test-only: the library itself never parses text scripts.
#pragma once

#include <optional>
#include <sstream>
#include <string>

#include "bitcoin/opcodes.h"
#include "bitcoin/script_num.h"
#include "util/bytes.h"
#include "util/hex.h"

namespace datt::bitcoin::test {

// A push as Core's CScript::operator<<(vector) writes it (by length only).
inline void append_push(Bytes& script, ByteSpan data) {
    const size_t n = data.size();
    if (n < OP_PUSHDATA1) {
        script.push_back(static_cast<uint8_t>(n));
    } else if (n <= 0xff) {
        script.push_back(OP_PUSHDATA1);
        script.push_back(static_cast<uint8_t>(n));
    } else if (n <= 0xffff) {
        script.push_back(OP_PUSHDATA2);
        script.push_back(static_cast<uint8_t>(n));
        script.push_back(static_cast<uint8_t>(n >> 8));
    } else {
        script.push_back(OP_PUSHDATA4);
        for (int i = 0; i < 4; ++i) script.push_back(static_cast<uint8_t>(n >> (8 * i)));
    }
    script.insert(script.end(), data.begin(), data.end());
}

inline bool all_digits(const std::string& s, size_t from) {
    if (s.size() <= from) return false;
    for (size_t i = from; i < s.size(); ++i)
        if (s[i] < '0' || s[i] > '9') return false;
    return true;
}

inline std::optional<Bytes> parse_script_asm(const std::string& text) {
    Bytes script;
    std::istringstream words(text);
    std::string word;
    while (words >> word) {
        if (all_digits(word, 0) || (word[0] == '-' && all_digits(word, 1))) {
            const int64_t n = std::stoll(word);
            if (n == 0) {
                script.push_back(OP_0);
            } else if (n == -1) {
                script.push_back(OP_1NEGATE);
            } else if (n >= 1 && n <= 16) {
                script.push_back(small_int_opcode(static_cast<int>(n)));
            } else {
                append_push(script, ScriptNum::encode(n));
            }
        } else if (word.size() > 2 && word.rfind("0x", 0) == 0) {
            auto bytes = from_hex(word.substr(2));
            if (!bytes) return std::nullopt;
            script.insert(script.end(), bytes->begin(), bytes->end());
        } else if (word.size() >= 2 && word.front() == '\'' && word.back() == '\'') {
            append_push(script, as_bytes(std::string_view(word).substr(1, word.size() - 2)));
        } else if (auto op = opcode_from_name(word)) {
            script.push_back(*op);
        } else {
            return std::nullopt;
        }
    }
    return script;
}

}  // namespace datt::bitcoin::test
