#include "feed/vote.h"

#include <optional>
#include <string_view>
#include <utility>

#include "util/hex.h"

namespace datt::feed {
namespace {

enum class Direction { kUp, kDown };

std::optional<Direction> direction_of(std::string_view content) {
    if (content == "+" || content.empty()) return Direction::kUp;
    if (content == "-") return Direction::kDown;
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

struct Vote {
    int64_t created_at;
    Hash256 event_id;
    Direction direction;
};

// True when `a` supersedes `b`: later, or as late with the lower event id.
bool supersedes(const Vote& a, const Vote& b) {
    if (a.created_at != b.created_at) return a.created_at > b.created_at;
    return a.event_id < b.event_id;
}

}  // namespace

std::map<Hash256, Tally> tally_votes(std::span<const event::Event> reactions) {
    // (target, voter) -> effective vote
    std::map<std::pair<Hash256, ByteArray<32>>, Vote> effective;
    for (const event::Event& reaction : reactions) {
        if (reaction.kind() != event::kinds::kReaction) continue;
        auto direction = direction_of(reaction.content());
        if (!direction) continue;
        auto target = target_of(reaction);
        if (!target) continue;
        Vote vote{reaction.created_at(), reaction.id(), *direction};
        auto [slot, inserted] = effective.try_emplace({*target, reaction.pubkey()}, vote);
        if (!inserted && supersedes(vote, slot->second)) slot->second = vote;
    }

    std::map<Hash256, Tally> tallies;
    for (const auto& [key, vote] : effective) {
        Tally& tally = tallies[key.first];
        if (vote.direction == Direction::kUp) {
            ++tally.ups;
        } else {
            ++tally.downs;
        }
    }
    return tallies;
}

}  // namespace datt::feed
