// event::parse_address (NIP-01 addresses) on untrusted text (the values of NIP-09 `a` tags, and addresses a
// client reads from relays).
//
// Invariants checked:
//   - an accepted address names a replaceable or addressable kind, and a replaceable one
//     has an empty d;
//   - its d is exactly the text after the second colon, and its pubkey the hex between
//     the colons (either case);
//   - format_address() parses back to an equal address and is its own fixed point.
#include <cctype>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "check.h"
#include "event/address.h"
#include "event/kind.h"
#include "util/hex.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    namespace event = datt::event;
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const auto address = event::parse_address(text);
    if (!address) return 0;
    const event::StorageClass storage = event::storage_class(address->kind);
    DATT_FUZZ_CHECK(storage == event::StorageClass::kReplaceable ||
                    storage == event::StorageClass::kAddressable);
    if (storage == event::StorageClass::kReplaceable) DATT_FUZZ_CHECK(address->d.empty());

    const size_t colon1 = text.find(':');
    const size_t colon2 = text.find(':', colon1 + 1);
    DATT_FUZZ_CHECK(colon1 != std::string_view::npos && colon2 != std::string_view::npos);
    DATT_FUZZ_CHECK(text.substr(colon2 + 1) == address->d);
    std::string pubkey(text.substr(colon1 + 1, colon2 - colon1 - 1));
    for (char& c : pubkey) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    DATT_FUZZ_CHECK(pubkey == datt::to_hex(address->pubkey));

    const std::string formatted = event::format_address(*address);
    const auto again = event::parse_address(formatted);
    DATT_FUZZ_CHECK(again && *again == *address);
    DATT_FUZZ_CHECK(event::format_address(*again) == formatted);
    return 0;
}
