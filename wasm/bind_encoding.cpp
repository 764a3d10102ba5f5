// core/encoding for JavaScript: Base58 and bech32/bech32m as they are (the codecs under
// Bitcoin addresses and NIP-19), and NIP-19 with nostr-tools' shapes. Keys and ids are hex (the
// event format's form); an nsec's secret is a Uint8Array both ways, as in nostr-tools 2.
//   npub/note: hex string   nsec: Uint8Array(32)   nprofile {pubkey, relays?}
//   nevent {id, relays?, author?, kind?}   naddr {identifier, pubkey, kind, relays?}
#include <emscripten/bind.h>

#include "convert.h"
#include "crypto/wipe.h"
#include "encoding/base58.h"
#include "encoding/bech32.h"
#include "encoding/nip19.h"
#include "util/hex.h"

namespace datt::wasm {
namespace {

Error nip19_bad_input(const std::string& what) {
    return make_error("nip19_bad_input", what);
}

// Hex of either case (hex_* codes, as from_hex_fixed reports them).
Result<ByteArray<32>> nip19_hex32(const val& value, const std::string& name) {
    if (!value.isString()) return nip19_bad_input(name + " must be a hex string");
    auto bytes = from_hex_fixed<32>(value.as<std::string>());
    if (!bytes) return make_error(bytes.error().code, name + ": " + bytes.error().message);
    return bytes;
}

Result<std::optional<uint32_t>> nip19_kind(const val& fields) {
    const val kind = fields["kind"];
    if (is_absent(kind)) return std::optional<uint32_t>();
    auto number = safe_integer_argument(kind, "kind");
    if (!number || *number < 0 || *number > 0xffffffffLL) {
        return nip19_bad_input("kind must be an integer from 0 to 2^32-1");
    }
    return std::optional<uint32_t>(static_cast<uint32_t>(*number));
}

Result<std::vector<std::string>> nip19_relays(const val& fields) {
    std::vector<std::string> relays;
    const val list = fields["relays"];
    if (is_absent(list)) return relays;
    if (!list.isArray()) return nip19_bad_input("relays must be an array of strings");
    const size_t count = list["length"].as<size_t>();
    for (size_t i = 0; i < count; ++i) {
        const val relay = list[i];
        if (!relay.isString()) return nip19_bad_input("relays must be an array of strings");
        auto text = text_argument(relay, "relay");
        if (!text) return text.error();
        relays.push_back(std::move(*text));
    }
    return relays;
}

Result<encoding::Nip19Entity> nip19_pointer(const std::string& type, const val& data) {
    using namespace encoding;
    if (!is_plain_object(data)) return nip19_bad_input(type + " data must be an object");
    auto relays = nip19_relays(data);
    if (!relays) return relays.error();
    const char* key_name = type == "nevent" ? "id" : "pubkey";
    const val key = data[key_name];
    if (is_absent(key)) return nip19_bad_input(std::string(key_name) + " is required");
    auto key_bytes = nip19_hex32(key, key_name);
    if (!key_bytes) return key_bytes.error();
    auto kind = nip19_kind(data);
    if (!kind) return kind.error();
    if (type == "nprofile") return Nip19Entity(Nprofile{*key_bytes, std::move(*relays)});
    if (type == "nevent") {
        Nevent event{*key_bytes, std::move(*relays), std::nullopt, *kind};
        if (const val author = data["author"]; !is_absent(author)) {
            auto author_bytes = nip19_hex32(author, "author");
            if (!author_bytes) return author_bytes.error();
            event.author = *author_bytes;
        }
        return Nip19Entity(std::move(event));
    }
    const val identifier = data["identifier"];
    if (!identifier.isString()) return nip19_bad_input("identifier must be a string");
    auto identifier_text = text_argument(identifier, "identifier");
    if (!identifier_text) return identifier_text.error();
    if (!*kind) return nip19_bad_input("kind is required");
    return Nip19Entity(Naddr{std::move(*identifier_text), *key_bytes, **kind, std::move(*relays)});
}

Result<encoding::Nip19Entity> nip19_entity(const std::string& type, const val& data) {
    using namespace encoding;
    if (type == "nsec") {
        if (!is_uint8array(data)) return nip19_bad_input("nsec data must be a Uint8Array of 32 bytes");
        auto secret = fixed_bytes_argument<32>(data, "nsec data");
        if (!secret) return secret.error();
        crypto::WipeOnExit wipe(secret->data(), secret->size());
        return Nip19Entity(Nsec(*secret));
    }
    if (type == "npub" || type == "note") {
        auto bytes = nip19_hex32(data, type);
        if (!bytes) return bytes.error();
        if (type == "npub") return Nip19Entity(Npub{*bytes});
        return Nip19Entity(Note{*bytes});
    }
    if (type == "nprofile" || type == "nevent" || type == "naddr") return nip19_pointer(type, data);
    return make_error("nip19_unknown_prefix", "unknown NIP-19 type '" + type + "'");
}

val nip19_encode(std::string type, val data) {
    auto entity = nip19_entity(type, data);
    if (!entity) return fail(entity.error());
    auto text = encoding::encode_nip19(*entity);
    if (!text) return fail(text.error());
    val out = ok(val(*text));
    crypto::secure_wipe(text->data(), text->size());  // an nsec's text is the secret too
    return out;
}

val relays_value(const std::vector<std::string>& relays) {
    val out = val::array();
    for (const std::string& relay : relays) out.call<void>("push", relay);
    return out;
}

// {type, data}; nevent leaves out author and kind when absent.
val nip19_decode(std::string text) {
    using namespace encoding;
    auto entity = decode_nip19(text);
    crypto::secure_wipe(text.data(), text.size());
    if (!entity) return fail(entity.error());
    val out = val::object();
    out.set("type", std::string(nip19_prefix(*entity)));
    if (auto* npub = std::get_if<Npub>(&*entity)) out.set("data", to_hex(npub->pubkey));
    if (auto* nsec = std::get_if<Nsec>(&*entity)) out.set("data", bytes_value(nsec->secret));
    if (auto* note = std::get_if<Note>(&*entity)) out.set("data", to_hex(note->id));
    if (auto* profile = std::get_if<Nprofile>(&*entity)) {
        val data = val::object();
        data.set("pubkey", to_hex(profile->pubkey));
        data.set("relays", relays_value(profile->relays));
        out.set("data", data);
    }
    if (auto* event = std::get_if<Nevent>(&*entity)) {
        val data = val::object();
        data.set("id", to_hex(event->id));
        data.set("relays", relays_value(event->relays));
        if (event->author) data.set("author", to_hex(*event->author));
        if (event->kind) data.set("kind", static_cast<double>(*event->kind));
        out.set("data", data);
    }
    if (auto* address = std::get_if<Naddr>(&*entity)) {
        val data = val::object();
        data.set("identifier", address->identifier);
        data.set("pubkey", to_hex(address->pubkey));
        data.set("kind", static_cast<double>(address->kind));
        data.set("relays", relays_value(address->relays));
        out.set("data", data);
    }
    return ok(out);
}

}  // namespace

// Base58 (no checksum) text of bytes, and back; base58_* codes.
val base58_encode(val data) {
    // Base58 is quadratic in the input's length; addresses and keys are under 100 bytes.
    auto bytes = bytes_argument(data, "data", 1024);
    return bytes ? ok(val(encoding::base58_encode(*bytes))) : fail(bytes.error());
}

val base58_decode(val text) {
    auto value = text_argument(text, "text");
    if (!value) return fail(value.error());
    if (value->size() > 2048) return fail(make_error("too_large", "base58 text over 2048 characters"));
    auto bytes = encoding::base58_decode(*value);
    return bytes ? ok(bytes_value(*bytes)) : fail(bytes.error());
}

// {variant: "bech32" | "bech32m", hrp (lower-case), data: Uint8Array of 5-bit values}.
// Strings up to 90 characters (BIP-173); bech32_* codes.
val bech32_decode(val text) {
    auto value = text_argument(text, "text");
    if (!value) return fail(value.error());
    auto decoded = encoding::bech32_decode(*value);
    if (!decoded) return fail(decoded.error());
    val out = val::object();
    out.set("variant", decoded->variant == encoding::Bech32Variant::kBech32 ? "bech32" : "bech32m");
    out.set("hrp", decoded->hrp);
    out.set("data", bytes_value(decoded->data));
    return ok(out);
}

val bech32_encode(std::string variant, val hrp, val data) {
    if (variant != "bech32" && variant != "bech32m") {
        return fail(make_error("wrong_type", "variant must be \"bech32\" or \"bech32m\""));
    }
    auto prefix = text_argument(hrp, "hrp");
    if (!prefix) return fail(prefix.error());
    auto values = bytes_argument(data, "data", encoding::kBech32MaxLength);
    if (!values) return fail(values.error());
    auto text = encoding::bech32_encode(
        variant == "bech32" ? encoding::Bech32Variant::kBech32 : encoding::Bech32Variant::kBech32m,
        *prefix, *values);
    return text ? ok(val(*text)) : fail(text.error());
}

EMSCRIPTEN_BINDINGS(datt_encoding) {
    emscripten::function("base58Encode", &base58_encode);
    emscripten::function("base58Decode", &base58_decode);
    emscripten::function("bech32Decode", &bech32_decode);
    emscripten::function("bech32Encode", &bech32_encode);
    emscripten::function("nip19Encode", &nip19_encode);
    emscripten::function("nip19Decode", &nip19_decode);
}

}  // namespace datt::wasm
