// BOLT-1/BOLT-2 channel messages (channel/messages.h) and TLV streams (channel/tlv_stream.h)
// from untrusted bytes.
//
// Invariants checked:
//   - a failure carries one of parse_message()'s documented codes and a message; an unknown
//     type is reported odd or even by its low bit;
//   - an accepted input serializes back to exactly the input (parse -> serialize == bytes),
//     its type is the first two bytes, and parsing the serialization again gives the same
//     bytes;
//   - every TLV record kept has a type above the one before it, and each unknown one is odd;
//   - TlvStream::parse over the raw input (with no known types) either fails with a tlv_
//     code or writes back exactly the input.
#include <cstddef>
#include <cstdint>

#include "channel/messages.h"
#include "channel/tlv_stream.h"
#include "check.h"

using namespace datt;
using namespace datt::channel;

namespace {

void check_tlvs(const TlvStream& tlvs) {
    const auto& records = tlvs.records();
    for (size_t i = 1; i < records.size(); ++i) {
        DATT_FUZZ_CHECK(records[i - 1].type < records[i].type);
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const ByteSpan input(data, size);

    auto stream = TlvStream::parse(input, {});
    if (stream) {
        ByteWriter writer;
        stream->write(writer);
        DATT_FUZZ_CHECK(writer.bytes() == Bytes(input.begin(), input.end()));
        check_tlvs(*stream);
        for (const TlvRecord& record : stream->records()) DATT_FUZZ_CHECK(record.type % 2 == 1);
    } else {
        DATT_FUZZ_CHECK(fuzz::is_one_of(stream.error().code,
                                        {"tlv_truncated", "tlv_non_minimal_big_size",
                                         "tlv_not_ascending", "tlv_unknown_even_type"}));
    }

    auto message = parse_message(input);
    if (!message) {
        const std::string& code = message.error().code;
        DATT_FUZZ_CHECK(fuzz::is_one_of(
            code, {"wire_message_too_large", "wire_truncated", "wire_unknown_odd_message",
                   "wire_unknown_even_message", "wire_bad_point", "wire_bad_signature",
                   "wire_amount_out_of_range", "wire_too_many_htlcs", "tlv_truncated",
                   "tlv_non_minimal_big_size", "tlv_not_ascending", "tlv_unknown_even_type",
                   "tlv_bad_length", "wire_nonzero_channel_id"}));
        DATT_FUZZ_CHECK(!message.error().message.empty());
        if (code == "wire_unknown_odd_message") DATT_FUZZ_CHECK(size >= 2 && (data[1] & 1) == 1);
        if (code == "wire_unknown_even_message") DATT_FUZZ_CHECK(size >= 2 && (data[1] & 1) == 0);
        return 0;
    }
    DATT_FUZZ_CHECK(size >= 2 && size <= kMaxMessageSize);
    const uint16_t type = static_cast<uint16_t>((data[0] << 8) | data[1]);
    DATT_FUZZ_CHECK(static_cast<uint16_t>(message_type(*message)) == type);
    const Bytes bytes = serialize_message(*message);
    DATT_FUZZ_CHECK(bytes == Bytes(input.begin(), input.end()));
    auto again = parse_message(bytes);
    DATT_FUZZ_CHECK(again.ok());
    DATT_FUZZ_CHECK(serialize_message(*again) == bytes);
    std::visit([](const auto& m) { check_tlvs(m.tlvs); }, *message);
    return 0;
}
