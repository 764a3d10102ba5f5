// Signatures of a channel's transactions: the funding input of a commitment transaction and
// the commitment-output input of an HTLC transaction. Both are ECDSA over the BIP-143
// sighash with SIGHASH_ALL (no option_anchors), RFC 6979 nonces (libsecp256k1), so the same
// key and transaction always give the same signature: BOLT-3's vectors reproduce byte for
// byte. BOLT-2 messages carry them as 64-byte compact signatures (crypto::EcdsaSignature);
// the witness writes them in DER with the sighash byte.
//
//   commitment witness: 0 <sig of the first funding key> <sig of the second> <funding script>
//   (the keys in the 2-of-2 script's order: their compressed bytes sorted)
#pragma once

#include <vector>

#include "bitcoin/amount.h"
#include "bitcoin/tx.h"
#include "channel/commitment_tx.h"
#include "channel/htlc_tx.h"
#include "crypto/ecdsa.h"
#include "crypto/secp256k1.h"
#include "util/bytes.h"

namespace datt::channel {

// The funding input (input 0) of a commitment transaction, spending `funding_amount` locked
// by `funding_script` (bitcoin::funding_2of2_script of the two funding keys).
crypto::EcdsaSignature sign_commitment(const CommitmentTx& commitment, ByteSpan funding_script,
                                       bitcoin::Sats funding_amount,
                                       const crypto::SecretKey& funding_key);
[[nodiscard]] bool verify_commitment_signature(const CommitmentTx& commitment,
                                               ByteSpan funding_script,
                                               bitcoin::Sats funding_amount,
                                               const crypto::PubKey& funding_pubkey,
                                               const crypto::EcdsaSignature& signature);

// The commitment with its funding witness: ready to broadcast.
bitcoin::Transaction signed_commitment_tx(const CommitmentTx& commitment, ByteSpan funding_script,
                                          const crypto::PubKey& local_funding_pubkey,
                                          const crypto::EcdsaSignature& local_signature,
                                          const crypto::PubKey& remote_funding_pubkey,
                                          const crypto::EcdsaSignature& remote_signature);

// An HTLC transaction's input, with the owner's or the remote's HTLC key
// (derive_privkey of the htlc_basepoint secret).
crypto::EcdsaSignature sign_htlc_tx(const HtlcTx& htlc_tx, const crypto::SecretKey& htlc_key);
[[nodiscard]] bool verify_htlc_signature(const HtlcTx& htlc_tx, const crypto::PubKey& htlc_pubkey,
                                         const crypto::EcdsaSignature& signature);

}  // namespace datt::channel
