// core/crypto for JavaScript: secret keys, public keys, raw BIP-340 signatures.
// Randomness is never drawn here: callers pass bytes from crypto.getRandomValues.
#include <emscripten/bind.h>

#include "convert.h"
#include "crypto/secp256k1.h"
#include "crypto/wipe.h"
#include "util/hex.h"

namespace datt::wasm {
namespace {

// 32 random bytes become a key (a Uint8Array); the caller retries on the (2^-128) invalid
// draw (bad_secret_key).
val secret_key_from_random(val random) {
    auto key = secret_key_argument(random);
    if (!key) return fail(key.error());
    return ok(bytes_value(key->bytes()));
}

// The x-only public key of a secret key: a Nostr identity, so hex.
val public_key(val secret_key) {
    auto key = secret_key_argument(secret_key);
    if (!key) return fail(key.error());
    return ok(val(to_hex(crypto::xonly_pubkey(*key).bytes())));
}

val randomize_context(val random) {
    auto seed = fixed_bytes_argument<32>(random, "seed");
    if (!seed) return fail(seed.error());
    crypto::context_randomize(*seed);
    crypto::secure_wipe(seed->data(), seed->size());
    return ok(val(true));
}

// Raw BIP-340 over a message of any length, for protocols beyond events: 64 bytes.
val schnorr_sign(val message, val secret_key, val aux_rand) {
    auto key = secret_key_argument(secret_key);
    if (!key) return fail(key.error());
    auto aux = fixed_bytes_argument<32>(aux_rand, "auxRand");
    if (!aux) return fail(aux.error());
    auto bytes = bytes_argument(message, "message");
    if (!bytes) return fail(bytes.error());
    return ok(bytes_value(crypto::schnorr_sign(*key, *bytes, *aux)));
}

// False for a signature that does not verify and for a pubkey that is not on the curve;
// wrong types and sizes are errors.
val schnorr_verify(val message, val public_key_hex, val signature) {
    auto pubkey_text = text_argument(public_key_hex, "publicKey");
    if (!pubkey_text) return fail(pubkey_text.error());
    auto pubkey_bytes = hex_argument<32>(*pubkey_text, "publicKey");
    if (!pubkey_bytes) return fail(pubkey_bytes.error());
    auto sig = fixed_bytes_argument<64>(signature, "signature");
    if (!sig) return fail(sig.error());
    auto bytes = bytes_argument(message, "message");
    if (!bytes) return fail(bytes.error());
    auto pubkey = crypto::XOnlyPubKey::parse(*pubkey_bytes);
    return ok(val(pubkey.has_value() && crypto::schnorr_verify(*pubkey, *bytes, *sig)));
}

}  // namespace

EMSCRIPTEN_BINDINGS(datt_crypto) {
    emscripten::function("secretKeyFromRandom", &secret_key_from_random);
    emscripten::function("publicKey", &public_key);
    emscripten::function("randomizeContext", &randomize_context);
    emscripten::function("schnorrSign", &schnorr_sign);
    emscripten::function("schnorrVerify", &schnorr_verify);
}

}  // namespace datt::wasm
