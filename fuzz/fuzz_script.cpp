// Scripts (bitcoin/script.h, script_num.h, script_templates.h) from untrusted bytes.
//
// Invariants checked:
//   - parse_script() either fails with script_truncated_push, exactly when ScriptReader
//     stops early, or returns operations that tile the script: each starts where the last
//     ended, and re-encoding each (opcode, length bytes, data) gives its bytes back;
//   - a push that is_minimal_push() accepts is what ScriptBuilder::push() writes for its
//     data, so rebuilding a script of minimal pushes and opcodes gives the same bytes;
//   - is_push_only() agrees with the operations;
//   - ScriptNum: a minimally encoded operand of up to 5 bytes decodes and encodes back to
//     the same bytes;
//   - every template matcher that recognises the script rebuilds it byte for byte with its
//     builder (match -> build == input), and classify() agrees with the matchers.
#include <cstddef>
#include <cstdint>

#include "bitcoin/opcodes.h"
#include "bitcoin/script.h"
#include "bitcoin/script_num.h"
#include "bitcoin/script_templates.h"
#include "check.h"

using namespace datt;
using namespace datt::bitcoin;

namespace {

bool same(ByteSpan a, ByteSpan b) { return std::equal(a.begin(), a.end(), b.begin(), b.end()); }

void check_templates(const Bytes& script) {
    if (auto h = match_p2pkh(script)) DATT_FUZZ_CHECK(p2pkh_script(*h) == script);
    if (auto h = match_p2sh(script)) DATT_FUZZ_CHECK(p2sh_script(*h) == script);
    if (auto h = match_p2wpkh(script)) DATT_FUZZ_CHECK(p2wpkh_script(*h) == script);
    if (auto h = match_p2wsh(script)) DATT_FUZZ_CHECK(p2wsh_script(*h) == script);
    if (auto m = match_multisig(script)) {
        auto rebuilt = multisig_script(m->required, m->keys);
        DATT_FUZZ_CHECK(rebuilt.ok() && *rebuilt == script);
    }
    if (auto data = match_op_return(script)) {
        if (data->empty() && script.size() == 1) {
            DATT_FUZZ_CHECK(script[0] == OP_RETURN);
        } else {
            auto rebuilt = op_return_script(*data);
            DATT_FUZZ_CHECK(rebuilt.ok() && *rebuilt == script);
        }
    }
    if (auto lock = match_cltv(script)) DATT_FUZZ_CHECK(cltv_script(lock->lock, lock->key) == script);
    if (auto lock = match_csv(script)) {
        auto rebuilt = csv_script(lock->lock, lock->key);
        DATT_FUZZ_CHECK(rebuilt.ok() && *rebuilt == script);
    }
    if (auto h = match_hash_lock(script)) {
        // The builder takes the payment hash, the script its RIPEMD160: rebuild the tail.
        ScriptBuilder b;
        b.op(OP_IF).op(OP_SIZE).push_int(32).op(OP_EQUALVERIFY).op(OP_HASH160)
            .push(h->payment_hash160).op(OP_EQUALVERIFY).push(h->recipient.bytes()).op(OP_ELSE)
            .push_int(h->refund_lock_time).op(OP_CHECKLOCKTIMEVERIFY).op(OP_DROP)
            .push(h->refund.bytes()).op(OP_ENDIF).op(OP_CHECKSIG);
        DATT_FUZZ_CHECK(b.build().value() == script);
    }
    const ScriptType type = classify(script);
    if (match_p2pkh(script)) DATT_FUZZ_CHECK(type == ScriptType::kP2pkh);
    if (match_p2wpkh(script)) DATT_FUZZ_CHECK(type == ScriptType::kP2wpkh);
    if (type == ScriptType::kMultisig) DATT_FUZZ_CHECK(match_multisig(script).has_value());
    if (type == ScriptType::kNullData) DATT_FUZZ_CHECK(match_op_return(script).has_value());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const Bytes script(data, data + size);
    auto ops = parse_script(script);

    ScriptReader reader(script);
    size_t read_ops = 0;
    bool reader_failed = false;
    while (!reader.at_end()) {
        auto op = reader.next();
        if (!op) {
            DATT_FUZZ_CHECK(op.error().code == "script_truncated_push");
            reader_failed = true;
            break;
        }
        ++read_ops;
    }
    DATT_FUZZ_CHECK(ops.ok() == !reader_failed);
    if (!ops) {
        DATT_FUZZ_CHECK(ops.error().code == "script_truncated_push");
        DATT_FUZZ_CHECK(!is_push_only(script));
        return 0;
    }
    DATT_FUZZ_CHECK(ops->size() == read_ops);

    size_t position = 0;
    bool push_only = true;
    bool all_minimal = true;
    ScriptBuilder rebuilt;
    for (const ScriptOp& op : *ops) {
        DATT_FUZZ_CHECK(op.begin == position && op.end > op.begin && op.end <= size);
        position = op.end;
        Bytes encoded{op.opcode};
        if (op.is_push()) {
            const size_t n = op.data.size();
            if (op.opcode == OP_PUSHDATA1) encoded.push_back(static_cast<uint8_t>(n));
            if (op.opcode == OP_PUSHDATA2) {
                encoded.push_back(static_cast<uint8_t>(n));
                encoded.push_back(static_cast<uint8_t>(n >> 8));
            }
            if (op.opcode == OP_PUSHDATA4)
                for (int i = 0; i < 4; ++i) encoded.push_back(static_cast<uint8_t>(n >> (8 * i)));
            if (op.opcode < OP_PUSHDATA1) DATT_FUZZ_CHECK(n == op.opcode);
            encoded.insert(encoded.end(), op.data.begin(), op.data.end());
            if (is_minimal_push(op)) {
                rebuilt.push(op.data);
            } else {
                all_minimal = false;
            }
            if (ScriptNum::is_minimally_encoded(op.data, 5)) {
                auto num = ScriptNum::decode(op.data, true, 5);
                DATT_FUZZ_CHECK(num.has_value() && same(num->encode(), op.data));
            }
        } else {
            DATT_FUZZ_CHECK(op.data.empty());
            rebuilt.op(static_cast<Opcode>(op.opcode));
            if (op.opcode > OP_16) push_only = false;
        }
        DATT_FUZZ_CHECK(same(encoded, ByteSpan(script).subspan(op.begin, op.end - op.begin)));
    }
    DATT_FUZZ_CHECK(position == size);
    DATT_FUZZ_CHECK(is_push_only(script) == push_only);
    if (all_minimal) {
        auto built = rebuilt.build();
        // A minimal push of more than 520 bytes is refused by the builder, by design.
        if (built) DATT_FUZZ_CHECK(*built == script);
    }
    check_templates(script);
    return 0;
}
