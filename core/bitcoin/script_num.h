// ScriptNum: the integers of Bitcoin script (Bitcoin Core's CScriptNum).
//
// Encoding: little-endian magnitude, the sign in the top bit of the last byte; zero is the
// empty string. Arithmetic operands are at most 4 bytes (kDefaultMaxSize); CLTV and CSV read
// 5-byte operands. Results of arithmetic may overflow 4 bytes: they are held in int64 and
// only fail if used as an operand again, exactly as in Core.
#pragma once

#include <cstdint>
#include <optional>

#include "util/bytes.h"

namespace datt::bitcoin {

class ScriptNum {
  public:
    static constexpr size_t kDefaultMaxSize = 4;

    constexpr explicit ScriptNum(int64_t value) : value_(value) {}

    // nullopt when longer than max_size, or (require_minimal) when not in minimal form:
    // the last byte may be 0x00 or 0x80 only if the byte before it has its top bit set.
    [[nodiscard]] static std::optional<ScriptNum> decode(ByteSpan bytes, bool require_minimal,
                                                         size_t max_size = kDefaultMaxSize);
    // True when `bytes` is the minimal encoding of its value (MINIMALDATA's number rule).
    static bool is_minimally_encoded(ByteSpan bytes, size_t max_size = kDefaultMaxSize);

    Bytes encode() const;
    static Bytes encode(int64_t value) { return ScriptNum(value).encode(); }

    int64_t value() const { return value_; }
    // Clamped to int32 (Core's getint(), used for counts and indices).
    int32_t clamped_int() const;

  private:
    int64_t value_;
};

}  // namespace datt::bitcoin
