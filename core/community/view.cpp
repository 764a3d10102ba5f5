#include "community/view.h"

#include <algorithm>
#include <set>
#include <utility>

#include "event/time_id.h"
#include "util/hex.h"

namespace datt::community {
namespace {

// One community whose log counts: the definition itself, or its origin up to the cutoff.
struct Scope {
    const Definition* definition = nullptr;
    std::optional<int64_t> cutoff;
    std::set<ByteArray<32>> moderators;

    bool covers(int64_t created_at) const { return !cutoff || created_at <= *cutoff; }
};

// A switch (ban, lock) as it was set over time: entries in the order applied.
using History = std::vector<std::pair<int64_t, bool>>;

// The state at `created_at`: the latest entry at or before it (entries are applied in
// ascending created_at, so the last match is the latest).
bool state_at(const History& history, int64_t created_at) {
    bool on = false;
    for (const auto& [time, value] : history) {
        if (time > created_at) break;
        on = value;
    }
    return on;
}

std::optional<Hash256> parent_of(const event::Event& item) {
    for (const event::Tag& tag : item.tags()) {
        if (tag.size() >= 2 && tag[0] == "e") {
            if (!is_lower_hex(tag[1], 64)) return std::nullopt;
            return *from_hex_fixed<32>(tag[1]);
        }
    }
    return std::nullopt;
}

template <class T>
std::vector<T> keys_where(const std::map<T, History>& histories, bool final_state) {
    std::vector<T> out;
    for (const auto& [key, history] : histories) {
        if (!history.empty() && history.back().second == final_state) out.push_back(key);
    }
    return out;
}

}  // namespace

Result<CommunityView> compute_view(const Definition& definition, std::span<const event::Event> log,
                                   std::span<const event::Event> items,
                                   const std::optional<Definition>& origin) {
    std::vector<Scope> scopes;
    scopes.push_back(Scope{&definition,
                           std::nullopt,
                           {definition.moderators().begin(), definition.moderators().end()}});
    if (origin) {
        if (!definition.forked_from() || definition.forked_from()->address != origin->address()) {
            return make_error("community_origin_mismatch",
                              "the origin given is not the community this one was forked from");
        }
        scopes.push_back(Scope{&*origin,
                               definition.forked_from()->cutoff,
                               {origin->moderators().begin(), origin->moderators().end()}});
    }

    // The log: entries of every scope, in (created_at, id) order, each event once per scope.
    std::vector<std::pair<ModerationEntry, size_t>> entries;
    for (const event::Event& event : log) {
        for (size_t s = 0; s < scopes.size(); ++s) {
            if (!scopes[s].covers(event.created_at())) continue;
            std::optional<ModerationEntry> entry =
                moderation_of(event, scopes[s].definition->address());
            if (entry) entries.emplace_back(std::move(*entry), s);
        }
    }
    std::sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) {
        if (a.first.time != b.first.time) return a.first.time < b.first.time;
        return a.second < b.second;
    });
    entries.erase(std::unique(entries.begin(), entries.end(),
                              [](const auto& a, const auto& b) {
                                  return a.first.time == b.first.time && a.second == b.second;
                              }),
                  entries.end());

    CommunityView view;
    std::map<Hash256, bool> removed;
    std::map<Hash256, History> locks;
    std::map<ByteArray<32>, History> bans;
    std::vector<Hash256> pins;
    for (auto& [entry, s] : entries) {
        Scope& scope = scopes[s];
        const bool is_owner = entry.actor == scope.definition->owner();
        const bool is_moderator = is_owner || scope.moderators.count(entry.actor) > 0;
        const int64_t at = entry.time.created_at;
        Effect effect = Effect::kApplied;
        if (!is_moderator) {
            effect = Effect::kNotModerator;
        } else {
            switch (entry.action) {
                case Action::kApprove:
                    removed[entry.target_event] = false;
                    break;
                case Action::kRemove:
                    removed[entry.target_event] = true;
                    break;
                case Action::kLock:
                    locks[entry.target_event].emplace_back(at, true);
                    break;
                case Action::kUnlock:
                    locks[entry.target_event].emplace_back(at, false);
                    break;
                case Action::kPin:
                    std::erase(pins, entry.target_event);
                    pins.push_back(entry.target_event);
                    break;
                case Action::kUnpin:
                    std::erase(pins, entry.target_event);
                    break;
                case Action::kBan:
                case Action::kUnban:
                    if (entry.target_user == scope.definition->owner() ||
                        scope.moderators.count(entry.target_user) > 0) {
                        effect = Effect::kProtectedTarget;
                    } else {
                        bans[entry.target_user].emplace_back(at, entry.action == Action::kBan);
                    }
                    break;
                case Action::kAddModerator:
                case Action::kRemoveModerator:
                    if (!is_owner) {
                        effect = Effect::kOwnerOnly;
                    } else if (entry.action == Action::kAddModerator) {
                        if (entry.target_user != scope.definition->owner()) {
                            scope.moderators.insert(entry.target_user);
                        }
                    } else {
                        scope.moderators.erase(entry.target_user);
                    }
                    break;
            }
        }
        view.log.push_back(LogRecord{std::move(entry), effect});
    }

    // The items, once each, in (created_at, id) order.
    std::vector<const event::Event*> chosen;
    for (const event::Event& item : items) {
        if (item.kind() != event::kinds::kComment) continue;
        for (const Scope& scope : scopes) {
            if (scope.covers(item.created_at()) &&
                names_community(item, scope.definition->address())) {
                chosen.push_back(&item);
                break;
            }
        }
    }
    const auto by_time = [](const event::Event* a, const event::Event* b) {
        return event::TimeId{a->created_at(), a->id()} < event::TimeId{b->created_at(), b->id()};
    };
    std::sort(chosen.begin(), chosen.end(), by_time);
    chosen.erase(std::unique(chosen.begin(), chosen.end(),
                             [](const event::Event* a, const event::Event* b) {
                                 return a->id() == b->id();
                             }),
                 chosen.end());

    std::map<Hash256, Hash256> parents;  // comment -> parent
    for (const event::Event* item : chosen) {
        if (std::optional<Hash256> parent = parent_of(*item)) parents[item->id()] = *parent;
    }
    // The post a comment's thread hangs from: the first ancestor that is not a known comment
    // (bounded by the number of comments, so a malformed cycle cannot loop).
    for (const auto& [comment, parent] : parents) {
        Hash256 at = parent;
        for (size_t steps = 0; steps < parents.size(); ++steps) {
            const auto up = parents.find(at);
            if (up == parents.end()) break;
            at = up->second;
        }
        view.thread_post[comment] = at;
    }

    std::set<ByteArray<32>> exempt;  // owners and moderators now: locks do not stop them
    for (const Scope& scope : scopes) {
        exempt.insert(scope.definition->owner());
        exempt.insert(scope.moderators.begin(), scope.moderators.end());
    }
    for (const event::Event* item : chosen) {
        const auto removal = removed.find(item->id());
        if (removal != removed.end() && removal->second) continue;
        const auto ban = bans.find(item->pubkey());
        if (ban != bans.end() && state_at(ban->second, item->created_at())) continue;
        const auto thread = view.thread_post.find(item->id());
        if (thread == view.thread_post.end()) {
            view.posts.push_back(item->id());
            continue;
        }
        const auto lock = locks.find(thread->second);
        if (lock != locks.end() && exempt.count(item->pubkey()) == 0 &&
            state_at(lock->second, item->created_at())) {
            continue;
        }
        view.comments.push_back(item->id());
    }

    for (const Hash256& pin : pins) {
        if (std::find(view.posts.begin(), view.posts.end(), pin) != view.posts.end()) {
            view.pinned.push_back(pin);
        }
    }
    view.locked = keys_where(locks, true);
    for (const auto& [id, is_removed] : removed) {
        if (is_removed) view.removed.push_back(id);
    }
    view.banned = keys_where(bans, true);
    view.moderators.assign(scopes[0].moderators.begin(), scopes[0].moderators.end());
    return view;
}

}  // namespace datt::community
