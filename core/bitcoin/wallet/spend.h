// The inputs a Datt wallet spends: what each needs to be signed, its size as signed, and
// its witness.
//
//   kind               output spent                        witness (bottom item first)
//   kP2wpkh            OP_0 <HASH160(key)> (a BIP-84 key)   <sig> <key>
//   kMultisig2of2      P2WSH of funding_2of2_script         <> <sig for key 1> <sig for key 2>
//   <script> kTimelock          P2WSH of cltv_script or csv_script   <sig> <script>
//   kHashLockPreimage  P2WSH of hash_lock_script            <sig> <preimage> 0x01 <script>
//   kHashLockTimeout   P2WSH of hash_lock_script            <sig> <> <script>
// (script_templates.h has the scripts.) The empty first item of the 2-of-2 witness is
// CHECKMULTISIG's extra pop, which NULLDUMMY requires to be empty; the signatures follow the
// order of the keys in the script (BOLT-3 sorts them), or CHECKMULTISIG fails.
//
// Sizes: a signature is counted at 72 bytes (71 for the largest low-S DER signature, whose
// R may take 33 bytes, plus the sighash byte), so the estimated size of a transaction is
// never below its size once signed (and above it by a byte per signature half of the time,
// when R takes 32 bytes; rarely by two).
//
// Error codes:
//   wallet_input_mismatch     the output script is not the kind's (a P2WSH not of the
//                             witness script, a witness script of another shape, a P2WPKH
//                             kind for another script)
//   wallet_missing_key_path   a kP2wpkh input of the wallet without a derivation path
//   wallet_key_not_in_script  signing with a key the input's script does not name
//   wallet_bad_preimage       a preimage whose SHA-256 is not the script's payment hash
//   wallet_bad_signature      a signature that is not strict DER with a defined hash type
// and sign.h's codes (sign_input_out_of_range).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "bitcoin/amount.h"
#include "bitcoin/sighash.h"
#include "bitcoin/tx.h"
#include "bitcoin/wallet/bip84.h"
#include "crypto/secp256k1.h"
#include "util/bytes.h"
#include "util/result.h"

namespace datt::bitcoin::wallet {

// 71-byte DER (33-byte R, 32-byte low S) + the sighash byte.
inline constexpr size_t kMaxSignatureSize = 72;

enum class SpendKind : uint8_t {
    kP2wpkh = 0,
    kMultisig2of2 = 1,
    kTimelock = 2,
    kHashLockPreimage = 3,
    kHashLockTimeout = 4,
};

// One input of an unsigned transaction: the output it spends and how.
struct InputDescription {
    OutPoint outpoint;
    Sats value;            // of the output spent (BIP-143 signs it)
    Script script_pubkey;  // of the output spent
    SpendKind kind = SpendKind::kP2wpkh;
    // The wallet key of a kP2wpkh input (absent for a P2WPKH key the wallet does not derive).
    std::optional<KeyPath> key_path;
    // The script a P2WSH output commits to (every kind but kP2wpkh); empty for kP2wpkh.
    Script witness_script;

    bool operator==(const InputDescription&) const = default;
};

// The output script is what the kind and witness script say (see wallet_input_mismatch).
[[nodiscard]] Status check_input(const InputDescription& input);

// The sizes of the witness items at their largest, the witness script included.
std::vector<size_t> max_witness_item_sizes(const InputDescription& input);
// The weight the input adds to a segwit transaction once signed, at most: 4 x 41 bytes
// (outpoint, empty scriptSig, sequence) + its witness.
uint64_t max_input_weight(const InputDescription& input);
// 272 (68 vbytes): a P2WPKH input.
uint64_t p2wpkh_input_weight();
// The weight of an output: 4 x (8 + CompactSize + script).
uint64_t output_weight(const TxOut& output);

// The signature (SIGHASH_ALL, BIP-143) of input `index`: over the P2WPKH script code of
// `key` or over the witness script, which must name the key (wallet_key_not_in_script).
[[nodiscard]] Result<Bytes> sign_input(const Transaction& tx, size_t index,
                                       const InputDescription& input, const crypto::SecretKey& key,
                                       const SighashCache* cache);

// Witnesses, from signatures (each strict DER plus a defined hash type:
// wallet_bad_signature).
[[nodiscard]] Result<std::vector<Bytes>> p2wpkh_witness(ByteSpan signature,
                                                        const crypto::PubKey& key);
// Each signature goes with its key; they are put in the script's key order.
struct KeySignature {
    crypto::PubKey key;
    Bytes signature;
};
[[nodiscard]] Result<std::vector<Bytes>> multisig_2of2_witness(const InputDescription& input,
                                                               const KeySignature& first,
                                                               const KeySignature& second);
[[nodiscard]] Result<std::vector<Bytes>> timelock_witness(const InputDescription& input,
                                                          ByteSpan signature);
[[nodiscard]] Result<std::vector<Bytes>> hash_lock_preimage_witness(const InputDescription& input,
                                                                    ByteSpan signature,
                                                                    const Hash256& preimage);
[[nodiscard]] Result<std::vector<Bytes>> hash_lock_timeout_witness(const InputDescription& input,
                                                                   ByteSpan signature);

}  // namespace datt::bitcoin::wallet
