// Community rules at ingest (core/community/admit.h), applied by the store's writer inside
// the batch's transaction: a kind 1111 item naming a community whose definition the relay
// holds is checked against that community's view as of everything committed before it in
// commit order (a ban in the same batch counts for the posts after it).
//
// The view is a pure function of stored events (the definition, its origin's when forked,
// and the moderation log), so it needs no table of its own and nothing can be lost on a
// crash: it is computed from the store when first needed and cached per community address
// (a miss is cached too). The cache is dropped whenever a definition or a moderation entry
// is written, when a NIP-09 deletion removes anything, and when a batch rolls back.
//
// The view is computed without the community's posts (they would make each rebuild
// proportional to the community's size), so admit's lock rule sees only a comment's direct
// parent: a reply under a comment of a locked post is not refused at ingest, but every
// view (compute_view with the posts, as clients run it) still hides it.
#pragma once

#include <map>
#include <optional>
#include <string>

#include "community/definition.h"
#include "community/view.h"
#include "event/event.h"
#include "store/sqlite_handle.h"
#include "util/result.h"

namespace datt::relay::sqlite {

class CommunityRules {
  public:
    [[nodiscard]] static Result<CommunityRules> prepare(Connection& db);

    // nullopt when `event` is admitted; otherwise the refusal (admit.h's code and message).
    // An error is a database failure.
    [[nodiscard]] Result<std::optional<Error>> check(const event::Event& event);

    // After `event` is committed to the batch: drops the cache if it changes a view.
    void written(const event::Event& event, bool removed_something);
    void clear() { cache_.clear(); }

  private:
    struct Community {
        community::Definition definition;
        community::CommunityView view;
    };

    explicit CommunityRules(sqlite3* db) : db_(db) {}
    Result<const std::optional<Community>*> community(const event::Address& address);
    Result<std::optional<community::Definition>> definition(const event::Address& address);
    Status load_log(const event::Address& address, std::vector<event::Event>& log);

    // Communities held in memory at most; past that the cache starts over.
    static constexpr size_t kMaxCached = 4096;

    sqlite3* db_;
    Statement find_definition_;  // pubkey, d_key -> json
    Statement find_log_;         // `a` value -> json of moderation entries naming it
    std::map<std::string, std::optional<Community>> cache_;
};

}  // namespace datt::relay::sqlite
