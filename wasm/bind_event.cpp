// core/event for JavaScript: NIP-01 events as JSON text (the wire form, parsed strictly by
// Event::parse); the protocol rules (kind classes, addresses, the version order, NIP-09
// deletions) so that clients apply them exactly as the relay does; and the Signer session
// that holds an unlocked secret key in wasm memory.
#include <emscripten/bind.h>

#include "convert.h"
#include "crypto/secp256k1.h"
#include "event/address.h"
#include "event/canonical.h"
#include "event/deletion.h"
#include "event/event.h"
#include "event/kind.h"
#include "event/time_id.h"
#include "util/hex.h"

namespace datt::wasm {
namespace {

using namespace ::datt::event;

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

// ---- the protocol rules of core/event (kind.h, address.h, time_id.h, deletion.h) ----

constexpr size_t kMaxTags = 100000;  // far beyond any valid event (Limits::max_tags)

Result<Kind> kind_argument(const val& value) {
    auto kind = safe_integer_argument(value, "kind");
    if (!kind || *kind < 0 || *kind > 65535) {
        return make_error("wrong_type", "kind must be an integer from 0 to 65535");
    }
    return static_cast<Kind>(*kind);
}

Result<Tags> tags_argument(const val& value) {
    if (!value.isArray()) return make_error("wrong_type", "tags must be an array of string arrays");
    const size_t count = value["length"].as<size_t>();
    if (count > kMaxTags) return make_error("too_large", "too many tags");
    Tags tags;
    tags.reserve(count);
    for (size_t i = 0; i < count; ++i) {
        const val tag = value[i];
        if (!tag.isArray()) return make_error("wrong_type", "tags must be an array of string arrays");
        const size_t size = tag["length"].as<size_t>();
        if (size > kMaxTags) return make_error("too_large", "a tag has too many values");
        Tag strings;
        strings.reserve(size);
        for (size_t j = 0; j < size; ++j) {
            auto text = text_argument(tag[j], "tag value");
            if (!text) return text.error();
            strings.push_back(std::move(*text));
        }
        tags.push_back(std::move(strings));
    }
    return tags;
}

const char* kind_class_name(StorageClass storage) {
    switch (storage) {
        case StorageClass::kRegular:
            return "regular";
        case StorageClass::kReplaceable:
            return "replaceable";
        case StorageClass::kEphemeral:
            return "ephemeral";
        case StorageClass::kAddressable:
            return "addressable";
    }
    return "regular";
}

// "regular" | "replaceable" | "ephemeral" | "addressable" (NIP-01 "Kinds").
val kind_class(val kind) {
    auto parsed = kind_argument(kind);
    if (!parsed) return fail(parsed.error());
    return ok(val(std::string(kind_class_name(storage_class(*parsed)))));
}

// The address "<kind>:<pubkey>:<d>" of an event given as {kind, pubkey, tags} (fields of an
// event the caller verified; nothing is verified here), or null for regular and ephemeral
// kinds. Tags are read only for addressable kinds.
val address_of_fields(val event) {
    if (!is_plain_object(event)) return fail(make_error("wrong_type", "event must be an object"));
    auto kind = kind_argument(event["kind"]);
    if (!kind) return fail(kind.error());
    const StorageClass storage = storage_class(*kind);
    if (storage == StorageClass::kRegular || storage == StorageClass::kEphemeral) {
        return ok(val::null());
    }
    auto pubkey = hex32_argument(event["pubkey"], "pubkey");
    if (!pubkey) return fail(pubkey.error());
    Tags tags;
    if (storage == StorageClass::kAddressable) {
        auto read = tags_argument(event["tags"]);
        if (!read) return fail(read.error());
        tags = std::move(*read);
    }
    auto address = address_of(*kind, *pubkey, tags);
    return ok(address ? val(format_address(*address)) : val::null());
}

// {kind, pubkey, d} -> "<kind>:<pubkey>:<d>". Code no_address for a regular or ephemeral
// kind, or a replaceable one with a non-empty d (no event has that address).
val format_address_fields(val address) {
    if (!is_plain_object(address)) return fail(make_error("wrong_type", "address must be an object"));
    auto kind = kind_argument(address["kind"]);
    if (!kind) return fail(kind.error());
    auto pubkey = hex32_argument(address["pubkey"], "pubkey");
    if (!pubkey) return fail(pubkey.error());
    std::string d;
    if (const val d_value = address["d"]; !is_absent(d_value)) {
        auto text = text_argument(d_value, "d");
        if (!text) return fail(text.error());
        d = std::move(*text);
    }
    const Address value{*kind, *pubkey, std::move(d)};
    const std::string formatted = format_address(value);
    if (parse_address(formatted) != value) {
        return fail(make_error("no_address", "no event has the address " + formatted));
    }
    return ok(val(formatted));
}

// An `a` tag value -> {kind, pubkey, d}, or null when it names no address.
val parse_address_text(std::string text) {
    auto address = parse_address(text);
    if (!address) return ok(val::null());
    val out = val::object();
    out.set("kind", address->kind);
    out.set("pubkey", to_hex(address->pubkey));
    out.set("d", address->d);
    return ok(out);
}

Result<TimeId> time_id_argument(const val& value, const std::string& name) {
    if (!is_plain_object(value)) return make_error("wrong_type", name + " must be an object");
    auto created_at = safe_integer_argument(value["created_at"], name + " created_at");
    if (!created_at) return created_at.error();
    auto id = hex32_argument(value["id"], name + " id");
    if (!id) return id.error();
    return TimeId{*created_at, *id};
}

// NIP-01's version order: true when `a` ({created_at, id}) is kept over `b`.
val supersedes_version(val a, val b) {
    auto first = time_id_argument(a, "a");
    if (!first) return fail(first.error());
    auto second = time_id_argument(b, "b");
    if (!second) return fail(second.error());
    return ok(val(supersedes(*first, *second)));
}

// What a kind-5 event asks to delete: {author, created_at, ids, addresses}, or null for other
// kinds. The event is verified (Event::parse's codes).
val deletion_request(std::string event_json) {
    auto parsed = Event::parse(event_json);
    if (!parsed) return fail(parsed.error());
    auto request = deletion_request_of(*parsed);
    if (!request) return ok(val::null());
    val out = val::object();
    out.set("author", to_hex(request->author));
    out.set("created_at", static_cast<double>(request->created_at));
    val ids = val::array();
    for (const Hash256& id : request->ids) ids.call<void>("push", to_hex(id));
    out.set("ids", ids);
    val addresses = val::array();
    for (const Address& address : request->addresses) addresses.call<void>("push", format_address(address));
    out.set("addresses", addresses);
    return ok(out);
}

// NIP-09: true when the request event deletes the target event (event/deletion.h). Both
// are verified (Event::parse's codes); a request of another kind deletes nothing.
val deletes_event(std::string request_json, std::string target_json) {
    auto request = Event::parse(request_json);
    if (!request) return fail(request.error());
    auto target = Event::parse(target_json);
    if (!target) return fail(target.error());
    auto rule = deletion_request_of(*request);
    return ok(val(rule.has_value() && deletes(*rule, *target)));
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
    emscripten::function("kindClass", &kind_class);
    emscripten::function("addressOf", &address_of_fields);
    emscripten::function("formatAddress", &format_address_fields);
    emscripten::function("parseAddress", &parse_address_text);
    emscripten::function("supersedes", &supersedes_version);
    emscripten::function("deletionRequestOf", &deletion_request);
    emscripten::function("deletes", &deletes_event);
}

}  // namespace datt::wasm
