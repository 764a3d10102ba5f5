// What the core/bitcoin bindings (bind_bitcoin*.cpp) share: amounts, networks, transactions,
// scripts and flags between JavaScript values and core types (wasm/README.md "Bitcoin").
//
// Amounts are satoshis. In: a BigInt, or a Number holding a safe integer (every amount up
// to 2^53 - 1 is exact as a Number, and MAX_MONEY is below that); a fraction, NaN, an
// unsafe Number or a string is refused, never rounded. Out: always a BigInt.
// Hashes (txids, block hashes, merkle roots) are hex in display order, as Bitcoin Core's
// RPCs print them; scripts, witnesses, keys, signatures and raw transactions, headers and
// proofs are Uint8Array.
//
// Codes (besides convert.h's and the core's): amount_not_exact, amount_out_of_range,
// out_of_range (an integer field or index outside its range), tx_too_large (a transaction
// object that could not fit in 4,000,000 bytes, refused before anything is built),
// unknown_network, unknown_script_flag, hex_wrong_length / hex_invalid_char (hashes).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <emscripten/val.h>

#include "bitcoin/amount.h"
#include "bitcoin/network.h"
#include "bitcoin/tx.h"
#include "convert.h"
#include "crypto/secp256k1.h"
#include "util/bytes.h"
#include "util/result.h"

namespace datt::wasm {

// Which amounts a parameter takes: any int64 (an output value read back from a parsed
// transaction must round-trip), or only [0, MAX_MONEY] (what is spent or paid).
enum class AmountRange { kAnyInt64, kMoney };

Result<bitcoin::Sats> sats_argument(const val& input, const std::string& name, AmountRange range);
val sats_value(bitcoin::Sats amount);

// An integer in [min, max] from a JS Number.
Result<int64_t> integer_argument(const val& input, const std::string& name, int64_t min, int64_t max);
Result<uint32_t> uint32_argument(const val& input, const std::string& name);

// A network by name ("mainnet", "testnet3"/"testnet", "signet", "regtest",
// "bcoin-regtest"); undefined means mainnet.
Result<bitcoin::Network> network_argument(const val& input);

// A transaction from its bytes (Uint8Array, parsed strictly) or from an object
// {version, locktime, inputs: [{txid, vout, scriptSig?, sequence?, witness?}],
//  outputs: [{value, scriptPubKey}]}.
Result<bitcoin::Transaction> transaction_argument(const val& input);
// The object form above (values as BigInt, txids in display order).
val transaction_value(const bitcoin::Transaction& tx);

// A public key (Uint8Array of 33 or 65 bytes on the curve); code bad_public_key.
Result<crypto::PubKey> public_key_argument(const val& input, const char* name);

// Script flags: an array of Core's names or one comma-separated string ("P2SH,WITNESS");
// "NONE" or "" for none, "STANDARD" and "MANDATORY" for those sets.
Result<uint32_t> script_flags_argument(const val& input);

// An index into an array of `size` elements; code out_of_range.
Result<size_t> index_argument(const val& input, const std::string& name, size_t size);

// An array of Uint8Array (a witness stack); at most `max_items`.
Result<std::vector<Bytes>> bytes_array_argument(const val& input, const std::string& name,
                                                size_t max_items, size_t max_total);
val bytes_array_value(const std::vector<Bytes>& items);

// 64 hex digits in display order (a txid, block hash) as internal bytes; codes
// wrong_type, hex_wrong_length, hex_invalid_char.
Result<Hash256> display_hash_argument(const val& input, const std::string& name);

}  // namespace datt::wasm
