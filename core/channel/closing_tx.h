// BOLT-3 "Closing Transaction": the cooperative close, spending the funding output to the
// two shutdown scripts.
//
//   version 2, lock time 0; one input: the funding outpoint, sequence 0xFFFFFFFF;
//   outputs: each side's balance rounded down to whole satoshis, the funder's less
//   fee_satoshis; an output below dust_limit is left out (its value goes to the fee);
//   sorted by value then scriptPubKey (BIP-69).
// Witness: 0 <sig> <sig> <funding script>, keys in the 2-of-2 script's order (SIGHASH_ALL).
// Choice: dust_limit is the larger of the two sides' dust_limit_satoshis, so both build the
// same transaction (BOLT-3 lets each use its own and the receiver try both variants).
//
// Error code: channel_closing_fee_too_high (the fee is negative or above the funder's
// balance).
#pragma once

#include "bitcoin/amount.h"
#include "bitcoin/tx.h"
#include "channel/commitment_tx.h"
#include "crypto/ecdsa.h"
#include "crypto/secp256k1.h"
#include "util/bytes.h"
#include "util/result.h"

namespace datt::channel {

struct ClosingTxSpec {
    bitcoin::OutPoint funding_outpoint;
    Side funder = Side::kLocal;
    bitcoin::Msats local_balance;
    bitcoin::Msats remote_balance;
    bitcoin::Script local_script;
    bitcoin::Script remote_script;
    bitcoin::Sats dust_limit;
    bitcoin::Sats fee;
};

[[nodiscard]] Result<bitcoin::Transaction> build_closing_tx(const ClosingTxSpec& spec);

// Signatures of the funding input (input 0) of any transaction spending the funding
// output: the closing transaction here.
crypto::EcdsaSignature sign_funding_spend(const bitcoin::Transaction& tx, ByteSpan funding_script,
                                          bitcoin::Sats funding_amount,
                                          const crypto::SecretKey& funding_key);
[[nodiscard]] bool verify_funding_spend(const bitcoin::Transaction& tx, ByteSpan funding_script,
                                        bitcoin::Sats funding_amount,
                                        const crypto::PubKey& funding_pubkey,
                                        const crypto::EcdsaSignature& signature);

}  // namespace datt::channel
