// BOLT-3 witness scripts of a commitment transaction's outputs (no option_anchors: Datt
// channels are static_remotekey, whose to_remote output is a plain P2WPKH). Each is the
// witness script of a P2WSH output; pushes are minimal (bitcoin/script.h).
//
//   to_local (also the output of HTLC-success and HTLC-timeout transactions):
//     OP_IF <revocationpubkey>
//     OP_ELSE <to_self_delay> OP_CHECKSEQUENCEVERIFY OP_DROP <local_delayedpubkey>
//     OP_ENDIF OP_CHECKSIG
//
//   offered HTLC (the commitment's owner pays; the remote side claims with the preimage):
//     OP_DUP OP_HASH160 <RIPEMD160(SHA256(revocationpubkey))> OP_EQUAL
//     OP_IF OP_CHECKSIG
//     OP_ELSE <remote_htlcpubkey> OP_SWAP OP_SIZE 32 OP_EQUAL
//         OP_NOTIF OP_DROP 2 OP_SWAP <local_htlcpubkey> 2 OP_CHECKMULTISIG   (HTLC-timeout tx)
//         OP_ELSE OP_HASH160 <RIPEMD160(payment_hash)> OP_EQUALVERIFY OP_CHECKSIG
//         OP_ENDIF
//     OP_ENDIF
//
//   received HTLC (the owner is paid with the preimage; the remote side gets it back later):
//     OP_DUP OP_HASH160 <RIPEMD160(SHA256(revocationpubkey))> OP_EQUAL
//     OP_IF OP_CHECKSIG
//     OP_ELSE <remote_htlcpubkey> OP_SWAP OP_SIZE 32 OP_EQUAL
//         OP_IF OP_HASH160 <RIPEMD160(payment_hash)> OP_EQUALVERIFY
//               2 OP_SWAP <local_htlcpubkey> 2 OP_CHECKMULTISIG                (HTLC-success tx)
//         OP_ELSE OP_DROP <cltv_expiry> OP_CHECKLOCKTIMEVERIFY OP_DROP OP_CHECKSIG
//         OP_ENDIF
//     OP_ENDIF
//
// The funding output's 2-of-2 script is bitcoin::funding_2of2_script (script_templates.h).
#pragma once

#include <cstdint>

#include "bitcoin/tx.h"
#include "crypto/secp256k1.h"
#include "util/bytes.h"

namespace datt::channel {

bitcoin::Script to_local_script(const crypto::PubKey& revocation_pubkey, uint16_t to_self_delay,
                                const crypto::PubKey& local_delayed_pubkey);

bitcoin::Script offered_htlc_script(const crypto::PubKey& revocation_pubkey,
                                    const crypto::PubKey& local_htlc_pubkey,
                                    const crypto::PubKey& remote_htlc_pubkey,
                                    const Hash256& payment_hash);

bitcoin::Script received_htlc_script(const crypto::PubKey& revocation_pubkey,
                                     const crypto::PubKey& local_htlc_pubkey,
                                     const crypto::PubKey& remote_htlc_pubkey,
                                     const Hash256& payment_hash, uint32_t cltv_expiry);

}  // namespace datt::channel
