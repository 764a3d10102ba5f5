// embind surface of the core for JavaScript (wrapped by datt.mjs).
//
// Every function returns a plain object: {ok: true, value} or {ok: false, code, message}.
// C++ exceptions cannot cross embind in this toolchain (they arrive as bare numbers and
// skip destructors), so errors travel as values and datt.mjs turns them into DattError.
// Binary values cross as lowercase hex strings, the lingua franca of Nostr.
// Randomness is never drawn here: callers pass bytes from crypto.getRandomValues.
#include <emscripten/bind.h>
#include <emscripten/val.h>

#include <cmath>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "bip32/derive.h"
#include "bip32/extended_key.h"
#include "bip32/serialize.h"
#include "bip39/mnemonic.h"
#include "bip39/seed.h"
#include "crypto/secp256k1.h"
#include "crypto/wipe.h"
#include "encoding/nip19.h"
#include "event/canonical.h"
#include "event/event.h"
#include "feed/rank.h"
#include "feed/vote.h"
#include "feed/vote_rule.h"
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

// ---- feed: votes and ranking (core/feed) ----

// Parses JSON text, refusing nesting deeper than kMaxFeedJsonDepth (nlohmann's dump()
// recurses, and no valid input comes close). Codes: json_syntax, json_too_deep.
constexpr int kMaxFeedJsonDepth = 64;

Result<nlohmann::json> parse_feed_json(const std::string& text, const char* name) {
    bool too_deep = false;
    auto guard = [&](int depth, nlohmann::json::parse_event_t, nlohmann::json&) {
        if (depth > kMaxFeedJsonDepth) too_deep = true;
        return !too_deep;
    };
    nlohmann::json parsed = nlohmann::json::parse(text, guard, /*allow_exceptions=*/false);
    if (too_deep) return make_error("json_too_deep", std::string(name) + " nests too deeply");
    if (parsed.is_discarded()) {
        return make_error("json_syntax", std::string(name) + " is not valid JSON");
    }
    return parsed;
}

// As parse_feed_json, and also wrong_type unless the text is a JSON array.
Result<nlohmann::json> parse_json_array(const std::string& text, const char* name) {
    auto parsed = parse_feed_json(text, name);
    if (parsed && !parsed->is_array()) {
        return make_error("wrong_type", std::string(name) + " must be a JSON array");
    }
    return parsed;
}

// Events are untrusted: every element is validated by event::Event::parse and skipped when
// invalid (one bad event from a relay must not hide everyone's votes); only a text that is
// not a JSON array, or nests absurdly deep, fails the call. Returns JSON text
// {target_id_hex: {ups, downs, score}}.
val tally_votes(std::string events_json) {
    auto events_array = parse_json_array(events_json, "events");
    if (!events_array) return fail(events_array.error());
    std::vector<event::Event> reactions;
    for (const nlohmann::json& element : *events_array) {
        if (!element.is_object()) continue;
        auto parsed = event::Event::parse(
            element.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
        if (parsed) reactions.push_back(std::move(*parsed));
    }
    nlohmann::json out = nlohmann::json::object();
    for (const auto& [target, tally] : feed::tally_votes(reactions)) {
        out[to_hex(target)] = {
            {"ups", tally.ups}, {"downs", tally.downs}, {"score", tally.score()}};
    }
    return ok(val(out.dump()));
}

// The vote an event casts, {target, voter, created_at, id, value}, or null when it is not a
// vote (feed/vote_rule.h). Core has no parse without the signature check, so the event is
// fully validated and fails with Event::parse's codes when it is malformed or forged.
val vote_of(std::string event_json) {
    auto parsed = event::Event::parse(event_json);
    if (!parsed) return fail(parsed.error());
    auto vote = feed::vote_of(*parsed);
    if (!vote) return ok(val::null());
    val out = val::object();
    out.set("target", to_hex(vote->target));
    out.set("voter", to_hex(vote->voter));
    out.set("created_at", static_cast<double>(vote->created_at));  // within Limits: exact
    out.set("id", to_hex(vote->id));
    out.set("value", vote->value);
    return ok(out);
}

Result<Hash256> vote_hex_member(const nlohmann::json& vote, const char* field,
                                const std::string& name) {
    auto member = vote.find(field);
    if (member == vote.end() || !member->is_string() ||
        !is_lower_hex(member->get_ref<const std::string&>(), 64)) {
        return make_error("bad_hex", name + " " + field + " must be 64 lowercase hex characters");
    }
    return *from_hex_fixed<32>(member->get_ref<const std::string&>());
}

// A vote object as voteOf() returns it (JSON text). Codes: json_syntax, json_too_deep,
// wrong_type (not an object, created_at not an integer, value not 1 or -1), bad_hex.
Result<feed::Vote> vote_argument(const std::string& vote_json, const std::string& name) {
    auto parsed = parse_feed_json(vote_json, name.c_str());
    if (!parsed) return parsed.error();
    const nlohmann::json& vote = *parsed;
    if (!vote.is_object()) return make_error("wrong_type", name + " must be a vote object");
    feed::Vote out;
    for (auto [field, bytes] : {std::pair{"target", &out.target}, std::pair{"voter", &out.voter},
                                std::pair{"id", &out.id}}) {
        auto value = vote_hex_member(vote, field, name);
        if (!value) return value.error();
        *bytes = *value;
    }
    auto created_at = vote.find("created_at");
    if (created_at == vote.end() || !created_at->is_number_integer() ||
        (created_at->is_number_unsigned() && created_at->get<uint64_t>() > INT64_MAX)) {
        return make_error("wrong_type", name + " created_at must be an integer");
    }
    out.created_at = created_at->get<int64_t>();
    auto value = vote.find("value");
    if (value == vote.end() || !value->is_number_integer() || (*value != 1 && *value != -1)) {
        return make_error("wrong_type", name + " value must be 1 or -1");
    }
    out.value = value->get<int>();
    return out;
}

// True when `newer` replaces `older` as the effective vote of its voter on its target.
val vote_supersedes(std::string newer_json, std::string older_json) {
    auto newer = vote_argument(newer_json, "newer");
    if (!newer) return fail(newer.error());
    auto older = vote_argument(older_json, "older");
    if (!older) return fail(older.error());
    return ok(val(feed::supersedes(*newer, *older)));
}

std::optional<feed::Sort> sort_named(const std::string& name) {
    if (name == "hot") return feed::Sort::kHot;
    if (name == "new") return feed::Sort::kNew;
    if (name == "top") return feed::Sort::kTop;
    if (name == "controversial") return feed::Sort::kControversial;
    if (name == "best") return feed::Sort::kBest;
    return std::nullopt;
}

// A JS number that must hold an integer of at most 2^53 in magnitude (NaN/undefined fail).
Result<int64_t> safe_integer(double value, const char* name) {
    constexpr double kMaxSafe = 9007199254740991.0;
    if (!std::isfinite(value) || std::trunc(value) != value || std::fabs(value) > kMaxSafe) {
        return make_error("wrong_type", std::string(name) + " must be a safe integer");
    }
    return static_cast<int64_t>(value);
}

Result<int64_t> json_integer(const nlohmann::json& item, const char* name, int64_t min) {
    auto member = item.find(name);
    if (member == item.end() || !member->is_number_integer() ||
        (member->is_number_unsigned() && member->get<uint64_t>() > INT64_MAX) ||
        member->get<int64_t>() < min) {
        return make_error("wrong_type", std::string("item ") + name + " must be an integer" +
                                            (min == 0 ? " >= 0" : ""));
    }
    return member->get<int64_t>();
}

Result<feed::Item> rank_item(const nlohmann::json& item) {
    if (!item.is_object()) return make_error("wrong_type", "each item must be an object");
    auto id_member = item.find("id");
    if (id_member == item.end() || !id_member->is_string() ||
        !is_lower_hex(id_member->get_ref<const std::string&>(), 64)) {
        return make_error("bad_hex", "item id must be 64 lowercase hex characters");
    }
    auto created_at = json_integer(item, "created_at", INT64_MIN);
    if (!created_at) return created_at.error();
    auto ups = json_integer(item, "ups", 0);
    if (!ups) return ups.error();
    auto downs = json_integer(item, "downs", 0);
    if (!downs) return downs.error();
    return feed::Item{*from_hex_fixed<32>(id_member->get_ref<const std::string&>()), *created_at,
                      feed::Tally{*ups, *downs}};
}

// items: JSON array of {id, created_at, ups, downs}; returns the ids in display order.
val rank_items(std::string items_json, std::string sort_name, double now_seconds,
               double top_window_seconds) {
    auto sort = sort_named(sort_name);
    if (!sort) return fail(make_error("bad_sort", "unknown sort \"" + sort_name + "\""));
    auto now = safe_integer(now_seconds, "now");
    if (!now) return fail(now.error());
    auto window = safe_integer(top_window_seconds, "topWindowSeconds");
    if (!window) return fail(window.error());
    if (*window < 0) return fail(make_error("wrong_type", "topWindowSeconds must be >= 0"));
    auto items_array = parse_json_array(items_json, "items");
    if (!items_array) return fail(items_array.error());
    std::vector<feed::Item> items;
    items.reserve(items_array->size());
    for (const nlohmann::json& element : *items_array) {
        auto item = rank_item(element);
        if (!item) return fail(item.error());
        items.push_back(*item);
    }
    val ids = val::array();
    for (const Hash256& id : feed::rank(std::move(items), *sort, *now, *window)) {
        ids.call<void>("push", to_hex(id));
    }
    return ok(ids);
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
    const auto point = key.public_key().compressed();
    out.set("publicKey", to_hex(point));
    out.set("xOnlyPublicKey", to_hex(std::span(point).subspan<1>()));
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

// NIP-19 crosses as JSON text: nip19Encode(type, fields) and nip19Decode(text) -> {type, data},
// with nostr-tools' shapes (hex strings; nprofile {pubkey, relays}; nevent {id, relays,
// author?, kind?}; naddr {identifier, pubkey, kind, relays}). nsec data is hex here.
Error nip19_bad_input(const std::string& what) {
    return make_error("nip19_bad_input", what);
}

Result<ByteArray<32>> nip19_hex32(const nlohmann::json& value, const char* name) {
    if (!value.is_string()) return nip19_bad_input(std::string(name) + " must be a hex string");
    return hex_argument<32>(value.get_ref<const std::string&>(), name);
}

Result<uint32_t> nip19_kind(const nlohmann::json& value) {
    if (!value.is_number_unsigned() || value.get<uint64_t>() > 0xffffffffu) {
        return nip19_bad_input("kind must be an integer from 0 to 2^32-1");
    }
    return static_cast<uint32_t>(value.get<uint64_t>());
}

Result<std::vector<std::string>> nip19_relays(const nlohmann::json& fields) {
    std::vector<std::string> relays;
    auto it = fields.find("relays");
    if (it == fields.end() || it->is_null()) return relays;
    if (!it->is_array()) return nip19_bad_input("relays must be an array of strings");
    for (const auto& relay : *it) {
        if (!relay.is_string()) return nip19_bad_input("relays must be an array of strings");
        relays.push_back(relay.get<std::string>());
    }
    return relays;
}

// A present, non-null member of `fields`, or nullptr.
const nlohmann::json* nip19_member(const nlohmann::json& fields, const char* name) {
    auto it = fields.find(name);
    return it == fields.end() || it->is_null() ? nullptr : &*it;
}

Result<encoding::Nip19Entity> nip19_entity(const std::string& type, const nlohmann::json& data) {
    using namespace encoding;
    if (type == "npub" || type == "nsec" || type == "note") {
        auto bytes = nip19_hex32(data, type.c_str());
        if (!bytes) return bytes.error();
        crypto::WipeOnExit wipe_bytes(bytes->data(), bytes->size());
        if (type == "npub") return Nip19Entity(Npub{*bytes});
        if (type == "note") return Nip19Entity(Note{*bytes});
        return Nip19Entity(Nsec(*bytes));
    }
    if (type != "nprofile" && type != "nevent" && type != "naddr") {
        return make_error("nip19_unknown_prefix", "unknown NIP-19 type '" + type + "'");
    }
    if (!data.is_object()) return nip19_bad_input(type + " data must be an object");
    auto relays = nip19_relays(data);
    if (!relays) return relays.error();
    const char* key_name = type == "nevent" ? "id" : "pubkey";
    const nlohmann::json* key = nip19_member(data, key_name);
    if (!key) return nip19_bad_input(std::string(key_name) + " is required");
    auto key_bytes = nip19_hex32(*key, key_name);
    if (!key_bytes) return key_bytes.error();
    const nlohmann::json* kind = nip19_member(data, "kind");
    std::optional<uint32_t> kind_value;
    if (kind) {
        auto parsed = nip19_kind(*kind);
        if (!parsed) return parsed.error();
        kind_value = *parsed;
    }
    if (type == "nprofile") return Nip19Entity(Nprofile{*key_bytes, std::move(*relays)});
    if (type == "nevent") {
        Nevent event{*key_bytes, std::move(*relays), std::nullopt, kind_value};
        if (const nlohmann::json* author = nip19_member(data, "author")) {
            auto author_bytes = nip19_hex32(*author, "author");
            if (!author_bytes) return author_bytes.error();
            event.author = *author_bytes;
        }
        return Nip19Entity(std::move(event));
    }
    const nlohmann::json* identifier = nip19_member(data, "identifier");
    if (!identifier || !identifier->is_string()) {
        return nip19_bad_input("identifier must be a string");
    }
    if (!kind_value) return nip19_bad_input("kind is required");
    return Nip19Entity(
        Naddr{identifier->get<std::string>(), *key_bytes, *kind_value, std::move(*relays)});
}

val nip19_encode(std::string type, std::string fields_json) {
    nlohmann::json data = nlohmann::json::parse(fields_json, nullptr, /*allow_exceptions=*/false);
    crypto::secure_wipe(fields_json.data(), fields_json.size());  // may hold an nsec's secret
    if (data.is_discarded()) return fail(nip19_bad_input("fields are not valid JSON"));
    auto entity = nip19_entity(type, data);
    if (data.is_string()) {
        auto& text = data.get_ref<std::string&>();
        crypto::secure_wipe(text.data(), text.size());
    }
    if (!entity) return fail(entity.error());
    auto text = encoding::encode_nip19(*entity);
    if (!text) return fail(text.error());
    return ok(val(*text));
}

nlohmann::json nip19_relays_json(const std::vector<std::string>& relays) {
    return nlohmann::json(relays);
}

val nip19_decode(std::string text) {
    using namespace encoding;
    auto entity = decode_nip19(text);
    if (!entity) return fail(entity.error());
    nlohmann::json out = {{"type", std::string(nip19_prefix(*entity))}};
    if (auto* npub = std::get_if<Npub>(&*entity)) out["data"] = to_hex(npub->pubkey);
    if (auto* nsec = std::get_if<Nsec>(&*entity)) out["data"] = to_hex(nsec->secret);
    if (auto* note = std::get_if<Note>(&*entity)) out["data"] = to_hex(note->id);
    if (auto* profile = std::get_if<Nprofile>(&*entity)) {
        out["data"] = {{"pubkey", to_hex(profile->pubkey)},
                       {"relays", nip19_relays_json(profile->relays)}};
    }
    if (auto* event = std::get_if<Nevent>(&*entity)) {
        out["data"] = {{"id", to_hex(event->id)}, {"relays", nip19_relays_json(event->relays)}};
        if (event->author) out["data"]["author"] = to_hex(*event->author);
        if (event->kind) out["data"]["kind"] = *event->kind;
    }
    if (auto* address = std::get_if<Naddr>(&*entity)) {
        out["data"] = {{"identifier", address->identifier},
                       {"pubkey", to_hex(address->pubkey)},
                       {"kind", address->kind},
                       {"relays", nip19_relays_json(address->relays)}};
    }
    std::string json_text = out.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    val result = ok(val(json_text));
    if (std::holds_alternative<Nsec>(*entity)) {
        auto& secret_hex = out["data"].get_ref<std::string&>();
        crypto::secure_wipe(secret_hex.data(), secret_hex.size());
        crypto::secure_wipe(json_text.data(), json_text.size());
    }
    return result;
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
    emscripten::function("nip19Encode", &nip19_encode);
    emscripten::function("nip19Decode", &nip19_decode);
    emscripten::function("eventId", &event_id);
    emscripten::function("tallyVotes", &tally_votes);
    emscripten::function("voteOf", &vote_of);
    emscripten::function("voteSupersedes", &vote_supersedes);
    emscripten::function("rankItems", &rank_items);
}

}  // namespace datt::wasm
