#include "feed/vote_rule.h"

#include <string_view>

#include "event/time_id.h"
#include "util/hex.h"

namespace datt::feed {
namespace {

std::optional<int> value_of(std::string_view content) {
    if (content == "+" || content.empty()) return +1;
    if (content == "-") return -1;
    return std::nullopt;  // emoji or other reaction: not a vote
}

// NIP-25: "The last e tag MUST be the id of the note that is being reacted to."
std::optional<Hash256> target_of(const event::Event& reaction) {
    const event::Tags& tags = reaction.tags();
    for (auto tag = tags.rbegin(); tag != tags.rend(); ++tag) {
        if (tag->empty() || (*tag)[0] != "e") continue;
        if (tag->size() < 2 || !is_lower_hex((*tag)[1], 64)) return std::nullopt;
        auto id = from_hex_fixed<32>((*tag)[1]);
        if (!id) return std::nullopt;
        return *id;
    }
    return std::nullopt;
}

}  // namespace

std::optional<Vote> vote_of(const event::Event& reaction) {
    if (reaction.kind() != event::kinds::kReaction) return std::nullopt;
    auto value = value_of(reaction.content());
    if (!value) return std::nullopt;
    auto target = target_of(reaction);
    if (!target) return std::nullopt;
    return Vote{*target, reaction.pubkey(), reaction.created_at(), reaction.id(), *value};
}

bool supersedes(const Vote& newer, const Vote& older) {
    if (newer.target != older.target || newer.voter != older.voter) return false;
    return event::supersedes({newer.created_at, newer.id}, {older.created_at, older.id});
}

}  // namespace datt::feed
