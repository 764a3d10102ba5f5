#include "chain/chain_state.h"

#include <algorithm>

namespace datt::chain {
namespace {

ChainEntry entry_of(const ChainLink& link) {
    return {link.seq(), link.id(), link.prev()};
}

ChainStep unchanged(ChainState state, Outcome outcome) {
    return ChainStep{std::move(state), outcome, std::nullopt, {}};
}

ChainStep forked(ChainState state, ForkShape shape, uint64_t other_seq, const Hash256& other_id) {
    return ChainStep{
        std::move(state), Outcome::kFork, ForkEvidence{shape, other_seq, other_id}, {}};
}

// First pending entry with seq >= `seq`.
std::vector<ChainEntry>::iterator lower(std::vector<ChainEntry>& pending, uint64_t seq) {
    return std::lower_bound(pending.begin(), pending.end(), seq,
                            [](const ChainEntry& e, uint64_t s) { return e.seq < s; });
}

}  // namespace

ChainState empty_chain(const ByteArray<32>& author, const ChainId& chain) {
    ChainState state;
    state.author = author;
    state.chain = chain;
    return state;
}

Result<ChainStep> apply_link(ChainState state, const ChainLink& link,
                             const std::optional<Hash256>& stored_at_seq,
                             const ChainLimits& limits) {
    if (link.author() != state.author || link.chain() != state.chain) {
        return make_error("chain_mismatch", "the link belongs to another author or chain");
    }
    const uint64_t seq = link.seq();
    const uint64_t next = state.next_seq();

    // At or below the head: the position is taken.
    if (seq < next) {
        std::optional<Hash256> held;
        if (seq == state.head->seq) {
            held = state.head->id;
        } else {
            held = stored_at_seq;
        }
        if (!held) {
            return make_error("occupant_required", "seq " + std::to_string(seq) +
                                                       " is below the head: pass the stored id");
        }
        if (*held == link.id()) return unchanged(std::move(state), Outcome::kDuplicate);
        return forked(std::move(state), ForkShape::kSamePosition, seq, *held);
    }

    // Beyond the head: compare with the pending neighbours and the head.
    auto at = lower(state.pending, seq);
    if (at != state.pending.end() && at->seq == seq) {
        if (at->id == link.id()) return unchanged(std::move(state), Outcome::kDuplicate);
        return forked(std::move(state), ForkShape::kSamePosition, seq, at->id);
    }
    // The predecessor, when held: the head or a pending entry.
    if (seq > 0) {
        std::optional<Hash256> before;
        if (seq == next) {
            before = state.head->id;  // seq > 0 and seq == next imply a head
        } else if (at != state.pending.begin() && std::prev(at)->seq == seq - 1) {
            before = std::prev(at)->id;
        }
        if (before && *before != *link.prev()) {
            return forked(std::move(state), ForkShape::kBrokenLink, seq - 1, *before);
        }
    }
    // The successor, when held, must name this event.
    if (at != state.pending.end() && at->seq == seq + 1 && *at->prev != link.id()) {
        return forked(std::move(state), ForkShape::kBrokenLink, at->seq, at->id);
    }

    if (seq != next) {
        if (state.pending.size() >= limits.max_pending) {
            return make_error("pending_full", "the chain already holds " +
                                                  std::to_string(limits.max_pending) +
                                                  " events past a gap");
        }
        state.pending.insert(at, entry_of(link));
        return unchanged(std::move(state), Outcome::kPending);
    }

    // Extends the head; pending entries that now connect follow (their links were checked
    // when they arrived or just above).
    ChainStep step{std::move(state), Outcome::kExtended, std::nullopt, {}};
    step.state.head = entry_of(link);
    step.linked.push_back(*step.state.head);
    size_t taken = 0;
    while (taken < step.state.pending.size() &&
           step.state.pending[taken].seq == step.state.head->seq + 1 &&
           *step.state.pending[taken].prev == step.state.head->id) {
        step.state.head = step.state.pending[taken];
        step.linked.push_back(step.state.pending[taken]);
        ++taken;
    }
    step.state.pending.erase(step.state.pending.begin(),
                             step.state.pending.begin() + static_cast<std::ptrdiff_t>(taken));
    return step;
}

std::vector<SeqRange> gaps(const ChainState& state) {
    std::vector<SeqRange> out;
    uint64_t expected = state.next_seq();
    for (const ChainEntry& entry : state.pending) {
        if (entry.seq > expected) out.push_back({expected, entry.seq - 1});
        expected = entry.seq + 1;
    }
    return out;
}

uint64_t missing_count(const ChainState& state) {
    uint64_t total = 0;
    for (const SeqRange& range : gaps(state)) total += range.last - range.first + 1;
    return total;
}

}  // namespace datt::chain
