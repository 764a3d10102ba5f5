#include "chain/tombstone.h"

#include "event/deletion.h"

namespace datt::chain {

Result<Tombstone> tombstone_of(const event::Event& target, const event::Event& deletion) {
    Result<std::optional<ChainLink>> target_link = ChainLink::of(target);
    Result<std::optional<ChainLink>> deletion_link = ChainLink::of(deletion);
    if (!target_link || !deletion_link || !*target_link || !*deletion_link) {
        return make_error("tombstone_not_chained", "both events must carry a valid chain tag");
    }
    const std::optional<event::DeletionRequest> request = event::deletion_request_of(deletion);
    if (!request || !event::deletes(*request, target)) {
        return make_error("tombstone_not_covered", "the request does not delete the target");
    }
    const ChainLink& t = **target_link;
    const ChainLink& d = **deletion_link;
    if (d.chain() == t.chain() && d.seq() <= t.seq()) {
        return make_error("tombstone_not_later",
                          "a deletion comes after what it deletes in the same chain");
    }
    return Tombstone{t.author(),     t.chain(), ChainEntry{t.seq(), t.id(), t.prev()},
                     t.created_at(), t.kind(),  d.id()};
}

}  // namespace datt::chain
