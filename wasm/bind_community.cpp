// core/community and NIP-13 (core/event/pow.h) for JavaScript (datt.community): the
// definition, moderation entries, the view every client computes alike, the relay's admit
// rule, and proof-of-work mining in slices for a worker. Events cross as JSON text and go
// through Event::parse (verified); in arrays (the log, the items) an element that is not a
// valid event is skipped, as tallyVotes does: one bad event from a relay must not hide a
// community.
#include <array>
#include <string_view>

#include <emscripten/bind.h>

#include "community/admit.h"
#include "community/definition.h"
#include "community/moderation.h"
#include "community/view.h"
#include "convert.h"
#include "event/address.h"
#include "event/event.h"
#include "event/pow.h"
#include "util/hex.h"

namespace datt::wasm {
namespace {

using namespace ::datt::community;

// The action names of datt.community.moderationDraft (moderation.h's kinds 4550-4559).
constexpr std::array<std::pair<std::string_view, Action>, 10> kActions = {{
    {"approve", Action::kApprove},
    {"remove", Action::kRemove},
    {"lock", Action::kLock},
    {"unlock", Action::kUnlock},
    {"pin", Action::kPin},
    {"unpin", Action::kUnpin},
    {"ban", Action::kBan},
    {"unban", Action::kUnban},
    {"addModerator", Action::kAddModerator},
    {"removeModerator", Action::kRemoveModerator},
}};

std::string action_name(Action action) {
    for (const auto& [name, a] : kActions) {
        if (a == action) return std::string(name);
    }
    return "approve";  // unreachable: every action is in the table
}

const char* effect_name(Effect effect) {
    switch (effect) {
        case Effect::kApplied: return "applied";
        case Effect::kNotModerator: return "not_moderator";
        case Effect::kOwnerOnly: return "owner_only";
        case Effect::kProtectedTarget: return "protected_target";
    }
    return "applied";
}

// Valid events of an array of JSON texts (datt.mjs stringifies objects).
Result<std::vector<event::Event>> events_argument(const val& input, const char* name) {
    if (!input.isArray()) return make_error("wrong_type", std::string(name) + " must be an array");
    const size_t count = input["length"].as<size_t>();
    std::vector<event::Event> events;
    events.reserve(count);
    for (size_t i = 0; i < count; ++i) {
        auto text = text_argument(input[i], name);
        if (!text) continue;
        auto parsed = event::Event::parse(*text);
        if (parsed) events.push_back(std::move(*parsed));
    }
    return events;
}

Result<Definition> definition_argument(const std::string& json) {
    auto event = event::Event::parse(json);
    if (!event) return event.error();
    return Definition::parse(*event);
}

Result<std::optional<Definition>> origin_argument(const val& input) {
    if (is_absent(input)) return std::optional<Definition>{};
    auto json = text_argument(input, "origin");
    if (!json) return json.error();
    auto definition = definition_argument(*json);
    if (!definition) return definition.error();
    return std::optional<Definition>(std::move(*definition));
}

template <class List>
val hex_list(const List& items) {
    val out = val::array();
    for (const auto& item : items) out.call<void>("push", to_hex(item));
    return out;
}

val definition_value(const Definition& definition) {
    val out = val::object();
    out.set("address", event::format_address(definition.address()));
    out.set("owner", to_hex(definition.owner()));
    out.set("moderators", hex_list(definition.moderators()));
    out.set("pow", definition.pow_difficulty());
    if (const auto& origin = definition.forked_from()) {
        val from = val::object();
        from.set("address", event::format_address(origin->address));
        from.set("cutoff", static_cast<double>(origin->cutoff));
        out.set("origin", from);
    } else {
        out.set("origin", val::null());
    }
    return out;
}

val view_value(const CommunityView& view) {
    val out = val::object();
    out.set("posts", hex_list(view.posts));
    out.set("comments", hex_list(view.comments));
    out.set("pinned", hex_list(view.pinned));
    out.set("locked", hex_list(view.locked));
    out.set("removed", hex_list(view.removed));
    out.set("banned", hex_list(view.banned));
    out.set("moderators", hex_list(view.moderators));
    val log = val::array();
    for (const LogRecord& record : view.log) {
        val entry = val::object();
        entry.set("action", action_name(record.entry.action));
        entry.set("actor", to_hex(record.entry.actor));
        entry.set("created_at", static_cast<double>(record.entry.time.created_at));
        entry.set("id", to_hex(record.entry.time.id));
        entry.set("community", event::format_address(record.entry.community));
        entry.set("target", targets_user(record.entry.action) ? to_hex(record.entry.target_user)
                                                              : to_hex(record.entry.target_event));
        entry.set("reason", record.entry.reason);
        entry.set("effect", std::string(effect_name(record.effect)));
        log.call<void>("push", entry);
    }
    out.set("log", log);
    val threads = val::object();
    for (const auto& [comment, post] : view.thread_post) threads.set(to_hex(comment), to_hex(post));
    out.set("threadPost", threads);
    return out;
}

Result<std::pair<Definition, CommunityView>> compute(const std::string& definition_json,
                                                      const val& log, const val& items,
                                                      const val& origin) {
    auto definition = definition_argument(definition_json);
    if (!definition) return definition.error();
    auto entries = events_argument(log, "log");
    if (!entries) return entries.error();
    auto posts = events_argument(items, "items");
    if (!posts) return posts.error();
    auto from = origin_argument(origin);
    if (!from) return from.error();
    auto view = compute_view(*definition, *entries, *posts, *from);
    if (!view) return view.error();
    return std::pair{std::move(*definition), std::move(*view)};
}

val draft_value(const event::Draft& draft) {
    val out = val::object();
    out.set("created_at", static_cast<double>(draft.created_at));
    out.set("kind", draft.kind);
    val tags = val::array();
    for (const event::Tag& tag : draft.tags) {
        val strings = val::array();
        for (const std::string& s : tag) strings.call<void>("push", s);
        tags.call<void>("push", strings);
    }
    out.set("tags", tags);
    out.set("content", draft.content);
    return out;
}

// ---- bound functions ----

val parse_definition(std::string json) {
    auto definition = definition_argument(json);
    return definition ? ok(definition_value(*definition)) : fail(definition.error());
}

// The template of a moderation entry: action name, community address, target (event id or
// pubkey hex), created_at, reason.
val moderation_template(std::string action, std::string community, val target, val created_at,
                        val reason) {
    const auto* found = std::find_if(kActions.begin(), kActions.end(),
                                     [&](const auto& a) { return a.first == action; });
    if (found == kActions.end()) {
        return fail(make_error("community_action_unknown", "unknown moderation action " + action));
    }
    const std::optional<event::Address> address = event::parse_address(community);
    if (!address || address->kind != kDefinitionKind) {
        return fail(make_error("community_address_invalid", "community must be a 34550 address"));
    }
    auto whom = hex32_argument(target, "target");
    if (!whom) return fail(whom.error());
    auto when = safe_integer_argument(created_at, "created_at");
    if (!when) return fail(when.error());
    auto why = is_absent(reason) ? Result<std::string>(std::string()) : text_argument(reason, "reason");
    if (!why) return fail(why.error());
    return ok(draft_value(moderation_draft(found->second, *address, *whom, *when, std::move(*why))));
}

val view(std::string definition_json, val log, val items, val origin) {
    auto computed = compute(definition_json, log, items, origin);
    return computed ? ok(view_value(computed->second)) : fail(computed.error());
}

// null when the community's rules admit `event`, else {code, message} (admit.h).
val admit_event(std::string definition_json, val log, val items, std::string event_json, val origin) {
    auto computed = compute(definition_json, log, items, origin);
    if (!computed) return fail(computed.error());
    auto event = event::Event::parse(event_json);
    if (!event) return fail(event.error());
    auto admitted = admit(computed->first, computed->second, *event);
    if (admitted) return ok(val::null());
    val refusal = val::object();
    refusal.set("code", admitted.error().code);
    refusal.set("message", admitted.error().message);
    return ok(refusal);
}

// One slice of NIP-13 mining: nonces first..first+count-1 of the template for `pubkey`.
val mine_step(std::string pubkey_hex, std::string template_json, val difficulty, val first_nonce,
              val count) {
    auto pubkey = hex_argument<32>(pubkey_hex, "pubkey");
    if (!pubkey) return fail(pubkey.error());
    auto draft = event::parse_draft(template_json);
    if (!draft) return fail(draft.error());
    auto bits = safe_integer_argument(difficulty, "difficulty");
    if (!bits) return fail(bits.error());
    auto first = safe_integer_argument(first_nonce, "firstNonce");
    if (!first || *first < 0) return fail(make_error("wrong_type", "firstNonce must be a safe integer >= 0"));
    auto tries = safe_integer_argument(count, "count");
    if (!tries || *tries < 1) return fail(make_error("wrong_type", "count must be a safe integer >= 1"));
    if (*bits < 0 || *bits > event::kMaxDifficulty) {
        return fail(make_error("pow_difficulty_range", "difficulty must be 0..256"));
    }
    auto step = event::mine_step(*pubkey, *draft, static_cast<int>(*bits),
                                 static_cast<uint64_t>(*first), static_cast<uint64_t>(*tries));
    if (!step) return fail(step.error());
    val out = val::object();
    out.set("found", step->found ? draft_value(*step->found) : val::null());
    out.set("id", step->found ? val(to_hex(step->id)) : val::null());
    out.set("tried", static_cast<double>(step->tried));
    out.set("nextNonce", static_cast<double>(step->next_nonce));
    return ok(out);
}

val leading_zero_bits(val id) {
    auto hash = hex32_argument(id, "id");
    return hash ? ok(val(event::leading_zero_bits(*hash))) : fail(hash.error());
}

val meets_difficulty(std::string event_json, val difficulty) {
    auto event = event::Event::parse(event_json);
    if (!event) return fail(event.error());
    auto bits = safe_integer_argument(difficulty, "difficulty");
    if (!bits || *bits < 0 || *bits > event::kMaxDifficulty) {
        return fail(make_error("pow_difficulty_range", "difficulty must be 0..256"));
    }
    return ok(val(event::meets_difficulty(*event, static_cast<int>(*bits))));
}

}  // namespace

EMSCRIPTEN_BINDINGS(datt_community) {
    emscripten::function("communityParseDefinition", &parse_definition);
    emscripten::function("communityModerationTemplate", &moderation_template);
    emscripten::function("communityView", &view);
    emscripten::function("communityAdmit", &admit_event);
    emscripten::function("powMineStep", &mine_step);
    emscripten::function("powLeadingZeroBits", &leading_zero_bits);
    emscripten::function("powMeetsDifficulty", &meets_difficulty);
}

}  // namespace datt::wasm
