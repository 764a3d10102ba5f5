#include "bitcoin/script_templates.h"

#include <algorithm>
#include <cassert>

#include "bitcoin/opcodes.h"
#include "bitcoin/script.h"
#include "bitcoin/script_num.h"
#include "crypto/ripemd160.h"
#include "crypto/sha256.h"

namespace datt::bitcoin {
namespace {

// Builders below only push keys (<= 65 bytes) and hashes: they cannot fail.
Script built(const ScriptBuilder& builder) {
    auto script = builder.build();
    assert(script.ok());
    return std::move(script).value();
}

template <size_t N>
std::optional<ByteArray<N>> as_array(ByteSpan data) {
    if (data.size() != N) return std::nullopt;
    ByteArray<N> out;
    std::copy(data.begin(), data.end(), out.begin());
    return out;
}

// A number pushed the way ScriptBuilder::push_int writes it, and only that way.
std::optional<int64_t> minimal_number(const ScriptOp& op) {
    if (auto n = small_int_value(op.opcode)) return *n;
    if (op.opcode == OP_1NEGATE) return -1;
    if (!op.is_push() || !is_minimal_push(op)) return std::nullopt;
    auto num = ScriptNum::decode(op.data, true, 5);
    if (!num) return std::nullopt;
    return num->value();
}

std::optional<uint32_t> lock_number(const ScriptOp& op) {
    auto n = minimal_number(op);
    if (!n || *n < 0 || *n > 0xffffffff) return std::nullopt;
    return static_cast<uint32_t>(*n);
}

std::optional<crypto::PubKey> pushed_key(const ScriptOp& op) {
    if (!op.is_push() || !is_minimal_push(op)) return std::nullopt;
    return crypto::PubKey::parse(op.data);
}

bool is_op(const ScriptOp& op, Opcode opcode) { return op.opcode == opcode; }

bool pushes_bytes(const ScriptOp& op, size_t size) {
    return op.is_push() && op.data.size() == size && is_minimal_push(op);
}

std::optional<std::vector<ScriptOp>> ops_of(ByteSpan script) {
    auto ops = parse_script(script);
    if (!ops) return std::nullopt;
    return std::move(ops).value();
}

}  // namespace

Script p2pkh_script(const Hash160& pubkey_hash) {
    return built(ScriptBuilder().op(OP_DUP).op(OP_HASH160).push(pubkey_hash).op(OP_EQUALVERIFY).op(
        OP_CHECKSIG));
}
Script p2pkh_script(const crypto::PubKey& key) { return p2pkh_script(crypto::hash160(key.bytes())); }

Script p2sh_script(const Hash160& script_hash) {
    return built(ScriptBuilder().op(OP_HASH160).push(script_hash).op(OP_EQUAL));
}
Script p2sh_script_for(ByteSpan redeem_script) {
    return p2sh_script(crypto::hash160(redeem_script));
}

Script p2wpkh_script(const Hash160& pubkey_hash) {
    return built(ScriptBuilder().op(OP_0).push(pubkey_hash));
}
Script p2wpkh_script(const crypto::PubKey& key) {
    const auto compressed = key.compressed();
    return p2wpkh_script(crypto::hash160(compressed));
}

Script p2wsh_script(const Hash256& script_sha256) {
    return built(ScriptBuilder().op(OP_0).push(script_sha256));
}
Script p2wsh_script_for(ByteSpan witness_script) {
    return p2wsh_script(crypto::sha256(witness_script));
}

std::optional<Hash160> match_p2pkh(ByteSpan s) {
    if (s.size() != 25 || s[0] != OP_DUP || s[1] != OP_HASH160 || s[2] != 20 ||
        s[23] != OP_EQUALVERIFY || s[24] != OP_CHECKSIG)
        return std::nullopt;
    return as_array<20>(s.subspan(3, 20));
}

std::optional<Hash160> match_p2sh(ByteSpan s) {
    if (!is_p2sh(s)) return std::nullopt;
    return as_array<20>(s.subspan(2, 20));
}

std::optional<Hash160> match_p2wpkh(ByteSpan s) {
    if (s.size() != 22 || s[0] != OP_0 || s[1] != 20) return std::nullopt;
    return as_array<20>(s.subspan(2));
}

std::optional<Hash256> match_p2wsh(ByteSpan s) {
    if (s.size() != 34 || s[0] != OP_0 || s[1] != 32) return std::nullopt;
    return as_array<32>(s.subspan(2));
}

Result<Script> multisig_script(int required, std::span<const crypto::PubKey> keys) {
    const int n = static_cast<int>(keys.size());
    if (n < 1 || n > kMaxPubkeysPerMultisig || required < 1 || required > n)
        return make_error("script_bad_multisig",
                          "multisig needs 1 <= m <= n <= 20 (m = " + std::to_string(required) +
                              ", n = " + std::to_string(keys.size()) + ")");
    ScriptBuilder builder;
    builder.push_int(required);
    for (const crypto::PubKey& key : keys) builder.push(key.bytes());
    builder.push_int(n).op(OP_CHECKMULTISIG);
    return built(builder);
}

std::optional<Multisig> match_multisig(ByteSpan script) {
    auto ops = ops_of(script);
    if (!ops || ops->size() < 4 || !is_op(ops->back(), OP_CHECKMULTISIG)) return std::nullopt;
    auto m = minimal_number(ops->front());
    auto n = minimal_number((*ops)[ops->size() - 2]);
    if (!m || !n) return std::nullopt;
    if (*n < 1 || *n > kMaxPubkeysPerMultisig || *m < 1 || *m > *n) return std::nullopt;
    if (static_cast<int64_t>(ops->size()) != *n + 3) return std::nullopt;
    Multisig out;
    out.required = static_cast<int>(*m);
    for (size_t i = 1; i + 2 < ops->size(); ++i) {
        auto key = pushed_key((*ops)[i]);
        if (!key) return std::nullopt;
        out.keys.push_back(*key);
    }
    return out;
}

Script funding_2of2_script(const crypto::PubKey& a, const crypto::PubKey& b) {
    auto first = a.compressed();
    auto second = b.compressed();
    if (second < first) std::swap(first, second);
    return built(ScriptBuilder().op(OP_2).push(first).push(second).op(OP_2).op(OP_CHECKMULTISIG));
}

Result<Script> op_return_script(ByteSpan data) {
    if (data.size() > kMaxOpReturnData)
        return make_error("script_op_return_too_large",
                          "OP_RETURN data of " + std::to_string(data.size()) +
                              " bytes is over the standard 80");
    return built(ScriptBuilder().op(OP_RETURN).push(data));
}

std::optional<Bytes> match_op_return(ByteSpan script) {
    auto ops = ops_of(script);
    if (!ops || ops->empty() || !is_op(ops->front(), OP_RETURN) || ops->size() > 2)
        return std::nullopt;
    if (ops->size() == 1) return Bytes{};
    const ScriptOp& push = (*ops)[1];
    if (!push.is_push() || !is_minimal_push(push) || push.data.size() > kMaxOpReturnData)
        return std::nullopt;
    return Bytes(push.data.begin(), push.data.end());
}

Script cltv_script(uint32_t lock_time, const crypto::PubKey& key) {
    return built(ScriptBuilder()
                     .push_int(lock_time)
                     .op(OP_CHECKLOCKTIMEVERIFY)
                     .op(OP_DROP)
                     .push(key.bytes())
                     .op(OP_CHECKSIG));
}

Result<Script> csv_script(uint32_t sequence, const crypto::PubKey& key) {
    if (sequence & kSequenceLockTimeDisableFlag)
        return make_error("script_csv_disabled",
                          "a sequence with the disable bit (1 << 31) set makes CSV a no-op");
    return built(ScriptBuilder()
                     .push_int(sequence)
                     .op(OP_CHECKSEQUENCEVERIFY)
                     .op(OP_DROP)
                     .push(key.bytes())
                     .op(OP_CHECKSIG));
}

namespace {
std::optional<TimelockScript> match_timelock(ByteSpan script, Opcode check) {
    auto ops = ops_of(script);
    if (!ops || ops->size() != 5) return std::nullopt;
    auto lock = lock_number((*ops)[0]);
    auto key = pushed_key((*ops)[3]);
    if (!lock || !key || !is_op((*ops)[1], check) || !is_op((*ops)[2], OP_DROP) ||
        !is_op((*ops)[4], OP_CHECKSIG))
        return std::nullopt;
    return TimelockScript{*lock, *key};
}
}  // namespace

std::optional<TimelockScript> match_cltv(ByteSpan script) {
    return match_timelock(script, OP_CHECKLOCKTIMEVERIFY);
}

std::optional<TimelockScript> match_csv(ByteSpan script) {
    auto out = match_timelock(script, OP_CHECKSEQUENCEVERIFY);
    if (out && (out->lock & kSequenceLockTimeDisableFlag)) return std::nullopt;
    return out;
}

Script hash_lock_script(const Hash256& payment_hash, const crypto::PubKey& recipient,
                        uint32_t refund_lock_time, const crypto::PubKey& refund) {
    return built(ScriptBuilder()
                     .op(OP_IF)
                     .op(OP_SIZE)
                     .push_int(32)
                     .op(OP_EQUALVERIFY)
                     .op(OP_HASH160)
                     .push(crypto::ripemd160(payment_hash))
                     .op(OP_EQUALVERIFY)
                     .push(recipient.bytes())
                     .op(OP_ELSE)
                     .push_int(refund_lock_time)
                     .op(OP_CHECKLOCKTIMEVERIFY)
                     .op(OP_DROP)
                     .push(refund.bytes())
                     .op(OP_ENDIF)
                     .op(OP_CHECKSIG));
}

std::optional<HashLockScript> match_hash_lock(ByteSpan script) {
    auto ops = ops_of(script);
    if (!ops || ops->size() != 15) return std::nullopt;
    const auto& o = *ops;
    auto size = minimal_number(o[2]);
    auto recipient = pushed_key(o[7]);
    auto lock = lock_number(o[9]);
    auto refund = pushed_key(o[12]);
    if (!is_op(o[0], OP_IF) || !is_op(o[1], OP_SIZE) || !size || *size != 32 ||
        !is_op(o[3], OP_EQUALVERIFY) || !is_op(o[4], OP_HASH160) || !pushes_bytes(o[5], 20) ||
        !is_op(o[6], OP_EQUALVERIFY) || !recipient || !is_op(o[8], OP_ELSE) || !lock ||
        !is_op(o[10], OP_CHECKLOCKTIMEVERIFY) || !is_op(o[11], OP_DROP) || !refund ||
        !is_op(o[13], OP_ENDIF) || !is_op(o[14], OP_CHECKSIG))
        return std::nullopt;
    return HashLockScript{*as_array<20>(o[5].data), *recipient, *lock, *refund};
}

ScriptType classify(ByteSpan s) {
    if (match_p2pkh(s)) return ScriptType::kP2pkh;
    if (match_p2sh(s)) return ScriptType::kP2sh;
    if (match_p2wpkh(s)) return ScriptType::kP2wpkh;
    if (match_p2wsh(s)) return ScriptType::kP2wsh;
    if (witness_program(s)) return ScriptType::kWitnessUnknown;
    if (match_op_return(s)) return ScriptType::kNullData;
    if (match_multisig(s)) return ScriptType::kMultisig;
    if (auto ops = ops_of(s); ops && ops->size() == 2 && is_op((*ops)[1], OP_CHECKSIG) &&
                              pushed_key((*ops)[0]))
        return ScriptType::kP2pk;
    return ScriptType::kNonStandard;
}

}  // namespace datt::bitcoin
