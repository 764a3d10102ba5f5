// Signature hashes: the digest an input's ECDSA signature commits to.
//
// Legacy (pre-segwit, Bitcoin Core's SignatureHash for SigVersion::BASE), byte for byte,
// quirks included:
//   - the script code is written without its OP_CODESEPARATORs; if a push in it is
//     truncated, Core's writer stops at the point its reader stopped while the length prefix
//     still counts every byte: reproduced, since such scripts can be signed for;
//   - input_index >= number of inputs, or SIGHASH_SINGLE with input_index >= number of
//     outputs, gives the "hash of one" 0100..00 (the SIGHASH_SINGLE bug) instead of failing;
//   - the full 32-bit hash type is appended to the preimage (only its low 5 bits and 0x80
//     select the behaviour): NONE is (type & 0x1f) == 2, SINGLE is == 3, anything else ALL.
// The signature itself is not removed here: the interpreter's FindAndDelete does that.
//
// BIP-143 (segwit v0): the preimage of version, hashPrevouts, hashSequence, the outpoint,
// the script code as given, the amount, nSequence, hashOutputs, lock time and hash type.
// SighashCache holds the three transaction-wide hashes, computed once, so that signing or
// verifying every input of a large transaction costs O(size) rather than O(inputs * size).
#pragma once

#include <cstddef>
#include <cstdint>

#include "bitcoin/amount.h"
#include "bitcoin/tx.h"
#include "util/bytes.h"

namespace datt::bitcoin {

// Hash types (the byte after a DER signature).
enum SighashType : uint8_t {
    kSighashAll = 0x01,
    kSighashNone = 0x02,
    kSighashSingle = 0x03,
    kSighashAnyoneCanPay = 0x80,
};

// The transaction-wide BIP-143 hashes: SHA-256d of all prevouts, of all sequences and of
// all outputs (ALL/SINGLE/NONE and ANYONECANPAY choose which are used, per input).
struct SighashCache {
    Hash256 hash_prevouts{};
    Hash256 hash_sequence{};
    Hash256 hash_outputs{};
};
SighashCache make_sighash_cache(const Transaction& tx);

// `hash_type` is the whole 32-bit value the preimage carries (a signature's last byte, or
// any int in Core's sighash.json vectors).
Hash256 legacy_sighash(const Transaction& tx, size_t input_index, ByteSpan script_code,
                       int32_t hash_type);

// BIP-143. input_index must be < tx.inputs.size() (the interpreter only asks for its own
// input). `cache` may be null: the hashes are then computed for this call.
Hash256 segwit_v0_sighash(const Transaction& tx, size_t input_index, ByteSpan script_code,
                          Sats amount, int32_t hash_type, const SighashCache* cache);

}  // namespace datt::bitcoin
