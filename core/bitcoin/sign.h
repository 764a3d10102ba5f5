// Signing transaction inputs with ECDSA (libsecp256k1 through core/crypto).
//
// A script signature is a strict-DER ECDSA signature (BIP-66) with the hash type byte
// appended. libsecp256k1 signs with RFC 6979 nonces and always yields low-S (BIP-146), so
// every signature made here passes DERSIG, LOW_S and STRICTENC. Signing is deterministic:
// the same key, transaction and hash type give the same bytes.
//
// Error codes: sign_input_out_of_range, sign_bad_hash_type (not ALL, NONE or SINGLE,
// optionally with ANYONECANPAY: the only types STRICTENC accepts).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "bitcoin/amount.h"
#include "bitcoin/sighash.h"
#include "bitcoin/tx.h"
#include "crypto/secp256k1.h"
#include "util/bytes.h"
#include "util/result.h"

namespace datt::bitcoin {

// DER signature over `sighash` followed by `hash_type`.
[[nodiscard]] Result<Bytes> sign_sighash(const crypto::SecretKey& key, const Hash256& sighash,
                                         uint8_t hash_type);

// A legacy input's signature over `script_code` (the previous output's scriptPubKey, or
// the redeem script for P2SH).
[[nodiscard]] Result<Bytes> sign_legacy_input(const Transaction& tx, size_t input_index,
                                              ByteSpan script_code, const crypto::SecretKey& key,
                                              uint8_t hash_type);

// A segwit v0 input's signature (BIP-143) over `script_code`: for P2WSH the witness
// script, for P2WPKH the P2PKH script of the key hash (p2wpkh_script_code()).
[[nodiscard]] Result<Bytes> sign_segwit_v0_input(const Transaction& tx, size_t input_index,
                                                 ByteSpan script_code, Sats amount,
                                                 const crypto::SecretKey& key, uint8_t hash_type,
                                                 const SighashCache* cache);

// BIP-143's scriptCode for a P2WPKH input: OP_DUP OP_HASH160 <hash> OP_EQUALVERIFY OP_CHECKSIG.
Script p2wpkh_script_code(const crypto::PubKey& key);

// The complete witness [signature, compressed public key] spending a P2WPKH output of
// `amount` locked to `key`.
[[nodiscard]] Result<std::vector<Bytes>> sign_p2wpkh_input(const Transaction& tx,
                                                           size_t input_index, Sats amount,
                                                           const crypto::SecretKey& key,
                                                           uint8_t hash_type,
                                                           const SighashCache* cache);

// The complete scriptSig <signature> <public key> spending a P2PKH output locked to the
// key's compressed form.
[[nodiscard]] Result<Script> sign_p2pkh_input(const Transaction& tx, size_t input_index,
                                              const crypto::SecretKey& key, uint8_t hash_type);

}  // namespace datt::bitcoin
