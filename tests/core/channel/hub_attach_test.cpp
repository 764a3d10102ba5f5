// channel_attach's signature (channel/hub_attach.h): made by the client's funding key, it
// verifies for the hub only under the same challenge, channel and hub funding key.
#include <gtest/gtest.h>

#include "channel/hub_attach.h"

namespace datt::channel {
namespace {

Hash256 filled(uint8_t fill) {
    Hash256 out{};
    out.fill(fill);
    return out;
}

// The digest binds the challenge, the channel and the hub's funding key: a signature for
// one of them verifies for no other.
TEST(HubAttach, TheSignatureBindsChallengeChannelAndHub) {
    const auto client = ChannelSecrets::from_seed(filled(0x11)).value();
    const auto hub = ChannelSecrets::from_seed(filled(0x12)).value();
    const auto other_hub = ChannelSecrets::from_seed(filled(0x13)).value();
    // The client's view (remote = the hub) and the hub's view (remote = the client).
    Channel client_side(client.basepoints(), client.funding_pubkey());
    client_side.channel_id = filled(0x42);
    client_side.remote_funding_pubkey = hub.funding_pubkey();
    Channel hub_side(hub.basepoints(), hub.funding_pubkey());
    hub_side.channel_id = filled(0x42);
    hub_side.remote_funding_pubkey = client.funding_pubkey();

    const Hash256 challenge = filled(0x09);
    auto attach = make_channel_attach(client_side, client, challenge);
    ASSERT_TRUE(attach.ok());
    EXPECT_TRUE(verify_channel_attach(hub_side, challenge, *attach).ok());
    auto code = [&](const Channel& c, const Hash256& ch, const ChannelAttach& m) {
        auto status = verify_channel_attach(c, ch, m);
        return status ? std::string("ok") : status.error().code;
    };
    EXPECT_EQ(code(hub_side, filled(0x0a), *attach), "hub_attach_bad_signature");
    Channel other_hub_side = hub_side;
    other_hub_side.local_funding_pubkey = other_hub.funding_pubkey();
    EXPECT_EQ(code(other_hub_side, challenge, *attach), "hub_attach_bad_signature");
    ChannelAttach moved = *attach;
    moved.channel_id = filled(0x43);
    EXPECT_EQ(code(hub_side, challenge, moved), "hub_attach_wrong_channel");
    Channel renamed = hub_side;
    renamed.channel_id = filled(0x43);
    EXPECT_EQ(code(renamed, challenge, moved), "hub_attach_bad_signature");
    // Before the channel has the hub's key the client cannot sign.
    Channel early(client.basepoints(), client.funding_pubkey());
    EXPECT_EQ(make_channel_attach(early, client, challenge).error().code, "channel_wrong_phase");
}

}  // namespace
}  // namespace datt::channel
