// Attaching a stored channel to a connection (docs/protocol.md "Attaching a channel"): the
// hub gives each connection a fresh random 32-byte challenge (hub_challenge); a client
// attaches a channel only with channel_attach, an ECDSA signature by the client's funding
// key (the one in the channel's funding script) over
//
//   digest = TaggedHash("datt/channel_attach")(challenge || channel_id || hub_funding_pubkey)
//
// (BIP-340 tagged hash; hub_funding_pubkey is the hub's 33-byte compressed funding key of
// that channel). Knowing a channel_id is not enough, a signature made for one connection's
// challenge is useless on another, and one made for one hub cannot attach at another.
// Low-S only (as BOLT signatures). Pure: the challenge's randomness comes from the caller.
#pragma once

#include "channel/channel_state.h"
#include "channel/messages.h"
#include "crypto/ecdsa.h"
#include "crypto/secp256k1.h"
#include "util/bytes.h"
#include "util/result.h"

namespace datt::channel {

Hash256 attach_digest(const Hash256& challenge, const ChannelId& channel_id,
                      const crypto::PubKey& hub_funding_pubkey);

// The client's channel_attach for its channel `c` (it must know the hub's funding key).
// Error: channel_wrong_phase (the channel has no id or no remote funding key yet).
[[nodiscard]] Result<ChannelAttach> make_channel_attach(const Channel& c, const ChannelSecrets& secrets,
                                                        const Hash256& challenge);

// The hub's check of a channel_attach for its channel `c` under the connection's challenge.
// Errors: hub_attach_wrong_channel (the message is for another channel),
// hub_attach_bad_signature (not the client's funding key over this challenge).
[[nodiscard]] Status verify_channel_attach(const Channel& c, const Hash256& challenge,
                                           const ChannelAttach& attach);

}  // namespace datt::channel
