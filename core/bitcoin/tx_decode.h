// A transaction described as Bitcoin Core's `decoderawtransaction` describes it (its
// TxToUniv, Core 28): the values every shell prints, so that the CLI's JSON and the wasm
// API's object have Core's shape and content, byte for byte where Core's is text.
//
//   {txid, hash (wtxid), version, size, vsize, weight, locktime,
//    vin:  [{txid, vout, scriptSig: {asm, hex}, txinwitness?: [hex], sequence}]
//          (a coinbase input: {coinbase: hex, txinwitness?, sequence}),
//    vout: [{value (BTC), n, scriptPubKey: {asm, desc, hex, address?, type}}]}
//
// Hashes are in display order (display_hash.h); version is printed unsigned (Core since
// v27); scriptSig asm decodes signature hash types, scriptPubKey asm does not
// (script_asm.h); desc is descriptor.h's; address is on the given network and present when
// Core's ExtractDestination gives one (not for pubkey, multisig, nulldata, nonstandard);
// type is script_solver.h's name. Values outside the money range (a parsed transaction may
// carry any int64) are described as they are, as Core does.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "bitcoin/amount.h"
#include "bitcoin/network.h"
#include "bitcoin/tx.h"

namespace datt::bitcoin {

struct DecodedScriptSig {
    std::string asm_text;
    std::string hex;
};

struct DecodedInput {
    bool coinbase = false;
    std::string txid;  // empty for a coinbase input
    uint32_t vout = 0;
    DecodedScriptSig script_sig;  // for a coinbase, hex is the "coinbase" member
    std::optional<std::vector<std::string>> witness;  // hex items; absent when empty
    uint32_t sequence = 0;
};

struct DecodedScriptPubKey {
    std::string asm_text;
    std::string descriptor;
    std::string hex;
    std::optional<std::string> address;
    std::string type;
};

struct DecodedOutput {
    Sats value;
    uint32_t n = 0;
    DecodedScriptPubKey script_pubkey;
};

struct DecodedTransaction {
    std::string txid;
    std::string hash;
    uint32_t version = 0;
    size_t size = 0;
    size_t vsize = 0;
    size_t weight = 0;
    uint32_t locktime = 0;
    std::vector<DecodedInput> vin;
    std::vector<DecodedOutput> vout;
};

DecodedTransaction decode_transaction(const Transaction& tx, const Network& network);
DecodedScriptPubKey decode_script_pubkey(ByteSpan script_pubkey, const Network& network);

// Core's ValueFromAmount: an amount as BTC with exactly 8 decimals ("0.00010000",
// "-1.50000000"): the JSON number text Core prints for "value".
std::string format_btc(Sats amount);

}  // namespace datt::bitcoin
