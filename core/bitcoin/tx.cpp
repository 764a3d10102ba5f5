#include "bitcoin/tx.h"

#include <algorithm>

#include "crypto/sha256.h"
#include "util/byte_reader.h"
#include "util/byte_writer.h"
#include "util/varint.h"

namespace datt::bitcoin {
namespace {

// The fewest bytes one element can take on the wire, to bound counts by what remains.
constexpr uint64_t kMinInputSize = 32 + 4 + 1 + 4;
constexpr uint64_t kMinOutputSize = 8 + 1;
constexpr uint64_t kMinWitnessItemSize = 1;

Error tx_error(const Error& codec_error, const char* what) {
    if (codec_error.code == "non_canonical_compact_size")
        return make_error("tx_non_canonical_compact_size",
                          std::string(what) + ": CompactSize not in its shortest form");
    if (codec_error.code == "compact_size_too_large")
        return make_error("tx_count_too_large",
                          std::string(what) + ": above Bitcoin Core's MAX_SIZE (0x02000000)");
    return make_error("tx_truncated", std::string("transaction ends inside ") + what);
}

// A CompactSize count of elements that each take at least `min_element_size` bytes.
Result<uint64_t> read_count(ByteReader& reader, uint64_t min_element_size, const char* what) {
    auto count = read_compact_size(reader);
    if (!count) return tx_error(count.error(), what);
    if (*count > reader.remaining() / min_element_size)
        return make_error("tx_count_too_large",
                          std::string(what) + " " + std::to_string(*count) +
                              " needs more bytes than the " +
                              std::to_string(reader.remaining()) + " that remain");
    return *count;
}

Result<Bytes> read_var_bytes(ByteReader& reader, const char* what) {
    auto length = read_count(reader, 1, what);
    if (!length) return length.error();
    auto span = reader.read_span(*length);
    if (!span) return tx_error(span.error(), what);
    return Bytes(span->begin(), span->end());
}

Result<std::vector<TxIn>> read_inputs(ByteReader& reader) {
    auto count = read_count(reader, kMinInputSize, "input count");
    if (!count) return count.error();
    std::vector<TxIn> inputs;
    inputs.reserve(static_cast<size_t>(*count));
    for (uint64_t i = 0; i < *count; ++i) {
        TxIn in;
        auto txid = reader.read_array<32>();
        if (!txid) return tx_error(txid.error(), "an input's outpoint");
        auto index = reader.read_u32_le();
        if (!index) return tx_error(index.error(), "an input's outpoint");
        in.prevout = OutPoint{*txid, *index};
        auto script = read_var_bytes(reader, "scriptSig");
        if (!script) return script.error();
        in.script_sig = std::move(*script);
        auto sequence = reader.read_u32_le();
        if (!sequence) return tx_error(sequence.error(), "an input's sequence");
        in.sequence = *sequence;
        inputs.push_back(std::move(in));
    }
    return inputs;
}

Result<std::vector<TxOut>> read_outputs(ByteReader& reader) {
    auto count = read_count(reader, kMinOutputSize, "output count");
    if (!count) return count.error();
    std::vector<TxOut> outputs;
    outputs.reserve(static_cast<size_t>(*count));
    for (uint64_t i = 0; i < *count; ++i) {
        TxOut out;
        auto value = reader.read_u64_le();
        if (!value) return tx_error(value.error(), "an output's value");
        out.value = Sats{static_cast<int64_t>(*value)};
        auto script = read_var_bytes(reader, "scriptPubKey");
        if (!script) return script.error();
        out.script_pubkey = std::move(*script);
        outputs.push_back(std::move(out));
    }
    return outputs;
}

Status read_witness(ByteReader& reader, std::vector<Bytes>& witness) {
    auto count = read_count(reader, kMinWitnessItemSize, "witness item count");
    if (!count) return count.error();
    witness.reserve(static_cast<size_t>(*count));
    for (uint64_t i = 0; i < *count; ++i) {
        auto item = read_var_bytes(reader, "witness item");
        if (!item) return item.error();
        witness.push_back(std::move(*item));
    }
    return Ok{};
}

void write_var_bytes(ByteWriter& w, ByteSpan bytes) {
    write_compact_size(w, bytes.size());
    w.write_bytes(bytes);
}

void write_transaction(ByteWriter& w, const Transaction& tx, bool with_witness) {
    w.write_u32_le(tx.version);
    if (with_witness) w.write_u8(0x00).write_u8(0x01);
    write_compact_size(w, tx.inputs.size());
    for (const TxIn& in : tx.inputs) {
        w.write_bytes(in.prevout.txid).write_u32_le(in.prevout.index);
        write_var_bytes(w, in.script_sig);
        w.write_u32_le(in.sequence);
    }
    write_compact_size(w, tx.outputs.size());
    for (const TxOut& out : tx.outputs) {
        w.write_u64_le(static_cast<uint64_t>(out.value.value()));
        write_var_bytes(w, out.script_pubkey);
    }
    if (with_witness) {
        for (const TxIn& in : tx.inputs) {
            write_compact_size(w, in.witness.size());
            for (const Bytes& item : in.witness) write_var_bytes(w, item);
        }
    }
    w.write_u32_le(tx.lock_time);
}

size_t var_bytes_size(size_t n) { return compact_size_length(n) + n; }

Hash256 hash256(ByteSpan bytes) { return crypto::sha256(crypto::sha256(bytes)); }

}  // namespace

bool Transaction::has_witness() const {
    return std::any_of(inputs.begin(), inputs.end(),
                       [](const TxIn& in) { return !in.witness.empty(); });
}

Result<Transaction> parse_transaction(ByteSpan bytes) {
    if (bytes.size() > kMaxTransactionSize)
        return make_error("tx_too_large", "transaction of " + std::to_string(bytes.size()) +
                                              " bytes is over the 4,000,000-byte limit");
    ByteReader reader(bytes);
    Transaction tx;
    auto version = reader.read_u32_le();
    if (!version) return tx_error(version.error(), "the version");
    tx.version = *version;

    // Core's rule: an empty input list may be the segwit marker, then a flag byte follows.
    auto inputs = read_inputs(reader);
    if (!inputs) return inputs.error();
    tx.inputs = std::move(*inputs);
    uint8_t flag = 0;
    if (tx.inputs.empty()) {
        auto flag_byte = reader.read_u8();
        if (!flag_byte) return tx_error(flag_byte.error(), "the segwit flag");
        flag = *flag_byte;
        if (flag != 0) {
            auto real_inputs = read_inputs(reader);
            if (!real_inputs) return real_inputs.error();
            tx.inputs = std::move(*real_inputs);
            auto outputs = read_outputs(reader);
            if (!outputs) return outputs.error();
            tx.outputs = std::move(*outputs);
        }
    } else {
        auto outputs = read_outputs(reader);
        if (!outputs) return outputs.error();
        tx.outputs = std::move(*outputs);
    }
    if (flag & 1) {
        flag ^= 1;
        for (TxIn& in : tx.inputs) {
            if (auto status = read_witness(reader, in.witness); !status) return status.error();
        }
        if (!tx.has_witness())
            return make_error("tx_superfluous_witness",
                              "segwit flag set but every input's witness is empty");
    }
    if (flag != 0)
        return make_error("tx_unknown_flag", "unknown transaction optional data (flag byte " +
                                                 std::to_string(flag) + ")");
    auto lock_time = reader.read_u32_le();
    if (!lock_time) return tx_error(lock_time.error(), "the lock time");
    tx.lock_time = *lock_time;
    if (!reader.at_end())
        return make_error("tx_trailing_bytes", std::to_string(reader.remaining()) +
                                                   " bytes follow the transaction");
    return tx;
}

Bytes serialize(const Transaction& tx) {
    ByteWriter w(total_size(tx));
    write_transaction(w, tx, tx.has_witness());
    return std::move(w).take();
}

Bytes serialize_without_witness(const Transaction& tx) {
    ByteWriter w(base_size(tx));
    write_transaction(w, tx, false);
    return std::move(w).take();
}

Hash256 txid(const Transaction& tx) { return hash256(serialize_without_witness(tx)); }
Hash256 wtxid(const Transaction& tx) { return hash256(serialize(tx)); }

size_t base_size(const Transaction& tx) {
    size_t size = 4 + compact_size_length(tx.inputs.size()) +
                  compact_size_length(tx.outputs.size()) + 4;
    for (const TxIn& in : tx.inputs) size += 36 + var_bytes_size(in.script_sig.size()) + 4;
    for (const TxOut& out : tx.outputs) size += 8 + var_bytes_size(out.script_pubkey.size());
    return size;
}

size_t total_size(const Transaction& tx) {
    size_t size = base_size(tx);
    if (!tx.has_witness()) return size;
    size += 2;
    for (const TxIn& in : tx.inputs) {
        size += compact_size_length(in.witness.size());
        for (const Bytes& item : in.witness) size += var_bytes_size(item.size());
    }
    return size;
}

size_t weight(const Transaction& tx) { return base_size(tx) * 3 + total_size(tx); }
size_t vsize(const Transaction& tx) { return (weight(tx) + 3) / 4; }

}  // namespace datt::bitcoin
