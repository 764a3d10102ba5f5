// ByteWriter: appends fixed-width integers and byte strings to a growing buffer, the
// counterpart of ByteReader (varints are in util/varint.h). Writing cannot fail.
#pragma once

#include <cstddef>
#include <cstdint>
#include <utility>

#include "util/bytes.h"

namespace datt {

class ByteWriter {
public:
    ByteWriter() = default;
    // Reserves room for `expected_size` bytes (a hint; the buffer still grows past it).
    explicit ByteWriter(size_t expected_size) { out_.reserve(expected_size); }

    ByteWriter& write_u8(uint8_t value) {
        out_.push_back(value);
        return *this;
    }
    ByteWriter& write_u16_le(uint16_t value) { return write_int<uint16_t, false>(value); }
    ByteWriter& write_u32_le(uint32_t value) { return write_int<uint32_t, false>(value); }
    ByteWriter& write_u64_le(uint64_t value) { return write_int<uint64_t, false>(value); }
    ByteWriter& write_u16_be(uint16_t value) { return write_int<uint16_t, true>(value); }
    ByteWriter& write_u32_be(uint32_t value) { return write_int<uint32_t, true>(value); }
    ByteWriter& write_u64_be(uint64_t value) { return write_int<uint64_t, true>(value); }

    ByteWriter& write_bytes(ByteSpan bytes) {
        out_.insert(out_.end(), bytes.begin(), bytes.end());
        return *this;
    }

    size_t size() const { return out_.size(); }
    const Bytes& bytes() const& { return out_; }
    // Hands the buffer over; the writer is empty afterwards.
    Bytes take() && { return std::move(out_); }

private:
    template <class Int, bool kBigEndian>
    ByteWriter& write_int(Int value) {
        for (size_t i = 0; i < sizeof(Int); ++i) {
            const size_t shift = 8 * (kBigEndian ? sizeof(Int) - 1 - i : i);
            out_.push_back(static_cast<uint8_t>(value >> shift));
        }
        return *this;
    }

    Bytes out_;
};

}  // namespace datt
