// What kind of output a scriptPubKey is, by Bitcoin Core's rules (its Solver()), with the
// names Core's RPCs print as scriptPubKey "type". This is how other software reads an
// output; script_templates.h's classify() is Datt's own, stricter recognition (minimal
// pushes only, keys that parse, OP_RETURN within the 80-byte relay limit), used to decide
// what Datt builds and spends.
//
// Core's rules, in its order:
//   scripthash             OP_HASH160 <20> OP_EQUAL, exactly 23 bytes
//   witness_v0_keyhash     OP_0 <20>           witness_v0_scripthash  OP_0 <32>
//   witness_v1_taproot     OP_1 <32>           anchor                 OP_1 <4e73> (P2A)
//   witness_unknown        OP_1..OP_16 <2..40 bytes> otherwise (v0 of another size:
//                          nonstandard)
//   nulldata               OP_RETURN then only pushes (any number, any size)
//   pubkey                 <33 or 65 bytes whose first byte fits the size> OP_CHECKSIG
//   pubkeyhash             OP_DUP OP_HASH160 <20> OP_EQUALVERIFY OP_CHECKSIG
//   multisig               <m> <key>... <n> OP_CHECKMULTISIG: 1 <= m <= n <= 20, keys of a
//                          valid size (not checked on the curve), m and n minimal numbers
//   nonstandard            anything else
#pragma once

#include <string_view>
#include <vector>

#include "util/bytes.h"

namespace datt::bitcoin {

enum class TxoutType {
    kNonStandard,
    kAnchor,
    kPubkey,
    kPubkeyHash,
    kScriptHash,
    kMultisig,
    kNullData,
    kWitnessV0KeyHash,
    kWitnessV0ScriptHash,
    kWitnessV1Taproot,
    kWitnessUnknown,
};

struct SolvedScript {
    TxoutType type = TxoutType::kNonStandard;
    // Core's vSolutions: the key (pubkey), the hash or witness program (pubkeyhash,
    // scripthash, witness v0/v1), {version} + program (witness_unknown), {m} + keys + {n}
    // (multisig); empty otherwise.
    std::vector<Bytes> solutions;
};

SolvedScript solve_script(ByteSpan script_pubkey);

// "nonstandard", "anchor", "pubkey", "pubkeyhash", "scripthash", "multisig", "nulldata",
// "witness_v0_keyhash", "witness_v0_scripthash", "witness_v1_taproot", "witness_unknown".
std::string_view txout_type_name(TxoutType type);

// Core's CPubKey::ValidSize: 33 bytes starting 02/03, or 65 starting 04/06/07.
bool is_valid_pubkey_size(ByteSpan key);

}  // namespace datt::bitcoin
