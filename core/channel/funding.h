// BOLT-3 "Funding Transaction Output" and BOLT-2 "Definition of channel_id".
//
//   funding output: P2WSH(2 <pubkey1> <pubkey2> 2 OP_CHECKMULTISIG), the two funding keys
//                   compressed and sorted by their bytes (bitcoin::funding_2of2_script)
//   channel_id:     the funding txid (internal byte order) with its last two bytes XORed
//                   with the funding output index, big-endian
#pragma once

#include <cstdint>

#include "bitcoin/amount.h"
#include "bitcoin/tx.h"
#include "crypto/secp256k1.h"
#include "util/bytes.h"

namespace datt::channel {

using ChannelId = ByteArray<32>;

bitcoin::Script funding_witness_script(const crypto::PubKey& local_funding_pubkey,
                                       const crypto::PubKey& remote_funding_pubkey);

bitcoin::TxOut funding_output(bitcoin::Sats amount, const crypto::PubKey& local_funding_pubkey,
                              const crypto::PubKey& remote_funding_pubkey);

ChannelId channel_id_of(const bitcoin::OutPoint& funding_outpoint);

}  // namespace datt::channel
