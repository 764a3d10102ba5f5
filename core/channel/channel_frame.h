// The envelope that carries one channel message over the relay's WebSocket, as one binary
// frame (text frames stay NIP-01). docs/protocol.md "Channels" is the contract.
//
// Layout (every frame, either direction):
//   offset  size      field
//   0       1         version: 1
//   1       32        channel_id: the channel's id, or its temporary_channel_id until
//                     funding_created (all zero: every channel of the connection, for errors)
//   33      2..65535  message: one BOLT-1 message (type:u16 | payload), messages.h
// So a frame is 35..65,568 bytes. The channel_id must equal the one inside the message
// (open/accept_channel and funding_created: temporary_channel_id; the others: channel_id):
// the receiver routes on it before running a channel machine and refuses a frame whose two
// ids disagree rather than guess which one was meant.
//
// serialize_frame(parse_frame(b)) == b for every accepted b (messages round-trip exactly).
//
// Error codes (stable):
//   frame_truncated          shorter than the 35-byte minimum
//   frame_too_large          over 65,568 bytes
//   frame_bad_version        the version byte is not 1
//   frame_channel_id_mismatch  the envelope's channel_id is not the message's
//   plus parse_message()'s wire_* and tlv_* codes for the message itself.
#pragma once

#include <cstddef>
#include <cstdint>

#include "channel/funding.h"
#include "channel/messages.h"
#include "util/bytes.h"
#include "util/result.h"

namespace datt::channel {

inline constexpr uint8_t kFrameVersion = 1;
inline constexpr size_t kFrameHeaderSize = 1 + 32;
inline constexpr size_t kMinFrameSize = kFrameHeaderSize + 2;
inline constexpr size_t kMaxFrameSize = kFrameHeaderSize + kMaxMessageSize;

// A frame that parsed: the message is valid and addressed to channel_id. Constructible
// only by parse_frame() or make_frame() (which takes the id from the message).
class ChannelFrame {
  public:
    const ChannelId& channel_id() const { return channel_id_; }
    const Message& message() const { return message_; }

  private:
    ChannelFrame(ChannelId id, Message message) : channel_id_(id), message_(std::move(message)) {}
    friend Result<ChannelFrame> parse_frame(ByteSpan bytes);
    friend ChannelFrame make_frame(Message message);

    ChannelId channel_id_;
    Message message_;
};

// The channel (or temporary) id a message is addressed to.
ChannelId message_channel_id(const Message& message);

[[nodiscard]] Result<ChannelFrame> parse_frame(ByteSpan bytes);
ChannelFrame make_frame(Message message);
Bytes serialize_frame(const ChannelFrame& frame);
// Shorthand: the frame of one message.
Bytes frame_bytes(const Message& message);

}  // namespace datt::channel
