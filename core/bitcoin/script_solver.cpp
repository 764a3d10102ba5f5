#include "bitcoin/script_solver.h"

#include <optional>

#include "bitcoin/opcodes.h"
#include "bitcoin/script.h"
#include "bitcoin/script_num.h"

namespace datt::bitcoin {
namespace {

constexpr size_t kCompressedKeySize = 33;
constexpr size_t kUncompressedKeySize = 65;

Bytes copy(ByteSpan data) { return Bytes(data.begin(), data.end()); }

bool is_pay_to_anchor(ByteSpan s) {
    return s.size() == 4 && s[0] == OP_1 && s[1] == 0x02 && s[2] == 0x4e && s[3] == 0x73;
}

// OP_RETURN followed only by push operations (Core's IsPushOnly counts OP_1..OP_16,
// OP_1NEGATE and OP_RESERVED as pushes; a truncated push is not).
bool is_null_data(ByteSpan s) {
    return !s.empty() && s[0] == OP_RETURN && is_push_only(s.subspan(1));
}

std::optional<Bytes> match_pay_to_pubkey(ByteSpan s) {
    for (size_t size : {kUncompressedKeySize, kCompressedKeySize}) {
        if (s.size() == size + 2 && s[0] == size && s.back() == OP_CHECKSIG) {
            ByteSpan key = s.subspan(1, size);
            if (is_valid_pubkey_size(key)) return copy(key);
            return std::nullopt;
        }
    }
    return std::nullopt;
}

bool is_pay_to_pubkey_hash(ByteSpan s) {
    return s.size() == 25 && s[0] == OP_DUP && s[1] == OP_HASH160 && s[2] == 20 &&
           s[23] == OP_EQUALVERIFY && s[24] == OP_CHECKSIG;
}

// Core's GetScriptNumber: OP_1..OP_16, or a minimal push of a minimal number, in [min, max].
std::optional<int> script_number(const ScriptOp& op, int min, int max) {
    int64_t value = 0;
    if (auto small = small_int_value(op.opcode); small && op.opcode != OP_0) {
        value = *small;
    } else if (op.opcode > OP_0 && op.opcode <= OP_PUSHDATA4) {
        if (!is_minimal_push(op)) return std::nullopt;
        auto number = ScriptNum::decode(op.data, true);
        if (!number) return std::nullopt;
        value = number->clamped_int();
    } else {
        return std::nullopt;
    }
    if (value < min || value > max) return std::nullopt;
    return static_cast<int>(value);
}

// Core's MatchMultisig.
std::optional<std::vector<Bytes>> match_multisig_solutions(ByteSpan s) {
    if (s.empty() || s.back() != OP_CHECKMULTISIG) return std::nullopt;
    ScriptReader reader(s);
    auto first = reader.next();
    if (!first) return std::nullopt;
    auto required = script_number(*first, 1, kMaxPubkeysPerMultisig);
    if (!required) return std::nullopt;
    std::vector<Bytes> keys;
    Result<ScriptOp> op = reader.next();
    while (op && is_valid_pubkey_size(op->data)) {
        keys.push_back(copy(op->data));
        op = reader.next();
    }
    if (!op) return std::nullopt;  // Core's loop ends on a failed read; the count then fails
    auto count = script_number(*op, *required, kMaxPubkeysPerMultisig);
    if (!count || keys.size() != static_cast<size_t>(*count)) return std::nullopt;
    // Exactly one operation (the OP_CHECKMULTISIG checked above) must remain.
    if (reader.position() + 1 != s.size()) return std::nullopt;
    std::vector<Bytes> solutions;
    solutions.push_back(Bytes{static_cast<uint8_t>(*required)});
    for (Bytes& key : keys) solutions.push_back(std::move(key));
    solutions.push_back(Bytes{static_cast<uint8_t>(*count)});
    return solutions;
}

}  // namespace

bool is_valid_pubkey_size(ByteSpan key) {
    if (key.empty()) return false;
    switch (key[0]) {
        case 0x02:
        case 0x03: return key.size() == kCompressedKeySize;
        case 0x04:
        case 0x06:
        case 0x07: return key.size() == kUncompressedKeySize;
        default: return false;  // a byte: no other prefix is a key
    }
}

SolvedScript solve_script(ByteSpan s) {
    SolvedScript out;
    if (is_p2sh(s)) {
        out.type = TxoutType::kScriptHash;
        out.solutions.push_back(copy(s.subspan(2, 20)));
        return out;
    }
    if (auto program = witness_program(s)) {
        const size_t size = program->program.size();
        if (program->version == 0 && (size == 20 || size == 32)) {
            out.type = size == 20 ? TxoutType::kWitnessV0KeyHash : TxoutType::kWitnessV0ScriptHash;
            out.solutions.push_back(copy(program->program));
        } else if (program->version == 1 && size == 32) {
            out.type = TxoutType::kWitnessV1Taproot;
            out.solutions.push_back(copy(program->program));
        } else if (is_pay_to_anchor(s)) {
            out.type = TxoutType::kAnchor;
        } else if (program->version != 0) {
            out.type = TxoutType::kWitnessUnknown;
            out.solutions.push_back(Bytes{static_cast<uint8_t>(program->version)});
            out.solutions.push_back(copy(program->program));
        }
        return out;  // a v0 program of another size stays nonstandard
    }
    if (is_null_data(s)) {
        out.type = TxoutType::kNullData;
        return out;
    }
    if (auto key = match_pay_to_pubkey(s)) {
        out.type = TxoutType::kPubkey;
        out.solutions.push_back(std::move(*key));
        return out;
    }
    if (is_pay_to_pubkey_hash(s)) {
        out.type = TxoutType::kPubkeyHash;
        out.solutions.push_back(copy(s.subspan(3, 20)));
        return out;
    }
    if (auto solutions = match_multisig_solutions(s)) {
        out.type = TxoutType::kMultisig;
        out.solutions = std::move(*solutions);
    }
    return out;
}

std::string_view txout_type_name(TxoutType type) {
    switch (type) {
        case TxoutType::kNonStandard: return "nonstandard";
        case TxoutType::kAnchor: return "anchor";
        case TxoutType::kPubkey: return "pubkey";
        case TxoutType::kPubkeyHash: return "pubkeyhash";
        case TxoutType::kScriptHash: return "scripthash";
        case TxoutType::kMultisig: return "multisig";
        case TxoutType::kNullData: return "nulldata";
        case TxoutType::kWitnessV0KeyHash: return "witness_v0_keyhash";
        case TxoutType::kWitnessV0ScriptHash: return "witness_v0_scripthash";
        case TxoutType::kWitnessV1Taproot: return "witness_v1_taproot";
        case TxoutType::kWitnessUnknown: return "witness_unknown";
    }
    return "nonstandard";
}

}  // namespace datt::bitcoin
