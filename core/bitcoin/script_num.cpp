#include "bitcoin/script_num.h"

#include <limits>

namespace datt::bitcoin {

bool ScriptNum::is_minimally_encoded(ByteSpan bytes, size_t max_size) {
    if (bytes.size() > max_size) return false;
    if (bytes.empty()) return true;
    // The last byte may not be only a sign (0x00 or 0x80) unless the byte before needs its
    // top bit for the magnitude.
    if ((bytes.back() & 0x7f) == 0) {
        if (bytes.size() <= 1 || (bytes[bytes.size() - 2] & 0x80) == 0) return false;
    }
    return true;
}

std::optional<ScriptNum> ScriptNum::decode(ByteSpan bytes, bool require_minimal, size_t max_size) {
    // Script never reads more than 5 bytes; more than 8 would not fit the magnitude.
    if (bytes.size() > max_size || bytes.size() > 8) return std::nullopt;
    if (require_minimal && !is_minimally_encoded(bytes, max_size)) return std::nullopt;
    if (bytes.empty()) return ScriptNum(0);
    uint64_t magnitude = 0;
    for (size_t i = 0; i < bytes.size(); ++i) magnitude |= uint64_t{bytes[i]} << (8 * i);
    const size_t top = 8 * (bytes.size() - 1);
    if (bytes.back() & 0x80) {
        magnitude &= ~(uint64_t{0x80} << top);
        return ScriptNum(-static_cast<int64_t>(magnitude));
    }
    return ScriptNum(static_cast<int64_t>(magnitude));
}

Bytes ScriptNum::encode() const {
    Bytes out;
    if (value_ == 0) return out;
    const bool negative = value_ < 0;
    // The magnitude of INT64_MIN is 2^63, which fits uint64_t.
    uint64_t magnitude = negative ? 0 - static_cast<uint64_t>(value_) : static_cast<uint64_t>(value_);
    while (magnitude) {
        out.push_back(static_cast<uint8_t>(magnitude & 0xff));
        magnitude >>= 8;
    }
    // The top bit carries the sign: add a byte when the magnitude already uses it.
    if (out.back() & 0x80)
        out.push_back(negative ? 0x80 : 0x00);
    else if (negative)
        out.back() |= 0x80;
    return out;
}

int32_t ScriptNum::clamped_int() const {
    if (value_ > std::numeric_limits<int32_t>::max()) return std::numeric_limits<int32_t>::max();
    if (value_ < std::numeric_limits<int32_t>::min()) return std::numeric_limits<int32_t>::min();
    return static_cast<int32_t>(value_);
}

}  // namespace datt::bitcoin
