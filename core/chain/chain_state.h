// What a reader knows of one chain (one author, one chain id), and the rule that folds a new
// link into it. Pure and value-typed: state in, (new state, outcome) out; the shell stores
// the state (relay: SQLite; browser: IndexedDB) and looks up what the state does not keep.
//
// The state keeps the head of the contiguous prefix (positions 0..head.seq all held) and the
// pending entries beyond a gap (their predecessor is missing), at most
// ChainLimits::max_pending of them. Ids below the head are not kept: the shell passes the id
// it holds at the link's position when the position is below the head.
//
// Outcomes of apply_link:
//   kExtended   the link continues the head (and any pending entries it connects follow)
//   kDuplicate  the same event is already held at that position
//   kPending    its predecessor is missing: kept as pending, never taken as the head; the
//               gap is reported by gaps()
//   kFork       the author signed two events that cannot both be in one chain: another
//               event at the same position, or a neighbour whose prev disagrees; `fork` says
//               which (make a ForkProof from the two events, fork_proof.h). The state is
//               unchanged: the first event seen keeps its place.
// Error codes:
//   chain_mismatch     the link's author or chain id is not the state's
//   occupant_required  the link is below the head and the shell passed no stored id
//   pending_full       the link would be pending and max_pending entries are already held
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "chain/chain_tag.h"
#include "util/bytes.h"
#include "util/result.h"

namespace datt::chain {

struct ChainEntry {
    uint64_t seq = 0;
    Hash256 id{};
    std::optional<Hash256> prev;  // absent at seq 0

    friend bool operator==(const ChainEntry&, const ChainEntry&) = default;
};

struct ChainState {
    ByteArray<32> author{};
    ChainId chain{};
    std::optional<ChainEntry> head;   // last of the contiguous prefix from seq 0
    std::vector<ChainEntry> pending;  // ascending seq, each > next_seq(), seqs distinct

    uint64_t next_seq() const { return head ? head->seq + 1 : 0; }
    friend bool operator==(const ChainState&, const ChainState&) = default;
};

struct ChainLimits {
    size_t max_pending = 1024;  // pending entries kept per chain (bounded memory)
};

enum class Outcome {
    kExtended,
    kDuplicate,
    kPending,
    kFork,
};

enum class ForkShape {
    kSamePosition,  // two events at one seq
    kBrokenLink,    // the event at seq+1 names another prev than the event at seq
};

// The other event of a fork: its id and seq (the shell fetches it to build the proof).
struct ForkEvidence {
    ForkShape shape = ForkShape::kSamePosition;
    uint64_t other_seq = 0;
    Hash256 other_id{};

    friend bool operator==(const ForkEvidence&, const ForkEvidence&) = default;
};

struct ChainStep {
    ChainState state;
    Outcome outcome = Outcome::kDuplicate;
    std::optional<ForkEvidence> fork;  // set exactly when outcome is kFork
    std::vector<ChainEntry> linked;    // entries that joined the prefix, ascending (kExtended)
};

// A missing stretch of positions: first..last inclusive.
struct SeqRange {
    uint64_t first = 0;
    uint64_t last = 0;
    friend bool operator==(const SeqRange&, const SeqRange&) = default;
};

ChainState empty_chain(const ByteArray<32>& author, const ChainId& chain);

// Folds `link` into `state`. `stored_at_seq` is the id the shell holds at link.seq(); it is
// needed (and only read) when link.seq() < state.head->seq.
[[nodiscard]] Result<ChainStep> apply_link(ChainState state, const ChainLink& link,
                                           const std::optional<Hash256>& stored_at_seq,
                                           const ChainLimits& limits = {});

// The positions missing below the highest pending entry, ascending ("N events missing").
std::vector<SeqRange> gaps(const ChainState& state);
uint64_t missing_count(const ChainState& state);

}  // namespace datt::chain
