#include "channel/funding.h"

#include "bitcoin/script_templates.h"

namespace datt::channel {

bitcoin::Script funding_witness_script(const crypto::PubKey& local_funding_pubkey,
                                       const crypto::PubKey& remote_funding_pubkey) {
    return bitcoin::funding_2of2_script(local_funding_pubkey, remote_funding_pubkey);
}

bitcoin::TxOut funding_output(bitcoin::Sats amount, const crypto::PubKey& local_funding_pubkey,
                              const crypto::PubKey& remote_funding_pubkey) {
    return bitcoin::TxOut{amount, bitcoin::p2wsh_script_for(funding_witness_script(
                                      local_funding_pubkey, remote_funding_pubkey))};
}

ChannelId channel_id_of(const bitcoin::OutPoint& funding_outpoint) {
    ChannelId id = funding_outpoint.txid;
    // BOLT-2 writes the txid as it is hashed (the order the wire uses), so the index goes
    // into the last two bytes of those.
    id[30] ^= static_cast<uint8_t>(funding_outpoint.index >> 8);
    id[31] ^= static_cast<uint8_t>(funding_outpoint.index & 0xff);
    return id;
}

}  // namespace datt::channel
