#include "util/varint.h"

#include <string>

namespace datt {
namespace {

// CompactSize and BigSize share their layout and differ only in byte order.
constexpr uint8_t kPrefix16 = 0xfd;
constexpr uint8_t kPrefix32 = 0xfe;
constexpr uint8_t kPrefix64 = 0xff;

size_t prefixed_length(uint64_t value) {
    if (value < kPrefix16) return 1;
    if (value <= 0xffff) return 3;
    if (value <= 0xffffffff) return 5;
    return 9;
}

// The 2, 4 or 8 bytes after a prefix of 0xfd, 0xfe or 0xff.
template <bool kBigEndian>
Result<uint64_t> read_body(ByteReader& reader, uint8_t prefix) {
    if (prefix == kPrefix16) {
        auto v = kBigEndian ? reader.read_u16_be() : reader.read_u16_le();
        if (!v) return v.error();
        return uint64_t{*v};
    }
    if (prefix == kPrefix32) {
        auto v = kBigEndian ? reader.read_u32_be() : reader.read_u32_le();
        if (!v) return v.error();
        return uint64_t{*v};
    }
    return kBigEndian ? reader.read_u64_be() : reader.read_u64_le();
}

// Reads one CompactSize or BigSize; on any error the caller's reader is untouched.
template <bool kBigEndian>
Result<uint64_t> read_prefixed(ByteReader& reader, const char* non_canonical_code,
                               const char* what) {
    ByteReader probe = reader;
    auto prefix = probe.read_u8();
    if (!prefix) return prefix.error();
    uint64_t value = *prefix;
    if (*prefix >= kPrefix16) {
        auto body = read_body<kBigEndian>(probe, *prefix);
        if (!body) return body.error();
        value = *body;
        if (prefixed_length(value) != probe.position() - reader.position()) {
            return make_error(non_canonical_code, std::string(what) + " at offset " +
                                                      std::to_string(reader.position()) +
                                                      " encodes " + std::to_string(value) +
                                                      " in more bytes than needed");
        }
    }
    reader = probe;
    return value;
}

template <bool kBigEndian>
void write_prefixed(ByteWriter& writer, uint64_t value) {
    if (value < kPrefix16) {
        writer.write_u8(static_cast<uint8_t>(value));
    } else if (value <= 0xffff) {
        writer.write_u8(kPrefix16);
        kBigEndian ? writer.write_u16_be(static_cast<uint16_t>(value))
                   : writer.write_u16_le(static_cast<uint16_t>(value));
    } else if (value <= 0xffffffff) {
        writer.write_u8(kPrefix32);
        kBigEndian ? writer.write_u32_be(static_cast<uint32_t>(value))
                   : writer.write_u32_le(static_cast<uint32_t>(value));
    } else {
        writer.write_u8(kPrefix64);
        kBigEndian ? writer.write_u64_be(value) : writer.write_u64_le(value);
    }
}

constexpr uint8_t kMoreDigits = 0x80;
constexpr uint8_t kDigitMask = 0x7f;

}  // namespace

Result<uint64_t> read_compact_size(ByteReader& reader, uint64_t max_value) {
    const size_t start = reader.position();
    ByteReader probe = reader;
    auto value = read_prefixed<false>(probe, "non_canonical_compact_size", "a CompactSize");
    if (!value) return value.error();
    if (*value > max_value) {
        return make_error("compact_size_too_large",
                          "the CompactSize at offset " + std::to_string(start) + " is " +
                              std::to_string(*value) + ", above the limit of " +
                              std::to_string(max_value));
    }
    reader = probe;
    return value;
}

void write_compact_size(ByteWriter& writer, uint64_t value) {
    write_prefixed<false>(writer, value);
}

size_t compact_size_length(uint64_t value) {
    return prefixed_length(value);
}

Result<uint64_t> read_big_size(ByteReader& reader) {
    return read_prefixed<true>(reader, "non_canonical_big_size", "a BigSize");
}

void write_big_size(ByteWriter& writer, uint64_t value) {
    write_prefixed<true>(writer, value);
}

size_t big_size_length(uint64_t value) {
    return prefixed_length(value);
}

Result<uint64_t> read_nip77_varint(ByteReader& reader) {
    const size_t start = reader.position();
    ByteReader probe = reader;
    uint64_t value = 0;
    for (bool first = true;; first = false) {
        auto digit = probe.read_u8();
        if (!digit) return digit.error();
        if (first && *digit == kMoreDigits) {
            return make_error(
                "non_canonical_nip77_varint",
                "the varint at offset " + std::to_string(start) + " starts with a zero digit");
        }
        // Another 7 bits must fit: the top 7 bits of the value so far must be clear.
        if (value >> (64 - 7) != 0) {
            return make_error(
                "nip77_varint_too_large",
                "the varint at offset " + std::to_string(start) + " does not fit in 64 bits");
        }
        value = (value << 7) | (*digit & kDigitMask);
        if ((*digit & kMoreDigits) == 0) break;
    }
    reader = probe;
    return value;
}

void write_nip77_varint(ByteWriter& writer, uint64_t value) {
    const size_t length = nip77_varint_length(value);
    for (size_t i = length; i-- > 0;) {
        const auto digit = static_cast<uint8_t>((value >> (7 * i)) & kDigitMask);
        writer.write_u8(i == 0 ? digit : static_cast<uint8_t>(digit | kMoreDigits));
    }
}

size_t nip77_varint_length(uint64_t value) {
    size_t length = 1;
    while (value >>= 7) ++length;
    return length;
}

}  // namespace datt
