#include "event/pow.h"

#include <bit>
#include <cassert>
#include <string>

#include "crypto/sha256.h"
#include "event/canonical.h"
#include "util/json_string.h"

namespace datt::event {

int leading_zero_bits(const Hash256& id) {
    int bits = 0;
    for (uint8_t byte : id) {
        if (byte != 0) return bits + std::countl_zero(byte);
        bits += 8;
    }
    return bits;
}

std::optional<int> committed_target(const Tags& tags) {
    for (const Tag& tag : tags) {
        if (tag.empty() || tag[0] != "nonce") continue;
        if (tag.size() < 3) return std::nullopt;
        const std::string& text = tag[2];
        if (text.empty() || text.size() > 3 || (text.size() > 1 && text[0] == '0')) {
            return std::nullopt;
        }
        int value = 0;
        for (char c : text) {
            if (c < '0' || c > '9') return std::nullopt;
            value = value * 10 + (c - '0');
        }
        if (value > kMaxDifficulty) return std::nullopt;
        return value;
    }
    return std::nullopt;
}

bool meets_difficulty(const Event& event, int difficulty) {
    if (leading_zero_bits(event.id()) < difficulty) return false;
    const std::optional<int> target = committed_target(event.tags());
    return !target || *target >= difficulty;
}

Result<MineStep> mine_step(const ByteArray<32>& pubkey, const Draft& draft_template, int difficulty,
                           uint64_t first_nonce, uint64_t count) {
    if (difficulty < 0 || difficulty > kMaxDifficulty) {
        return make_error("pow_difficulty_range", "difficulty must be in 0..256");
    }
    Draft draft = draft_template;
    std::erase_if(draft.tags, [](const Tag& tag) { return !tag.empty() && tag[0] == "nonce"; });
    // The serialization ends with the nonce tag's value, its target and the content; only
    // the value changes between tries, so everything before it is hashed once.
    draft.tags.push_back({"nonce", "", std::to_string(difficulty)});
    const std::string whole = canonical_serialization(pubkey, draft);
    std::string suffix = "\",\"" + std::to_string(difficulty) + "\"]],";
    append_json_string(suffix, draft.content);
    suffix += ']';
    assert(whole.size() > suffix.size() && whole.ends_with(suffix));
    const std::string_view prefix(whole.data(), whole.size() - suffix.size());

    crypto::Sha256 prefix_state;
    prefix_state.write(as_bytes(prefix));
    MineStep step;
    step.next_nonce = first_nonce;
    for (uint64_t i = 0; i < count; ++i) {
        const uint64_t nonce = first_nonce + i;
        const std::string digits = std::to_string(nonce);
        crypto::Sha256 attempt = prefix_state;
        attempt.write(as_bytes(digits));
        attempt.write(as_bytes(suffix));
        const Hash256 id = attempt.finalize();
        ++step.tried;
        step.next_nonce = nonce + 1;
        if (leading_zero_bits(id) >= difficulty) {
            draft.tags.back()[1] = digits;
            step.found = std::move(draft);
            step.id = id;
            return step;
        }
    }
    return step;
}

}  // namespace datt::event
