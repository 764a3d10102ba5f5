// The output descriptor Bitcoin Core infers for a scriptPubKey when it knows no keys or
// scripts behind it (InferDescriptor with an empty signing provider): what
// `decoderawtransaction` prints as scriptPubKey "desc". Descriptors (BIP-380..386) are not
// parsed here; only this inference and the BIP-380 checksum are.
//
//   pubkey (key not hybrid)          pk(<key hex>)
//   multisig (no hybrid key)         multi(<m>,<key hex>,...)
//   witness_v1_taproot (x-only key on the curve)  rawtr(<x-only key hex>)
//   anything with an address         addr(<address>)        (address.h, on `network`)
//   everything else                  raw(<script hex>)      (OP_RETURN, nonstandard, ...)
// followed by "#" and the 8-character checksum.
#pragma once

#include <string>
#include <string_view>

#include "bitcoin/network.h"
#include "util/bytes.h"

namespace datt::bitcoin {

std::string infer_descriptor(ByteSpan script_pubkey, const Network& network);

// BIP-380's checksum of a descriptor's text (without "#"): 8 characters, or "" when the
// text has a character outside the descriptor character set.
std::string descriptor_checksum(std::string_view descriptor);

}  // namespace datt::bitcoin
