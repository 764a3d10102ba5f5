// parse_draft on untrusted bytes (event templates handed to `datt event sign` and to the
// wasm signEvent), then sign the draft with a fixed key.
//
// Invariants checked:
//   - a rejection carries one of parse()'s documented codes and a valid UTF-8 message;
//   - an accepted draft passes check_draft and signs (parse_draft applies the same limits
//     and UTF-8 rules as signing, so a draft that reads must also sign);
//   - the signed event keeps the draft's fields, and its to_json() parses back to an equal
//     event with the same bytes on a second round trip.
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "check.h"
#include "crypto/secp256k1.h"
#include "event/event.h"
#include "util/utf8.h"

namespace {

using datt::event::Draft;
using datt::event::Event;

bool is_documented_draft_error(std::string_view code) {
    // parse()'s codes minus those about id, pubkey and sig, which a draft does not read.
    return datt::fuzz::is_one_of(
        code, {"too_large", "invalid_utf8", "json_syntax", "json_too_deep", "not_object",
               "duplicate_field", "missing_field", "wrong_type", "created_at_range", "kind_range",
               "content_too_large", "too_many_tags", "tag_too_large"});
}

const datt::crypto::SecretKey& fixed_key() {
    static const auto key = [] {
        std::array<uint8_t, 32> bytes{};
        bytes.fill(0x11);
        return *datt::crypto::SecretKey::from_bytes(bytes);
    }();
    return key;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string_view json(reinterpret_cast<const char*>(data), size);
    auto draft = datt::event::parse_draft(json);
    if (!draft) {
        DATT_FUZZ_CHECK(is_documented_draft_error(draft.error().code));
        DATT_FUZZ_CHECK(!draft.error().message.empty());
        DATT_FUZZ_CHECK(datt::is_valid_utf8(draft.error().message));
        return 0;
    }
    DATT_FUZZ_CHECK(datt::event::check_draft(*draft).ok());

    const std::array<uint8_t, 32> aux_rand{};
    auto event = Event::sign(*draft, fixed_key(), aux_rand);
    DATT_FUZZ_CHECK(event.ok());
    DATT_FUZZ_CHECK(event->created_at() == draft->created_at);
    DATT_FUZZ_CHECK(event->kind() == draft->kind);
    DATT_FUZZ_CHECK(event->tags() == draft->tags);
    DATT_FUZZ_CHECK(event->content() == draft->content);
    DATT_FUZZ_CHECK(event->pubkey() == datt::crypto::xonly_pubkey(fixed_key()).bytes());

    const std::string first = event->to_json();
    auto reparsed = Event::parse(first);
    DATT_FUZZ_CHECK(reparsed.ok());
    DATT_FUZZ_CHECK(*reparsed == *event);
    DATT_FUZZ_CHECK(reparsed->to_json() == first);
    return 0;
}
