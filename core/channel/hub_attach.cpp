#include "channel/hub_attach.h"

#include "crypto/tagged_hash.h"

namespace datt::channel {

Hash256 attach_digest(const Hash256& challenge, const ChannelId& channel_id,
                      const crypto::PubKey& hub_funding_pubkey) {
    static const crypto::TaggedHash kAttach("datt/channel_attach");
    return kAttach.hasher().write(challenge).write(channel_id).write(hub_funding_pubkey.compressed()).finalize();
}

Result<ChannelAttach> make_channel_attach(const Channel& c, const ChannelSecrets& secrets,
                                          const Hash256& challenge) {
    if (c.channel_id == ChannelId{} || !c.remote_funding_pubkey) {
        return make_error("channel_wrong_phase", "the channel has no id or no hub funding key yet");
    }
    const Hash256 digest = attach_digest(challenge, c.channel_id, *c.remote_funding_pubkey);
    return ChannelAttach{c.channel_id, crypto::ecdsa_sign(secrets.funding_key, digest), {}};
}

Status verify_channel_attach(const Channel& c, const Hash256& challenge, const ChannelAttach& attach) {
    if (attach.channel_id != c.channel_id || c.channel_id == ChannelId{} || !c.remote_funding_pubkey) {
        return make_error("hub_attach_wrong_channel", "channel_attach is for another channel");
    }
    // Our own funding key is the "hub identity" in the digest: the client signed for this hub.
    const Hash256 digest = attach_digest(challenge, c.channel_id, c.local_funding_pubkey);
    if (!crypto::ecdsa_verify(*c.remote_funding_pubkey, digest, attach.signature, crypto::HighS::kReject)) {
        return make_error("hub_attach_bad_signature",
                          "channel_attach is not signed by the channel's funding key over this connection's challenge");
    }
    return Ok{};
}

}  // namespace datt::channel
