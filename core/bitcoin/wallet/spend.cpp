#include "bitcoin/wallet/spend.h"

#include <algorithm>

#include "bitcoin/interpreter.h"
#include "bitcoin/script_templates.h"
#include "bitcoin/sign.h"
#include "crypto/ripemd160.h"
#include "crypto/sha256.h"
#include "util/varint.h"

namespace datt::bitcoin::wallet {
namespace {

constexpr uint64_t kInputBaseBytes = 32 + 4 + 1 + 4;  // outpoint, empty scriptSig, sequence
constexpr size_t kCompressedKeySize = 33;
constexpr size_t kPreimageSize = 32;

Error mismatch(const std::string& why) {
    return make_error("wallet_input_mismatch", why);
}

// The keys a witness script lets sign, in script order.
std::vector<crypto::PubKey> script_keys(const InputDescription& input) {
    const Script& script = input.witness_script;
    switch (input.kind) {
        case SpendKind::kP2wpkh:
            return {};
        case SpendKind::kMultisig2of2:
            if (auto m = match_multisig(script)) return m->keys;
            return {};
        case SpendKind::kTimelock:
            if (auto lock = match_cltv(script)) return {lock->key};
            if (auto lock = match_csv(script)) return {lock->key};
            return {};
        case SpendKind::kHashLockPreimage:
            if (auto lock = match_hash_lock(script)) return {lock->recipient};
            return {};
        case SpendKind::kHashLockTimeout:
            if (auto lock = match_hash_lock(script)) return {lock->refund};
            return {};
    }
    return {};
}

bool same_key(const crypto::PubKey& a, const crypto::PubKey& b) {
    return a.compressed() == b.compressed();
}

Status check_signature(ByteSpan signature) {
    const bool defined_type =
        !signature.empty() && ((signature.back() & ~kSighashAnyoneCanPay) >= kSighashAll &&
                               (signature.back() & ~kSighashAnyoneCanPay) <= kSighashSingle);
    if (!defined_type || !is_valid_signature_encoding(signature))
        return make_error("wallet_bad_signature",
                          "not a strict-DER signature followed by a defined sighash type");
    return Ok{};
}

Result<std::vector<Bytes>> witness_with_script(const InputDescription& input,
                                               std::vector<Bytes> items) {
    if (auto ok = check_input(input); !ok) return ok.error();
    items.push_back(input.witness_script);
    return items;
}

}  // namespace

Status check_input(const InputDescription& input) {
    if (input.kind == SpendKind::kP2wpkh) {
        if (!match_p2wpkh(input.script_pubkey))
            return mismatch("a P2WPKH input spends an output that is not P2WPKH");
        if (!input.witness_script.empty()) return mismatch("a P2WPKH input has no witness script");
        return Ok{};
    }
    if (input.script_pubkey != p2wsh_script_for(input.witness_script))
        return mismatch("the output is not the P2WSH of the witness script");
    const Script& script = input.witness_script;
    switch (input.kind) {
        case SpendKind::kP2wpkh:
            break;
        case SpendKind::kMultisig2of2: {
            auto m = match_multisig(script);
            if (!m || m->required != 2 || m->keys.size() != 2 || !m->keys[0].is_compressed() ||
                !m->keys[1].is_compressed())
                return mismatch("the witness script is not a 2-of-2 of compressed keys");
            return Ok{};
        }
        case SpendKind::kTimelock:
            if (!match_cltv(script) && !match_csv(script))
                return mismatch("the witness script is not a CLTV or CSV key lock");
            return Ok{};
        case SpendKind::kHashLockPreimage:
        case SpendKind::kHashLockTimeout:
            if (!match_hash_lock(script)) return mismatch("the witness script is not a hash lock");
            return Ok{};
    }
    return mismatch("unknown input kind");
}

std::vector<size_t> max_witness_item_sizes(const InputDescription& input) {
    const size_t script = input.witness_script.size();
    switch (input.kind) {
        case SpendKind::kP2wpkh:
            return {kMaxSignatureSize, kCompressedKeySize};
        case SpendKind::kMultisig2of2:
            return {0, kMaxSignatureSize, kMaxSignatureSize, script};
        case SpendKind::kTimelock:
            return {kMaxSignatureSize, script};
        case SpendKind::kHashLockPreimage:
            return {kMaxSignatureSize, kPreimageSize, 1, script};
        case SpendKind::kHashLockTimeout:
            return {kMaxSignatureSize, 0, script};
    }
    return {};
}

uint64_t max_input_weight(const InputDescription& input) {
    const std::vector<size_t> items = max_witness_item_sizes(input);
    uint64_t witness = compact_size_length(items.size());
    for (size_t size : items) witness += compact_size_length(size) + size;
    return kInputBaseBytes * 4 + witness;
}

uint64_t p2wpkh_input_weight() {
    InputDescription input;
    input.kind = SpendKind::kP2wpkh;
    return max_input_weight(input);
}

uint64_t output_weight(const TxOut& output) {
    return 4 * (8 + compact_size_length(output.script_pubkey.size()) + output.script_pubkey.size());
}

Result<Bytes> sign_input(const Transaction& tx, size_t index, const InputDescription& input,
                         const crypto::SecretKey& key, const SighashCache* cache) {
    if (auto ok = check_input(input); !ok) return ok.error();
    const crypto::PubKey pubkey = crypto::pubkey(key);
    if (input.kind == SpendKind::kP2wpkh) {
        if (p2wpkh_script(pubkey) != input.script_pubkey)
            return make_error("wallet_key_not_in_script",
                              "the key is not the one this P2WPKH output pays");
        return sign_segwit_v0_input(tx, index, p2wpkh_script_code(pubkey), input.value, key,
                                    kSighashAll, cache);
    }
    const auto keys = script_keys(input);
    if (std::none_of(keys.begin(), keys.end(),
                     [&](const crypto::PubKey& k) { return same_key(k, pubkey); }))
        return make_error("wallet_key_not_in_script",
                          "the key is not one this input's witness script lets sign");
    return sign_segwit_v0_input(tx, index, input.witness_script, input.value, key, kSighashAll,
                                cache);
}

Result<std::vector<Bytes>> p2wpkh_witness(ByteSpan signature, const crypto::PubKey& key) {
    if (auto ok = check_signature(signature); !ok) return ok.error();
    const auto compressed = key.compressed();
    return std::vector<Bytes>{Bytes(signature.begin(), signature.end()),
                              Bytes(compressed.begin(), compressed.end())};
}

Result<std::vector<Bytes>> multisig_2of2_witness(const InputDescription& input,
                                                 const KeySignature& first,
                                                 const KeySignature& second) {
    if (input.kind != SpendKind::kMultisig2of2) return mismatch("not a 2-of-2 input");
    if (auto ok = check_input(input); !ok) return ok.error();
    if (auto ok = check_signature(first.signature); !ok) return ok.error();
    if (auto ok = check_signature(second.signature); !ok) return ok.error();
    const auto keys = script_keys(input);
    // keys has two entries (check_input). Each signature goes where its key is.
    if (same_key(keys[0], first.key) && same_key(keys[1], second.key))
        return witness_with_script(input, {Bytes{}, first.signature, second.signature});
    if (same_key(keys[0], second.key) && same_key(keys[1], first.key))
        return witness_with_script(input, {Bytes{}, second.signature, first.signature});
    return make_error("wallet_key_not_in_script", "the keys are not the 2-of-2 script's");
}

Result<std::vector<Bytes>> timelock_witness(const InputDescription& input, ByteSpan signature) {
    if (input.kind != SpendKind::kTimelock) return mismatch("not a timelocked input");
    if (auto ok = check_signature(signature); !ok) return ok.error();
    return witness_with_script(input, {Bytes(signature.begin(), signature.end())});
}

Result<std::vector<Bytes>> hash_lock_preimage_witness(const InputDescription& input,
                                                      ByteSpan signature, const Hash256& preimage) {
    if (input.kind != SpendKind::kHashLockPreimage)
        return mismatch("not a hash-lock preimage input");
    if (auto ok = check_signature(signature); !ok) return ok.error();
    auto lock = match_hash_lock(input.witness_script);
    if (!lock) return mismatch("the witness script is not a hash lock");
    if (crypto::hash160(preimage) != lock->payment_hash160)
        return make_error("wallet_bad_preimage", "the preimage does not open this hash lock");
    return witness_with_script(input, {Bytes(signature.begin(), signature.end()),
                                       Bytes(preimage.begin(), preimage.end()), Bytes{0x01}});
}

Result<std::vector<Bytes>> hash_lock_timeout_witness(const InputDescription& input,
                                                     ByteSpan signature) {
    if (input.kind != SpendKind::kHashLockTimeout) return mismatch("not a hash-lock timeout input");
    if (auto ok = check_signature(signature); !ok) return ok.error();
    return witness_with_script(input, {Bytes(signature.begin(), signature.end()), Bytes{}});
}

}  // namespace datt::bitcoin::wallet
