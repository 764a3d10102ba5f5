// Standard output scripts and the script shapes Datt spends, with their recognition.
//
// Each builder writes minimal pushes (script.h), each matcher accepts exactly the bytes its
// builder writes (match_x(build_x(...)) gives the inputs back) and nothing else, so a
// recognised script is always one Datt could have built.
//
//   P2PKH      OP_DUP OP_HASH160 <20> OP_EQUALVERIFY OP_CHECKSIG
//   P2SH       OP_HASH160 <20> OP_EQUAL                                   (BIP-16)
//   P2WPKH     OP_0 <20>                                                   (BIP-141)
//   P2WSH      OP_0 <32: SHA-256 of the witness script>                    (BIP-141)
//   multisig   <m> <key>... <n> OP_CHECKMULTISIG, 1 <= m <= n <= 20; bare (standard for
//              n <= 3) or as a P2WSH witness script
//   2-of-2     OP_2 <key1> <key2> OP_2 OP_CHECKMULTISIG, compressed keys sorted by their
//              bytes (BOLT-3's funding output script)
//   OP_RETURN  OP_RETURN <data>, data <= 80 bytes (the relay policy's 83-byte script limit)
//   CLTV lock  <lock_time> OP_CHECKLOCKTIMEVERIFY OP_DROP <key> OP_CHECKSIG   (BIP-65)
//   CSV lock   <sequence> OP_CHECKSEQUENCEVERIFY OP_DROP <key> OP_CHECKSIG    (BIP-112)
//   hash lock  OP_IF OP_SIZE 32 OP_EQUALVERIFY OP_HASH160 <RIPEMD160(payment_hash)>
//                    OP_EQUALVERIFY <recipient>
//              OP_ELSE <lock_time> OP_CHECKLOCKTIMEVERIFY OP_DROP <refund>
//              OP_ENDIF OP_CHECKSIG
//              The preimage branch takes a 32-byte preimage whose SHA-256 is payment_hash
//              and commits to it as BOLT-3's HTLC scripts do (HASH160 of the preimage ==
//              RIPEMD160 of the payment hash); the refund branch opens at lock_time.
//              Witness: <sig> <preimage> 0x01 for the first, <sig> <empty> for the second.
//
// Keys are written in the encoding they were parsed from (funding_2of2_script and
// p2wpkh_script always compress). Inside P2WSH only compressed keys are standard
// (WITNESS_PUBKEYTYPE): pass compressed keys for anything spent by segwit.
//
// Error codes: script_bad_multisig (m or n out of range), script_op_return_too_large,
// script_csv_disabled (the sequence has BIP-68's disable bit: CSV would not lock).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "bitcoin/tx.h"
#include "crypto/secp256k1.h"
#include "util/bytes.h"
#include "util/result.h"

namespace datt::bitcoin {

using Hash160 = ByteArray<20>;

inline constexpr size_t kMaxOpReturnData = 80;
inline constexpr uint32_t kSequenceLockTimeDisableFlag = 1u << 31;

enum class ScriptType {
    kNonStandard,     // none of the below
    kP2pk,            // <key> OP_CHECKSIG
    kP2pkh,
    kP2sh,
    kMultisig,        // bare multisig
    kNullData,        // OP_RETURN with at most one push of <= 80 bytes
    kP2wpkh,
    kP2wsh,
    kWitnessUnknown,  // another witness program (v1 taproot included: Datt does not spend it)
};
// What kind of output script this is (Bitcoin Core's Solver, for the types above).
ScriptType classify(ByteSpan script_pubkey);

Script p2pkh_script(const Hash160& pubkey_hash);
Script p2pkh_script(const crypto::PubKey& key);  // HASH160 of the key's bytes as parsed
Script p2sh_script(const Hash160& script_hash);
Script p2sh_script_for(ByteSpan redeem_script);
Script p2wpkh_script(const Hash160& pubkey_hash);
Script p2wpkh_script(const crypto::PubKey& key);  // of the compressed key (BIP-143)
Script p2wsh_script(const Hash256& script_sha256);
Script p2wsh_script_for(ByteSpan witness_script);

std::optional<Hash160> match_p2pkh(ByteSpan script);
std::optional<Hash160> match_p2sh(ByteSpan script);
std::optional<Hash160> match_p2wpkh(ByteSpan script);
std::optional<Hash256> match_p2wsh(ByteSpan script);

struct Multisig {
    int required = 0;
    std::vector<crypto::PubKey> keys;
};
[[nodiscard]] Result<Script> multisig_script(int required, std::span<const crypto::PubKey> keys);
// Keys that do not parse as public keys make the script non-standard: nullopt.
std::optional<Multisig> match_multisig(ByteSpan script);

// The 2-of-2 funding script of a BOLT-3 channel: compressed keys, sorted.
Script funding_2of2_script(const crypto::PubKey& a, const crypto::PubKey& b);

[[nodiscard]] Result<Script> op_return_script(ByteSpan data);
// The data of a standard OP_RETURN output (empty for a bare OP_RETURN).
std::optional<Bytes> match_op_return(ByteSpan script);

struct TimelockScript {
    uint32_t lock;  // lock time (CLTV) or BIP-68 relative lock (CSV)
    crypto::PubKey key;
};
Script cltv_script(uint32_t lock_time, const crypto::PubKey& key);
[[nodiscard]] Result<Script> csv_script(uint32_t sequence, const crypto::PubKey& key);
std::optional<TimelockScript> match_cltv(ByteSpan script);
std::optional<TimelockScript> match_csv(ByteSpan script);

struct HashLockScript {
    Hash160 payment_hash160;  // RIPEMD160(payment_hash)
    crypto::PubKey recipient;
    uint32_t refund_lock_time;
    crypto::PubKey refund;
};
Script hash_lock_script(const Hash256& payment_hash, const crypto::PubKey& recipient,
                        uint32_t refund_lock_time, const crypto::PubKey& refund);
std::optional<HashLockScript> match_hash_lock(ByteSpan script);

}  // namespace datt::bitcoin
