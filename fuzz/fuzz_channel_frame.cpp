// The WebSocket envelope of channel messages (channel/channel_frame.h) from untrusted bytes:
// what the hub reads from every binary frame a client sends.
//
// Invariants checked:
//   - a failure carries one of parse_frame()'s documented codes (its own frame_* codes, or
//     parse_message()'s) and a message; the frame_* size and version codes match the input;
//   - an accepted frame is 35..65,568 bytes with version 1, its channel_id is bytes 1..32
//     and the message's own id; it serializes back to exactly the input, and parses again;
//   - the hop payload (channel/hop_payload.h) of the input's first 1,366 bytes (zero padded),
//     and of an accepted update_add_htlc's onion: a documented code, or it writes back the
//     exact 1,366 bytes; a receipt request exactly for 0xd3, with an invoice that fits;
//   - the hub's connection messages (channel/hub_attach.h): an accepted hub_challenge(_request)
//     has an all-zero channel_id; an accepted channel_attach checked by a hub channel under
//     the input's first 32 bytes as challenge gives ok or a documented code; a client's own
//     channel_attach over that challenge verifies (sign -> verify round trip), and under any
//     other challenge or for another channel it does not.
#include <algorithm>
#include <cstddef>
#include <cstdint>

#include "channel/channel_frame.h"
#include "channel/hop_payload.h"
#include "channel/hub_attach.h"
#include "check.h"

using namespace datt;
using namespace datt::channel;

namespace {

void check_hop(const ByteArray<kOnionPacketSize>& onion) {
    auto hop = parse_hop_payload(onion);
    if (!hop) {
        DATT_FUZZ_CHECK(fuzz::is_one_of(hop.error().code,
                                        {"hop_not_datt", "hop_nonzero_padding", "hop_zero_amount",
                                         "hop_receipt_invoice_length", "hop_receipt_invoice_text"}));
        return;
    }
    DATT_FUZZ_CHECK(hop->amount.value() > 0);
    // A receipt request (0xd3) only on a forward, its invoice within the room and printable.
    DATT_FUZZ_CHECK(hop->receipt.has_value() == (onion[0] == kHopForwardWithReceipt));
    if (hop->receipt) {
        DATT_FUZZ_CHECK(!hop->is_final);
        DATT_FUZZ_CHECK(check_hop_receipt_request(*hop->receipt).ok());
    }
    DATT_FUZZ_CHECK(serialize_hop_payload(*hop) == onion);
}

Hash256 filled(uint8_t fill) {
    Hash256 out{};
    out.fill(fill);
    return out;
}

// A channel as the client and the hub each hold it (only what attaching reads).
struct AttachPair {
    ChannelSecrets client = ChannelSecrets::from_seed(filled(0x11)).value();
    ChannelSecrets hub = ChannelSecrets::from_seed(filled(0x12)).value();
    Channel client_side{client.basepoints(), client.funding_pubkey()};
    Channel hub_side{hub.basepoints(), hub.funding_pubkey()};
    AttachPair() {
        client_side.channel_id = hub_side.channel_id = filled(0x42);
        client_side.remote_funding_pubkey = hub.funding_pubkey();
        hub_side.remote_funding_pubkey = client.funding_pubkey();
    }
};

void check_attach(const uint8_t* data, size_t size, const ChannelFrame* frame) {
    static const AttachPair pair;
    Hash256 challenge{};
    std::copy_n(data, std::min(size, challenge.size()), challenge.begin());
    if (frame) {
        if (const auto* attach = std::get_if<ChannelAttach>(&frame->message())) {
            auto status = verify_channel_attach(pair.hub_side, challenge, *attach);
            if (!status) {
                DATT_FUZZ_CHECK(fuzz::is_one_of(status.error().code,
                                                {"hub_attach_wrong_channel", "hub_attach_bad_signature"}));
            }
        } else if (const auto* request = std::get_if<HubChallengeRequest>(&frame->message())) {
            DATT_FUZZ_CHECK(request->channel_id == ChannelId{});
        } else if (const auto* hub_challenge = std::get_if<HubChallenge>(&frame->message())) {
            DATT_FUZZ_CHECK(hub_challenge->channel_id == ChannelId{});
        }
    }
    // Sign -> verify round trip over the input's challenge; one bit off, it fails.
    auto own = make_channel_attach(pair.client_side, pair.client, challenge);
    DATT_FUZZ_CHECK(own.ok());
    DATT_FUZZ_CHECK(verify_channel_attach(pair.hub_side, challenge, *own).ok());
    const Bytes wire = frame_bytes(*own);
    auto parsed = parse_frame(wire);
    DATT_FUZZ_CHECK(parsed.ok() && serialize_frame(*parsed) == wire);
    Hash256 other = challenge;
    other[size % other.size()] ^= 1;
    DATT_FUZZ_CHECK(!verify_channel_attach(pair.hub_side, other, *own).ok());
    Channel moved = pair.hub_side;
    moved.channel_id = other;
    ChannelAttach renamed = *own;
    renamed.channel_id = other;
    DATT_FUZZ_CHECK(!verify_channel_attach(moved, challenge, renamed).ok());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const ByteSpan input(data, size);
    ByteArray<kOnionPacketSize> onion{};
    std::copy_n(data, std::min(size, onion.size()), onion.begin());
    check_hop(onion);
    auto frame = parse_frame(input);
    if (!frame) {
        const std::string& code = frame.error().code;
        DATT_FUZZ_CHECK(fuzz::is_one_of(
            code, {"frame_truncated", "frame_too_large", "frame_bad_version",
                   "frame_channel_id_mismatch", "wire_message_too_large", "wire_truncated",
                   "wire_unknown_odd_message", "wire_unknown_even_message", "wire_bad_point",
                   "wire_bad_signature", "wire_amount_out_of_range", "wire_too_many_htlcs",
                   "tlv_truncated", "tlv_non_minimal_big_size", "tlv_not_ascending",
                   "tlv_unknown_even_type", "tlv_bad_length", "wire_nonzero_channel_id"}));
        DATT_FUZZ_CHECK(!frame.error().message.empty());
        if (code == "frame_truncated") DATT_FUZZ_CHECK(size < kMinFrameSize);
        if (code == "frame_too_large") DATT_FUZZ_CHECK(size > kMaxFrameSize);
        if (code == "frame_bad_version") DATT_FUZZ_CHECK(data[0] != kFrameVersion);
        check_attach(data, size, nullptr);
        return 0;
    }
    DATT_FUZZ_CHECK(size >= kMinFrameSize && size <= kMaxFrameSize);
    DATT_FUZZ_CHECK(data[0] == kFrameVersion);
    DATT_FUZZ_CHECK(std::equal(frame->channel_id().begin(), frame->channel_id().end(), data + 1));
    DATT_FUZZ_CHECK(message_channel_id(frame->message()) == frame->channel_id());
    const Bytes bytes = serialize_frame(*frame);
    DATT_FUZZ_CHECK(bytes == Bytes(input.begin(), input.end()));
    auto again = parse_frame(bytes);
    DATT_FUZZ_CHECK(again.ok());
    DATT_FUZZ_CHECK(serialize_frame(*again) == bytes);
    if (const auto* add = std::get_if<UpdateAddHtlc>(&frame->message())) check_hop(add->onion_routing_packet);
    check_attach(data, size, &*frame);
    return 0;
}
