// What a transaction on chain says about an HTLC, pure (hub/chain_watch.cpp reads the
// transactions that spend its channels' HTLC outputs with it):
//   - spends_htlc: whether one of its inputs spends the HTLC of `payment_hash`: BOLT-3's
//     offered and received HTLC scripts push RIPEMD160(payment_hash), and every spend of
//     them (HTLC-timeout/-success, a claim, a justice input) ends its witness with that
//     script. The hub uses it on its own HTLC-timeout and claim transactions to know which
//     payment they took back;
//   - preimage_in: the preimage of `payment_hash` when one of the witness items is it (the
//     payee's HTLC-success or claim: <sig> <preimage> <script> and the like), so the hub
//     fulfils the payer's HTLC with what the payee revealed on chain.
// Witness bytes are the chain's: any shape is read without failing (an unparsable witness
// script says no).
#pragma once

#include <optional>

#include "bitcoin/tx.h"
#include "util/bytes.h"

namespace datt::relay::hub {

bool spends_htlc(const bitcoin::Transaction& tx, const Hash256& payment_hash);

std::optional<Hash256> preimage_in(const bitcoin::Transaction& tx, const Hash256& payment_hash);

}  // namespace datt::relay::hub
