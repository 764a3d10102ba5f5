// 5-bit words, the unit of a BOLT-11 data part (bech32 characters before the checksum).
//
// Integers are big-endian, most significant word first (the timestamp, field lengths, and
// the x and c fields). Byte strings are packed 8 -> 5 bits with zero bits appended to fill
// the last word, and read back 5 -> 8 with the leftover bits (fewer than 5, all zero)
// dropped: the one unpadding that re-encodes to the same words.
//
// Error codes: invoice_bad_padding (leftover bits that are not zero, or a whole extra word).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>

#include "util/bytes.h"
#include "util/result.h"

namespace datt::invoice {

// nullopt when the value does not fit 64 bits.
[[nodiscard]] std::optional<uint64_t> read_uint(ByteSpan words);
// The fewest words that hold `value`, no leading zero word (none for zero).
Bytes uint_words(uint64_t value);
// Exactly `count` words (the value must fit: caller's contract).
Bytes uint_words_fixed(uint64_t value, size_t count);

Bytes bytes_to_words(ByteSpan bytes);
[[nodiscard]] Result<Bytes> words_to_bytes(ByteSpan words);
// 5 -> 8 with zero bits appended to fill the last byte: how the signed data part is hashed.
Bytes words_to_bytes_padded(ByteSpan words);

// ceil(8 * byte_count / 5): how many words bytes_to_words() writes.
constexpr size_t words_for_bytes(size_t byte_count) {
    return (byte_count * 8 + 4) / 5;
}

}  // namespace datt::invoice
