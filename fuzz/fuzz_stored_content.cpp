// stored_content (relay/store/stored_content.h): a stored event's content read back from
// its JSON, by a shortcut for escape-free text and the event reader otherwise. What it
// returns is what FTS5's 'delete' gets, so it must be exactly the indexed text.
//
// Input: the first byte splits the rest into a content and a tag value; an event with
// them is signed with a fixed key (skipped when signing refuses them, e.g. invalid UTF-8),
// and the raw bytes are also read as a stored JSON.
//
// Invariants checked:
//   - for a signed event's to_json(): stored_content and parsed_content both give
//     event.content() byte for byte (NUL and escapes included);
//   - for any bytes: stored_content gives parsed_content's text whenever the shortcut is
//     not taken, and never crashes.
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "check.h"
#include "crypto/secp256k1.h"
#include "event/event.h"
#include "store/stored_content.h"

namespace {

const datt::crypto::SecretKey& fixed_key() {
    static const auto key = [] {
        std::array<uint8_t, 32> bytes{};
        bytes.fill(0x22);
        return *datt::crypto::SecretKey::from_bytes(bytes);
    }();
    return key;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using datt::relay::sqlite::parsed_content;
    using datt::relay::sqlite::stored_content;
    const std::string_view bytes(reinterpret_cast<const char*>(data), size);

    const auto any = stored_content(bytes);
    if (bytes.find("],\"content\":\"") == std::string_view::npos) {
        DATT_FUZZ_CHECK(any == parsed_content(bytes));
    }

    if (size == 0) return 0;
    const size_t split = std::min<size_t>(data[0], size - 1);
    datt::event::Draft draft;
    draft.created_at = 1'700'000'000;
    draft.kind = 1;
    draft.content = std::string(bytes.substr(1, split));
    draft.tags = {{"t", std::string(bytes.substr(1 + split))}};
    const std::array<uint8_t, 32> aux{};
    auto event = datt::event::Event::sign(draft, fixed_key(), aux);
    if (!event) return 0;
    const std::string json = event->to_json();
    DATT_FUZZ_CHECK(stored_content(json) == event->content());
    DATT_FUZZ_CHECK(parsed_content(json) == event->content());
    return 0;
}
