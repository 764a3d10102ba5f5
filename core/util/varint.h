// The three variable-length integers Datt reads and writes. Each decoder accepts only the
// shortest encoding of a value, so every value has exactly one encoding and
// decode(encode(v)) == v and encode(decode(b)) == b. On failure the reader's position is
// unchanged (like every ByteReader read).
//
// Bitcoin CompactSize (Bitcoin Core's ReadCompactSize/WriteCompactSize), little-endian:
//   0x00-0xfc            the value itself                      (0 .. 252)
//   0xfd + 2 bytes LE    253 .. 0xffff
//   0xfe + 4 bytes LE    0x10000 .. 0xffffffff
//   0xff + 8 bytes LE    0x100000000 .. 2^64-1
// A longer form than needed is rejected ("non_canonical_compact_size"), as Core does.
// Core also rejects sizes above MAX_SIZE (0x02000000) when the value counts or sizes
// something in memory: read_compact_size() applies that bound unless the caller passes
// another one ("compact_size_too_large", checked after canonicality, as in Core).
//
// BOLT-1 BigSize (Lightning TLV types and lengths): the same layout, big-endian, and the
// same minimality rule ("non_canonical_big_size").
//
// NIP-77 varint (negentropy messages): base-128 digits, most significant first, the high
// bit set on every byte but the last, "with as few digits as possible": a leading 0x80
// digit is rejected ("non_canonical_nip77_varint"), and so is a value above 2^64-1
// ("nip77_varint_too_large"; 2^64-1 itself takes 10 bytes, 0x81 0xff*8 0x7f).
//
// Error codes: truncated, non_canonical_compact_size, compact_size_too_large,
// non_canonical_big_size, non_canonical_nip77_varint, nip77_varint_too_large.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>

#include "util/byte_reader.h"
#include "util/byte_writer.h"
#include "util/result.h"

namespace datt {

// Bitcoin Core's MAX_SIZE: the largest count or length a CompactSize may announce.
inline constexpr uint64_t kMaxCompactSize = 0x02000000;
inline constexpr uint64_t kCompactSizeNoLimit = std::numeric_limits<uint64_t>::max();

[[nodiscard]] Result<uint64_t> read_compact_size(ByteReader& reader,
                                                 uint64_t max_value = kMaxCompactSize);
void write_compact_size(ByteWriter& writer, uint64_t value);
// Bytes write_compact_size() uses for `value`: 1, 3, 5 or 9.
size_t compact_size_length(uint64_t value);

[[nodiscard]] Result<uint64_t> read_big_size(ByteReader& reader);
void write_big_size(ByteWriter& writer, uint64_t value);
size_t big_size_length(uint64_t value);

[[nodiscard]] Result<uint64_t> read_nip77_varint(ByteReader& reader);
void write_nip77_varint(ByteWriter& writer, uint64_t value);
// 1 .. 10 bytes.
size_t nip77_varint_length(uint64_t value);

}  // namespace datt
