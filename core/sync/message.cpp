#include "sync/message.h"

#include <algorithm>
#include <cassert>
#include <string>
#include <utility>

#include "util/varint.h"

namespace datt::sync {
namespace {

// Version bytes 0x60..0x6f are negentropy's; anything else is not a negentropy message.
constexpr uint8_t kFirstVersionByte = 0x60;
constexpr uint8_t kLastVersionByte = 0x6f;

std::string offset_text(size_t offset) {
    return " at offset " + std::to_string(offset);
}

}  // namespace

Hash256 IdListView::operator[](size_t index) const {
    assert(index < size());
    Hash256 id;
    std::copy_n(bytes_.begin() + static_cast<ptrdiff_t>(index * kIdSize), kIdSize, id.begin());
    return id;
}

Result<MessageReader> MessageReader::open(ByteSpan message) {
    ByteReader reader(message);
    auto version = reader.read_u8();
    if (!version) return version.error();
    if (*version < kFirstVersionByte || *version > kLastVersionByte) {
        return make_error("bad_protocol_version",
                          "the first byte is " + std::to_string(*version) +
                              ", not a negentropy protocol version (0x60..0x6f)");
    }
    if (*version != kProtocolVersion) {
        return make_error("unsupported_protocol_version",
                          "the message is negentropy protocol version " +
                              std::to_string(*version - kFirstVersionByte) +
                              "; only version 1 is supported");
    }
    return MessageReader(reader);
}

Result<Bound> MessageReader::read_bound() {
    const size_t start = reader_.position();
    auto encoded = read_nip77_varint(reader_);
    if (!encoded) return encoded.error();
    uint64_t timestamp = kInfinity;
    if (*encoded != 0) {
        const uint64_t delta = *encoded - 1;
        // A finite timestamp never follows infinity, and never reaches it.
        if (last_timestamp_ == kInfinity || delta >= kInfinity - last_timestamp_) {
            return make_error("bad_timestamp", "the bound" + offset_text(start) +
                                                   " has a timestamp past the largest finite one");
        }
        timestamp = last_timestamp_ + delta;
    }
    auto length = read_nip77_varint(reader_);
    if (!length) return length.error();
    if (*length > kIdSize) {
        return make_error("bad_id_prefix", "the bound" + offset_text(start) +
                                               " has an id prefix of " + std::to_string(*length) +
                                               " bytes; at most 32 are allowed");
    }
    auto prefix = reader_.read_span(*length);
    if (!prefix) return prefix.error();
    auto bound = Bound::make(timestamp, *prefix);
    if (!bound) return bound.error();
    if (is_lower(*bound, last_bound_)) {
        return make_error("bad_bound_order", "the bound" + offset_text(start) +
                                                 " is below the previous range's bound");
    }
    last_timestamp_ = timestamp;
    last_bound_ = *bound;
    return bound;
}

Result<RangeView> MessageReader::next() {
    assert(!at_end());
    auto upper = read_bound();
    if (!upper) return upper.error();
    const size_t mode_offset = reader_.position();
    auto mode = read_nip77_varint(reader_);
    if (!mode) return mode.error();
    switch (*mode) {
        case static_cast<uint64_t>(Mode::skip):
            return RangeView{*upper, Skip{}};
        case static_cast<uint64_t>(Mode::fingerprint): {
            auto fingerprint = reader_.read_array<kFingerprintSize>();
            if (!fingerprint) return fingerprint.error();
            return RangeView{*upper, *fingerprint};
        }
        case static_cast<uint64_t>(Mode::id_list): {
            auto count = read_nip77_varint(reader_);
            if (!count) return count.error();
            // Compared before multiplying, so a huge count cannot wrap around.
            if (*count > reader_.remaining() / kIdSize) {
                return make_error("truncated",
                                  "an id list" + offset_text(mode_offset) + " announces " +
                                      std::to_string(*count) + " ids but " +
                                      std::to_string(reader_.remaining()) + " bytes remain");
            }
            auto ids = reader_.read_span(*count * kIdSize);
            if (!ids) return ids.error();
            return RangeView{*upper, IdListView(*ids)};
        }
        default:  // a varint, not an enum: any other value is the peer's error
            return make_error("bad_mode", "the range mode" + offset_text(mode_offset) + " is " +
                                              std::to_string(*mode) +
                                              "; only 0 (skip), 1 (fingerprint) and 2 (id "
                                              "list) exist");
    }
}

Result<Message> decode_message(ByteSpan bytes) {
    auto reader = MessageReader::open(bytes);
    if (!reader) return reader.error();
    Message message;
    while (!reader->at_end()) {
        auto range = reader->next();
        if (!range) return range.error();
        Range copy{range->upper, Skip{}};
        if (const auto* fingerprint = std::get_if<Fingerprint>(&range->payload)) {
            copy.payload = *fingerprint;
        } else if (const auto* ids = std::get_if<IdListView>(&range->payload)) {
            IdList list(ids->size());
            for (size_t i = 0; i < list.size(); ++i) list[i] = (*ids)[i];
            copy.payload = std::move(list);
        }
        message.ranges.push_back(std::move(copy));
    }
    return message;
}

Bytes encode_message(const Message& message) {
    MessageWriter writer;
    for (const Range& range : message.ranges) {
        if (std::holds_alternative<Skip>(range.payload)) {
            writer.write_skip(range.upper);
        } else if (const auto* fingerprint = std::get_if<Fingerprint>(&range.payload)) {
            writer.write_fingerprint(range.upper, *fingerprint);
        } else {
            writer.write_id_list(range.upper, std::get<IdList>(range.payload));
        }
    }
    return std::move(writer).take();
}

MessageWriter::MessageWriter() {
    out_.write_u8(kProtocolVersion);
}

MessageWriter MessageWriter::continuing(const MessageWriter& before) {
    MessageWriter part{Continuation{}};
    part.last_timestamp_ = before.last_timestamp_;
    return part;
}

void MessageWriter::write_bound(const Bound& bound) {
    if (bound.is_infinity()) {
        write_nip77_varint(out_, 0);
        last_timestamp_ = kInfinity;
    } else {
        assert(last_timestamp_ != kInfinity && bound.timestamp() >= last_timestamp_);
        write_nip77_varint(out_, bound.timestamp() - last_timestamp_ + 1);
        last_timestamp_ = bound.timestamp();
    }
    write_nip77_varint(out_, bound.prefix().size());
    out_.write_bytes(bound.prefix());
}

void MessageWriter::write_mode(Mode mode) {
    write_nip77_varint(out_, static_cast<uint64_t>(mode));
}

void MessageWriter::write_skip(const Bound& upper) {
    write_bound(upper);
    write_mode(Mode::skip);
}

void MessageWriter::write_fingerprint(const Bound& upper, const Fingerprint& fingerprint) {
    write_bound(upper);
    write_mode(Mode::fingerprint);
    out_.write_bytes(fingerprint);
}

void MessageWriter::write_id_list(const Bound& upper, std::span<const Hash256> ids) {
    write_bound(upper);
    write_mode(Mode::id_list);
    write_nip77_varint(out_, ids.size());
    for (const Hash256& id : ids) out_.write_bytes(id);
}

void MessageWriter::write_id_list(const Bound& upper, std::span<const Item> items) {
    write_bound(upper);
    write_mode(Mode::id_list);
    write_nip77_varint(out_, items.size());
    for (const Item& item : items) out_.write_bytes(item.id);
}

void MessageWriter::append(const MessageWriter& part) {
    out_.write_bytes(part.out_.bytes());
    last_timestamp_ = part.last_timestamp_;
}

}  // namespace datt::sync
