// Negentropy protocol version 1 messages (NIP-77 sends them hex-encoded in NEG-OPEN and
// NEG-MSG). Layout, from the protocol's specification (negentropy-protocol-v1.md):
//
//   Message := <protocol version: 1 byte, 0x61> <Range>*
//   Range   := <upper bound: Bound> <mode: varint> <payload>
//   Bound   := <encoded timestamp: varint> <prefix length: varint, 0..32> <prefix bytes>
//   mode 0, Skip:        no payload
//   mode 1, Fingerprint: 16 bytes (sync/fingerprint.h)
//   mode 2, IdList:      <count: varint> <count ids of 32 bytes>
//
// Varints are the NIP-77 varint (util/varint.h). Ranges are adjacent: each starts where
// the previous one ended (the first at timestamp 0, empty prefix); a message that does not
// reach infinity has an implicit Skip up to it. The encoded timestamp is 0 for infinity,
// otherwise 1 + (timestamp - the previous bound's timestamp in this message), starting
// from 0; so an encoder must write bounds in ascending order.
//
// Decoding is strict where a correct encoder has no choice: varints must be minimal,
// bounds must not go down, and no finite timestamp may overflow or follow infinity. An
// IdList's ids are viewed in place, never copied, so reading a message allocates nothing.
//
// Error codes: truncated, bad_protocol_version (first byte outside 0x60..0x6f, so not a
// negentropy message), unsupported_protocol_version (0x60 or 0x62..0x6f: a version this
// side does not speak), non_canonical_nip77_varint, nip77_varint_too_large, bad_timestamp,
// bad_id_prefix (longer than 32 bytes), bad_mode, bad_bound_order.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <utility>
#include <variant>
#include <vector>

#include "sync/fingerprint.h"
#include "sync/item.h"
#include "util/byte_reader.h"
#include "util/byte_writer.h"
#include "util/bytes.h"
#include "util/result.h"

namespace datt::sync {

// Version 1, the only one: 0x60 + version.
inline constexpr uint8_t kProtocolVersion = 0x61;

enum class Mode : uint8_t {
    skip = 0,         // the sender does not wish to process the range further
    fingerprint = 1,  // a digest of the sender's ids in the range
    id_list = 2,      // every id the sender has in the range
};

struct Skip {
    bool operator==(const Skip&) const = default;
};

// An IdList as it lies in the message: a view of count * 32 bytes.
class IdListView {
  public:
    explicit IdListView(ByteSpan bytes) : bytes_(bytes) {}

    size_t size() const { return bytes_.size() / kIdSize; }
    Hash256 operator[](size_t index) const;

  private:
    ByteSpan bytes_;
};

// One range read from a message; valid while the message bytes are.
struct RangeView {
    Bound upper;
    std::variant<Skip, Fingerprint, IdListView> payload;
};

// Reads a message one range at a time.
class MessageReader {
  public:
    // Reads the protocol version byte.
    [[nodiscard]] static Result<MessageReader> open(ByteSpan message);

    bool at_end() const { return reader_.at_end(); }
    // The next range (call only when !at_end()).
    [[nodiscard]] Result<RangeView> next();

  private:
    explicit MessageReader(ByteReader reader) : reader_(reader) {}

    [[nodiscard]] Result<Bound> read_bound();

    ByteReader reader_;
    uint64_t last_timestamp_ = 0;
    Bound last_bound_;
};

// A whole message with its ids copied: for tests, tools and the fuzzer. The reconciler
// reads with MessageReader.
using IdList = std::vector<Hash256>;

struct Range {
    Bound upper;
    std::variant<Skip, Fingerprint, IdList> payload;

    bool operator==(const Range&) const = default;
};

struct Message {
    std::vector<Range> ranges;

    bool operator==(const Message&) const = default;
};

[[nodiscard]] Result<Message> decode_message(ByteSpan bytes);
// Bounds must not go down (decode_message guarantees it; anything else is a bug).
Bytes encode_message(const Message& message);

// Writes a message range by range, keeping the timestamp delta state; its size() is what
// the frame size limit is checked against.
class MessageWriter {
  public:
    // A message: starts with the protocol version byte.
    MessageWriter();
    // Ranges that will be appended to `before`: no version byte, and timestamps continue
    // from before's last bound.
    static MessageWriter continuing(const MessageWriter& before);

    void write_skip(const Bound& upper);
    void write_fingerprint(const Bound& upper, const Fingerprint& fingerprint);
    void write_id_list(const Bound& upper, std::span<const Hash256> ids);
    // The ids of `items`, in order.
    void write_id_list(const Bound& upper, std::span<const Item> items);
    // Appends the ranges of a continuing() writer made from this one (or from a writer
    // whose bytes this one ends with).
    void append(const MessageWriter& part);

    size_t size() const { return out_.size(); }
    const Bytes& bytes() const& { return out_.bytes(); }
    Bytes take() && { return std::move(out_).take(); }

  private:
    struct Continuation {};
    explicit MessageWriter(Continuation) {}

    void write_bound(const Bound& bound);
    void write_mode(Mode mode);

    ByteWriter out_;
    uint64_t last_timestamp_ = 0;
};

}  // namespace datt::sync
