// Bitcoin transactions: types, legacy and BIP-144 (segwit) serialization, a strict parser for
// untrusted bytes, txid/wtxid, weight and vsize.
//
// Wire layout (all integers little-endian; CompactSize as in util/varint.h):
//   legacy:  version:u32 | n_in:CS | inputs | n_out:CS | outputs | lock_time:u32
//   BIP-144: version:u32 | 0x00 (marker) | 0x01 (flag) | n_in:CS | inputs | n_out:CS | outputs
//            | one witness per input | lock_time:u32
//   input:   prev_txid:32 | prev_index:u32 | script_sig_len:CS | script_sig | sequence:u32
//   output:  value:i64 | script_pubkey_len:CS | script_pubkey
//   witness: n_items:CS | (item_len:CS | item)*
//
// The parser follows Bitcoin Core's UnserializeTransaction exactly, and rejects what Core
// rejects: after an empty input list the next byte is read as the flag; a flag other than 1
// is "Unknown transaction optional data"; flag 1 with every witness empty is "Superfluous
// witness record". A zero-input transaction therefore reads as "version 00 00 lock_time" with
// no outputs (the ambiguity is Core's too). Every count read from the wire is checked against
// the bytes that remain before anything is reserved, so hostile counts cannot allocate.
//
// Error codes (Error::code) of parse_transaction():
//   tx_too_large                 the input is over kMaxTransactionSize bytes
//   tx_truncated                 the bytes end inside the transaction
//   tx_non_canonical_compact_size a count or length is not in its shortest CompactSize form
//   tx_count_too_large           a count or length is above Core's MAX_SIZE, or more than the
//                                remaining bytes could hold
//   tx_unknown_flag              the segwit flag byte is not 0x01 (Core: "Unknown transaction
//                                optional data")
//   tx_superfluous_witness       the flag says witness but every witness is empty
//   tx_trailing_bytes            bytes follow the lock time
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "bitcoin/amount.h"
#include "bitcoin/display_hash.h"  // to_display_hex / from_display_hex for txids
#include "util/bytes.h"
#include "util/result.h"

namespace datt::bitcoin {

// A script is a byte string; script.h reads it as operations.
using Script = Bytes;

// Consensus bounds a transaction cannot exceed: 4,000,000 weight units; its serialization
// can never be longer than that (each byte weighs at least 1).
inline constexpr size_t kMaxTransactionSize = 4'000'000;
inline constexpr uint32_t kSequenceFinal = 0xffffffff;

// A hash as Bitcoin stores it: the raw SHA-256d output ("internal byte order"). Explorers
// and RPCs print it byte-reversed: see to_display_hex() (display_hash.h).
struct OutPoint {
    Hash256 txid{};
    uint32_t index = 0;
    bool operator==(const OutPoint&) const = default;
};

struct TxIn {
    OutPoint prevout;
    Script script_sig;
    uint32_t sequence = kSequenceFinal;
    // BIP-141 witness stack, bottom item first; empty when the input has none.
    std::vector<Bytes> witness;
    bool operator==(const TxIn&) const = default;
};

struct TxOut {
    Sats value;
    Script script_pubkey;
    bool operator==(const TxOut&) const = default;
};

struct Transaction {
    // Read and written as 4 bytes; BIP-68 compares it unsigned (Core: uint32_t since v27).
    uint32_t version = 2;
    std::vector<TxIn> inputs;
    std::vector<TxOut> outputs;
    uint32_t lock_time = 0;

    // True when some input has a non-empty witness (then BIP-144 serialization is used).
    bool has_witness() const;
    bool operator==(const Transaction&) const = default;
};

// Strict parse of untrusted bytes (see the error codes above).
[[nodiscard]] Result<Transaction> parse_transaction(ByteSpan bytes);

// BIP-144 serialization when the transaction has a witness, legacy otherwise (as Core).
Bytes serialize(const Transaction& tx);
// Legacy serialization (no marker, flag or witnesses): what the txid hashes.
Bytes serialize_without_witness(const Transaction& tx);

// SHA-256d of the legacy serialization / of serialize() (BIP-141 wtxid).
Hash256 txid(const Transaction& tx);
Hash256 wtxid(const Transaction& tx);

// Sizes without computing a serialization.
size_t base_size(const Transaction& tx);   // legacy serialization
size_t total_size(const Transaction& tx);  // serialize()
// BIP-141: base_size * 3 + total_size; vsize = weight / 4 rounded up.
size_t weight(const Transaction& tx);
size_t vsize(const Transaction& tx);

}  // namespace datt::bitcoin
