// BOLT-1 TLV streams, parsed strictly: the extension at the end of a message.
//
//   tlv_record: type:BigSize | length:BigSize | value:length bytes
//   tlv_stream: tlv_record*, to the end of the message
//
// Rules (BOLT-1 "Type-Length-Value Format", receiving node): type and length minimally
// encoded (BigSize, util/varint.h); types strictly increasing (so none repeats); a length
// past the end fails; a known type must have exactly its encoding's length (checked by the
// message that knows the type, through TlvStream::expect_length); an unknown even type
// fails the stream, an unknown odd type is kept as it is ("it's ok to be odd"). Every record
// is kept, so serialize(parse(b)) == b: the extension bytes of a signed message survive.
//
// Error codes:
//   tlv_truncated             a type, length or value runs past the end
//   tlv_non_minimal_big_size  a type or length is not in its shortest BigSize form
//   tlv_not_ascending         a type is not larger than the one before it
//   tlv_unknown_even_type     an even type the message does not know (known types are
//                             passed by the caller)
//   tlv_bad_length            a known type with the wrong length (expect_length)
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <vector>

#include "util/byte_writer.h"
#include "util/bytes.h"
#include "util/result.h"

namespace datt::channel {

struct TlvRecord {
    uint64_t type = 0;
    Bytes value;
    bool operator==(const TlvRecord&) const = default;
};

class TlvStream {
  public:
    // The records of `bytes` (all of it); `known_types` are the types the message defines,
    // the only even ones accepted.
    [[nodiscard]] static Result<TlvStream> parse(ByteSpan bytes,
                                                 std::initializer_list<uint64_t> known_types);

    // The value of `type`, if present.
    std::optional<ByteSpan> find(uint64_t type) const;
    // Sets (or replaces) a record, keeping types ascending.
    void set(uint64_t type, Bytes value);
    void erase(uint64_t type);

    // tlv_bad_length unless `type` is absent or exactly `length` bytes long.
    [[nodiscard]] Status expect_length(uint64_t type, size_t length) const;

    const std::vector<TlvRecord>& records() const { return records_; }
    bool empty() const { return records_.empty(); }
    void write(ByteWriter& writer) const;

    bool operator==(const TlvStream&) const = default;

  private:
    std::vector<TlvRecord> records_;  // types strictly ascending
};

}  // namespace datt::channel
