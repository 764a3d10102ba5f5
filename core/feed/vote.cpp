#include "feed/vote.h"

#include <utility>

#include "feed/vote_rule.h"

namespace datt::feed {

std::map<Hash256, Tally> tally_votes(std::span<const event::Event> reactions) {
    // (target, voter) -> effective vote
    std::map<std::pair<Hash256, ByteArray<32>>, Vote> effective;
    for (const event::Event& reaction : reactions) {
        auto vote = vote_of(reaction);
        if (!vote) continue;
        auto [slot, inserted] = effective.try_emplace({vote->target, vote->voter}, *vote);
        if (!inserted && supersedes(*vote, slot->second)) slot->second = *vote;
    }

    std::map<Hash256, Tally> tallies;
    for (const auto& [key, vote] : effective) {
        Tally& tally = tallies[key.first];
        if (vote.value > 0) {
            ++tally.ups;
        } else {
            ++tally.downs;
        }
    }
    return tallies;
}

}  // namespace datt::feed
