// The script interpreter: legacy, P2SH (BIP-16) and segwit v0 (BIP-141/143) spending rules
// with Bitcoin Core's verification flags (script_flags.h), failing with Core's errors
// (script_error.h). It follows Core's EvalScript/VerifyScript step for step, including the
// order in which checks fire, because that order decides which error a script gets.
// Taproot and tapscript (witness v1, BIP-341/342) are not implemented: a v1 program is
// "anyone can spend" here, which is what Core does without its TAPROOT flag.
//
// Limits enforced: script 10,000 bytes, 201 non-push operations (multisig keys count),
// stack + altstack 1,000 items, element 520 bytes, 20 keys per multisig.
//
// Pure: signatures, lock times and sequences are checked through a SignatureChecker, which
// TransactionSignatureChecker implements over a transaction, an input index, the amount it
// spends and an optional SighashCache.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "bitcoin/amount.h"
#include "bitcoin/script_error.h"
#include "bitcoin/script_flags.h"
#include "bitcoin/sighash.h"
#include "bitcoin/tx.h"
#include "util/bytes.h"

namespace datt::bitcoin {

enum class SigVersion {
    kBase,       // legacy and P2SH scripts: legacy sighash, FindAndDelete
    kWitnessV0,  // P2WPKH and P2WSH: BIP-143 sighash
};

// What the interpreter asks of the world. The defaults fail, as Core's BaseSignatureChecker.
class SignatureChecker {
  public:
    virtual ~SignatureChecker() = default;
    // `signature` ends with its hash type byte; `script_code` is the part of the script after
    // the last executed OP_CODESEPARATOR (with the signature removed, for kBase).
    virtual bool check_ecdsa_signature(ByteSpan signature, ByteSpan pubkey, ByteSpan script_code,
                                       SigVersion sigversion) const;
    // BIP-65: the operand (0 .. 2^39-1) against the transaction's lock time.
    virtual bool check_lock_time(int64_t lock_time) const;
    // BIP-112: the operand (0 .. 2^39-1) against the input's sequence.
    virtual bool check_sequence(int64_t sequence) const;
};

class TransactionSignatureChecker final : public SignatureChecker {
  public:
    // `tx` and `cache` must outlive the checker; cache may be null (BIP-143 hashes are then
    // computed per signature; pass make_sighash_cache(tx) when checking many inputs).
    TransactionSignatureChecker(const Transaction& tx, size_t input_index, Sats amount,
                                const SighashCache* cache)
        : tx_(tx), input_index_(input_index), amount_(amount), cache_(cache) {}

    bool check_ecdsa_signature(ByteSpan signature, ByteSpan pubkey, ByteSpan script_code,
                               SigVersion sigversion) const override;
    bool check_lock_time(int64_t lock_time) const override;
    bool check_sequence(int64_t sequence) const override;

  private:
    const Transaction& tx_;
    size_t input_index_;
    Sats amount_;
    const SighashCache* cache_;
};

using ScriptStack = std::vector<Bytes>;

// Runs one script on `stack` (Core's EvalScript).
ScriptError eval_script(ScriptStack& stack, ByteSpan script, uint32_t flags,
                        const SignatureChecker& checker, SigVersion sigversion);

// Whether scriptSig (+ witness) satisfies scriptPubKey under `flags` (Core's VerifyScript).
ScriptError verify_script(ByteSpan script_sig, ByteSpan script_pubkey,
                          std::span<const Bytes> witness, uint32_t flags,
                          const SignatureChecker& checker);

// Verifies input `input_index` of `tx` spending an output (script_pubkey, amount).
ScriptError verify_input(const Transaction& tx, size_t input_index, ByteSpan script_pubkey,
                         Sats amount, uint32_t flags, const SighashCache* cache);

// Core's rule for signatures and keys in scripts, exposed for signers and tests.
// BIP-66 strict DER with the hash type byte at the end (IsValidSignatureEncoding).
bool is_valid_signature_encoding(ByteSpan signature_with_hash_type);

}  // namespace datt::bitcoin
