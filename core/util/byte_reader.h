// ByteReader: the one way the core reads binary formats (transactions, headers, TLV
// streams, NIP-19 payloads, negentropy messages).
//
// Bounds-checked: every read either returns its value and advances, or returns an Error
// and leaves the position where it was. Nothing reads outside the span, and lengths taken
// from the input are uint64_t, so a 64-bit length from a varint cannot wrap into a small
// size_t on wasm32. The reader does not own the bytes: spans it returns point into the
// caller's buffer and live as long as it does.
//
// Variable-length integers (CompactSize, BigSize, the NIP-77 varint) are in util/varint.h.
//
// Error codes (Error::code):
//   truncated       fewer bytes remain than the read needs
//   trailing_bytes  expect_end() found bytes after the end of the structure
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>

#include "util/bytes.h"
#include "util/result.h"

namespace datt {

class ByteReader {
public:
    explicit ByteReader(ByteSpan data) : data_(data) {}

    size_t position() const { return position_; }
    size_t remaining() const { return data_.size() - position_; }
    bool at_end() const { return position_ == data_.size(); }
    // The unread bytes, without consuming them.
    ByteSpan rest() const { return data_.subspan(position_); }

    [[nodiscard]] Result<uint8_t> read_u8() {
        if (remaining() < 1) return truncated(1);
        return data_[position_++];
    }
    [[nodiscard]] Result<uint16_t> read_u16_le() { return read_int<uint16_t, false>(); }
    [[nodiscard]] Result<uint32_t> read_u32_le() { return read_int<uint32_t, false>(); }
    [[nodiscard]] Result<uint64_t> read_u64_le() { return read_int<uint64_t, false>(); }
    [[nodiscard]] Result<uint16_t> read_u16_be() { return read_int<uint16_t, true>(); }
    [[nodiscard]] Result<uint32_t> read_u32_be() { return read_int<uint32_t, true>(); }
    [[nodiscard]] Result<uint64_t> read_u64_be() { return read_int<uint64_t, true>(); }

    // N bytes copied into an array (hashes, keys, signatures).
    template <size_t N>
    [[nodiscard]] Result<ByteArray<N>> read_array() {
        if (remaining() < N) return truncated(N);
        ByteArray<N> out;
        std::copy_n(data_.begin() + position_, N, out.begin());
        position_ += N;
        return out;
    }

    // `count` bytes as a view into the input, without copying.
    [[nodiscard]] Result<ByteSpan> read_span(uint64_t count) {
        if (count > remaining()) return truncated(count);
        const ByteSpan out = data_.subspan(position_, static_cast<size_t>(count));
        position_ += static_cast<size_t>(count);
        return out;
    }

    [[nodiscard]] Status skip(uint64_t count) {
        if (count > remaining()) return truncated(count);
        position_ += static_cast<size_t>(count);
        return Ok{};
    }

    // Ok when every byte was read; "trailing_bytes" otherwise (strict parsers end with it).
    [[nodiscard]] Status expect_end() const;

private:
    template <class Int, bool kBigEndian>
    Result<Int> read_int() {
        if (remaining() < sizeof(Int)) return truncated(sizeof(Int));
        const uint8_t* p = data_.data() + position_;
        Int value = 0;
        for (size_t i = 0; i < sizeof(Int); ++i) {
            const size_t shift = 8 * (kBigEndian ? sizeof(Int) - 1 - i : i);
            value |= static_cast<Int>(static_cast<Int>(p[i]) << shift);
        }
        position_ += sizeof(Int);
        return value;
    }

    // Out of line: building the message is the cold path.
    Error truncated(uint64_t wanted) const;

    ByteSpan data_;
    size_t position_ = 0;
};

}  // namespace datt
