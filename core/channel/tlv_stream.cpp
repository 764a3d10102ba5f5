#include "channel/tlv_stream.h"

#include <algorithm>
#include <string>

#include "util/byte_reader.h"
#include "util/varint.h"

namespace datt::channel {
namespace {

Error tlv_error(const Error& from_reader) {
    if (from_reader.code == "non_canonical_big_size") {
        return make_error("tlv_non_minimal_big_size",
                          "a TLV type or length is not minimally encoded");
    }
    return make_error("tlv_truncated", "a TLV record runs past the end of the message");
}

}  // namespace

Result<TlvStream> TlvStream::parse(ByteSpan bytes, std::initializer_list<uint64_t> known_types) {
    TlvStream stream;
    ByteReader reader(bytes);
    while (!reader.at_end()) {
        auto type = read_big_size(reader);
        if (!type) return tlv_error(type.error());
        auto length = read_big_size(reader);
        if (!length) return tlv_error(length.error());
        if (!stream.records_.empty() && *type <= stream.records_.back().type) {
            return make_error("tlv_not_ascending", "TLV types must be strictly increasing");
        }
        auto value = reader.read_span(*length);
        if (!value) return tlv_error(value.error());
        const bool known =
            std::find(known_types.begin(), known_types.end(), *type) != known_types.end();
        if (!known && *type % 2 == 0) {
            return make_error("tlv_unknown_even_type",
                              "unknown even TLV type " + std::to_string(*type));
        }
        stream.records_.push_back(TlvRecord{*type, Bytes(value->begin(), value->end())});
    }
    return stream;
}

std::optional<ByteSpan> TlvStream::find(uint64_t type) const {
    for (const TlvRecord& record : records_) {
        if (record.type == type) return ByteSpan(record.value);
    }
    return std::nullopt;
}

void TlvStream::set(uint64_t type, Bytes value) {
    auto at = std::lower_bound(records_.begin(), records_.end(), type,
                               [](const TlvRecord& r, uint64_t t) { return r.type < t; });
    if (at != records_.end() && at->type == type) {
        at->value = std::move(value);
    } else {
        records_.insert(at, TlvRecord{type, std::move(value)});
    }
}

void TlvStream::erase(uint64_t type) {
    std::erase_if(records_, [type](const TlvRecord& r) { return r.type == type; });
}

Status TlvStream::expect_length(uint64_t type, size_t length) const {
    const auto value = find(type);
    if (value && value->size() != length) {
        return make_error("tlv_bad_length", "TLV type " + std::to_string(type) + " must be " +
                                                std::to_string(length) + " bytes");
    }
    return Ok{};
}

void TlvStream::write(ByteWriter& writer) const {
    for (const TlvRecord& record : records_) {
        write_big_size(writer, record.type);
        write_big_size(writer, record.value.size());
        writer.write_bytes(record.value);
    }
}

}  // namespace datt::channel
