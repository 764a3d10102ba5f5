// Content-chain state in SQLite (schema version 3, sqlite_schema.h): what core/chain's
// ChainState holds for each (author, chain id), read and written by the store's writer
// inside the batch's transaction, so an event and the chain state it changes commit
// together (and a crash keeps both or neither).
//
//   chain_entries(author, chain, seq, id, prev)  every chained event the relay took, linked
//       or pending, at its position; a row stays when NIP-09 deletes the event (its id and
//       place are the tombstone, chain/tombstone.h)
//   chain_heads(author, chain, head_seq)          the head of the contiguous prefix; no row
//       while seq 0 is missing
//   fork_proofs(author, chain, seq, proof_id)     the kind 4560 event published for a fork at
//       that position (one per position, however many conflicting events arrive)
//
// ChainState is rebuilt per event from the head row and the rows above it (the pending
// entries, at most ChainLimits::max_pending), so the writer holds no chain state in memory.
#pragma once

#include <optional>

#include "chain/chain_state.h"
#include "chain/chain_tag.h"
#include "store/sqlite_handle.h"
#include "util/result.h"

namespace datt::relay::sqlite {

class ChainTables {
  public:
    [[nodiscard]] static Result<ChainTables> prepare(Connection& db);

    [[nodiscard]] Result<chain::ChainState> load(const ByteArray<32>& author,
                                                 const chain::ChainId& chain);
    // The id held at `seq`, if any.
    [[nodiscard]] Result<std::optional<Hash256>> id_at(const ByteArray<32>& author,
                                                       const chain::ChainId& chain, uint64_t seq);
    // Records `link` (extended or pending) and the head of `state` after it.
    [[nodiscard]] Status record(const chain::ChainLink& link, const chain::ChainState& state);
    // True when no proof was recorded for this position yet (and records `proof_id`).
    [[nodiscard]] Result<bool> record_fork(const ByteArray<32>& author, const chain::ChainId& chain,
                                           uint64_t seq, const Hash256& proof_id);

  private:
    explicit ChainTables(sqlite3* db) : db_(db) {}
    Status run(Statement& stmt, std::string_view what);

    sqlite3* db_;
    Statement head_;         // author, chain -> head_seq
    Statement entries_from_;  // author, chain, seq -> (seq, id, prev) with seq >= ?, ascending
    Statement entry_at_;     // author, chain, seq -> id
    Statement insert_entry_;  // author, chain, seq, id, prev
    Statement set_head_;     // author, chain, head_seq
    Statement insert_fork_;  // author, chain, seq, proof_id
};

}  // namespace datt::relay::sqlite
