// Moderation log entries: events by a community's owner or moderators, each naming the
// community with an `a` tag (NIP-72's form) and its target with an `e` tag (an event) or a
// `p` tag (a user). Kinds (docs/protocol.md "Moderation log"):
//   4550 approve        NIP-72 post approval; in Datt it also undoes an earlier remove
//   4551 remove         hide a post or comment
//   4552 lock / 4553 unlock     no new comments under a post
//   4554 pin / 4555 unpin       pin a post at the top
//   4556 ban / 4557 unban       a user's later posts and comments are hidden and refused
//   4558 add moderator / 4559 remove moderator   owner only
// The content is a free-text reason, shown in the modlog.
#pragma once

#include <optional>
#include <string>

#include "event/address.h"
#include "event/event.h"
#include "event/time_id.h"
#include "util/bytes.h"

namespace datt::community {

enum class Action {
    kApprove,
    kRemove,
    kLock,
    kUnlock,
    kPin,
    kUnpin,
    kBan,
    kUnban,
    kAddModerator,
    kRemoveModerator,
};

event::Kind kind_of(Action action);
std::optional<Action> action_of(event::Kind kind);
// True for the actions whose target is a user (`p` tag); the others target an event.
bool targets_user(Action action);

struct ModerationEntry {
    Action action = Action::kApprove;
    ByteArray<32> actor{};
    event::TimeId time;           // the entry's (created_at, id): the log's order
    event::Address community;     // the community its `a` tag names
    Hash256 target_event{};       // event actions
    ByteArray<32> target_user{};  // user actions
    std::string reason;

    friend bool operator==(const ModerationEntry&, const ModerationEntry&) = default;
};

// The entry `event` makes for the community at `community`; nullopt when it is not a
// moderation kind, does not name that community with an `a` tag, or lacks a target (the
// first `e` or `p` tag, 64 lowercase hex). Authority is the view's business (view.h).
std::optional<ModerationEntry> moderation_of(const event::Event& event,
                                             const event::Address& community);

// The unsigned event for an action (an `a` tag, the target tag, the reason as content).
event::Draft moderation_draft(Action action, const event::Address& community,
                              const ByteArray<32>& target, int64_t created_at, std::string reason);

}  // namespace datt::community
