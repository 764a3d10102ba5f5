#include "bitcoin/sighash.h"

#include <cassert>

#include "bitcoin/opcodes.h"
#include "bitcoin/script.h"
#include "crypto/sha256.h"
#include "util/byte_writer.h"
#include "util/varint.h"

namespace datt::bitcoin {
namespace {

Hash256 hash256(ByteSpan bytes) { return crypto::sha256(crypto::sha256(bytes)); }

void write_var_bytes(ByteWriter& w, ByteSpan bytes) {
    write_compact_size(w, bytes.size());
    w.write_bytes(bytes);
}

// Where Core's GetScriptOp leaves its iterator when the push at `at` is truncated: past
// the opcode, and past the length bytes when all of them were there.
size_t truncated_read_end(ByteSpan script, size_t at) {
    const size_t after_opcode = at + 1;
    const size_t left = script.size() - after_opcode;
    size_t length_bytes = 0;
    if (script[at] == OP_PUSHDATA1) length_bytes = 1;
    if (script[at] == OP_PUSHDATA2) length_bytes = 2;
    if (script[at] == OP_PUSHDATA4) length_bytes = 4;
    return left >= length_bytes ? after_opcode + length_bytes : after_opcode;
}

// Core's CTransactionSignatureSerializer::SerializeScriptCode (see sighash.h).
void write_script_code_without_separators(ByteWriter& w, ByteSpan script) {
    size_t separators = 0;
    {
        ScriptReader reader(script);
        while (!reader.at_end()) {
            auto op = reader.next();
            if (!op) break;
            if (op->opcode == OP_CODESEPARATOR) ++separators;
        }
    }
    write_compact_size(w, script.size() - separators);
    // Core writes each run before a separator, then the tail up to where its reader stopped;
    // a failed read has advanced past the opcode and any length bytes it could read.
    size_t run_begin = 0;
    size_t stop = script.size();
    ScriptReader reader(script);
    while (!reader.at_end()) {
        auto op = reader.next();
        if (!op) {
            stop = truncated_read_end(script, reader.position());
            break;
        }
        if (op->opcode == OP_CODESEPARATOR) {
            w.write_bytes(script.subspan(run_begin, op->begin - run_begin));
            run_begin = op->end;
        }
    }
    if (run_begin < script.size() && stop > run_begin)
        w.write_bytes(script.subspan(run_begin, stop - run_begin));
}

}  // namespace

SighashCache make_sighash_cache(const Transaction& tx) {
    SighashCache cache;
    ByteWriter prevouts(tx.inputs.size() * 36);
    ByteWriter sequences(tx.inputs.size() * 4);
    for (const TxIn& in : tx.inputs) {
        prevouts.write_bytes(in.prevout.txid).write_u32_le(in.prevout.index);
        sequences.write_u32_le(in.sequence);
    }
    ByteWriter outputs;
    for (const TxOut& out : tx.outputs) {
        outputs.write_u64_le(static_cast<uint64_t>(out.value.value()));
        write_var_bytes(outputs, out.script_pubkey);
    }
    cache.hash_prevouts = hash256(prevouts.bytes());
    cache.hash_sequence = hash256(sequences.bytes());
    cache.hash_outputs = hash256(outputs.bytes());
    return cache;
}

Hash256 legacy_sighash(const Transaction& tx, size_t input_index, ByteSpan script_code,
                       int32_t hash_type) {
    Hash256 one{};
    one[0] = 1;
    const int base_type = hash_type & 0x1f;
    const bool anyone_can_pay = (hash_type & kSighashAnyoneCanPay) != 0;
    const bool none = base_type == kSighashNone;
    const bool single = base_type == kSighashSingle;
    if (input_index >= tx.inputs.size()) return one;
    if (single && input_index >= tx.outputs.size()) return one;

    ByteWriter w;
    w.write_u32_le(tx.version);
    const size_t input_count = anyone_can_pay ? 1 : tx.inputs.size();
    write_compact_size(w, input_count);
    for (size_t k = 0; k < input_count; ++k) {
        const size_t i = anyone_can_pay ? input_index : k;
        const TxIn& in = tx.inputs[i];
        w.write_bytes(in.prevout.txid).write_u32_le(in.prevout.index);
        if (i == input_index)
            write_script_code_without_separators(w, script_code);
        else
            write_compact_size(w, 0);
        // NONE and SINGLE let the other inputs' sequences change.
        w.write_u32_le(i != input_index && (none || single) ? 0 : in.sequence);
    }
    const size_t output_count = none ? 0 : single ? input_index + 1 : tx.outputs.size();
    write_compact_size(w, output_count);
    for (size_t i = 0; i < output_count; ++i) {
        if (single && i != input_index) {
            // A blank output: value -1, empty script.
            w.write_u64_le(~uint64_t{0});
            write_compact_size(w, 0);
            continue;
        }
        w.write_u64_le(static_cast<uint64_t>(tx.outputs[i].value.value()));
        write_var_bytes(w, tx.outputs[i].script_pubkey);
    }
    w.write_u32_le(tx.lock_time);
    w.write_u32_le(static_cast<uint32_t>(hash_type));
    return hash256(w.bytes());
}

Hash256 segwit_v0_sighash(const Transaction& tx, size_t input_index, ByteSpan script_code,
                          Sats amount, int32_t hash_type, const SighashCache* cache) {
    assert(input_index < tx.inputs.size());
    SighashCache computed;
    if (cache == nullptr) {
        computed = make_sighash_cache(tx);
        cache = &computed;
    }
    const int base_type = hash_type & 0x1f;
    const bool anyone_can_pay = (hash_type & kSighashAnyoneCanPay) != 0;
    const bool none = base_type == kSighashNone;
    const bool single = base_type == kSighashSingle;
    const Hash256 zero{};

    const Hash256& hash_prevouts = anyone_can_pay ? zero : cache->hash_prevouts;
    const Hash256& hash_sequence = anyone_can_pay || none || single ? zero : cache->hash_sequence;
    Hash256 hash_outputs = zero;
    if (!none && !single) {
        hash_outputs = cache->hash_outputs;
    } else if (single && input_index < tx.outputs.size()) {
        ByteWriter out;
        out.write_u64_le(static_cast<uint64_t>(tx.outputs[input_index].value.value()));
        write_var_bytes(out, tx.outputs[input_index].script_pubkey);
        hash_outputs = hash256(out.bytes());
    }

    const TxIn& in = tx.inputs[input_index];
    ByteWriter w(156 + script_code.size());
    w.write_u32_le(tx.version);
    w.write_bytes(hash_prevouts).write_bytes(hash_sequence);
    w.write_bytes(in.prevout.txid).write_u32_le(in.prevout.index);
    write_var_bytes(w, script_code);
    w.write_u64_le(static_cast<uint64_t>(amount.value()));
    w.write_u32_le(in.sequence);
    w.write_bytes(hash_outputs);
    w.write_u32_le(tx.lock_time);
    w.write_u32_le(static_cast<uint32_t>(hash_type));
    return hash256(w.bytes());
}

}  // namespace datt::bitcoin
