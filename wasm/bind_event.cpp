// core/event for JavaScript: NIP-01 events as JSON text (the wire form, parsed strictly by
// Event::parse), and the Signer session that holds an unlocked secret key in wasm memory.
#include <emscripten/bind.h>

#include "convert.h"
#include "crypto/secp256k1.h"
#include "event/canonical.h"
#include "event/event.h"
#include "util/hex.h"

namespace datt::wasm {
namespace {

// Full validation of untrusted event JSON; the normalized JSON text.
val parse_event(std::string event_json) {
    auto parsed = event::Event::parse(event_json);
    if (!parsed) return fail(parsed.error());
    return ok(val(parsed->to_json()));
}

// The hot path of a sync (every event from a relay): a plain boolean, no result object.
bool verify_event(std::string event_json) {
    return event::Event::parse(event_json).ok();
}

// The id (hex) of a template signed by `pubkey_hex`.
val event_id(std::string draft_json, std::string pubkey_hex) {
    auto pubkey = hex_argument<32>(pubkey_hex, "pubkey");
    if (!pubkey) return fail(pubkey.error());
    auto draft = event::parse_draft(draft_json);
    if (!draft) return fail(draft.error());
    return ok(val(to_hex(event::compute_id(*pubkey, *draft))));
}

Result<std::string> sign_draft(const crypto::SecretKey& key, const std::string& draft_json,
                               const val& aux_rand) {
    auto aux = fixed_bytes_argument<32>(aux_rand, "auxRand");
    if (!aux) return aux.error();
    auto draft = event::parse_draft(draft_json);
    if (!draft) return draft.error();
    auto signed_event = event::Event::sign(*draft, key, *aux);
    if (!signed_event) return signed_event.error();
    return signed_event->to_json();
}

val sign_event(std::string draft_json, val secret_key, val aux_rand) {
    auto key = secret_key_argument(secret_key);
    if (!key) return fail(key.error());
    auto json = sign_draft(*key, draft_json, aux_rand);
    return json ? ok(val(*json)) : fail(json.error());
}

}  // namespace

// A session: an unlocked key kept in wasm memory for as long as JavaScript holds the
// object, so that the caller keeps no copy of it (the web app's signer worker holds one).
// JavaScript must call delete(), which runs the destructor: crypto::SecretKey wipes its
// bytes. Every session type of the API (reconciliation and channels next) follows this
// shape; see wasm/README.md "Sessions".
class Signer {
public:
    explicit Signer(const crypto::SecretKey& key)
        : key_(key), public_key_(to_hex(crypto::xonly_pubkey(key).bytes())) {}

    std::string public_key() const { return public_key_; }

    // {ok, value: signed event JSON text}
    val sign_event(std::string draft_json, val aux_rand) const {
        auto json = sign_draft(key_, draft_json, aux_rand);
        return json ? ok(val(*json)) : fail(json.error());
    }

    // {ok, value: 64-byte BIP-340 signature} over a message of any length.
    val schnorr_sign(val message, val aux_rand) const {
        auto aux = fixed_bytes_argument<32>(aux_rand, "auxRand");
        if (!aux) return fail(aux.error());
        auto bytes = bytes_argument(message, "message");
        if (!bytes) return fail(bytes.error());
        return ok(bytes_value(crypto::schnorr_sign(key_, *bytes, *aux)));
    }

private:
    crypto::SecretKey key_;
    std::string public_key_;
};

namespace {

// Sessions are made by a factory, not a JS constructor, so that a bad key is an error value.
val open_signer(val secret_key) {
    auto key = secret_key_argument(secret_key);
    if (!key) return fail(key.error());
    return ok(val(Signer(*key)));
}

}  // namespace

EMSCRIPTEN_BINDINGS(datt_event) {
    emscripten::function("parseEvent", &parse_event);
    emscripten::function("verifyEvent", &verify_event);
    emscripten::function("eventId", &event_id);
    emscripten::function("signEvent", &sign_event);
    emscripten::class_<Signer>("Signer")
        .function("publicKey", &Signer::public_key)
        .function("signEvent", &Signer::sign_event)
        .function("schnorrSign", &Signer::schnorr_sign);
    emscripten::function("openSigner", &open_signer);
}

}  // namespace datt::wasm
