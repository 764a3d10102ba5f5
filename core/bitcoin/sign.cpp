#include "bitcoin/sign.h"

#include "bitcoin/script.h"
#include "bitcoin/script_templates.h"
#include "crypto/ecdsa.h"
#include "crypto/ripemd160.h"

namespace datt::bitcoin {
namespace {

Status check_hash_type(uint8_t hash_type) {
    const uint8_t base = hash_type & ~kSighashAnyoneCanPay;
    if (base < kSighashAll || base > kSighashSingle)
        return make_error("sign_bad_hash_type",
                          "hash type " + std::to_string(hash_type) +
                              " is not ALL, NONE or SINGLE (optionally | ANYONECANPAY)");
    return Ok{};
}

Status check_index(const Transaction& tx, size_t input_index) {
    if (input_index >= tx.inputs.size())
        return make_error("sign_input_out_of_range",
                          "input " + std::to_string(input_index) + " of a transaction with " +
                              std::to_string(tx.inputs.size()));
    return Ok{};
}

}  // namespace

Result<Bytes> sign_sighash(const crypto::SecretKey& key, const Hash256& sighash,
                           uint8_t hash_type) {
    if (auto ok = check_hash_type(hash_type); !ok) return ok.error();
    Bytes signature = crypto::ecdsa_sign_der(key, sighash);
    signature.push_back(hash_type);
    return signature;
}

Result<Bytes> sign_legacy_input(const Transaction& tx, size_t input_index, ByteSpan script_code,
                                const crypto::SecretKey& key, uint8_t hash_type) {
    if (auto ok = check_index(tx, input_index); !ok) return ok.error();
    return sign_sighash(key, legacy_sighash(tx, input_index, script_code, hash_type), hash_type);
}

Result<Bytes> sign_segwit_v0_input(const Transaction& tx, size_t input_index,
                                   ByteSpan script_code, Sats amount,
                                   const crypto::SecretKey& key, uint8_t hash_type,
                                   const SighashCache* cache) {
    if (auto ok = check_index(tx, input_index); !ok) return ok.error();
    return sign_sighash(
        key, segwit_v0_sighash(tx, input_index, script_code, amount, hash_type, cache), hash_type);
}

Script p2wpkh_script_code(const crypto::PubKey& key) {
    return p2pkh_script(crypto::hash160(key.compressed()));
}

Result<std::vector<Bytes>> sign_p2wpkh_input(const Transaction& tx, size_t input_index,
                                             Sats amount, const crypto::SecretKey& key,
                                             uint8_t hash_type, const SighashCache* cache) {
    const crypto::PubKey pubkey = crypto::pubkey(key);
    auto signature = sign_segwit_v0_input(tx, input_index, p2wpkh_script_code(pubkey), amount,
                                          key, hash_type, cache);
    if (!signature) return signature.error();
    const auto compressed = pubkey.compressed();
    return std::vector<Bytes>{std::move(*signature), Bytes(compressed.begin(), compressed.end())};
}

Result<Script> sign_p2pkh_input(const Transaction& tx, size_t input_index,
                                const crypto::SecretKey& key, uint8_t hash_type) {
    const crypto::PubKey pubkey = crypto::pubkey(key);
    auto signature = sign_legacy_input(tx, input_index, p2pkh_script(pubkey), key, hash_type);
    if (!signature) return signature.error();
    return ScriptBuilder().push(*signature).push(pubkey.compressed()).build();
}

}  // namespace datt::bitcoin
