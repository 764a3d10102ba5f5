// The relay policy a wallet transaction must meet to be relayed and mined by default nodes
// (Bitcoin Core's policy/policy.h and bcoin 1.0.2's protocol/policy.js agree on these).
//
// Dust (Core's GetDustThreshold / IsDust): an output is dust when its value is below
//   dust_relay_fee x (its serialized size + the size of the input that would spend it),
// the spending input counted as 67 vbytes for a witness program (32 + 4 + 1 + 107/4 + 4: a
// signature and key in the witness) and 148 bytes otherwise. At the default 3 sat/vB a
// P2WPKH output (31 bytes) is dust below 3 x (31 + 67) = 294 sats, a P2WSH output (43 bytes)
// below 330, a P2PKH output (34 bytes) below 546. Unspendable outputs (OP_RETURN, or a script
// over 10,000 bytes) are never dust. bcoin computes the same 294 (three times its 1 sat/vB
// minimum relay fee over the same 98 bytes).
#pragma once

#include <cstddef>

#include "bitcoin/amount.h"
#include "bitcoin/tx.h"
#include "bitcoin/wallet/fee_rate.h"
#include "util/bytes.h"

namespace datt::bitcoin::wallet {

// Core's DUST_RELAY_TX_FEE.
inline constexpr FeeRate kDustRelayFeeRate = FeeRate::sat_per_vb(3);
// Core's DEFAULT_MIN_RELAY_TX_FEE before v29 and bcoin's MIN_RELAY (1,000 sat/kvB): the least
// a transaction must pay to be relayed at all.
inline constexpr FeeRate kMinRelayFeeRate = FeeRate::sat_per_vb(1);
// Core's DEFAULT_INCREMENTAL_RELAY_FEE: what a replacement must add per vbyte of its own size
// (BIP-125 rule 4).
inline constexpr FeeRate kIncrementalRelayFeeRate = FeeRate::sat_per_vb(1);
// Core's MAX_STANDARD_TX_WEIGHT.
inline constexpr size_t kMaxStandardTxWeight = 400'000;

// The least value an output with this script may carry without being dust (0 for an
// unspendable script).
Sats dust_threshold(ByteSpan script_pubkey, FeeRate dust_relay_fee = kDustRelayFeeRate);
// value < dust_threshold(script).
bool is_dust(const TxOut& output, FeeRate dust_relay_fee = kDustRelayFeeRate);

}  // namespace datt::bitcoin::wallet
