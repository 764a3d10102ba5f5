// core/bitcoin for JavaScript, part 1: networks, transactions (parse, serialize, sizes and
// ids, Core's decoderawtransaction description), scripts (templates, recognition, asm),
// addresses, sighash (legacy and BIP-143), signing and the script interpreter.
// Headers, header chains and merkle proofs are in bind_bitcoin_spv.cpp. Conversions and
// the JS shapes are in bitcoin_convert.h; datt.mjs exposes all of it as `datt.bitcoin`.
#include <emscripten/bind.h>

#include "bitcoin/address.h"
#include "bitcoin/interpreter.h"
#include "bitcoin/network.h"
#include "bitcoin/script_asm.h"
#include "bitcoin/script_error.h"
#include "bitcoin/script_flags.h"
#include "bitcoin/script_solver.h"
#include "bitcoin/script_templates.h"
#include "bitcoin/sighash.h"
#include "bitcoin/sign.h"
#include "bitcoin/tx.h"
#include "bitcoin/tx_check.h"
#include "bitcoin/tx_decode.h"
#include "bitcoin_convert.h"
#include "convert.h"
#include "crypto/ripemd160.h"
#include "crypto/sha256.h"
#include "util/hex.h"

namespace datt::wasm {
namespace {

using bitcoin::Script;

constexpr size_t kMaxScriptArgument = bitcoin::kMaxTransactionSize;

val result_of(Result<Script> script) {
    return script ? ok(bytes_value(*script)) : fail(script.error());
}

// ---- networks ----

val network_info(val name) {
    auto network = network_argument(name);
    if (!network) return fail(network.error());
    val out = val::object();
    out.set("name", network->name);
    out.set("bech32Hrp", network->bech32_hrp);
    out.set("p2pkhPrefix", network->p2pkh_prefix);
    out.set("p2shPrefix", network->p2sh_prefix);
    out.set("wifPrefix", network->wif_prefix);
    val versions = val::object();
    versions.set("public", network->bip32_xpub_version);
    versions.set("private", network->bip32_xprv_version);
    out.set("bip32Versions", versions);
    out.set("bip84CoinType", network->bip84_coin_type);
    out.set("genesisHash", bitcoin::to_display_hex(network->genesis_hash));
    return ok(out);
}

val network_names() {
    val out = val::array();
    for (const bitcoin::Network* network : bitcoin::known_networks()) {
        out.call<void>("push", val(network->name));
    }
    return out;
}

// ---- transactions ----

val parse_transaction(val bytes) {
    if (!is_uint8array(bytes)) return fail(not_uint8array("transaction"));
    auto tx = transaction_argument(bytes);
    return tx ? ok(transaction_value(*tx)) : fail(tx.error());
}

// `witness` false: the legacy serialization (what the txid hashes).
val serialize_transaction(val input, bool witness) {
    auto tx = transaction_argument(input);
    if (!tx) return fail(tx.error());
    return ok(bytes_value(witness ? bitcoin::serialize(*tx) : bitcoin::serialize_without_witness(*tx)));
}

// {txid, wtxid (display hex), size, baseSize, weight, vsize}
val transaction_info(val input) {
    auto tx = transaction_argument(input);
    if (!tx) return fail(tx.error());
    val out = val::object();
    out.set("txid", bitcoin::to_display_hex(bitcoin::txid(*tx)));
    out.set("wtxid", bitcoin::to_display_hex(bitcoin::wtxid(*tx)));
    out.set("size", bitcoin::total_size(*tx));
    out.set("baseSize", bitcoin::base_size(*tx));
    out.set("weight", bitcoin::weight(*tx));
    out.set("vsize", bitcoin::vsize(*tx));
    return ok(out);
}

val check_transaction(val input) {
    auto tx = transaction_argument(input);
    if (!tx) return fail(tx.error());
    auto checked = bitcoin::check_transaction(*tx);
    return checked ? ok(val(true)) : fail(checked.error());
}

// Bitcoin Core's decoderawtransaction object (tx_decode.h), member for member and in its
// order; "value" is the BTC number Core prints (JSON.parse of its text gives the same
// Number), and "valueSats" beside it the exact amount as a BigInt.
val decoded_value(const bitcoin::DecodedTransaction& decoded) {
    val out = val::object();
    out.set("txid", decoded.txid);
    out.set("hash", decoded.hash);
    out.set("version", decoded.version);
    out.set("size", decoded.size);
    out.set("vsize", decoded.vsize);
    out.set("weight", decoded.weight);
    out.set("locktime", decoded.locktime);
    val vin = val::array();
    for (const bitcoin::DecodedInput& in : decoded.vin) {
        val input = val::object();
        if (in.coinbase) {
            input.set("coinbase", in.script_sig.hex);
        } else {
            input.set("txid", in.txid);
            input.set("vout", in.vout);
            val script_sig = val::object();
            script_sig.set("asm", in.script_sig.asm_text);
            script_sig.set("hex", in.script_sig.hex);
            input.set("scriptSig", script_sig);
        }
        if (in.witness) {
            val witness = val::array();
            for (const std::string& item : *in.witness) witness.call<void>("push", val(item));
            input.set("txinwitness", witness);
        }
        input.set("sequence", in.sequence);
        vin.call<void>("push", input);
    }
    out.set("vin", vin);
    val vout = val::array();
    for (const bitcoin::DecodedOutput& output : decoded.vout) {
        val entry = val::object();
        entry.set("value", val::global("Number")(val(bitcoin::format_btc(output.value))));
        entry.set("valueSats", sats_value(output.value));
        entry.set("n", output.n);
        val script = val::object();
        script.set("asm", output.script_pubkey.asm_text);
        script.set("desc", output.script_pubkey.descriptor);
        script.set("hex", output.script_pubkey.hex);
        if (output.script_pubkey.address) script.set("address", *output.script_pubkey.address);
        script.set("type", output.script_pubkey.type);
        entry.set("scriptPubKey", script);
        vout.call<void>("push", entry);
    }
    out.set("vout", vout);
    return out;
}

val decode_transaction(val input, val network_name) {
    auto network = network_argument(network_name);
    if (!network) return fail(network.error());
    auto tx = transaction_argument(input);
    if (!tx) return fail(tx.error());
    return ok(decoded_value(bitcoin::decode_transaction(*tx, *network)));
}

// ---- scripts ----

val script_to_asm(val script, bool decode_signatures) {
    auto bytes = bytes_argument(script, "script", kMaxScriptArgument);
    if (!bytes) return fail(bytes.error());
    return ok(val(bitcoin::script_to_asm(*bytes, decode_signatures)));
}

// A public key (33 or 65 bytes) or its 20-byte HASH160.
Result<bitcoin::Hash160> key_hash_argument(const val& input, const char* name) {
    if (is_uint8array(input) && input["length"].as<size_t>() == 20) {
        return fixed_bytes_argument<20>(input, name);
    }
    auto key = public_key_argument(input, name);
    if (!key) return key.error();
    return bitcoin::Hash160(crypto::hash160(key->bytes()));
}

val p2pkh_script(val key_or_hash) {
    auto hash = key_hash_argument(key_or_hash, "keyOrHash");
    return hash ? ok(bytes_value(bitcoin::p2pkh_script(*hash))) : fail(hash.error());
}

val p2wpkh_script(val key_or_hash) {
    if (!(is_uint8array(key_or_hash) && key_or_hash["length"].as<size_t>() == 20)) {
        // A key is always hashed compressed (BIP-143: only compressed keys are standard).
        auto key = public_key_argument(key_or_hash, "keyOrHash");
        if (!key) return fail(key.error());
        return ok(bytes_value(bitcoin::p2wpkh_script(*key)));
    }
    auto hash = fixed_bytes_argument<20>(key_or_hash, "keyOrHash");
    return hash ? ok(bytes_value(bitcoin::p2wpkh_script(*hash))) : fail(hash.error());
}

val p2sh_script(val redeem_script) {
    auto script = bytes_argument(redeem_script, "redeemScript", kMaxScriptArgument);
    return script ? ok(bytes_value(bitcoin::p2sh_script_for(*script))) : fail(script.error());
}

val p2wsh_script(val witness_script) {
    auto script = bytes_argument(witness_script, "witnessScript", kMaxScriptArgument);
    return script ? ok(bytes_value(bitcoin::p2wsh_script_for(*script))) : fail(script.error());
}

val multisig_script(val required, val keys) {
    auto m = integer_argument(required, "required", 0, 1000);
    if (!m) return fail(m.error());
    if (!keys.isArray()) return fail(make_error("wrong_type", "keys must be an array of public keys"));
    const size_t count = keys["length"].as<size_t>();
    if (count > 100) return fail(make_error("script_bad_multisig", "more than 20 keys"));
    std::vector<crypto::PubKey> parsed;
    for (size_t i = 0; i < count; ++i) {
        auto key = public_key_argument(keys[i], "keys[]");
        if (!key) return fail(key.error());
        parsed.push_back(*key);
    }
    return result_of(bitcoin::multisig_script(static_cast<int>(*m), parsed));
}

val funding_2of2_script(val key_a, val key_b) {
    auto a = public_key_argument(key_a, "keyA");
    if (!a) return fail(a.error());
    auto b = public_key_argument(key_b, "keyB");
    if (!b) return fail(b.error());
    return ok(bytes_value(bitcoin::funding_2of2_script(*a, *b)));
}

val op_return_script(val data) {
    auto bytes = bytes_argument(data, "data", kMaxScriptArgument);
    if (!bytes) return fail(bytes.error());
    return result_of(bitcoin::op_return_script(*bytes));
}

val cltv_script(val lock_time, val key) {
    auto lock = uint32_argument(lock_time, "lockTime");
    if (!lock) return fail(lock.error());
    auto parsed = public_key_argument(key, "key");
    if (!parsed) return fail(parsed.error());
    return ok(bytes_value(bitcoin::cltv_script(*lock, *parsed)));
}

val csv_script(val sequence, val key) {
    auto lock = uint32_argument(sequence, "sequence");
    if (!lock) return fail(lock.error());
    auto parsed = public_key_argument(key, "key");
    if (!parsed) return fail(parsed.error());
    return result_of(bitcoin::csv_script(*lock, *parsed));
}

val hash_lock_script(val payment_hash, val recipient, val refund_lock_time, val refund) {
    auto hash = fixed_bytes_argument<32>(payment_hash, "paymentHash");
    if (!hash) return fail(hash.error());
    auto to = public_key_argument(recipient, "recipient");
    if (!to) return fail(to.error());
    auto lock = uint32_argument(refund_lock_time, "refundLockTime");
    if (!lock) return fail(lock.error());
    auto back = public_key_argument(refund, "refund");
    if (!back) return fail(back.error());
    return ok(bytes_value(bitcoin::hash_lock_script(*hash, *to, *lock, *back)));
}

val key_value(const crypto::PubKey& key) { return bytes_value(key.bytes()); }

// What a script is, as Datt's templates recognise it (script_templates.h): output types and
// the witness scripts Datt spends, with what they commit to; "coreType" is the name Bitcoin
// Core's RPCs print (script_solver.h).
val match_script(val script) {
    auto bytes = bytes_argument(script, "script", kMaxScriptArgument);
    if (!bytes) return fail(bytes.error());
    const ByteSpan s = *bytes;
    val out = val::object();
    if (auto hash = bitcoin::match_p2pkh(s)) {
        out.set("type", "p2pkh");
        out.set("hash", bytes_value(*hash));
    } else if (auto hash = bitcoin::match_p2sh(s)) {
        out.set("type", "p2sh");
        out.set("hash", bytes_value(*hash));
    } else if (auto hash = bitcoin::match_p2wpkh(s)) {
        out.set("type", "p2wpkh");
        out.set("hash", bytes_value(*hash));
    } else if (auto hash = bitcoin::match_p2wsh(s)) {
        out.set("type", "p2wsh");
        out.set("hash", bytes_value(*hash));
    } else if (auto data = bitcoin::match_op_return(s)) {
        out.set("type", "opReturn");
        out.set("data", bytes_value(*data));
    } else if (auto multisig = bitcoin::match_multisig(s)) {
        out.set("type", "multisig");
        out.set("required", multisig->required);
        val keys = val::array();
        for (const auto& key : multisig->keys) keys.call<void>("push", key_value(key));
        out.set("keys", keys);
    } else if (auto lock = bitcoin::match_cltv(s)) {
        out.set("type", "cltv");
        out.set("lockTime", lock->lock);
        out.set("key", key_value(lock->key));
    } else if (auto lock = bitcoin::match_csv(s)) {
        out.set("type", "csv");
        out.set("sequence", lock->lock);
        out.set("key", key_value(lock->key));
    } else if (auto hash_lock = bitcoin::match_hash_lock(s)) {
        out.set("type", "hashLock");
        out.set("paymentHash160", bytes_value(hash_lock->payment_hash160));
        out.set("recipient", key_value(hash_lock->recipient));
        out.set("refundLockTime", hash_lock->refund_lock_time);
        out.set("refund", key_value(hash_lock->refund));
    } else {
        switch (bitcoin::classify(s)) {
            case bitcoin::ScriptType::kP2pk: out.set("type", "p2pk"); break;
            case bitcoin::ScriptType::kWitnessUnknown: out.set("type", "witnessUnknown"); break;
            case bitcoin::ScriptType::kNonStandard:
            case bitcoin::ScriptType::kP2pkh:
            case bitcoin::ScriptType::kP2sh:
            case bitcoin::ScriptType::kMultisig:
            case bitcoin::ScriptType::kNullData:
            case bitcoin::ScriptType::kP2wpkh:
            case bitcoin::ScriptType::kP2wsh: out.set("type", "nonstandard"); break;
        }
    }
    out.set("coreType", std::string(bitcoin::txout_type_name(bitcoin::solve_script(s).type)));
    return ok(out);
}

// ---- addresses ----

val address_to_script(val address, val network_name) {
    auto network = network_argument(network_name);
    if (!network) return fail(network.error());
    auto text = text_argument(address, "address");
    if (!text) return fail(text.error());
    if (text->size() > 1000) return fail(make_error("address_too_long", "address is too long"));
    auto parsed = bitcoin::Address::parse(*network, *text);
    if (!parsed) return fail(parsed.error());
    val out = val::object();
    out.set("scriptPubKey", bytes_value(parsed->script_pubkey()));
    switch (parsed->type()) {
        case bitcoin::AddressType::kP2pkh: out.set("type", "p2pkh"); break;
        case bitcoin::AddressType::kP2sh: out.set("type", "p2sh"); break;
        case bitcoin::AddressType::kWitness: out.set("type", "witness"); break;
    }
    out.set("witnessVersion", parsed->witness_version());
    out.set("program", bytes_value(parsed->program()));
    out.set("address", parsed->to_string());
    return ok(out);
}

val script_to_address(val script, val network_name) {
    auto network = network_argument(network_name);
    if (!network) return fail(network.error());
    auto bytes = bytes_argument(script, "scriptPubKey", kMaxScriptArgument);
    if (!bytes) return fail(bytes.error());
    auto address = bitcoin::Address::from_script_pubkey(*network, *bytes);
    return address ? ok(val(address->to_string())) : fail(address.error());
}

// ---- keys, sighash, signing ----

// The compressed SEC1 public key (33 bytes) of a secret key: what Bitcoin scripts carry
// (publicKey() gives the x-only Nostr key instead).
val bitcoin_public_key(val secret_key) {
    auto key = secret_key_argument(secret_key);
    if (!key) return fail(key.error());
    return ok(bytes_value(crypto::pubkey(*key).compressed()));
}

val hash160(val data) {
    auto bytes = bytes_argument(data, "data");
    return bytes ? ok(bytes_value(crypto::hash160(*bytes))) : fail(bytes.error());
}

val sha256(val data) {
    auto bytes = bytes_argument(data, "data");
    return bytes ? ok(bytes_value(crypto::sha256(*bytes))) : fail(bytes.error());
}

// A hash type as the preimage carries it: any 32-bit value (Core's vectors use negative
// ones); a signature's byte is its low 8 bits.
Result<int32_t> hash_type_argument(const val& input) {
    auto value = integer_argument(input, "hashType", INT32_MIN, UINT32_MAX);
    if (!value) return value.error();
    return static_cast<int32_t>(static_cast<uint32_t>(*value));
}

Result<uint8_t> signing_hash_type_argument(const val& input) {
    if (is_absent(input)) return uint8_t{bitcoin::kSighashAll};
    auto value = integer_argument(input, "hashType", 0, 255);
    if (!value) return value.error();
    return static_cast<uint8_t>(*value);
}

// The digest an input's signature signs (internal byte order, as given to ECDSA).
val legacy_sighash(val input, val input_index, val script_code, val hash_type) {
    auto tx = transaction_argument(input);
    if (!tx) return fail(tx.error());
    // Core's legacy rule hashes "one" for an index past the inputs; the API refuses it
    // instead (no signature should ever commit to it).
    auto index = index_argument(input_index, "inputIndex", tx->inputs.size());
    if (!index) return fail(index.error());
    auto code = bytes_argument(script_code, "scriptCode", kMaxScriptArgument);
    if (!code) return fail(code.error());
    auto type = hash_type_argument(hash_type);
    if (!type) return fail(type.error());
    return ok(bytes_value(bitcoin::legacy_sighash(*tx, *index, *code, *type)));
}

val segwit_sighash(val input, val input_index, val script_code, val amount, val hash_type) {
    auto tx = transaction_argument(input);
    if (!tx) return fail(tx.error());
    auto index = index_argument(input_index, "inputIndex", tx->inputs.size());
    if (!index) return fail(index.error());
    auto code = bytes_argument(script_code, "scriptCode", kMaxScriptArgument);
    if (!code) return fail(code.error());
    auto value = sats_argument(amount, "amount", AmountRange::kAnyInt64);
    if (!value) return fail(value.error());
    auto type = hash_type_argument(hash_type);
    if (!type) return fail(type.error());
    return ok(bytes_value(bitcoin::segwit_v0_sighash(*tx, *index, *code, *value, *type, nullptr)));
}

// {tx, index, key, hashType} shared by the signing functions.
struct SigningArguments {
    bitcoin::Transaction tx;
    size_t index = 0;
    uint8_t hash_type = bitcoin::kSighashAll;
};

Result<SigningArguments> signing_arguments(const val& input, const val& input_index,
                                           const val& hash_type) {
    SigningArguments out;
    auto tx = transaction_argument(input);
    if (!tx) return tx.error();
    out.tx = std::move(*tx);
    auto index = index_argument(input_index, "inputIndex", out.tx.inputs.size());
    if (!index) return index.error();
    out.index = *index;
    auto type = signing_hash_type_argument(hash_type);
    if (!type) return type.error();
    out.hash_type = *type;
    return out;
}

// The signature (strict DER + hash type byte) of a legacy or P2SH input over scriptCode.
val sign_legacy_input(val input, val input_index, val script_code, val secret_key, val hash_type) {
    auto args = signing_arguments(input, input_index, hash_type);
    if (!args) return fail(args.error());
    auto code = bytes_argument(script_code, "scriptCode", kMaxScriptArgument);
    if (!code) return fail(code.error());
    auto key = secret_key_argument(secret_key);
    if (!key) return fail(key.error());
    auto signature = bitcoin::sign_legacy_input(args->tx, args->index, *code, *key, args->hash_type);
    return signature ? ok(bytes_value(*signature)) : fail(signature.error());
}

// The signature of a segwit v0 input (BIP-143) over scriptCode: the witness script for
// P2WSH, the P2PKH script of the key hash for P2WPKH.
val sign_segwit_input(val input, val input_index, val script_code, val amount, val secret_key,
                      val hash_type) {
    auto args = signing_arguments(input, input_index, hash_type);
    if (!args) return fail(args.error());
    auto code = bytes_argument(script_code, "scriptCode", kMaxScriptArgument);
    if (!code) return fail(code.error());
    auto value = sats_argument(amount, "amount", AmountRange::kMoney);
    if (!value) return fail(value.error());
    auto key = secret_key_argument(secret_key);
    if (!key) return fail(key.error());
    auto signature = bitcoin::sign_segwit_v0_input(args->tx, args->index, *code, *value, *key,
                                                   args->hash_type, nullptr);
    return signature ? ok(bytes_value(*signature)) : fail(signature.error());
}

// The witness [signature, compressed key] of a P2WPKH input.
val sign_p2wpkh_input(val input, val input_index, val amount, val secret_key, val hash_type) {
    auto args = signing_arguments(input, input_index, hash_type);
    if (!args) return fail(args.error());
    auto value = sats_argument(amount, "amount", AmountRange::kMoney);
    if (!value) return fail(value.error());
    auto key = secret_key_argument(secret_key);
    if (!key) return fail(key.error());
    auto witness = bitcoin::sign_p2wpkh_input(args->tx, args->index, *value, *key,
                                              args->hash_type, nullptr);
    return witness ? ok(bytes_array_value(*witness)) : fail(witness.error());
}

// The scriptSig <signature> <compressed key> of a P2PKH input.
val sign_p2pkh_input(val input, val input_index, val secret_key, val hash_type) {
    auto args = signing_arguments(input, input_index, hash_type);
    if (!args) return fail(args.error());
    auto key = secret_key_argument(secret_key);
    if (!key) return fail(key.error());
    auto script_sig = bitcoin::sign_p2pkh_input(args->tx, args->index, *key, args->hash_type);
    return script_sig ? ok(bytes_value(*script_sig)) : fail(script_sig.error());
}

// ---- the interpreter ----

val verdict(bitcoin::ScriptError error) {
    val out = val::object();
    out.set("valid", error == bitcoin::ScriptError::kOk);
    out.set("error", std::string(bitcoin::script_error_name(error)));
    return out;
}

// One prevout {scriptPubKey, amount}.
Result<bitcoin::TxOut> prevout_argument(const val& input, const std::string& name) {
    if (!is_plain_object(input)) {
        return make_error("wrong_type", name + " must be an object {scriptPubKey, amount}");
    }
    auto script = bytes_argument(input["scriptPubKey"], "scriptPubKey", kMaxScriptArgument);
    if (!script) return make_error(script.error().code, name + ": " + script.error().message);
    auto amount = sats_argument(input["amount"], name + ".amount", AmountRange::kAnyInt64);
    if (!amount) return amount.error();
    return bitcoin::TxOut{*amount, std::move(*script)};
}

// Whether input `inputIndex` of `tx` may spend `prevout` under `flags`: {valid, error}
// with the error named as Core's script_tests.json names it ("OK" when valid).
val verify_input(val input, val input_index, val prevout, val flags) {
    auto tx = transaction_argument(input);
    if (!tx) return fail(tx.error());
    auto index = index_argument(input_index, "inputIndex", tx->inputs.size());
    if (!index) return fail(index.error());
    auto spent = prevout_argument(prevout, "prevout");
    if (!spent) return fail(spent.error());
    auto flag_bits = script_flags_argument(flags);
    if (!flag_bits) return fail(flag_bits.error());
    return ok(verdict(bitcoin::verify_input(*tx, *index, spent->script_pubkey, spent->value,
                                            *flag_bits, nullptr)));
}

// Every input against its prevout (one per input, in order), the BIP-143 hashes computed
// once: {valid, inputs: [{valid, error}]}.
val verify_transaction(val input, val prevouts, val flags) {
    auto tx = transaction_argument(input);
    if (!tx) return fail(tx.error());
    if (!prevouts.isArray() || prevouts["length"].as<size_t>() != tx->inputs.size()) {
        return fail(make_error("wrong_length", "prevouts must be an array with one entry per input"));
    }
    auto flag_bits = script_flags_argument(flags);
    if (!flag_bits) return fail(flag_bits.error());
    std::vector<bitcoin::TxOut> spent;
    for (size_t i = 0; i < tx->inputs.size(); ++i) {
        auto prevout = prevout_argument(prevouts[i], "prevouts[" + std::to_string(i) + "]");
        if (!prevout) return fail(prevout.error());
        spent.push_back(std::move(*prevout));
    }
    const bitcoin::SighashCache cache = bitcoin::make_sighash_cache(*tx);
    bool all_valid = true;
    val inputs = val::array();
    for (size_t i = 0; i < tx->inputs.size(); ++i) {
        const auto error = bitcoin::verify_input(*tx, i, spent[i].script_pubkey, spent[i].value,
                                                 *flag_bits, &cache);
        all_valid = all_valid && error == bitcoin::ScriptError::kOk;
        inputs.call<void>("push", verdict(error));
    }
    val out = val::object();
    out.set("valid", all_valid);
    out.set("inputs", inputs);
    return ok(out);
}

// The flag names verifyInput() takes, in bit order (Core's names).
val script_flag_names() {
    val out = val::array();
    for (uint32_t bit = 1; bit & bitcoin::kAllSupportedScriptFlags; bit <<= 1) {
        out.call<void>("push", val(std::string(bitcoin::script_flag_name(static_cast<bitcoin::ScriptFlag>(bit)))));
    }
    return out;
}

}  // namespace

EMSCRIPTEN_BINDINGS(datt_bitcoin) {
    emscripten::function("btcNetwork", &network_info);
    emscripten::function("btcNetworkNames", &network_names);
    emscripten::function("btcParseTransaction", &parse_transaction);
    emscripten::function("btcSerializeTransaction", &serialize_transaction);
    emscripten::function("btcTransactionInfo", &transaction_info);
    emscripten::function("btcCheckTransaction", &check_transaction);
    emscripten::function("btcDecodeTransaction", &decode_transaction);
    emscripten::function("btcScriptToAsm", &script_to_asm);
    emscripten::function("btcP2pkhScript", &p2pkh_script);
    emscripten::function("btcP2wpkhScript", &p2wpkh_script);
    emscripten::function("btcP2shScript", &p2sh_script);
    emscripten::function("btcP2wshScript", &p2wsh_script);
    emscripten::function("btcMultisigScript", &multisig_script);
    emscripten::function("btcFunding2of2Script", &funding_2of2_script);
    emscripten::function("btcOpReturnScript", &op_return_script);
    emscripten::function("btcCltvScript", &cltv_script);
    emscripten::function("btcCsvScript", &csv_script);
    emscripten::function("btcHashLockScript", &hash_lock_script);
    emscripten::function("btcMatchScript", &match_script);
    emscripten::function("btcAddressToScript", &address_to_script);
    emscripten::function("btcScriptToAddress", &script_to_address);
    emscripten::function("btcPublicKey", &bitcoin_public_key);
    emscripten::function("btcHash160", &hash160);
    emscripten::function("btcSha256", &sha256);
    emscripten::function("btcLegacySighash", &legacy_sighash);
    emscripten::function("btcSegwitSighash", &segwit_sighash);
    emscripten::function("btcSignLegacyInput", &sign_legacy_input);
    emscripten::function("btcSignSegwitInput", &sign_segwit_input);
    emscripten::function("btcSignP2wpkhInput", &sign_p2wpkh_input);
    emscripten::function("btcSignP2pkhInput", &sign_p2pkh_input);
    emscripten::function("btcVerifyInput", &verify_input);
    emscripten::function("btcVerifyTransaction", &verify_transaction);
    emscripten::function("btcScriptFlagNames", &script_flag_names);
}

}  // namespace datt::wasm
