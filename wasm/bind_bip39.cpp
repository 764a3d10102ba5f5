// core/bip39 for JavaScript: English mnemonics, their entropy and the 64-byte seed.
// Mnemonics and passphrases arrive NFKD-normalized by datt.mjs (String.prototype.normalize).
#include <emscripten/bind.h>

#include "bip39/mnemonic.h"
#include "bip39/seed.h"
#include "convert.h"
#include "crypto/wipe.h"

namespace datt::wasm {
namespace {

constexpr size_t kMaxEntropyBytes = 1024;  // BIP-39 takes 16 to 32; the core says which

val entropy_to_mnemonic(val entropy_bytes) {
    auto entropy = bytes_argument(entropy_bytes, "entropy", kMaxEntropyBytes);
    if (!entropy) return fail(entropy.error());
    crypto::WipeOnExit wipe(entropy->data(), entropy->size());
    auto words = bip39::entropy_to_mnemonic(*entropy);
    if (!words) return fail(words.error());
    val out = ok(val(*words));
    crypto::secure_wipe(words->data(), words->size());
    return out;
}

val mnemonic_to_entropy(std::string mnemonic) {
    crypto::WipeOnExit wipe(mnemonic.data(), mnemonic.size());
    auto entropy = bip39::mnemonic_to_entropy(mnemonic);
    if (!entropy) return fail(entropy.error());
    crypto::WipeOnExit wipe_entropy(entropy->data(), entropy->size());
    return ok(bytes_value(*entropy));
}

val mnemonic_to_seed(std::string mnemonic, std::string passphrase) {
    crypto::WipeOnExit wipe(mnemonic.data(), mnemonic.size());
    crypto::WipeOnExit wipe_passphrase(passphrase.data(), passphrase.size());
    if (auto valid = bip39::check_mnemonic(mnemonic); !valid) return fail(valid.error());
    auto seed = bip39::mnemonic_to_seed(mnemonic, passphrase);
    crypto::WipeOnExit wipe_seed(seed.data(), seed.size());
    return ok(bytes_value(seed));
}

}  // namespace

EMSCRIPTEN_BINDINGS(datt_bip39) {
    emscripten::function("entropyToMnemonic", &entropy_to_mnemonic);
    emscripten::function("mnemonicToEntropy", &mnemonic_to_entropy);
    emscripten::function("mnemonicToSeed", &mnemonic_to_seed);
}

}  // namespace datt::wasm
