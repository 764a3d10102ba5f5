#include "channel/funding_check.h"

#include <algorithm>
#include <string>

#include "channel/funding.h"

namespace datt::channel {

Status check_funding_output(const Channel& channel, bitcoin::Sats value, ByteSpan script_pubkey) {
    if (!channel.remote_funding_pubkey || channel.funding_outpoint.txid == Hash256{}) {
        return make_error("channel_funding_not_agreed", "the channel has no funding outpoint yet");
    }
    const bitcoin::TxOut expected =
        funding_output(channel.funding_amount, channel.local_funding_pubkey, *channel.remote_funding_pubkey);
    if (value != expected.value) {
        return make_error("channel_funding_mismatch", "the funding output holds " + std::to_string(value.value()) +
                                                          " sat, the channel was opened for " +
                                                          std::to_string(expected.value.value()) + " sat");
    }
    if (!std::equal(script_pubkey.begin(), script_pubkey.end(), expected.script_pubkey.begin(),
                    expected.script_pubkey.end())) {
        return make_error("channel_funding_mismatch",
                          "the funding output's script is not the P2WSH of the channel's 2-of-2 funding script");
    }
    return Ok{};
}

}  // namespace datt::channel
