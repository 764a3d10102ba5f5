// The fundee's check of a funding output the chain shows (BOLT-2 "funding_created": the
// funder alone builds the funding transaction, so the fundee must see that the outpoint it
// signed for really pays the channel): the output at funding_outpoint must be
// P2WSH(funding_witness_script of the two funding keys) with value == funding_amount. An
// output with another value or script cannot be spent by the commitments both sides signed
// (BIP-143 signatures commit to the value), so such a channel must never be used.
//
// Error codes: channel_funding_not_agreed (the channel has no funding yet: no remote funding
// key, or no outpoint), channel_funding_mismatch (value or script differ; the message says
// which, with both values).
#pragma once

#include "bitcoin/amount.h"
#include "channel/channel_state.h"
#include "util/bytes.h"
#include "util/result.h"

namespace datt::channel {

[[nodiscard]] Status check_funding_output(const Channel& channel, bitcoin::Sats value, ByteSpan script_pubkey);

}  // namespace datt::channel
