#include "store/chain_tables.h"

#include <algorithm>

namespace datt::relay::sqlite {
namespace {

Hash256 hash_of(ByteSpan bytes) {
    Hash256 out{};
    std::copy_n(bytes.begin(), std::min(bytes.size(), out.size()), out.begin());
    return out;
}

}  // namespace

Result<ChainTables> ChainTables::prepare(Connection& db) {
    ChainTables t(db.get());
    const std::pair<Statement*, const char*> sql[] = {
        {&t.head_, "SELECT head_seq FROM chain_heads WHERE author = ? AND chain = ?"},
        {&t.entries_from_,
         "SELECT seq, id, prev FROM chain_entries WHERE author = ? AND chain = ? AND seq >= ? "
         "ORDER BY seq"},
        {&t.entry_at_, "SELECT id FROM chain_entries WHERE author = ? AND chain = ? AND seq = ?"},
        {&t.insert_entry_,
         "INSERT INTO chain_entries(author, chain, seq, id, prev) VALUES (?,?,?,?,?)"},
        {&t.set_head_,
         "INSERT INTO chain_heads(author, chain, head_seq) VALUES (?,?,?) "
         "ON CONFLICT(author, chain) DO UPDATE SET head_seq = excluded.head_seq"},
        {&t.insert_fork_,
         "INSERT OR IGNORE INTO fork_proofs(author, chain, seq, proof_id) VALUES (?,?,?,?)"},
    };
    for (const auto& [stmt, text] : sql) {
        auto prepared = db.prepare(text);
        if (!prepared) return prepared.error();
        *stmt = std::move(prepared).value();
    }
    return t;
}

Status ChainTables::run(Statement& stmt, std::string_view what) {
    const int rc = stmt.step();
    stmt.reset();
    if (rc != SQLITE_DONE) return error(db_, std::string(what) + " failed");
    return Ok{};
}

Result<chain::ChainState> ChainTables::load(const ByteArray<32>& author,
                                            const chain::ChainId& chain) {
    chain::ChainState state = chain::empty_chain(author, chain);
    head_.bind_blob_static(1, author);
    head_.bind_blob_static(2, chain.bytes);
    int rc = head_.step();
    std::optional<int64_t> head_seq;
    if (rc == SQLITE_ROW) head_seq = head_.column_int(0);
    head_.reset();
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) return error(db_, "chain head lookup failed");

    // The head's own row, then the pending ones above it (the state keeps nothing below).
    entries_from_.bind_blob_static(1, author);
    entries_from_.bind_blob_static(2, chain.bytes);
    entries_from_.bind_int(3, head_seq.value_or(0));
    while ((rc = entries_from_.step()) == SQLITE_ROW) {
        chain::ChainEntry entry;
        entry.seq = static_cast<uint64_t>(entries_from_.column_int(0));
        entry.id = hash_of(entries_from_.column_blob(1));
        if (sqlite3_column_type(entries_from_.get(), 2) != SQLITE_NULL) {
            entry.prev = hash_of(entries_from_.column_blob(2));
        }
        if (head_seq && entry.seq == static_cast<uint64_t>(*head_seq)) {
            state.head = entry;
        } else {
            state.pending.push_back(entry);
        }
    }
    entries_from_.reset();
    if (rc != SQLITE_DONE) return error(db_, "chain entries lookup failed");
    return state;
}

Result<std::optional<Hash256>> ChainTables::id_at(const ByteArray<32>& author,
                                                  const chain::ChainId& chain, uint64_t seq) {
    entry_at_.bind_blob_static(1, author);
    entry_at_.bind_blob_static(2, chain.bytes);
    entry_at_.bind_int(3, static_cast<int64_t>(seq));
    const int rc = entry_at_.step();
    std::optional<Hash256> id;
    if (rc == SQLITE_ROW) id = hash_of(entry_at_.column_blob(0));
    entry_at_.reset();
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) return error(db_, "chain entry lookup failed");
    return id;
}

Status ChainTables::record(const chain::ChainLink& link, const chain::ChainState& state) {
    insert_entry_.bind_blob_static(1, link.author());
    insert_entry_.bind_blob_static(2, link.chain().bytes);
    insert_entry_.bind_int(3, static_cast<int64_t>(link.seq()));
    insert_entry_.bind_blob_static(4, link.id());
    if (link.prev()) {
        insert_entry_.bind_blob_static(5, *link.prev());
    } else {
        insert_entry_.bind_null(5);
    }
    if (auto done = run(insert_entry_, "chain entry insert"); !done) return done;
    if (!state.head) return Ok{};
    set_head_.bind_blob_static(1, link.author());
    set_head_.bind_blob_static(2, link.chain().bytes);
    set_head_.bind_int(3, static_cast<int64_t>(state.head->seq));
    return run(set_head_, "chain head update");
}

Result<bool> ChainTables::record_fork(const ByteArray<32>& author, const chain::ChainId& chain,
                                      uint64_t seq, const Hash256& proof_id) {
    insert_fork_.bind_blob_static(1, author);
    insert_fork_.bind_blob_static(2, chain.bytes);
    insert_fork_.bind_int(3, static_cast<int64_t>(seq));
    insert_fork_.bind_blob_static(4, proof_id);
    if (auto done = run(insert_fork_, "fork proof insert"); !done) return done.error();
    return sqlite3_changes(db_) > 0;
}

}  // namespace datt::relay::sqlite
