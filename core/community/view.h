// What a community shows: a pure function of its definition, its moderation log and its
// posts, so every client and relay holding the same events computes the same view whatever
// order they arrived in (docs/protocol.md "Community view").
//
// Order: log entries are applied in ascending (created_at, id) (event/time_id.h). Authority
// is checked at each entry's place in that order: the owner may do everything; a moderator
// (named by the definition, or added by the owner's 4558 and not since removed by 4559) may
// approve, remove, lock, unlock, pin, unpin, ban and unban; nobody may ban the owner or a
// current moderator. Entries that fail are kept in the log with the reason (the modlog
// shows them) and change nothing.
//
// Items are kind 1111 events naming the community with an `A` or `a` tag: a post has no `e`
// tag, a comment's first `e` tag is its parent. An item is hidden when:
// - its latest approve/remove entry is a remove (removal applies to the item whenever it was
//   made; approving again restores it);
// - its author was banned at its created_at (the latest ban/unban entry with created_at at
//   or before the item's is a ban): a ban does not hide what the user posted before it;
// - it is a comment, not by the owner or a moderator, under a post that was locked at its
//   created_at (same rule as bans).
// Deletions (kind 5) are applied by the caller before: pass the items that remain.
//
// A fork (definition.h `origin`): the origin's log entries and items with created_at at or
// before the cutoff count too, under the origin's authority (its owner and moderators);
// the fork's own entries count under the fork's. Bans, removals, locks and pins carry over.
#pragma once

#include <map>
#include <optional>
#include <span>
#include <vector>

#include "community/definition.h"
#include "community/moderation.h"
#include "event/event.h"
#include "util/bytes.h"
#include "util/result.h"

namespace datt::community {

enum class Effect {
    kApplied,
    kNotModerator,     // the actor had no authority at that time
    kOwnerOnly,        // moderator changes are the owner's
    kProtectedTarget,  // a ban or unban of the owner or a current moderator
};

struct LogRecord {
    ModerationEntry entry;
    Effect effect = Effect::kApplied;

    friend bool operator==(const LogRecord&, const LogRecord&) = default;
};

struct CommunityView {
    std::vector<Hash256> posts;              // visible posts, ascending (created_at, id)
    std::vector<Hash256> comments;           // visible comments, ascending (created_at, id)
    std::vector<Hash256> pinned;             // pinned visible posts, oldest pin first
    std::vector<Hash256> locked;             // locked event ids now, sorted
    std::vector<Hash256> removed;            // removed event ids now, sorted
    std::vector<ByteArray<32>> banned;       // banned now, sorted
    std::vector<ByteArray<32>> moderators;   // moderators now (owner not listed), sorted
    std::vector<LogRecord> log;              // every entry of the log, in the order applied
    std::map<Hash256, Hash256> thread_post;  // comment id -> the post its thread hangs from

    friend bool operator==(const CommunityView&, const CommunityView&) = default;
};

// Error codes: community_origin_mismatch (`origin` is given but is not the definition's
// origin, or the definition has no origin).
[[nodiscard]] Result<CommunityView> compute_view(const Definition& definition,
                                                 std::span<const event::Event> log,
                                                 std::span<const event::Event> items,
                                                 const std::optional<Definition>& origin = {});

}  // namespace datt::community
