// decode_nip19 on untrusted text (keys and pointers pasted by users or found in events).
//
// Invariants checked:
//   - a rejection carries one of the codes documented in encoding/nip19.h and a message;
//   - an accepted string re-encodes to an equivalent string: decoding that gives the same
//     canonical encoding again (TLV order may differ from the input's, the values may not);
//   - an nevent built from the input bytes (id, relays split on '\n', author, kind) encodes,
//     decodes and re-encodes to the identical string (reaches the decoder's success path,
//     which the fuzzer cannot reach by forging a bech32 checksum).
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "check.h"
#include "encoding/nip19.h"
#include "util/utf8.h"

namespace {

namespace enc = datt::encoding;

bool is_documented(std::string_view code) {
    return datt::fuzz::is_one_of(code, {"nip19_bad_bech32", "nip19_bech32m", "nip19_unknown_prefix",
                                        "nip19_bad_length", "nip19_bad_tlv", "nip19_missing_field",
                                        "nip19_field_too_long", "nip19_too_long"});
}

void check_text(std::string_view text) {
    auto decoded = enc::decode_nip19(text);
    if (!decoded) {
        DATT_FUZZ_CHECK(is_documented(decoded.error().code));
        DATT_FUZZ_CHECK(!decoded.error().message.empty());
        return;
    }
    auto encoded = enc::encode_nip19(*decoded);
    if (!encoded) return;  // e.g. an identifier over 255 bytes was accepted from TLV data
    auto again = enc::decode_nip19(*encoded);
    DATT_FUZZ_CHECK(again.ok());
    auto encoded_again = enc::encode_nip19(*again);
    DATT_FUZZ_CHECK(encoded_again.ok() && *encoded_again == *encoded);
}

void check_built_nevent(const uint8_t* data, size_t size) {
    if (size < 32) return;
    enc::Nevent nevent;
    std::memcpy(nevent.id.data(), data, 32);
    std::string_view rest(reinterpret_cast<const char*>(data + 32), size - 32);
    size_t start = 0;
    while (start < rest.size() && nevent.relays.size() < 4) {
        size_t end = rest.find('\n', start);
        if (end == std::string_view::npos) end = rest.size();
        std::string relay(rest.substr(start, end - start));
        if (!relay.empty() && relay.size() <= 255 && datt::is_valid_utf8(relay)) {
            nevent.relays.push_back(relay);
        }
        start = end + 1;
    }
    if (size >= 64) {
        nevent.author.emplace();
        std::memcpy(nevent.author->data(), data + 32, 32);
        nevent.kind = static_cast<uint32_t>(data[0]) << 8 | data[1];
    }
    auto encoded = enc::encode_nip19(nevent);
    if (!encoded) {
        DATT_FUZZ_CHECK(encoded.error().code == "nip19_too_long");
        return;
    }
    auto decoded = enc::decode_nip19(*encoded);
    DATT_FUZZ_CHECK(decoded.ok() && std::holds_alternative<enc::Nevent>(*decoded));
    const auto& back = std::get<enc::Nevent>(*decoded);
    DATT_FUZZ_CHECK(back.id == nevent.id && back.relays == nevent.relays &&
                    back.author == nevent.author && back.kind == nevent.kind);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    check_text(std::string_view(reinterpret_cast<const char*>(data), size));
    check_built_nevent(data, size);
    return 0;
}
