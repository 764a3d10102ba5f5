// embind surface of the core for JavaScript (wrapped by datt.mjs).
//
// Every function returns a plain object: {ok: true, value} or {ok: false, code, message}.
// C++ exceptions cannot cross embind in this toolchain (they arrive as bare numbers and
// skip destructors), so errors travel as values and datt.mjs turns them into DattError.
// Binary values cross as lowercase hex strings, the lingua franca of Nostr.
// Randomness is never drawn here: callers pass bytes from crypto.getRandomValues.
#include <emscripten/bind.h>
#include <emscripten/val.h>

#include <string>

#include "bip32/derive.h"
#include "bip32/extended_key.h"
#include "bip32/serialize.h"
#include "bip39/mnemonic.h"
#include "bip39/seed.h"
#include "crypto/secp256k1.h"
#include "crypto/wipe.h"
#include "event/canonical.h"
#include "event/event.h"
#include "util/hex.h"

namespace datt::wasm {
namespace {

using emscripten::val;

val ok(val value) {
    val out = val::object();
    out.set("ok", true);
    out.set("value", value);
    return out;
}

val fail(const Error& error) {
    val out = val::object();
    out.set("ok", false);
    out.set("code", error.code);
    out.set("message", error.message);
    return out;
}


template <size_t N>
Result<ByteArray<N>> hex_argument(const std::string& hex, const char* name) {
    auto bytes = from_hex_fixed<N>(hex);
    if (!bytes) return make_error(bytes.error().code, std::string(name) + ": " + bytes.error().message);
    return bytes;
}

Result<crypto::SecretKey> secret_key_argument(const std::string& hex) {
    auto bytes = hex_argument<32>(hex, "secret key");
    if (!bytes) return bytes.error();
    auto key = crypto::SecretKey::from_bytes(*bytes);
    crypto::secure_wipe(bytes->data(), bytes->size());
    if (!key) return make_error("bad_secret_key", "secret key is zero or not below the curve order");
    return *key;
}

// 32 random bytes become a key; the caller retries on the (2^-128) invalid draw.
val secret_key_from_random(std::string random_hex) {
    auto key = secret_key_argument(random_hex);
    crypto::secure_wipe(random_hex.data(), random_hex.size());
    if (!key) return fail(key.error());
    return ok(val(to_hex(key->bytes())));
}

val public_key(std::string secret_hex) {
    auto key = secret_key_argument(secret_hex);
    if (!key) return fail(key.error());
    return ok(val(to_hex(crypto::xonly_pubkey(*key).bytes())));
}

val randomize_context(std::string random_hex) {
    auto seed = hex_argument<32>(random_hex, "seed");
    if (!seed) return fail(seed.error());
    crypto::context_randomize(*seed);
    return ok(val(true));
}

// Raw BIP-340 over a message of any length (hex), for protocols beyond events.
val schnorr_sign(std::string message_hex, std::string secret_hex, std::string aux_hex) {
    auto key = secret_key_argument(secret_hex);
    if (!key) return fail(key.error());
    auto aux = hex_argument<32>(aux_hex, "aux_rand");
    if (!aux) return fail(aux.error());
    auto message = from_hex(message_hex);
    if (!message) return fail(message.error());
    return ok(val(to_hex(crypto::schnorr_sign(*key, *message, *aux))));
}

val schnorr_verify(std::string message_hex, std::string pubkey_hex, std::string sig_hex) {
    auto pubkey_bytes = hex_argument<32>(pubkey_hex, "pubkey");
    if (!pubkey_bytes) return fail(pubkey_bytes.error());
    auto sig = hex_argument<64>(sig_hex, "signature");
    if (!sig) return fail(sig.error());
    auto message = from_hex(message_hex);
    if (!message) return fail(message.error());
    auto pubkey = crypto::XOnlyPubKey::parse(*pubkey_bytes);
    return ok(val(pubkey.has_value() && crypto::schnorr_verify(*pubkey, *message, *sig)));
}

val entropy_to_mnemonic(std::string entropy_hex) {
    auto entropy = from_hex(entropy_hex);
    if (!entropy) return fail(entropy.error());
    auto words = bip39::entropy_to_mnemonic(*entropy);
    crypto::secure_wipe(entropy->data(), entropy->size());
    if (!words) return fail(words.error());
    return ok(val(*words));
}

val mnemonic_to_entropy(std::string mnemonic) {
    auto entropy = bip39::mnemonic_to_entropy(mnemonic);
    if (!entropy) return fail(entropy.error());
    return ok(val(to_hex(*entropy)));
}

val mnemonic_to_seed(std::string mnemonic, std::string passphrase) {
    if (auto valid = bip39::check_mnemonic(mnemonic); !valid) return fail(valid.error());
    auto seed = bip39::mnemonic_to_seed(mnemonic, passphrase);
    std::string hex = to_hex(seed);
    crypto::secure_wipe(seed.data(), seed.size());
    return ok(val(hex));
}

bip32::Versions versions_of(uint32_t public_version, uint32_t private_version) {
    return bip32::Versions{public_version, private_version};
}

val describe(const bip32::ExtendedKey& key, bip32::Versions versions) {
    val out = val::object();
    out.set("xpub", bip32::encode(bip32::neuter(key), versions));
    out.set("publicKey", to_hex(key.public_key().bytes));
    out.set("xOnlyPublicKey", to_hex(std::span(key.public_key().bytes).subspan<1>()));
    out.set("depth", key.depth());
    out.set("childNumber", key.child_number());
    out.set("fingerprint", to_hex(bip32::fingerprint(key)));
    if (key.is_private()) {
        out.set("xprv", bip32::encode(key, versions));
        out.set("secretKey", to_hex(key.secret_key()->bytes()));
    }
    return ok(out);
}

// `root` is a BIP-39 seed in hex, or an extended key (xprv/xpub) in base58check.
val derive(std::string root, std::string path, uint32_t public_version, uint32_t private_version) {
    const bip32::Versions versions = versions_of(public_version, private_version);
    Result<bip32::ExtendedKey> start = make_error("", "");
    if (auto seed = from_hex(root); seed) {
        start = bip32::master_from_seed(*seed);
        crypto::secure_wipe(seed->data(), seed->size());
    } else {
        start = bip32::decode(root, versions);
    }
    if (!start) return fail(start.error());
    auto key = bip32::derive_path(*start, path);
    if (!key) return fail(key.error());
    return describe(*key, versions);
}

val sign_event(std::string draft_json, std::string secret_hex, std::string aux_hex) {
    auto key = secret_key_argument(secret_hex);
    if (!key) return fail(key.error());
    auto aux = hex_argument<32>(aux_hex, "aux_rand");
    if (!aux) return fail(aux.error());
    auto draft = event::parse_draft(draft_json);
    if (!draft) return fail(draft.error());
    auto signed_event = event::Event::sign(*draft, *key, *aux);
    if (!signed_event) return fail(signed_event.error());
    return ok(val(signed_event->to_json()));
}

// Full validation of untrusted event JSON; returns the normalized JSON.
val verify_event(std::string event_json) {
    auto parsed = event::Event::parse(event_json);
    if (!parsed) return fail(parsed.error());
    return ok(val(parsed->to_json()));
}

val event_id(std::string draft_json, std::string pubkey_hex) {
    auto pubkey = hex_argument<32>(pubkey_hex, "pubkey");
    if (!pubkey) return fail(pubkey.error());
    auto draft = event::parse_draft(draft_json);
    if (!draft) return fail(draft.error());
    return ok(val(to_hex(event::compute_id(*pubkey, *draft))));
}

}  // namespace

EMSCRIPTEN_BINDINGS(datt_core) {
    emscripten::function("secretKeyFromRandom", &secret_key_from_random);
    emscripten::function("publicKey", &public_key);
    emscripten::function("randomizeContext", &randomize_context);
    emscripten::function("schnorrSign", &schnorr_sign);
    emscripten::function("schnorrVerify", &schnorr_verify);
    emscripten::function("entropyToMnemonic", &entropy_to_mnemonic);
    emscripten::function("mnemonicToEntropy", &mnemonic_to_entropy);
    emscripten::function("mnemonicToSeed", &mnemonic_to_seed);
    emscripten::function("derive", &derive);
    emscripten::function("signEvent", &sign_event);
    emscripten::function("verifyEvent", &verify_event);
    emscripten::function("eventId", &event_id);
}

}  // namespace datt::wasm
