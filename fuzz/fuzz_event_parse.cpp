// Event::parse on untrusted bytes (relay input, fetched events).
//
// Invariants checked:
//   - a rejection carries one of the codes documented in event/event.h and a message
//     that is valid UTF-8 (relays quote it in OK replies);
//   - a "json_syntax" rejection is malformed JSON for nlohmann's DOM parser too;
//   - an accepted event reads the same fields as a generic JSON parser does (so two
//     implementations cannot see different events in the same bytes);
//   - its id is sha256 of the canonical serialization and its signature verifies;
//   - to_json() parses back to an equal event, and a second round trip is byte-identical;
//   - parse_draft() agrees: it fails with the same code where parse() failed before looking
//     at id, pubkey or sig, and reads the same fields where parse() got further;
//   - parse() with a key cache (kept across inputs, two sets: keys evict each other) gives
//     the same event or the same error as parse() without one.
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "check.h"
#include "crypto/secp256k1.h"
#include "crypto/sha256.h"
#include "crypto/xonly_key_cache.h"
#include "event/canonical.h"
#include "event/event.h"
#include "util/hex.h"
#include "util/utf8.h"

namespace {

using datt::event::Draft;
using datt::event::Event;

bool is_documented_parse_error(std::string_view code) {
    return datt::fuzz::is_one_of(
        code, {"too_large", "invalid_utf8", "json_syntax", "json_too_deep", "not_object",
               "duplicate_field", "missing_field", "wrong_type", "bad_hex", "bad_pubkey",
               "created_at_range", "kind_range", "content_too_large", "too_many_tags",
               "tag_too_large", "id_mismatch", "bad_signature"});
}

void check_matches_generic_parser(std::string_view json, const Event& event) {
    const auto dom = nlohmann::json::parse(json, nullptr, /*allow_exceptions=*/false);
    DATT_FUZZ_CHECK(dom.is_object());
    DATT_FUZZ_CHECK(dom.at("id") == datt::to_hex(event.id()));
    DATT_FUZZ_CHECK(dom.at("pubkey") == datt::to_hex(event.pubkey()));
    DATT_FUZZ_CHECK(dom.at("sig") == datt::to_hex(event.sig()));
    DATT_FUZZ_CHECK(dom.at("created_at").is_number_integer());
    DATT_FUZZ_CHECK(dom.at("created_at").get<int64_t>() == event.created_at());
    DATT_FUZZ_CHECK(dom.at("kind").is_number_integer());
    DATT_FUZZ_CHECK(dom.at("kind").get<int64_t>() == event.kind());
    DATT_FUZZ_CHECK(dom.at("content") == event.content());
    const auto& tags = dom.at("tags");
    DATT_FUZZ_CHECK(tags.is_array() && tags.size() == event.tags().size());
    for (size_t t = 0; t < tags.size(); ++t) {
        DATT_FUZZ_CHECK(tags[t].is_array() && tags[t].size() == event.tags()[t].size());
        for (size_t v = 0; v < tags[t].size(); ++v) {
            DATT_FUZZ_CHECK(tags[t][v] == event.tags()[t][v]);
        }
    }
}

void check_id_and_signature(const Event& event) {
    const Draft draft{event.created_at(), event.kind(), event.tags(), event.content()};
    DATT_FUZZ_CHECK(datt::event::compute_id(event.pubkey(), draft) == event.id());
    const std::string canonical = datt::event::canonical_serialization(event.pubkey(), draft);
    DATT_FUZZ_CHECK(datt::crypto::sha256(datt::as_bytes(canonical)) == event.id());
    const auto key = datt::crypto::XOnlyPubKey::parse(event.pubkey());
    DATT_FUZZ_CHECK(key.has_value());
    DATT_FUZZ_CHECK(datt::crypto::schnorr_verify(*key, event.id(), event.sig()));
}

// parse() and parse_draft() share one reader; only the checks of id, pubkey and sig (and
// their presence) are parse()'s own.
void check_agrees_with_parse_draft(std::string_view json, const datt::Result<Event>& parsed) {
    auto draft = datt::event::parse_draft(json);
    if (parsed.ok()) {
        DATT_FUZZ_CHECK(draft.ok());
        DATT_FUZZ_CHECK(draft->created_at == parsed->created_at());
        DATT_FUZZ_CHECK(draft->kind == parsed->kind());
        DATT_FUZZ_CHECK(draft->tags == parsed->tags());
        DATT_FUZZ_CHECK(draft->content == parsed->content());
        return;
    }
    const std::string& code = parsed.error().code;
    if (datt::fuzz::is_one_of(code, {"bad_hex", "bad_pubkey", "id_mismatch", "bad_signature"})) {
        DATT_FUZZ_CHECK(draft.ok());
    } else if (code == "missing_field") {
        DATT_FUZZ_CHECK(draft.ok() || draft.error().code == "missing_field");
    } else {
        DATT_FUZZ_CHECK(!draft.ok() && draft.error().code == code);
    }
}

void check_agrees_with_key_cache(std::string_view json, const datt::Result<Event>& parsed) {
    static datt::crypto::XOnlyKeyCache keys(2);
    auto cached = Event::parse(json, {}, keys);
    DATT_FUZZ_CHECK(cached.ok() == parsed.ok());
    if (parsed) {
        DATT_FUZZ_CHECK(*cached == *parsed);
    } else {
        DATT_FUZZ_CHECK(cached.error().code == parsed.error().code);
        DATT_FUZZ_CHECK(cached.error().message == parsed.error().message);
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string_view json(reinterpret_cast<const char*>(data), size);
    auto parsed = Event::parse(json);
    check_agrees_with_parse_draft(json, parsed);
    check_agrees_with_key_cache(json, parsed);
    if (!parsed) {
        const datt::Error& error = parsed.error();
        DATT_FUZZ_CHECK(is_documented_parse_error(error.code));
        DATT_FUZZ_CHECK(!error.message.empty());
        // Relays quote it in OK replies, which must stay valid UTF-8 JSON.
        DATT_FUZZ_CHECK(datt::is_valid_utf8(error.message));
        if (error.code == "json_syntax") {
            // nlohmann skips a UTF-8 byte order mark, which Event::parse refuses (RFC 8259
            // section 8.1); anything else it calls syntax must be malformed for nlohmann too.
            const bool bom = json.starts_with("\xEF\xBB\xBF");
            DATT_FUZZ_CHECK(bom || nlohmann::json::parse(json, nullptr, false).is_discarded());
        }
        return 0;
    }
    const Event& event = *parsed;
    check_matches_generic_parser(json, event);
    check_id_and_signature(event);

    const std::string first = event.to_json();
    auto reparsed = Event::parse(first);
    DATT_FUZZ_CHECK(reparsed.ok());
    DATT_FUZZ_CHECK(*reparsed == event);
    DATT_FUZZ_CHECK(reparsed->to_json() == first);
    return 0;
}
