#include "community/moderation.h"

#include "util/hex.h"

namespace datt::community {

event::Kind kind_of(Action action) {
    switch (action) {
        case Action::kApprove:
            return 4550;
        case Action::kRemove:
            return 4551;
        case Action::kLock:
            return 4552;
        case Action::kUnlock:
            return 4553;
        case Action::kPin:
            return 4554;
        case Action::kUnpin:
            return 4555;
        case Action::kBan:
            return 4556;
        case Action::kUnban:
            return 4557;
        case Action::kAddModerator:
            return 4558;
        case Action::kRemoveModerator:
            return 4559;
    }
    return 0;  // unreachable: every action is listed
}

std::optional<Action> action_of(event::Kind kind) {
    switch (kind) {
        case 4550:
            return Action::kApprove;
        case 4551:
            return Action::kRemove;
        case 4552:
            return Action::kLock;
        case 4553:
            return Action::kUnlock;
        case 4554:
            return Action::kPin;
        case 4555:
            return Action::kUnpin;
        case 4556:
            return Action::kBan;
        case 4557:
            return Action::kUnban;
        case 4558:
            return Action::kAddModerator;
        case 4559:
            return Action::kRemoveModerator;
        default:
            return std::nullopt;  // a switch over integers, not over the enum
    }
}

bool targets_user(Action action) {
    switch (action) {
        case Action::kBan:
        case Action::kUnban:
        case Action::kAddModerator:
        case Action::kRemoveModerator:
            return true;
        case Action::kApprove:
        case Action::kRemove:
        case Action::kLock:
        case Action::kUnlock:
        case Action::kPin:
        case Action::kUnpin:
            return false;
    }
    return false;
}

std::optional<ModerationEntry> moderation_of(const event::Event& event,
                                             const event::Address& community) {
    const std::optional<Action> action = action_of(event.kind());
    if (!action) return std::nullopt;
    bool names = false;
    for (const event::Tag& tag : event.tags()) {
        if (tag.size() < 2 || tag[0] != "a") continue;
        const std::optional<event::Address> named = event::parse_address(tag[1]);
        if (named && *named == community) names = true;
    }
    if (!names) return std::nullopt;
    const std::string_view target_tag = targets_user(*action) ? "p" : "e";
    std::optional<Hash256> target;
    for (const event::Tag& tag : event.tags()) {
        if (tag.size() >= 2 && tag[0] == target_tag) {
            if (is_lower_hex(tag[1], 64)) target = *from_hex_fixed<32>(tag[1]);
            break;
        }
    }
    if (!target) return std::nullopt;
    ModerationEntry entry;
    entry.action = *action;
    entry.actor = event.pubkey();
    entry.time = {event.created_at(), event.id()};
    entry.community = community;
    if (targets_user(*action)) {
        entry.target_user = *target;
    } else {
        entry.target_event = *target;
    }
    entry.reason = event.content();
    return entry;
}

event::Draft moderation_draft(Action action, const event::Address& community,
                              const ByteArray<32>& target, int64_t created_at, std::string reason) {
    event::Draft draft;
    draft.created_at = created_at;
    draft.kind = kind_of(action);
    draft.tags = {{"a", event::format_address(community)},
                  {targets_user(action) ? "p" : "e", to_hex(target)}};
    draft.content = std::move(reason);
    return draft;
}

}  // namespace datt::community
