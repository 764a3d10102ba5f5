// Shared by the wallet tests: a regtest BIP-84 account from BIP-84's test mnemonic, coins
// paying its receive keys, and the interpreter's verdict on a signed transaction.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "bip39/seed.h"
#include "bitcoin/interpreter.h"
#include "bitcoin/network.h"
#include "bitcoin/script_error.h"
#include "bitcoin/sighash.h"
#include "bitcoin/wallet/bip84.h"
#include "bitcoin/wallet/tx_builder.h"
#include "bitcoin/wallet/unsigned_tx.h"

namespace datt::bitcoin::wallet::testing {

inline const Bip84Account& test_account() {
    static const Bip84Account account = [] {
        const auto seed = bip39::mnemonic_to_seed(
            "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon "
            "abandon about",
            "");
        return Bip84Account::from_seed(regtest(), seed, 0).value();
    }();
    return account;
}

// Receive scripts are derived once per index: tests build many coins.
inline const Script& receive_script(uint32_t index) {
    static std::vector<Script> cache;
    while (cache.size() <= index)
        cache.push_back(test_account()
                            .script_pubkey(Chain::kReceive, static_cast<uint32_t>(cache.size()))
                            .value());
    return cache[index];
}

// A coin of `value` at receive index `index` (key index modulo 64, so keys repeat across a
// large pool, as coins paid to one address do), in a made-up transaction `tag`.
inline WalletCoin coin(int64_t value, uint32_t tag, uint32_t index = 0) {
    WalletCoin c;
    c.outpoint.txid.fill(0);
    for (size_t i = 0; i < 4; ++i) c.outpoint.txid[i] = static_cast<uint8_t>(tag >> (8 * i));
    c.outpoint.txid[31] = 0xc0;
    c.outpoint.index = tag % 3;
    c.value = Sats{value};
    c.path = test_account().key_path(Chain::kReceive, index % 64);
    c.script_pubkey = receive_script(index % 64);
    return c;
}

inline Script change_script(uint32_t index = 0) {
    return test_account().script_pubkey(Chain::kChange, index).value();
}

// Every input checked by the interpreter with the standard flags: "" when all pass, else the
// first input's error.
inline std::string verify_all(const Transaction& tx, const std::vector<InputDescription>& inputs,
                              uint32_t flags = kStandardScriptFlags) {
    const SighashCache cache = make_sighash_cache(tx);
    for (size_t i = 0; i < inputs.size(); ++i) {
        const ScriptError error =
            verify_input(tx, i, inputs[i].script_pubkey, inputs[i].value, flags, &cache);
        if (error != ScriptError::kOk)
            return "input " + std::to_string(i) + ": " + std::string(script_error_name(error));
    }
    return "";
}

inline Sats sum_outputs(const Transaction& tx) {
    Sats total{0};
    for (const TxOut& out : tx.outputs) total = *total.checked_add(out.value);
    return total;
}

inline Sats sum_inputs(const std::vector<InputDescription>& inputs) {
    Sats total{0};
    for (const InputDescription& in : inputs) total = *total.checked_add(in.value);
    return total;
}

}  // namespace datt::bitcoin::wallet::testing
