// chain::ChainTag::parse (core/chain/chain_tag.h) on untrusted tags: the input is split at
// NUL bytes into the tag's strings (at most 6).
//
// Invariants checked:
//   - failures carry a documented code;
//   - an accepted tag is ["chain", 32 lowercase hex, canonical decimal seq, (64 hex prev)],
//     with prev present exactly when seq > 0 and seq <= 2^53-1;
//   - to_tag() gives back the input strings exactly (the form is canonical), and make()
//     with the parsed fields builds an equal tag.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "chain/chain_tag.h"
#include "check.h"
#include "util/hex.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    namespace chain = datt::chain;
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    datt::event::Tag tag;
    size_t start = 0;
    while (tag.size() < 6) {
        const size_t end = text.find('\0', start);
        tag.emplace_back(
            text.substr(start, end == std::string_view::npos ? text.size() - start : end - start));
        if (end == std::string_view::npos) break;
        start = end + 1;
    }
    auto parsed = chain::ChainTag::parse(tag);
    if (!parsed) {
        DATT_FUZZ_CHECK(datt::fuzz::is_one_of(
            parsed.error().code, {"chain_tag_malformed", "chain_id_invalid", "chain_seq_invalid",
                                  "chain_prev_invalid"}));
        return 0;
    }
    DATT_FUZZ_CHECK(tag.size() == 3 || tag.size() == 4);
    DATT_FUZZ_CHECK(tag[0] == "chain" && datt::is_lower_hex(tag[1], 32));
    DATT_FUZZ_CHECK(parsed->seq() <= chain::kMaxSeq);
    DATT_FUZZ_CHECK(std::to_string(parsed->seq()) == tag[2]);
    DATT_FUZZ_CHECK(parsed->prev().has_value() == (parsed->seq() > 0));
    DATT_FUZZ_CHECK(parsed->to_tag() == tag);
    auto made = chain::ChainTag::make(parsed->chain(), parsed->seq(), parsed->prev());
    DATT_FUZZ_CHECK(made && *made == *parsed);
    auto again = chain::ChainTag::parse(made->to_tag());
    DATT_FUZZ_CHECK(again && *again == *parsed);
    return 0;
}
