// core/feed for JavaScript: NIP-25 votes and ranking. Events cross as JSON text and go
// through Event::parse, the same strict parser as verifyEvent (duplicate members, limits,
// id and signature), so a tally never counts an event that verifyEvent rejects.
#include <optional>

#include <emscripten/bind.h>

#include "bitcoin_convert.h"
#include "convert.h"
#include "event/event.h"
#include "feed/rank.h"
#include "feed/vote.h"
#include "feed/vote_rule.h"
#include "util/hex.h"

namespace datt::wasm {
namespace {

// events: an array of event JSON texts (datt.mjs stringifies objects). An element that is
// not a string, or not a valid event, is skipped: one bad event from a relay must not hide
// everyone's votes. Returns {target_id_hex: {ups, downs, score}}.
val tally_votes(val events) {
    if (!events.isArray()) return fail(make_error("wrong_type", "events must be an array"));
    const size_t count = events["length"].as<size_t>();
    std::vector<event::Event> reactions;
    reactions.reserve(count);
    for (size_t i = 0; i < count; ++i) {
        auto text = text_argument(events[i], "event");
        if (!text) continue;
        auto parsed = event::Event::parse(*text);
        if (parsed) reactions.push_back(std::move(*parsed));
    }
    val out = val::object();
    for (const auto& [target, tally] : feed::tally_votes(reactions)) {
        val counts = val::object();
        counts.set("ups", static_cast<double>(tally.ups));
        counts.set("downs", static_cast<double>(tally.downs));
        counts.set("score", static_cast<double>(tally.score()));
        out.set(to_hex(target), counts);
    }
    return ok(out);
}

// The vote an event casts, {target, voter, created_at, id, value}, or null when it is not a
// vote (feed/vote_rule.h). The event is fully validated: Event::parse's codes when it is
// malformed or forged.
val vote_of(std::string event_json) {
    auto parsed = event::Event::parse(event_json);
    if (!parsed) return fail(parsed.error());
    auto vote = feed::vote_of(*parsed);
    if (!vote) return ok(val::null());
    val out = val::object();
    out.set("target", to_hex(vote->target));
    out.set("voter", to_hex(vote->voter));
    out.set("created_at", static_cast<double>(vote->created_at));  // within Limits: exact
    out.set("id", to_hex(vote->id));
    out.set("value", vote->value);
    return ok(out);
}

// A vote object as voteOf() returns it; other members are ignored. Codes: wrong_type (not
// an object, created_at not a safe integer, value not 1 or -1), bad_hex.
Result<feed::Vote> vote_argument(const val& vote, const std::string& name) {
    if (!is_plain_object(vote)) return make_error("wrong_type", name + " must be a vote object");
    feed::Vote out;
    for (auto [field, bytes] : {std::pair{"target", &out.target}, std::pair{"voter", &out.voter},
                                std::pair{"id", &out.id}}) {
        auto value = hex32_argument(vote[field], name + " " + field);
        if (!value) return value.error();
        *bytes = *value;
    }
    auto created_at = safe_integer_argument(vote["created_at"], name + " created_at");
    if (!created_at) return created_at.error();
    out.created_at = *created_at;
    const val value = vote["value"];
    if (!value.isNumber() || (value.as<double>() != 1 && value.as<double>() != -1)) {
        return make_error("wrong_type", name + " value must be 1 or -1");
    }
    out.value = static_cast<int>(value.as<double>());
    return out;
}

// True when `newer` replaces `older` as the effective vote of its voter on its target.
val vote_supersedes(val newer_vote, val older_vote) {
    auto newer = vote_argument(newer_vote, "newer");
    if (!newer) return fail(newer.error());
    auto older = vote_argument(older_vote, "older");
    if (!older) return fail(older.error());
    return ok(val(feed::supersedes(*newer, *older)));
}

std::optional<feed::Sort> sort_named(const std::string& name) {
    if (name == "hot") return feed::Sort::kHot;
    if (name == "new") return feed::Sort::kNew;
    if (name == "top") return feed::Sort::kTop;
    if (name == "controversial") return feed::Sort::kControversial;
    if (name == "best") return feed::Sort::kBest;
    return std::nullopt;
}

Result<int64_t> count_member(const val& item, const char* name) {
    auto count = safe_integer_argument(item[name], std::string("item ") + name);
    if (!count || *count < 0) {
        return make_error("wrong_type", std::string("item ") + name + " must be an integer >= 0");
    }
    return count;
}

Result<feed::Item> rank_item(const val& item) {
    if (!is_plain_object(item)) return make_error("wrong_type", "each item must be an object");
    auto id = hex32_argument(item["id"], "item id");
    if (!id) return id.error();
    auto created_at = safe_integer_argument(item["created_at"], "item created_at");
    if (!created_at) return created_at.error();
    auto ups = count_member(item, "ups");
    if (!ups) return ups.error();
    auto downs = count_member(item, "downs");
    if (!downs) return downs.error();
    // tip_sats: verified tip sats (datt.tips), absent for none; a BigInt or a safe Number.
    bitcoin::Sats tip_sats(0);
    if (!is_absent(item["tip_sats"])) {
        auto sats = sats_argument(item["tip_sats"], "item tip_sats", AmountRange::kMoney);
        if (!sats) return sats.error();
        tip_sats = *sats;
    }
    return feed::Item{*id, *created_at, feed::Tally{*ups, *downs}, tip_sats.value()};
}

// items: [{id, created_at, ups, downs, tip_sats?}] (other members ignored); the ids in display
// order.
val rank_items(val items, std::string sort_name, val now_seconds, val top_window_seconds) {
    auto sort = sort_named(sort_name);
    if (!sort) return fail(make_error("bad_sort", "unknown sort \"" + sort_name + "\""));
    auto now = safe_integer_argument(now_seconds, "now");
    if (!now) return fail(now.error());
    auto window = safe_integer_argument(top_window_seconds, "topWindowSeconds");
    if (!window) return fail(window.error());
    if (*window < 0) return fail(make_error("wrong_type", "topWindowSeconds must be >= 0"));
    if (!items.isArray()) return fail(make_error("wrong_type", "items must be an array"));
    const size_t count = items["length"].as<size_t>();
    std::vector<feed::Item> parsed;
    parsed.reserve(count);
    for (size_t i = 0; i < count; ++i) {
        auto item = rank_item(items[i]);
        if (!item) return fail(item.error());
        parsed.push_back(*item);
    }
    val ids = val::array();
    for (const Hash256& id : feed::rank(std::move(parsed), *sort, *now, *window)) {
        ids.call<void>("push", to_hex(id));
    }
    return ok(ids);
}

}  // namespace

EMSCRIPTEN_BINDINGS(datt_feed) {
    emscripten::function("tallyVotes", &tally_votes);
    emscripten::function("voteOf", &vote_of);
    emscripten::function("voteSupersedes", &vote_supersedes);
    emscripten::function("rankItems", &rank_items);
}

}  // namespace datt::wasm
