#include "channel/channel_state.h"

#include "crypto/sha256.h"

namespace datt::channel {
namespace {

std::optional<crypto::SecretKey> tagged_key(const Hash256& seed, uint8_t tag) {
    Bytes input(seed.begin(), seed.end());
    input.push_back(tag);
    const auto hash = crypto::sha256(input);
    return crypto::SecretKey::from_bytes(hash);
}

}  // namespace

Result<ChannelSecrets> ChannelSecrets::from_seed(const Hash256& channel_seed) {
    const auto funding = tagged_key(channel_seed, 1);
    const auto revocation = tagged_key(channel_seed, 2);
    const auto payment = tagged_key(channel_seed, 3);
    const auto delayed = tagged_key(channel_seed, 4);
    const auto htlc = tagged_key(channel_seed, 5);
    if (!funding || !revocation || !payment || !delayed || !htlc) {
        return make_error("channel_bad_seed", "a key derived from the channel seed is invalid");
    }
    Bytes input(channel_seed.begin(), channel_seed.end());
    input.push_back(6);
    return ChannelSecrets{*funding, *revocation, *payment, *delayed, *htlc, crypto::sha256(input)};
}

ChannelBasepoints ChannelSecrets::basepoints() const {
    return ChannelBasepoints{crypto::pubkey(revocation_basepoint_secret),
                             crypto::pubkey(payment_basepoint_secret),
                             crypto::pubkey(delayed_payment_basepoint_secret),
                             crypto::pubkey(htlc_basepoint_secret)};
}

crypto::PubKey ChannelSecrets::funding_pubkey() const { return crypto::pubkey(funding_key); }

}  // namespace datt::channel
