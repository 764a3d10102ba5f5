#include "community/admit.h"

#include <algorithm>

#include "event/kind.h"
#include "event/pow.h"
#include "util/hex.h"

namespace datt::community {

Status admit(const Definition& definition, const CommunityView& view, const event::Event& event) {
    if (event.kind() != event::kinds::kComment || !names_community(event, definition.address())) {
        return Ok{};
    }
    const ByteArray<32>& author = event.pubkey();
    if (author == definition.owner() ||
        std::binary_search(view.moderators.begin(), view.moderators.end(), author)) {
        return Ok{};
    }
    if (std::binary_search(view.banned.begin(), view.banned.end(), author)) {
        return make_error("banned", "blocked: you are banned from " +
                                        event::format_address(definition.address()));
    }
    for (const event::Tag& tag : event.tags()) {
        if (tag.size() < 2 || tag[0] != "e") continue;
        if (is_lower_hex(tag[1], 64)) {
            const Hash256 parent = *from_hex_fixed<32>(tag[1]);
            const auto thread = view.thread_post.find(parent);
            const Hash256& post = thread == view.thread_post.end() ? parent : thread->second;
            if (std::binary_search(view.locked.begin(), view.locked.end(), post)) {
                return make_error("locked", "blocked: the post is locked");
            }
        }
        break;
    }
    const int difficulty = definition.pow_difficulty();
    if (difficulty > 0 && !event::meets_difficulty(event, difficulty)) {
        return make_error("pow_too_low",
                          "pow: difficulty " + std::to_string(difficulty) + " required");
    }
    return Ok{};
}

}  // namespace datt::community
