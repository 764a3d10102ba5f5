// Reading and writing Bitcoin scripts as operations.
//
// Operation layout (Bitcoin Core's GetScriptOp):
//   0x00            OP_0, pushes the empty string
//   0x01-0x4b n     pushes the next n bytes
//   0x4c n:u8       OP_PUSHDATA1, pushes the next n bytes
//   0x4d n:u16le    OP_PUSHDATA2
//   0x4e n:u32le    OP_PUSHDATA4
//   anything else   a one-byte opcode (opcodes.h)
// A push whose length runs past the end of the script is the only thing that cannot be
// read ("script_truncated_push"); every other byte string is a sequence of operations.
//
// Error codes: script_truncated_push, script_push_too_large (builder: over 520 bytes is
// never spendable, so the builder refuses it), script_bad_multisig (script_templates.h).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "bitcoin/opcodes.h"
#include "bitcoin/tx.h"
#include "util/bytes.h"
#include "util/result.h"

namespace datt::bitcoin {

// Consensus limits (Core's script.h).
inline constexpr size_t kMaxScriptElementSize = 520;
inline constexpr size_t kMaxScriptSize = 10'000;
inline constexpr int kMaxOpsPerScript = 201;
inline constexpr int kMaxPubkeysPerMultisig = 20;
inline constexpr size_t kMaxStackSize = 1'000;
// Below this a lock time is a block height, at or above it a Unix time (BIP-65).
inline constexpr int64_t kLocktimeThreshold = 500'000'000;

struct ScriptOp {
    uint8_t opcode = OP_INVALIDOPCODE;
    // The pushed bytes (a view into the script) for push opcodes 0x00-0x4e; empty otherwise.
    ByteSpan data;
    // Where the operation starts and ends in the script.
    size_t begin = 0;
    size_t end = 0;

    bool is_push() const { return opcode <= OP_PUSHDATA4; }
};

// Reads a script one operation at a time, never past its end.
class ScriptReader {
  public:
    explicit ScriptReader(ByteSpan script) : script_(script) {}

    bool at_end() const { return position_ >= script_.size(); }
    size_t position() const { return position_; }
    // The next operation, or script_truncated_push (the position then stays put).
    [[nodiscard]] Result<ScriptOp> next();

  private:
    ByteSpan script_;
    size_t position_ = 0;
};

// Every operation of `script`, or script_truncated_push.
[[nodiscard]] Result<std::vector<ScriptOp>> parse_script(ByteSpan script);

// Core's CheckMinimalPush: `op` pushes its data with the shortest opcode that can
// (OP_0 for empty, OP_1..OP_16 and OP_1NEGATE for those single bytes, direct pushes up to
// 75 bytes, then PUSHDATA1/2/4).
bool is_minimal_push(const ScriptOp& op);
// Only push operations (OP_0..OP_16, OP_1NEGATE and data pushes; OP_RESERVED counts as a
// push, as in Core's IsPushOnly); false when a push is truncated.
bool is_push_only(ByteSpan script);
// OP_HASH160 <20 bytes> OP_EQUAL, exactly 23 bytes (BIP-16).
bool is_p2sh(ByteSpan script);

// A BIP-141 witness program: one version opcode (OP_0, OP_1..OP_16) then one direct push of
// 2 to 40 bytes, and nothing else.
struct WitnessProgram {
    int version = 0;
    ByteSpan program;
};
std::optional<WitnessProgram> witness_program(ByteSpan script);

// Builds scripts with minimal pushes.
class ScriptBuilder {
  public:
    ScriptBuilder& op(Opcode opcode);
    // The shortest push of `data` (see is_minimal_push). Data over 520 bytes is written as
    // asked but marks the builder failed: no script can push it.
    ScriptBuilder& push(ByteSpan data);
    // A number as script evaluates it: OP_0, OP_1NEGATE, OP_1..OP_16, else a minimal push of
    // its ScriptNum encoding.
    ScriptBuilder& push_int(int64_t value);
    // Bytes appended as they are (another script's operations).
    ScriptBuilder& raw(ByteSpan script);

    // The script, or script_push_too_large.
    [[nodiscard]] Result<Script> build() const;

  private:
    Script script_;
    bool push_too_large_ = false;
};

}  // namespace datt::bitcoin
