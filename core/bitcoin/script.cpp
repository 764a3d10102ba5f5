#include "bitcoin/script.h"

#include "bitcoin/script_num.h"
#include "util/byte_reader.h"

namespace datt::bitcoin {

Result<ScriptOp> ScriptReader::next() {
    ByteReader reader(script_.subspan(position_));
    ScriptOp op;
    op.begin = position_;
    auto opcode = reader.read_u8();
    if (!opcode) return make_error("script_truncated_push", "no operation at the script's end");
    op.opcode = *opcode;
    if (op.opcode <= OP_PUSHDATA4) {
        uint64_t size = op.opcode;
        bool length_ok = true;
        if (op.opcode == OP_PUSHDATA1) {
            auto n = reader.read_u8();
            length_ok = n.ok();
            if (n) size = *n;
        } else if (op.opcode == OP_PUSHDATA2) {
            auto n = reader.read_u16_le();
            length_ok = n.ok();
            if (n) size = *n;
        } else if (op.opcode == OP_PUSHDATA4) {
            auto n = reader.read_u32_le();
            length_ok = n.ok();
            if (n) size = *n;
        }
        if (!length_ok)
            return make_error("script_truncated_push", "push length runs past the script's end");
        auto data = reader.read_span(size);
        if (!data)
            return make_error("script_truncated_push",
                              "push of " + std::to_string(size) + " bytes runs past the script's end");
        op.data = *data;
    }
    position_ += reader.position();
    op.end = position_;
    return op;
}

Result<std::vector<ScriptOp>> parse_script(ByteSpan script) {
    std::vector<ScriptOp> ops;
    ScriptReader reader(script);
    while (!reader.at_end()) {
        auto op = reader.next();
        if (!op) return op.error();
        ops.push_back(*op);
    }
    return ops;
}

bool is_minimal_push(const ScriptOp& op) {
    const size_t size = op.data.size();
    if (size == 0) return op.opcode == OP_0;
    if (size == 1 && op.data[0] >= 1 && op.data[0] <= 16) return false;  // OP_1..OP_16
    if (size == 1 && op.data[0] == 0x81) return false;                      // OP_1NEGATE
    if (size <= 75) return op.opcode == size;
    if (size <= 255) return op.opcode == OP_PUSHDATA1;
    if (size <= 65535) return op.opcode == OP_PUSHDATA2;
    return true;
}

bool is_push_only(ByteSpan script) {
    ScriptReader reader(script);
    while (!reader.at_end()) {
        auto op = reader.next();
        if (!op || op->opcode > OP_16) return false;
    }
    return true;
}

bool is_p2sh(ByteSpan script) {
    return script.size() == 23 && script[0] == OP_HASH160 && script[1] == 0x14 &&
           script[22] == OP_EQUAL;
}

std::optional<WitnessProgram> witness_program(ByteSpan script) {
    if (script.size() < 4 || script.size() > 42) return std::nullopt;
    if (script[0] != OP_0 && (script[0] < OP_1 || script[0] > OP_16)) return std::nullopt;
    if (size_t{script[1]} + 2 != script.size()) return std::nullopt;
    return WitnessProgram{*small_int_value(script[0]), script.subspan(2)};
}

ScriptBuilder& ScriptBuilder::op(Opcode opcode) {
    script_.push_back(opcode);
    return *this;
}

ScriptBuilder& ScriptBuilder::push(ByteSpan data) {
    const size_t size = data.size();
    if (size == 0) return op(OP_0);
    if (size == 1 && data[0] >= 1 && data[0] <= 16) return op(small_int_opcode(data[0]));
    if (size == 1 && data[0] == 0x81) return op(OP_1NEGATE);
    if (size > kMaxScriptElementSize) push_too_large_ = true;
    if (size <= 75) {
        script_.push_back(static_cast<uint8_t>(size));
    } else if (size <= 255) {
        script_.push_back(OP_PUSHDATA1);
        script_.push_back(static_cast<uint8_t>(size));
    } else if (size <= 65535) {
        script_.push_back(OP_PUSHDATA2);
        script_.push_back(static_cast<uint8_t>(size));
        script_.push_back(static_cast<uint8_t>(size >> 8));
    } else {
        script_.push_back(OP_PUSHDATA4);
        for (int i = 0; i < 4; ++i) script_.push_back(static_cast<uint8_t>(size >> (8 * i)));
    }
    script_.insert(script_.end(), data.begin(), data.end());
    return *this;
}

ScriptBuilder& ScriptBuilder::push_int(int64_t value) {
    if (value == 0) return op(OP_0);
    if (value == -1) return op(OP_1NEGATE);
    if (value >= 1 && value <= 16) return op(small_int_opcode(static_cast<int>(value)));
    return push(ScriptNum::encode(value));
}

ScriptBuilder& ScriptBuilder::raw(ByteSpan script) {
    script_.insert(script_.end(), script.begin(), script.end());
    return *this;
}

Result<Script> ScriptBuilder::build() const {
    if (push_too_large_)
        return make_error("script_push_too_large",
                          "a push is over the 520-byte element limit: no script can spend it");
    return script_;
}

}  // namespace datt::bitcoin
