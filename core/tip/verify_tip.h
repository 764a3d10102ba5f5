// SPV verification of a tip (docs/protocol.md "On-chain tips", "Verification"): did the
// payment the tip claims happen, to the author's address, in the client's best chain?
//
// The client passes what it holds itself: its validated header chain (a HeaderChainState,
// core/bitcoin/header_chain.h) and the headers of that chain from the block holding the
// payment up to its tip (read from its header store at the proof's height onwards), plus
// what it fetched: the raw transaction and the merkle proof (`gettxoutproof` bytes, the
// bridge's `BTC proof`). The headers are tied to the validated tip by hash linkage: each
// header's prev_block is the previous one's hash and the last one hashes to the tip, so
// they are that chain's blocks (finding others would take a SHA-256d second preimage).
// Cost: one SHA-256d per header given, one per merkle node, the transaction's txid.
//
// Verdicts, checked in this order (the first that applies):
//   invalid  tip_wrong_network           the tip's network is not `network`, or `chain` is
//                                        another network's chain
//            tip_tx_invalid              the transaction does not parse
//            tip_txid_mismatch           its txid is not the tip's
//            tip_vout_out_of_range       it has no output vout
//            tip_wrong_address           output vout does not pay the payout address
//            tip_amount_mismatch         output vout does not carry exactly the tip's sats
//            tip_no_commitment           no OP_RETURN output with the commitment (commitment.h)
//   pending  tip_unconfirmed             no merkle proof given
//   invalid  tip_proof_invalid           the proof does not parse or its root is not its
//                                        header's (message: the merkle code)
//            tip_proof_wrong_tx          the proof does not prove this txid
//   pending  tip_not_in_chain            the first header given is not the proof's block:
//                                        not in the client's best chain (or none given)
//            tip_chain_broken            the headers do not link up to the chain's tip, or
//                                        are more than the chain holds
//            tip_too_few_confirmations   fewer than min_confirmations headers
//   verified                             confirmations = headers given (the block and the
//                                        ones on top of it), height = the block's height
// An invalid tip never becomes valid; a pending one may become verified (a proof, more
// headers), and a verified one pending after a reorganization. Only verified tips count.
#pragma once

#include <cstdint>
#include <optional>
#include <span>

#include "bitcoin/header.h"
#include "bitcoin/header_chain.h"
#include "bitcoin/network.h"
#include "tip/tip.h"
#include "util/bytes.h"
#include "util/result.h"

namespace datt::tip {

enum class TipStatus {
    kVerified,  // paid to the author, in the client's best chain, deep enough
    kPending,   // not (yet) provable: unconfirmed, not in the best chain, too shallow
    kInvalid,   // provably not the payment it claims
};

struct TipEvidence {
    ByteSpan transaction;                  // the raw transaction (any serialization)
    std::optional<ByteSpan> merkle_block;  // gettxoutproof bytes; nullopt when unconfirmed
    std::span<const bitcoin::BlockHeader> headers_to_tip;  // from the proof's block to the tip
};

struct TipVerdict {
    TipStatus status = TipStatus::kPending;
    std::optional<Error> reason;  // set unless verified
    uint32_t confirmations = 0;   // when verified, or pending for too few confirmations
    uint32_t height = 0;          // the block's height, likewise
    Hash256 block_hash{};         // the proof's block (internal order), once the proof is valid
};

[[nodiscard]] TipVerdict verify_tip(const bitcoin::Network& network,
                                    const bitcoin::HeaderChainState& chain, const Tip& tip,
                                    const TipEvidence& evidence, uint32_t min_confirmations = 1);

}  // namespace datt::tip
