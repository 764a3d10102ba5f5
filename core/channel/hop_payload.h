// Where an HTLC goes next, carried in update_add_htlc's 1,366-byte onion_routing_packet.
// Datt's hub is the only hop between payer and payee, so instead of a Sphinx onion
// (BOLT-4) the packet holds one plain hop payload; its first byte can never be a Sphinx
// packet's (version 0x00), so a later move to real onions is told apart. The hub sees the
// payee and amount either way (it is the only hop); the payment hash keeps it from taking
// the money.
//
// Layout (offsets in the 1,366 bytes, integers big-endian):
//   0    1   kind: 0xd1 forward (to the hub: pass it on), 0xd2 final (to the payee)
//   1    32  channel_id: forward: the payee's channel at the hub; final: the channel it
//            arrives on
//   33   8   amount_msat: forward: what the payee must receive; final: what it receives
//   41   4   cltv_expiry: forward: the outgoing HTLC's expiry; final: the same as the HTLC's
//   45   ... zero: every remaining byte must be 0 (strict: one encoding per payload)
//
// Error codes (stable):
//   hop_not_datt          the first byte is not 0xd1 or 0xd2 (e.g. a Sphinx onion)
//   hop_nonzero_padding   a byte after offset 45 is not zero
//   hop_zero_amount       amount_msat is 0
#pragma once

#include <cstdint>

#include "bitcoin/amount.h"
#include "channel/funding.h"
#include "channel/messages.h"
#include "util/bytes.h"
#include "util/result.h"

namespace datt::channel {

inline constexpr uint8_t kHopForward = 0xd1;
inline constexpr uint8_t kHopFinal = 0xd2;
inline constexpr size_t kHopPayloadSize = 45;

struct HopPayload {
    bool is_final = false;
    ChannelId channel_id{};
    bitcoin::Msats amount;
    uint32_t cltv_expiry = 0;

    bool operator==(const HopPayload&) const = default;
};

[[nodiscard]] Result<HopPayload> parse_hop_payload(const ByteArray<kOnionPacketSize>& onion);
ByteArray<kOnionPacketSize> serialize_hop_payload(const HopPayload& hop);

}  // namespace datt::channel
