#include "channel/channel_frame.h"

#include <algorithm>
#include <string>
#include <type_traits>

namespace datt::channel {

ChannelId message_channel_id(const Message& message) {
    return std::visit(
        [](const auto& m) -> ChannelId {
            using T = std::decay_t<decltype(m)>;
            if constexpr (std::is_same_v<T, OpenChannel> || std::is_same_v<T, AcceptChannel> ||
                          std::is_same_v<T, FundingCreated>) {
                return m.temporary_channel_id;
            } else {
                return m.channel_id;
            }
        },
        message);
}

Result<ChannelFrame> parse_frame(ByteSpan bytes) {
    if (bytes.size() < kMinFrameSize) {
        return make_error("frame_truncated", "a channel frame is at least " +
                                                 std::to_string(kMinFrameSize) + " bytes, got " +
                                                 std::to_string(bytes.size()));
    }
    if (bytes.size() > kMaxFrameSize) {
        return make_error("frame_too_large", "a channel frame is at most " +
                                                 std::to_string(kMaxFrameSize) + " bytes, got " +
                                                 std::to_string(bytes.size()));
    }
    if (bytes[0] != kFrameVersion) {
        return make_error("frame_bad_version",
                          "channel frame version " + std::to_string(bytes[0]) + " (expected 1)");
    }
    ChannelId id;
    std::copy_n(bytes.begin() + 1, id.size(), id.begin());
    auto message = parse_message(bytes.subspan(kFrameHeaderSize));
    if (!message) return message.error();
    if (message_channel_id(*message) != id) {
        return make_error("frame_channel_id_mismatch",
                          "the frame's channel_id is not the one in its message");
    }
    return ChannelFrame(id, std::move(*message));
}

ChannelFrame make_frame(Message message) {
    const ChannelId id = message_channel_id(message);
    return ChannelFrame(id, std::move(message));
}

Bytes serialize_frame(const ChannelFrame& frame) {
    const Bytes message = serialize_message(frame.message());
    Bytes out;
    out.reserve(kFrameHeaderSize + message.size());
    out.push_back(kFrameVersion);
    out.insert(out.end(), frame.channel_id().begin(), frame.channel_id().end());
    out.insert(out.end(), message.begin(), message.end());
    return out;
}

Bytes frame_bytes(const Message& message) { return serialize_frame(make_frame(message)); }

}  // namespace datt::channel
