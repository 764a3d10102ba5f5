// BOLT-3 "HTLC-Timeout and HTLC-Success Transactions" (no option_anchors): the second-stage
// transactions that spend an HTLC output of the owner's commitment transaction, so that the
// owner's claim on it waits to_self_delay like to_local does.
//
//   version 2; one input: the commitment's HTLC output, sequence 0;
//   lock time: cltv_expiry for HTLC-timeout (offered HTLCs), 0 for HTLC-success (received);
//   one output: P2WSH(to_local_script(revocation, to_self_delay, local_delayed)) of the HTLC
//   amount in whole satoshis less htlc_timeout_fee / htlc_success_fee (commitment_fees.h).
//   Witness: 0 <remotehtlcsig> <localhtlcsig> <payment_preimage> (success) or
//            0 <remotehtlcsig> <localhtlcsig> <> (timeout), then the HTLC witness script;
//   both signatures SIGHASH_ALL over BIP-143 with the HTLC output's amount.
// The remote side signs these in commitment_signed (one signature per HTLC output, in the
// commitment's output order), so the owner can publish them without asking again.
//
// Error code: channel_not_an_htlc_output (the output index is not an HTLC output of the
// commitment).
#pragma once

#include <cstddef>
#include <vector>

#include "bitcoin/amount.h"
#include "bitcoin/tx.h"
#include "channel/commitment_tx.h"
#include "crypto/ecdsa.h"
#include "util/bytes.h"
#include "util/result.h"

namespace datt::channel {

struct HtlcTx {
    bitcoin::Transaction tx;         // unsigned
    CommitmentOutputKind kind;       // kOfferedHtlc (timeout) or kReceivedHtlc (success)
    size_t htlc_index = 0;           // into CommitmentSpec::htlcs
    bitcoin::Script witness_script;  // the HTLC output's script, signed over
    bitcoin::Sats input_amount;      // the HTLC output's value, signed over
};

// The HTLC transaction spending output `output_index` of `commitment` (built from `spec`).
[[nodiscard]] Result<HtlcTx> build_htlc_tx(const CommitmentTx& commitment,
                                           const CommitmentSpec& spec, size_t output_index);

// One per HTLC output of the commitment, in output order (the order of htlc_signatures in
// commitment_signed).
[[nodiscard]] Result<std::vector<HtlcTx>> build_htlc_txs(const CommitmentTx& commitment,
                                                         const CommitmentSpec& spec);

// The witness for an HTLC-success transaction (needs the preimage) and an HTLC-timeout one.
std::vector<Bytes> htlc_success_witness(const HtlcTx& htlc_tx,
                                        const crypto::EcdsaSignature& remote_signature,
                                        const crypto::EcdsaSignature& local_signature,
                                        const Hash256& payment_preimage);
std::vector<Bytes> htlc_timeout_witness(const HtlcTx& htlc_tx,
                                        const crypto::EcdsaSignature& remote_signature,
                                        const crypto::EcdsaSignature& local_signature);

}  // namespace datt::channel
