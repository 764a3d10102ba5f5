#include "channel/hop_payload.h"

#include <algorithm>

#include "util/byte_reader.h"

namespace datt::channel {

Result<HopPayload> parse_hop_payload(const ByteArray<kOnionPacketSize>& onion) {
    if (onion[0] != kHopForward && onion[0] != kHopFinal) {
        return make_error("hop_not_datt", "the onion packet is not a Datt hop payload");
    }
    if (!std::all_of(onion.begin() + kHopPayloadSize, onion.end(), [](uint8_t b) { return b == 0; })) {
        return make_error("hop_nonzero_padding", "the hop payload's padding is not all zero");
    }
    ByteReader reader(ByteSpan(onion.data(), kHopPayloadSize));
    HopPayload hop;
    hop.is_final = reader.read_u8().value() == kHopFinal;  // 45 bytes are there: reads succeed
    hop.channel_id = reader.read_array<32>().value();
    hop.amount = bitcoin::Msats{reader.read_u64_be().value()};
    hop.cltv_expiry = reader.read_u32_be().value();
    if (hop.amount.value() == 0) return make_error("hop_zero_amount", "the hop payload's amount is 0");
    return hop;
}

ByteArray<kOnionPacketSize> serialize_hop_payload(const HopPayload& hop) {
    ByteArray<kOnionPacketSize> out{};
    out[0] = hop.is_final ? kHopFinal : kHopForward;
    std::copy(hop.channel_id.begin(), hop.channel_id.end(), out.begin() + 1);
    for (int i = 0; i < 8; ++i) out[33 + i] = static_cast<uint8_t>(hop.amount.value() >> (56 - 8 * i));
    for (int i = 0; i < 4; ++i) out[41 + i] = static_cast<uint8_t>(hop.cltv_expiry >> (24 - 8 * i));
    return out;
}

}  // namespace datt::channel
