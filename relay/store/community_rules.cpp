#include "store/community_rules.h"

#include "community/admit.h"
#include "community/moderation.h"
#include "event/address.h"
#include "event/kind.h"
#include "store/stored_content.h"

namespace datt::relay::sqlite {
namespace {

bool is_moderation_kind(event::Kind kind) { return community::action_of(kind).has_value(); }

}  // namespace

Result<CommunityRules> CommunityRules::prepare(Connection& db) {
    CommunityRules rules(db.get());
    auto definition = db.prepare(
        "SELECT json FROM events WHERE pubkey = ? AND kind = 34550 AND d_key = ?");
    if (!definition) return definition.error();
    rules.find_definition_ = std::move(definition).value();
    auto log = db.prepare(
        "SELECT e.json FROM tags t JOIN events e ON e.seq = t.event "
        "WHERE t.name = 'a' AND t.value = ? AND e.kind BETWEEN 4550 AND 4559");
    if (!log) return log.error();
    rules.find_log_ = std::move(log).value();
    return rules;
}

Result<std::optional<community::Definition>> CommunityRules::definition(
    const event::Address& address) {
    find_definition_.bind_blob_static(1, address.pubkey);
    find_definition_.bind_blob_static(2, as_bytes(address.d));
    const int rc = find_definition_.step();
    if (rc == SQLITE_DONE) {
        find_definition_.reset();
        return std::optional<community::Definition>{};
    }
    if (rc != SQLITE_ROW) {
        Error failed = error(db_, "community definition lookup failed");
        find_definition_.reset();
        return failed;
    }
    auto event = event::Event::parse(find_definition_.column_text(0), stored_limits());
    find_definition_.reset();
    if (!event) return event.error();
    auto parsed = community::Definition::parse(*event);
    // A stored definition with a malformed pow or origin tag defines no rules.
    if (!parsed) return std::optional<community::Definition>{};
    return std::optional<community::Definition>(std::move(*parsed));
}

Status CommunityRules::load_log(const event::Address& address, std::vector<event::Event>& log) {
    const std::string value = event::format_address(address);
    find_log_.bind_blob_static(1, as_bytes(value));
    int rc;
    while ((rc = find_log_.step()) == SQLITE_ROW) {
        auto event = event::Event::parse(find_log_.column_text(0), stored_limits());
        if (event) log.push_back(std::move(*event));
    }
    find_log_.reset();
    if (rc != SQLITE_DONE) return error(db_, "moderation log lookup failed");
    return Ok{};
}

Result<const std::optional<CommunityRules::Community>*> CommunityRules::community(
    const event::Address& address) {
    const std::string key = event::format_address(address);
    if (auto it = cache_.find(key); it != cache_.end()) return &it->second;
    if (cache_.size() >= kMaxCached) cache_.clear();

    std::optional<Community> held;
    auto definition = this->definition(address);
    if (!definition) return definition.error();
    if (*definition) {
        std::vector<event::Event> log;
        if (auto loaded = load_log(address, log); !loaded) return loaded.error();
        std::optional<community::Definition> origin;
        if (const auto& from = (*definition)->forked_from()) {
            auto origin_definition = this->definition(from->address);
            if (!origin_definition) return origin_definition.error();
            origin = std::move(*origin_definition);
            if (origin) {
                if (auto loaded = load_log(from->address, log); !loaded) return loaded.error();
            }
        }
        auto view = community::compute_view(**definition, log, {}, origin);
        if (!view) return view.error();
        held = Community{std::move(**definition), std::move(*view)};
    }
    return &cache_.emplace(key, std::move(held)).first->second;
}

Result<std::optional<Error>> CommunityRules::check(const event::Event& event) {
    if (event.kind() != event::kinds::kComment) return std::optional<Error>{};
    for (const event::Tag& tag : event.tags()) {
        if (tag.size() < 2 || (tag[0] != "A" && tag[0] != "a")) continue;
        const std::optional<event::Address> address = event::parse_address(tag[1]);
        if (!address || address->kind != community::kDefinitionKind) continue;
        auto held = community(*address);
        if (!held) return held.error();
        if (!**held) continue;
        const Community& c = ***held;
        if (auto admitted = community::admit(c.definition, c.view, event); !admitted) {
            return std::optional<Error>(admitted.error());
        }
    }
    return std::optional<Error>{};
}

void CommunityRules::written(const event::Event& event, bool removed_something) {
    if (removed_something || event.kind() == community::kDefinitionKind ||
        is_moderation_kind(event.kind())) {
        cache_.clear();
    }
}

}  // namespace datt::relay::sqlite
