// The tip commitment: the payment transaction carries an output
//   OP_RETURN <32 bytes>   (script 0x6a 0x20 <32 bytes>, 0 sats)
// whose bytes are the BIP-340 tagged hash
//   tagged_hash("datt/tip", target event id (32 bytes) || payer's x-only pubkey (32 bytes)).
// It ties the payment to one target and one payer, so one payment to an author cannot be
// claimed by several tip events (on several of the author's posts) or by another payer.
#pragma once

#include <optional>

#include "bitcoin/tx.h"
#include "util/bytes.h"

namespace datt::tip {

inline constexpr std::string_view kCommitmentTag = "datt/tip";

Hash256 tip_commitment(const Hash256& target, const ByteArray<32>& payer);

// The 34-byte output script: 6a 20 <tip_commitment(target, payer)>.
Bytes commitment_script(const Hash256& target, const ByteArray<32>& payer);

// Index of the first output of `tx` whose script is commitment_script(target, payer).
std::optional<size_t> find_commitment(const bitcoin::Transaction& tx, const Hash256& target,
                                      const ByteArray<32>& payer);

}  // namespace datt::tip
