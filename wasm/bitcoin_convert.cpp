#include "bitcoin_convert.h"

#include <cmath>
#include <optional>

#include "bitcoin/script_flags.h"

namespace datt::wasm {
namespace {

// What a transaction object may hold before it is refused: its serialization can never be
// longer than a block (tx.h's kMaxTransactionSize), so counting bytes while reading bounds
// every allocation. Fixed parts: an input is at least 41 bytes, an output 9.
constexpr size_t kInputFixedBytes = 32 + 4 + 1 + 4;
constexpr size_t kOutputFixedBytes = 8 + 1;

Error tx_too_large() {
    return make_error("tx_too_large", "transaction is larger than " +
                                          std::to_string(bitcoin::kMaxTransactionSize) + " bytes");
}

bool is_bigint(const val& input) { return input.typeOf().as<std::string>() == "bigint"; }

// A BigInt's decimal text as an int64, or nullopt when it does not fit.
std::optional<int64_t> bigint_to_int64(const val& input) {
    const std::string text = val::global("String")(input).as<std::string>();
    const bool negative = !text.empty() && text[0] == '-';
    const size_t start = negative ? 1 : 0;
    if (text.size() == start || text.size() - start > 19) return std::nullopt;
    uint64_t magnitude = 0;
    for (size_t i = start; i < text.size(); ++i) {
        if (text[i] < '0' || text[i] > '9') return std::nullopt;
        magnitude = magnitude * 10 + static_cast<uint64_t>(text[i] - '0');  // < 10^19 < 2^64
    }
    if (negative) {
        if (magnitude > uint64_t{1} << 63) return std::nullopt;
        return magnitude == uint64_t{1} << 63 ? INT64_MIN : -static_cast<int64_t>(magnitude);
    }
    if (magnitude > static_cast<uint64_t>(INT64_MAX)) return std::nullopt;
    return static_cast<int64_t>(magnitude);
}

Result<Bytes> member_bytes(const val& object, const char* member, const std::string& where,
                           size_t max) {
    const val value = object[member];
    if (is_absent(value)) return Bytes{};
    auto bytes = bytes_argument(value, member, max);
    if (!bytes) return make_error(bytes.error().code, where + ": " + bytes.error().message);
    return bytes;
}

}  // namespace

Result<bitcoin::Sats> sats_argument(const val& input, const std::string& name, AmountRange range) {
    int64_t value = 0;
    if (is_bigint(input)) {
        auto parsed = bigint_to_int64(input);
        if (!parsed) return make_error("amount_out_of_range", name + " does not fit in 64 bits");
        value = *parsed;
    } else if (input.isNumber()) {
        const double number = input.as<double>();
        constexpr double kMaxSafe = 9007199254740991.0;
        if (!std::isfinite(number) || std::trunc(number) != number) {
            return make_error("amount_not_exact", name + " must be a whole number of satoshis");
        }
        if (std::fabs(number) > kMaxSafe) {
            return make_error("amount_not_exact",
                              name + " is beyond 2^53 - 1: pass a BigInt for an exact value");
        }
        value = static_cast<int64_t>(number);
    } else {
        return make_error("wrong_type", name + " must be a BigInt or a Number of satoshis");
    }
    const bitcoin::Sats sats{value};
    if (range == AmountRange::kMoney && !sats.in_money_range()) {
        return make_error("amount_out_of_range", name + " must be between 0 and 21,000,000 BTC");
    }
    return sats;
}

val sats_value(bitcoin::Sats amount) {
    return val::global("BigInt")(val(std::to_string(amount.value())));
}

Result<int64_t> integer_argument(const val& input, const std::string& name, int64_t min,
                                 int64_t max) {
    auto value = safe_integer_argument(input, name);
    if (!value) return value.error();
    if (*value < min || *value > max) {
        return make_error("out_of_range", name + " must be between " + std::to_string(min) +
                                              " and " + std::to_string(max));
    }
    return value;
}

Result<uint32_t> uint32_argument(const val& input, const std::string& name) {
    auto value = integer_argument(input, name, 0, UINT32_MAX);
    if (!value) return value.error();
    return static_cast<uint32_t>(*value);
}

Result<bitcoin::Network> network_argument(const val& input) {
    if (is_absent(input)) return bitcoin::mainnet();
    auto name = text_argument(input, "network");
    if (!name) return name.error();
    return bitcoin::network_by_name(*name);
}

Result<bitcoin::Transaction> transaction_argument(const val& input) {
    if (is_uint8array(input)) {
        // One byte over the limit is enough for the parser to say tx_too_large.
        auto bytes = bytes_argument(input, "transaction", bitcoin::kMaxTransactionSize + 1);
        if (!bytes) return bytes.error().code == "too_large" ? tx_too_large() : bytes.error();
        return bitcoin::parse_transaction(*bytes);
    }
    if (!is_plain_object(input)) {
        return make_error("wrong_type", "transaction must be a Uint8Array or a transaction object");
    }
    bitcoin::Transaction tx;
    size_t size = 4 + 1 + 1 + 4;  // version, counts, lock time
    if (!is_absent(input["version"])) {
        auto version = uint32_argument(input["version"], "version");
        if (!version) return version.error();
        tx.version = *version;
    }
    if (!is_absent(input["locktime"])) {
        auto lock_time = uint32_argument(input["locktime"], "locktime");
        if (!lock_time) return lock_time.error();
        tx.lock_time = *lock_time;
    }
    const val inputs = input["inputs"];
    const val outputs = input["outputs"];
    if (!inputs.isArray() || !outputs.isArray()) {
        return make_error("wrong_type", "transaction inputs and outputs must be arrays");
    }
    const size_t input_count = inputs["length"].as<size_t>();
    const size_t output_count = outputs["length"].as<size_t>();
    // 64-bit: on wasm32 a (sparse) array of 100 million inputs would wrap a size_t product.
    if (uint64_t{input_count} * kInputFixedBytes + uint64_t{output_count} * kOutputFixedBytes + size >
        bitcoin::kMaxTransactionSize) {
        return tx_too_large();
    }
    tx.inputs.reserve(input_count);
    for (size_t i = 0; i < input_count; ++i) {
        const std::string where = "inputs[" + std::to_string(i) + "]";
        const val in = inputs[i];
        if (!is_plain_object(in)) return make_error("wrong_type", where + " must be an object");
        bitcoin::TxIn txin;
        auto txid = display_hash_argument(in["txid"], where + ".txid");
        if (!txid) return txid.error();
        txin.prevout.txid = *txid;
        auto vout = uint32_argument(in["vout"], where + ".vout");
        if (!vout) return vout.error();
        txin.prevout.index = *vout;
        if (!is_absent(in["sequence"])) {
            auto sequence = uint32_argument(in["sequence"], where + ".sequence");
            if (!sequence) return sequence.error();
            txin.sequence = *sequence;
        }
        auto script_sig = member_bytes(in, "scriptSig", where, bitcoin::kMaxTransactionSize);
        if (!script_sig) return script_sig.error();
        txin.script_sig = std::move(*script_sig);
        size += kInputFixedBytes + txin.script_sig.size();
        if (size > bitcoin::kMaxTransactionSize) return tx_too_large();
        if (!is_absent(in["witness"])) {
            auto witness = bytes_array_argument(in["witness"], where + ".witness",
                                                bitcoin::kMaxTransactionSize - size,
                                                bitcoin::kMaxTransactionSize - size);
            if (!witness) return witness.error();
            for (const Bytes& item : *witness) size += 1 + item.size();
            if (size > bitcoin::kMaxTransactionSize) return tx_too_large();
            txin.witness = std::move(*witness);
        }
        tx.inputs.push_back(std::move(txin));
    }
    tx.outputs.reserve(output_count);
    for (size_t i = 0; i < output_count; ++i) {
        const std::string where = "outputs[" + std::to_string(i) + "]";
        const val out = outputs[i];
        if (!is_plain_object(out)) return make_error("wrong_type", where + " must be an object");
        auto value = sats_argument(out["value"], where + ".value", AmountRange::kAnyInt64);
        if (!value) return value.error();
        auto script = member_bytes(out, "scriptPubKey", where, bitcoin::kMaxTransactionSize);
        if (!script) return script.error();
        size += kOutputFixedBytes + script->size();
        if (size > bitcoin::kMaxTransactionSize) return tx_too_large();
        tx.outputs.push_back(bitcoin::TxOut{*value, std::move(*script)});
    }
    // The exact size, now that every part is known (counts and lengths as CompactSize).
    if (bitcoin::total_size(tx) > bitcoin::kMaxTransactionSize) return tx_too_large();
    return tx;
}

val transaction_value(const bitcoin::Transaction& tx) {
    val out = val::object();
    out.set("version", tx.version);
    out.set("locktime", tx.lock_time);
    val inputs = val::array();
    for (const bitcoin::TxIn& in : tx.inputs) {
        val input = val::object();
        input.set("txid", bitcoin::to_display_hex(in.prevout.txid));
        input.set("vout", in.prevout.index);
        input.set("scriptSig", bytes_value(in.script_sig));
        input.set("sequence", in.sequence);
        input.set("witness", bytes_array_value(in.witness));
        inputs.call<void>("push", input);
    }
    out.set("inputs", inputs);
    val outputs = val::array();
    for (const bitcoin::TxOut& output : tx.outputs) {
        val entry = val::object();
        entry.set("value", sats_value(output.value));
        entry.set("scriptPubKey", bytes_value(output.script_pubkey));
        outputs.call<void>("push", entry);
    }
    out.set("outputs", outputs);
    return out;
}

Result<crypto::PubKey> public_key_argument(const val& input, const char* name) {
    auto bytes = bytes_argument(input, name, 65);
    if (!bytes) return bytes.error();
    auto key = crypto::PubKey::parse(*bytes);
    if (!key) {
        return make_error("bad_public_key",
                          std::string(name) + " must be a 33- or 65-byte public key on the curve");
    }
    return *key;
}

Result<uint32_t> script_flags_argument(const val& input) {
    std::vector<std::string> names;
    if (input.isString()) {
        auto text = text_argument(input, "flags");
        if (!text) return text.error();
        if (text->size() > 2048) return make_error("too_large", "flags: over 2048 characters");
        // Split on commas by hand: <sstream> would link the iostream locale code into wasm.
        size_t start = 0;
        for (size_t comma = text->find(','); ; comma = text->find(',', start)) {
            names.push_back(text->substr(start, comma == std::string::npos ? std::string::npos : comma - start));
            if (comma == std::string::npos) break;
            start = comma + 1;
        }
    } else if (input.isArray()) {
        const size_t count = input["length"].as<size_t>();
        if (count > 64) return make_error("too_large", "flags: more than 64 names");
        for (size_t i = 0; i < count; ++i) {
            auto name = text_argument(input[i], "flags[" + std::to_string(i) + "]");
            if (!name) return name.error();
            names.push_back(*name);
        }
    } else {
        return make_error("wrong_type", "flags must be an array of names or a comma-separated string");
    }
    uint32_t flags = 0;
    for (const std::string& name : names) {
        if (name.empty() || name == "NONE") continue;
        if (name == "STANDARD") {
            flags |= bitcoin::kStandardScriptFlags;
        } else if (name == "MANDATORY") {
            flags |= bitcoin::kMandatoryScriptFlags;
        } else if (auto flag = bitcoin::script_flag_from_name(name)) {
            flags |= *flag;
        } else {
            return make_error("unknown_script_flag",
                              "unknown or unsupported script flag '" + name.substr(0, 64) + "'");
        }
    }
    return flags;
}

Result<size_t> index_argument(const val& input, const std::string& name, size_t size) {
    auto value = safe_integer_argument(input, name);
    if (!value) return value.error();
    if (*value < 0 || static_cast<uint64_t>(*value) >= size) {
        return make_error("out_of_range", name + " " + std::to_string(*value) +
                                              " is not below " + std::to_string(size));
    }
    return static_cast<size_t>(*value);
}

Result<std::vector<Bytes>> bytes_array_argument(const val& input, const std::string& name,
                                                size_t max_items, size_t max_total) {
    if (!input.isArray()) return make_error("wrong_type", name + " must be an array of Uint8Array");
    const size_t count = input["length"].as<size_t>();
    if (count > max_items) return make_error("too_large", name + " has too many items");
    std::vector<Bytes> items;
    items.reserve(count);
    size_t total = 0;
    for (size_t i = 0; i < count; ++i) {
        const std::string item_name = name + "[" + std::to_string(i) + "]";
        auto item = bytes_argument(input[i], item_name.c_str(), max_total - total);
        if (!item) return item.error();
        total += item->size();
        items.push_back(std::move(*item));
    }
    return items;
}

val bytes_array_value(const std::vector<Bytes>& items) {
    val out = val::array();
    for (const Bytes& item : items) out.call<void>("push", bytes_value(item));
    return out;
}

Result<Hash256> display_hash_argument(const val& input, const std::string& name) {
    if (!input.isString()) return make_error("wrong_type", name + " must be a hex string");
    if (input["length"].as<size_t>() != 64) {
        return make_error("hex_wrong_length", name + " must be 64 hex digits");
    }
    auto text = input.as<std::string>();
    auto hash = bitcoin::from_display_hex(text);
    if (!hash) return make_error(hash.error().code, name + ": " + hash.error().message);
    return hash;
}

}  // namespace datt::wasm
