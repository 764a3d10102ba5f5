// BOLT-3 obscured commitment numbers: the 48-bit commitment number, XORed with a factor
// only the two peers know, is split over the commitment transaction's lock time and its
// input's sequence, so that the owner can find the number of a commitment seen on chain
// (to pick the per-commitment secret) while outsiders learn nothing from it.
//
//   factor    = the lower 48 bits of SHA256(payment_basepoint of open_channel
//                                           || payment_basepoint of accept_channel)
//   obscured  = commitment_number XOR factor
//   lock_time = 0x20 << 24 | the lower 24 bits of obscured
//   sequence  = 0x80 << 24 | the upper 24 bits of obscured
// The top bytes make lock_time a past timestamp (no lock) and disable BIP-68 on sequence.
#pragma once

#include <cstdint>
#include <optional>

#include "bitcoin/tx.h"
#include "crypto/secp256k1.h"

namespace datt::channel {

uint64_t commitment_obscuring_factor(const crypto::PubKey& opener_payment_basepoint,
                                     const crypto::PubKey& accepter_payment_basepoint);

struct ObscuredCommitmentNumber {
    uint32_t lock_time = 0;
    uint32_t sequence = 0;
};

// commitment_number must be below 2^48 (callers check: per_commitment_secret.h).
ObscuredCommitmentNumber obscure_commitment_number(uint64_t commitment_number,
                                                   uint64_t obscuring_factor);

// The commitment number a transaction on chain carries, or nullopt when its lock time and
// first input's sequence do not have the commitment's top bytes (not a commitment).
std::optional<uint64_t> commitment_number_of(const bitcoin::Transaction& tx,
                                             uint64_t obscuring_factor);

}  // namespace datt::channel
