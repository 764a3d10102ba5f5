#include "store/sqlite_store.h"

#include <sys/random.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <ctime>
#include <filesystem>
#include <limits>
#include <map>
#include <mutex>
#include <optional>
#include <unordered_map>

#include "chain/chain_state.h"
#include "chain/chain_tag.h"
#include "chain/fork_proof.h"
#include "crypto/secp256k1.h"
#include "crypto/wipe.h"
#include "event/address.h"
#include "event/deletion.h"
#include "event/event_reader.h"
#include "event/kind.h"
#include "event/time_id.h"
#include "store/chain_tables.h"
#include "store/community_rules.h"
#include "store/sql_filter.h"
#include "store/sqlite_handle.h"
#include "store/sqlite_schema.h"
#include "store/stored_content.h"
#include "util/hex.h"

namespace datt::relay {
namespace {

using event::Event;
using event::StorageClass;
using sqlite::Connection;
using sqlite::Statement;

// The NIP-01 and NIP-09 rules are core's (event/time_id.h, event/address.h,
// event/deletion.h); this writer applies them to rows. Where a rule needs a stored row,
// the row's columns are read and the core function decides; store_test's
// RulesAgreeWithCore replays random histories through the store and through the core
// rules alone and compares what survives.

event::TimeId time_id_of(int64_t created_at, ByteSpan id_bytes) {
    event::TimeId time_id{created_at, {}};
    std::copy_n(id_bytes.begin(), std::min(id_bytes.size(), time_id.id.size()), time_id.id.begin());
    return time_id;
}

// ---------------------------------------------------------------------------------------
// Readers

// datt_search(query, json): proto::search_matches of the stored event's content as an SQL
// function, so that a count narrows FTS5's token matches to exactly what proto::matches
// accepts (a query does the same check in search_check).
void datt_search(sqlite3_context* context, int, sqlite3_value** args) {
    const auto* query = sqlite3_value_text(args[0]);
    const auto* json = sqlite3_value_text(args[1]);
    if (!query || !json) {
        sqlite3_result_int(context, 0);
        return;
    }
    const std::string_view query_text(reinterpret_cast<const char*>(query),
                                      static_cast<size_t>(sqlite3_value_bytes(args[0])));
    const std::optional<std::string> content = sqlite::stored_content(std::string_view(
        reinterpret_cast<const char*>(json), static_cast<size_t>(sqlite3_value_bytes(args[1]))));
    sqlite3_result_int(context, content && proto::search_matches(query_text, *content) ? 1 : 0);
}

// Resets the statements a query took from the pool when it is done with them, which
// also ends their read transaction (so the WAL can be checkpointed past it).
class ResetOnExit {
  public:
    explicit ResetOnExit(std::span<Statement> stmts) : stmts_(stmts) {}
    ~ResetOnExit() {
        for (Statement& stmt : stmts_) stmt.reset();
    }
    ResetOnExit(const ResetOnExit&) = delete;
    ResetOnExit& operator=(const ResetOnExit&) = delete;

  private:
    std::span<Statement> stmts_;
};

void bind_all(Statement& stmt, const std::vector<sqlite::SqlValue>& params) {
    for (size_t i = 0; i < params.size(); ++i) {
        const sqlite::SqlValue& value = params[i];
        const int index = static_cast<int>(i + 1);
        switch (value.type) {
            case sqlite::SqlValue::Type::kInt:
                stmt.bind_int(index, value.integer);
                break;
            case sqlite::SqlValue::Type::kBlob:
                stmt.bind_blob_static(index, as_bytes(value.bytes));
                break;
            case sqlite::SqlValue::Type::kText:
                stmt.bind_text_static(index, value.bytes);
                break;
        }
    }
}

class SqliteReader final : public StoreReader {
  public:
    explicit SqliteReader(Connection db) : db_(std::move(db)) {}

    Result<uint64_t> begin_read() override {
        if (!snapshot_begin_.get()) {
            for (auto [stmt, sql] : {std::pair{&snapshot_begin_, "BEGIN"},
                                     std::pair{&snapshot_end_, "COMMIT"},
                                     std::pair{&snapshot_version_, sqlite::kVersionSql}}) {
                auto prepared = db_.prepare(sql);
                if (!prepared) return prepared.error();
                *stmt = std::move(prepared).value();
            }
        }
        if (auto begun = run(snapshot_begin_, "BEGIN"); !begun) return begun.error();
        // The first read starts the snapshot: the version row is read in it.
        const int rc = snapshot_version_.step();
        const auto version = static_cast<uint64_t>(snapshot_version_.column_int(0));
        snapshot_version_.reset();
        if (rc != SQLITE_ROW) {
            Error failed = sqlite::error(db_.get(), "version read failed");
            end_read();
            return failed;
        }
        return version;
    }

    void end_read() override { (void)run(snapshot_end_, "COMMIT"); }

    Result<std::vector<std::string>> query(const proto::Filter& filter,
                                           size_t max_results) override {
        const uint64_t limit = std::min<uint64_t>(filter.limit.value_or(max_results), max_results);
        const std::optional<sqlite::SelectPlan> plan = sqlite::select_matching(filter, limit);
        std::vector<std::string> events;
        if (!plan) return events;
        if (plan->by_seq) return search_newest(*plan, limit);
        auto merged = merge(*plan, [&](Statement& row, const event::TimeId&) -> Status {
            if (!plan->search) {
                events.emplace_back(row.column_text(2));
                return Ok{};
            }
            auto json = search_check(*plan->search, row.column_int(2), true);
            if (!json) return json.error();
            if (*json) events.push_back(std::move(**json));
            return Ok{};
        }, [&] { return events.size() >= limit; });
        if (!merged) return merged.error();
        return events;
    }

    Result<std::vector<event::TimeId>> scan_range(const proto::Filter& filter,
                                                  const event::TimeId& from,
                                                  const event::TimeId& to,
                                                  size_t max_items) override {
        const std::optional<sqlite::SelectPlan> plan =
            sqlite::select_range(filter, from, to, max_items);
        std::vector<event::TimeId> items;
        if (!plan) return items;
        auto merged = merge(*plan, [&](Statement& row, const event::TimeId& time_id) -> Status {
            if (plan->search) {
                auto content = search_check(*plan->search, row.column_int(2), false);
                if (!content) return content.error();
                if (!*content) return Ok{};
            }
            items.push_back(time_id);
            return Ok{};
        }, [&] { return items.size() >= max_items; });
        if (!merged) return merged.error();
        return items;
    }

    Result<std::vector<event::TimeId>> scan_all(const proto::Filter& filter,
                                                size_t max_items) override {
        const auto too_many = [&] {
            return make_error("too_many_items", "more than " + std::to_string(max_items) +
                                                    " stored events match the filter");
        };
        const uint64_t limit = static_cast<uint64_t>(max_items) + 1;
        const std::optional<sqlite::SelectPlan> plan = sqlite::select_keys(filter, limit);
        if (!plan) {
            if (!filter.search) return std::vector<event::TimeId>{};  // nothing can match
            // A search reads its FTS5 matches and checks each: the range scan does that.
            // Stored created_at values are within 0..2^32-1 (event::Limits), below `end`.
            const event::TimeId end{std::numeric_limits<int64_t>::max(), {}};
            auto items = scan_range(filter, {std::numeric_limits<int64_t>::min(), {}}, end, limit);
            if (items && items->size() > max_items) return too_many();
            return items;
        }
        std::vector<event::TimeId> items;
        auto merged = merge(*plan, [&](Statement&, const event::TimeId& time_id) -> Status {
            items.push_back(time_id);
            return Ok{};
        }, [&] { return items.size() > max_items; });
        if (!merged) return merged.error();
        if (items.size() > max_items) return too_many();
        // Feed order is created_at descending, then id ascending: reversed, each second's
        // ids come out descending, so each run of one second is reversed back.
        std::reverse(items.begin(), items.end());
        for (auto run = items.begin(); run != items.end();) {
            const auto end = std::find_if(run, items.end(), [&](const event::TimeId& t) {
                return t.created_at != run->created_at;
            });
            std::reverse(run, end);
            run = end;
        }
        return items;
    }

    Result<std::vector<StoredChannel>> hub_channels() override {
        auto stmt = db_.prepare("SELECT channel_id, seed, state FROM hub_channels ORDER BY channel_id", false);
        if (!stmt) return stmt.error();
        std::vector<StoredChannel> out;
        int rc;
        while ((rc = stmt->step()) == SQLITE_ROW) {
            const auto blob = [&](int col) {
                const ByteSpan b = stmt->column_blob(col);
                return Bytes(b.begin(), b.end());
            };
            out.push_back({blob(0), blob(1), blob(2)});
        }
        if (rc != SQLITE_DONE) return sqlite::error(db_.get(), "hub channels read failed");
        return out;
    }

    Result<std::vector<StoredOnchain>> hub_onchain() override {
        auto stmt = db_.prepare("SELECT channel_id, record FROM hub_onchain ORDER BY channel_id", false);
        if (!stmt) return stmt.error();
        std::vector<StoredOnchain> out;
        int rc;
        while ((rc = stmt->step()) == SQLITE_ROW) {
            const ByteSpan id = stmt->column_blob(0);
            const ByteSpan record = stmt->column_blob(1);
            out.push_back({Bytes(id.begin(), id.end()), Bytes(record.begin(), record.end())});
        }
        if (rc != SQLITE_DONE) return sqlite::error(db_.get(), "hub onchain read failed");
        return out;
    }

    Result<std::vector<StoredRevoked>> hub_revoked() override {
        auto stmt = db_.prepare("SELECT channel_id, revoked FROM hub_revoked ORDER BY channel_id, number", false);
        if (!stmt) return stmt.error();
        std::vector<StoredRevoked> out;
        int rc;
        while ((rc = stmt->step()) == SQLITE_ROW) {
            const ByteSpan id = stmt->column_blob(0);
            const ByteSpan revoked = stmt->column_blob(1);
            out.push_back({Bytes(id.begin(), id.end()), Bytes(revoked.begin(), revoked.end())});
        }
        if (rc != SQLITE_DONE) return sqlite::error(db_.get(), "hub revoked read failed");
        return out;
    }

    Result<std::vector<StoredReceiptRequest>> hub_receipt_requests() override {
        auto stmt = db_.prepare(
            "SELECT in_channel, in_htlc, onion FROM hub_receipt_requests ORDER BY in_channel, in_htlc", false);
        if (!stmt) return stmt.error();
        std::vector<StoredReceiptRequest> out;
        int rc;
        while ((rc = stmt->step()) == SQLITE_ROW) {
            const ByteSpan channel = stmt->column_blob(0);
            const ByteSpan onion = stmt->column_blob(2);
            out.push_back({Bytes(channel.begin(), channel.end()), static_cast<uint64_t>(stmt->column_int(1)),
                           Bytes(onion.begin(), onion.end())});
        }
        if (rc != SQLITE_DONE) return sqlite::error(db_.get(), "hub receipt requests read failed");
        return out;
    }

    Result<std::vector<StoredForceClose>> hub_force_closes() override {
        auto stmt = db_.prepare(
            "SELECT channel_id, reason, height, commitment FROM hub_force_closes ORDER BY channel_id", false);
        if (!stmt) return stmt.error();
        std::vector<StoredForceClose> out;
        int rc;
        while ((rc = stmt->step()) == SQLITE_ROW) {
            const ByteSpan id = stmt->column_blob(0);
            const ByteSpan tx = stmt->column_blob(3);
            out.push_back({Bytes(id.begin(), id.end()), stmt->column_int(1), stmt->column_int(2),
                           Bytes(tx.begin(), tx.end())});
        }
        if (rc != SQLITE_DONE) return sqlite::error(db_.get(), "hub force closes read failed");
        return out;
    }

    Result<StoredWallet> hub_wallet() override {
        StoredWallet out;
        auto seed = db_.prepare(
            "SELECT seed, birth_height, (SELECT next FROM hub_wallet_receive WHERE id = 0) FROM hub_wallet WHERE id = 0",
            false);
        if (!seed) return seed.error();
        int rc = seed->step();
        if (rc == SQLITE_ROW) {
            const ByteSpan bytes = seed->column_blob(0);
            out.seed = Bytes(bytes.begin(), bytes.end());
            out.birth_height = seed->column_int(1);
            out.next_receive = seed->column_int(2);  // NULL (none given out yet) reads 0
        } else if (rc != SQLITE_DONE) {
            return sqlite::error(db_.get(), "hub wallet read failed");
        }
        auto stmt = db_.prepare(
            "SELECT txid, vout, value, chain, idx, height, spent_by FROM hub_wallet_coins ORDER BY txid, vout", false);
        if (!stmt) return stmt.error();
        while ((rc = stmt->step()) == SQLITE_ROW) {
            const ByteSpan txid = stmt->column_blob(0);
            StoredWalletCoin coin{Bytes(txid.begin(), txid.end()), stmt->column_int(1), stmt->column_int(2),
                                  stmt->column_int(3), stmt->column_int(4), stmt->column_int(5), std::nullopt};
            if (sqlite3_column_type(stmt->get(), 6) != SQLITE_NULL) {
                const ByteSpan spent = stmt->column_blob(6);
                coin.spent_by = Bytes(spent.begin(), spent.end());
            }
            out.coins.push_back(std::move(coin));
        }
        if (rc != SQLITE_DONE) return sqlite::error(db_.get(), "hub wallet coins read failed");
        auto txs = db_.prepare("SELECT tx FROM hub_wallet_txs ORDER BY txid", false);
        if (!txs) return txs.error();
        while ((rc = txs->step()) == SQLITE_ROW) {
            const ByteSpan tx = txs->column_blob(0);
            out.txs.emplace_back(tx.begin(), tx.end());
        }
        if (rc != SQLITE_DONE) return sqlite::error(db_.get(), "hub wallet txs read failed");
        return out;
    }

    Result<std::vector<StoredFundingTx>> hub_funding_txs() override {
        auto stmt = db_.prepare("SELECT channel_id, tx FROM hub_funding_txs ORDER BY channel_id", false);
        if (!stmt) return stmt.error();
        std::vector<StoredFundingTx> out;
        int rc;
        while ((rc = stmt->step()) == SQLITE_ROW) {
            const ByteSpan id = stmt->column_blob(0);
            const ByteSpan tx = stmt->column_blob(1);
            out.push_back({Bytes(id.begin(), id.end()), Bytes(tx.begin(), tx.end())});
        }
        if (rc != SQLITE_DONE) return sqlite::error(db_.get(), "hub funding txs read failed");
        return out;
    }

    Result<std::vector<StoredForward>> hub_forwards() override {
        auto stmt = db_.prepare(
            "SELECT in_channel, in_htlc, payment_hash, in_cltv, out_channel, out_amount, out_cltv,"
            " deadline, out_htlc, preimage, failed FROM hub_forwards ORDER BY in_channel, in_htlc",
            false);
        if (!stmt) return stmt.error();
        std::vector<StoredForward> out;
        int rc;
        while ((rc = stmt->step()) == SQLITE_ROW) {
            const auto blob = [&](int col) {
                const ByteSpan b = stmt->column_blob(col);
                return Bytes(b.begin(), b.end());
            };
            StoredForward f;
            f.in_channel = blob(0);
            f.in_htlc = static_cast<uint64_t>(stmt->column_int(1));
            f.payment_hash = blob(2);
            f.in_cltv = stmt->column_int(3);
            f.out_channel = blob(4);
            f.out_amount_msat = stmt->column_int(5);
            f.out_cltv = stmt->column_int(6);
            f.deadline = stmt->column_int(7);
            if (sqlite3_column_type(stmt->get(), 8) != SQLITE_NULL) f.out_htlc = stmt->column_int(8);
            if (sqlite3_column_type(stmt->get(), 9) != SQLITE_NULL) f.preimage = blob(9);
            f.failed = stmt->column_int(10);
            out.push_back(std::move(f));
        }
        if (rc != SQLITE_DONE) return sqlite::error(db_.get(), "hub forwards read failed");
        return out;
    }

    Result<uint64_t> count(const std::vector<proto::Filter>& filters) override {
        const std::optional<sqlite::SqlQuery> sql = sqlite::count_matching(filters);
        if (!sql) return uint64_t{0};
        auto pooled = statements(sql->sql, 1);
        if (!pooled) return pooled.error();
        Statement& stmt = pooled->front();
        ResetOnExit reset(*pooled);
        bind_all(stmt, sql->params);
        if (stmt.step() != SQLITE_ROW) return sqlite::error(db_.get(), "count failed");
        return static_cast<uint64_t>(stmt.column_int(0));
    }

  private:
    Status run(Statement& stmt, std::string_view what) {
        const int rc = stmt.step();
        stmt.reset();
        if (rc != SQLITE_DONE) return sqlite::error(db_.get(), std::string(what) + " failed");
        return Ok{};
    }

    // Runs the plan's streams and merges their rows in the plan's order (each stream is
    // already in that order): `take(row, time_id)` is called once per distinct event until
    // `full()` says to stop.
    template <class Take, class Full>
    Status merge(const sqlite::SelectPlan& plan, Take take, Full full) {
        auto pooled = statements(plan.sql, plan.streams.size());
        if (!pooled) return pooled.error();
        const std::span<Statement> streams = *pooled;
        ResetOnExit reset(streams);

        // The current row of each stream; the heap's top comes first in the plan's order.
        struct Head {
            event::TimeId time_id;
            size_t stream;
        };
        const bool ascending = plan.order == sqlite::SelectPlan::Order::kAscending;
        const auto after = [ascending](const Head& a, const Head& b) {
            return ascending ? b.time_id < a.time_id : event::supersedes(b.time_id, a.time_id);
        };
        std::vector<Head> heap;
        heap.reserve(streams.size());
        // Steps stream `i` and, if it has a row, puts its head on the heap.
        const auto advance = [&](size_t i) -> Status {
            const int rc = streams[i].step();
            if (rc == SQLITE_DONE) return Ok{};
            if (rc != SQLITE_ROW) return sqlite::error(db_.get(), "query failed");
            heap.push_back(Head{time_id_of(streams[i].column_int(0), streams[i].column_blob(1)), i});
            std::push_heap(heap.begin(), heap.end(), after);
            return Ok{};
        };
        for (size_t i = 0; i < streams.size(); ++i) {
            bind_all(streams[i], plan.streams[i]);
            if (auto started = advance(i); !started) return started;
        }

        std::optional<Hash256> last_id;
        while (!full() && !heap.empty()) {
            std::pop_heap(heap.begin(), heap.end(), after);
            const Head head = heap.back();
            heap.pop_back();
            // Repeats of one event come out next to each other: the order is total.
            if (!(plan.may_repeat && last_id == head.time_id.id)) {
                last_id = head.time_id.id;
                if (auto taken = take(streams[head.stream], head.time_id); !taken) return taken;
            }
            if (auto next = advance(head.stream); !next) return next;
        }
        return Ok{};
    }

    // A search select (SelectPlan::by_seq): candidates come newest stored first, not in
    // feed order. Keeps the `limit` first in feed order in a heap (its top the last of
    // them) and stops when time_bounds says every candidate still unread was created
    // before that last one (a tie could still win on its id: it is read).
    Result<std::vector<std::string>> search_newest(const sqlite::SelectPlan& plan, uint64_t limit) {
        auto pooled = statements(plan.sql, 1);
        if (!pooled) return pooled.error();
        Statement& stream = pooled->front();
        ResetOnExit reset(*pooled);
        bind_all(stream, plan.streams.front());
        if (!time_bound_.get()) {
            auto prepared = db_.prepare(sqlite::kTimeBoundSql);
            if (!prepared) return prepared.error();
            time_bound_ = std::move(prepared).value();
        }

        struct Found {
            event::TimeId time_id;
            std::string json;
        };
        // A max-heap in feed order: the top is the one that goes first when a newer comes.
        const auto earlier_in_feed = [](const Found& a, const Found& b) {
            return event::supersedes(a.time_id, b.time_id);
        };
        std::vector<Found> kept;
        int64_t bound_block = -1;
        std::optional<int64_t> bound;  // nullopt: no bound known
        int rc;
        while ((rc = stream.step()) == SQLITE_ROW) {
            const event::TimeId time_id = time_id_of(stream.column_int(0), stream.column_blob(1));
            const int64_t seq = stream.column_int(2);
            if (kept.size() >= limit) {
                const int64_t block = seq >> sqlite::kTimeBlockBits;
                if (block != bound_block) {
                    auto read = time_bound(block);
                    if (!read) return read.error();
                    bound = *read;
                    bound_block = block;
                }
                if (bound && *bound < kept.front().time_id.created_at) break;
                if (!event::supersedes(time_id, kept.front().time_id)) continue;
            }
            auto json = search_check(*plan.search, seq, true);
            if (!json) return json.error();
            if (!*json) continue;
            kept.push_back(Found{time_id, std::move(**json)});
            std::push_heap(kept.begin(), kept.end(), earlier_in_feed);
            if (kept.size() > limit) {
                std::pop_heap(kept.begin(), kept.end(), earlier_in_feed);
                kept.pop_back();
            }
        }
        if (rc != SQLITE_ROW && rc != SQLITE_DONE) return sqlite::error(db_.get(), "search failed");
        std::sort_heap(kept.begin(), kept.end(), earlier_in_feed);
        std::vector<std::string> events;
        events.reserve(kept.size());
        for (Found& found : kept) events.push_back(std::move(found.json));
        return events;
    }

    // kTimeBoundSql for `block`.
    Result<std::optional<int64_t>> time_bound(int64_t block) {
        ResetOnExit reset(std::span<Statement>(&time_bound_, 1));
        time_bound_.bind_int(1, block);
        const int rc = time_bound_.step();
        if (rc == SQLITE_DONE) return std::optional<int64_t>{};
        if (rc != SQLITE_ROW) return sqlite::error(db_.get(), "time bound read failed");
        return std::optional<int64_t>(time_bound_.column_int(0));
    }

    // Whether search candidate `seq` has every term of `search` in its content (FTS5 found
    // its words; this is proto::matches' rule). nullopt when not; otherwise its JSON when
    // `want_json`, else an empty string.
    Result<std::optional<std::string>> search_check(const std::string& search, int64_t seq,
                                                    bool want_json) {
        // A statement of its own, not the pool's: taking one from the pool could clear it
        // while the streams are still stepping.
        if (!search_fetch_.get()) {
            auto prepared = db_.prepare(sqlite::kSearchFetchSql);
            if (!prepared) return prepared.error();
            search_fetch_ = std::move(prepared).value();
        }
        ResetOnExit reset(std::span<Statement>(&search_fetch_, 1));
        search_fetch_.bind_int(1, seq);
        const int rc = search_fetch_.step();
        if (rc == SQLITE_DONE) return std::optional<std::string>{};
        if (rc != SQLITE_ROW) return sqlite::error(db_.get(), "search fetch failed");
        const std::string_view json = search_fetch_.column_text(0);
        const std::optional<std::string> content = sqlite::stored_content(json);
        if (!content || !proto::search_matches(search, *content)) {
            return std::optional<std::string>{};
        }
        return std::optional<std::string>(want_json ? std::string(json) : "");
    }

    // Enough for the shapes and stream counts a relay sees; when full the pool starts
    // over rather than tracking recency.
    static constexpr size_t kMaxPooledStatements = 4096;

    // `n` prepared instances of `sql` (a split filter runs one per stream at once).
    Result<std::span<Statement>> statements(const std::string& sql, size_t n) {
        auto it = pool_.find(sql);
        const size_t have = it == pool_.end() ? 0 : it->second.size();
        if (have < n && pooled_ + (n - have) > kMaxPooledStatements) {
            pool_.clear();
            pooled_ = 0;
            it = pool_.end();
        }
        if (it == pool_.end()) it = pool_.emplace(sql, std::vector<Statement>{}).first;
        std::vector<Statement>& stmts = it->second;
        while (stmts.size() < n) {
            auto stmt = db_.prepare(sql);
            if (!stmt) return stmt.error();
            stmts.push_back(std::move(stmt).value());
            ++pooled_;
        }
        return std::span<Statement>(stmts.data(), n);
    }

    Connection db_;
    std::unordered_map<std::string, std::vector<Statement>> pool_;
    size_t pooled_ = 0;
    Statement search_fetch_;    // sqlite::kSearchFetchSql
    Statement time_bound_;      // sqlite::kTimeBoundSql
    Statement snapshot_begin_;    // BEGIN
    Statement snapshot_end_;      // COMMIT
    Statement snapshot_version_;  // sqlite::kVersionSql
};

// ---------------------------------------------------------------------------------------
// The writer

// The writer's statements, prepared once.
struct WriterStatements {
    Statement begin, commit, rollback;
    Statement find_by_id;            // id -> seq, pubkey, kind
    Statement find_json;             // id -> json
    Statement find_address;          // pubkey, kind, d_key -> seq, id, created_at
    Statement insert_event;          // id, pubkey, created_at, kind, d_key, json
    Statement insert_tag;            // event, name, value, created_at, id
    Statement insert_fts;            // rowid, content
    Statement delete_event;          // seq
    Statement find_row;              // seq -> json, created_at, id
    Statement delete_tag;            // name, value, created_at, id (the tags key)
    Statement delete_fts;            // seq: FTS5's 'delete' with the stored content
    Statement find_deleted_id;       // id, pubkey
    Statement add_deleted_id;        // id, pubkey
    Statement find_deleted_address;  // pubkey, kind, d_key -> until
    Statement add_deleted_address;   // pubkey, kind, d_key, until
    Statement set_version;           // version
    Statement add_time_bound;        // block, max_created_at (sqlite_schema.h time_bounds)
    Statement raise_time_bounds;     // max_created_at, from block
    Statement put_channel;           // channel_id, seed, state (hub)
    Statement put_forward;           // the hub_forwards columns in order
    Statement delete_forward;        // in_channel, in_htlc
    Statement delete_channel;        // channel_id
    Statement put_onchain;           // channel_id, record
    Statement put_revoked;           // channel_id, number, revoked
    Statement put_receipt_request;   // in_channel, in_htlc, onion
    Statement delete_receipt_request;  // in_channel, in_htlc
    Statement put_force_close;       // channel_id, reason, height, commitment
    Statement delete_revoked;        // channel_id
    Statement put_wallet_seed;       // seed
    Statement put_wallet_coin;       // txid, vout, value, chain, idx, height, spent_by
    Statement delete_wallet_coin;    // txid, vout
    Statement put_wallet_next_receive;  // next
    Statement put_wallet_tx;         // txid, tx
    Statement delete_wallet_tx;      // txid
    Statement put_funding_tx;        // channel_id, tx
    Statement delete_funding_tx;     // channel_id

    static Result<WriterStatements> prepare(Connection& db) {
        WriterStatements s;
        const std::pair<Statement*, const char*> sql[] = {
            {&s.begin, "BEGIN IMMEDIATE"},
            {&s.commit, "COMMIT"},
            {&s.rollback, "ROLLBACK"},
            {&s.find_by_id, "SELECT seq, pubkey, kind FROM events WHERE id = ?"},
            {&s.find_json, "SELECT json FROM events WHERE id = ?"},
            {&s.find_address,
             "SELECT seq, id, created_at FROM events WHERE pubkey = ? AND kind = ? AND d_key = ?"},
            {&s.insert_event,
             "INSERT INTO events(id, pubkey, created_at, kind, d_key, json) VALUES (?,?,?,?,?,?)"},
            {&s.insert_tag,
             "INSERT OR IGNORE INTO tags(event, name, value, created_at, id) VALUES (?,?,?,?,?)"},
            {&s.insert_fts, "INSERT INTO events_fts(rowid, content) VALUES (?,?)"},
            {&s.delete_event, "DELETE FROM events WHERE seq = ?"},
            {&s.find_row, "SELECT json, created_at, id FROM events WHERE seq = ?"},
            {&s.delete_tag,
             "DELETE FROM tags WHERE name = ? AND value = ? AND created_at = ? AND id = ?"},
            // The index is contentless: FTS5 removes a row's tokens when given its text.
            {&s.delete_fts,
             "INSERT INTO events_fts(events_fts, rowid, content) SELECT 'delete', seq, content "
             "FROM (SELECT seq, datt_content(json) AS content FROM events WHERE seq = ?) "
             "WHERE content <> ''"},
            {&s.find_deleted_id, "SELECT 1 FROM deleted_ids WHERE id = ? AND pubkey = ?"},
            {&s.add_deleted_id, "INSERT OR IGNORE INTO deleted_ids(id, pubkey) VALUES (?,?)"},
            {&s.find_deleted_address,
             "SELECT until FROM deleted_addresses WHERE pubkey = ? AND kind = ? AND d_key = ?"},
            {&s.add_deleted_address,
             "INSERT INTO deleted_addresses(pubkey, kind, d_key, until) VALUES (?,?,?,?) "
             "ON CONFLICT(pubkey, kind, d_key) DO UPDATE SET until = max(until, excluded.until)"},
            {&s.set_version, "UPDATE store_version SET version = ?"},
            // A new block starts at least at the bound of the blocks below it.
            {&s.add_time_bound,
             "INSERT INTO time_bounds(block, max_created_at) SELECT ?1, max(?2, coalesce(("
             "SELECT max_created_at FROM time_bounds WHERE block < ?1 ORDER BY block DESC "
             "LIMIT 1), ?2)) WHERE true ON CONFLICT(block) DO UPDATE SET max_created_at = "
             "max(max_created_at, excluded.max_created_at)"},
            {&s.raise_time_bounds,
             "UPDATE time_bounds SET max_created_at = ?1 WHERE block >= ?2 AND max_created_at < "
             "?1"},
            {&s.put_channel,
             "INSERT INTO hub_channels(channel_id, seed, state) VALUES (?,?,?) "
             "ON CONFLICT(channel_id) DO UPDATE SET state = excluded.state"},
            {&s.put_forward,
             "INSERT OR REPLACE INTO hub_forwards(in_channel, in_htlc, payment_hash, in_cltv, "
             "out_channel, out_amount, out_cltv, deadline, out_htlc, preimage, failed) "
             "VALUES (?,?,?,?,?,?,?,?,?,?,?)"},
            {&s.delete_forward, "DELETE FROM hub_forwards WHERE in_channel = ? AND in_htlc = ?"},
            {&s.delete_channel, "DELETE FROM hub_channels WHERE channel_id = ?"},
            {&s.put_onchain, "INSERT OR REPLACE INTO hub_onchain(channel_id, record) VALUES (?,?)"},
            {&s.put_revoked, "INSERT OR REPLACE INTO hub_revoked(channel_id, number, revoked) VALUES (?,?,?)"},
            {&s.put_receipt_request,
             "INSERT OR REPLACE INTO hub_receipt_requests(in_channel, in_htlc, onion) VALUES (?,?,?)"},
            {&s.delete_receipt_request, "DELETE FROM hub_receipt_requests WHERE in_channel = ? AND in_htlc = ?"},
            {&s.put_force_close,
             "INSERT OR IGNORE INTO hub_force_closes(channel_id, reason, height, commitment) VALUES (?,?,?,?)"},
            {&s.delete_revoked, "DELETE FROM hub_revoked WHERE channel_id = ?"},
            {&s.put_wallet_seed, "INSERT OR IGNORE INTO hub_wallet(id, seed, birth_height) VALUES (0, ?, ?)"},
            {&s.put_wallet_coin,
             "INSERT OR REPLACE INTO hub_wallet_coins(txid, vout, value, chain, idx, height, spent_by) "
             "VALUES (?,?,?,?,?,?,?)"},
            {&s.delete_wallet_coin, "DELETE FROM hub_wallet_coins WHERE txid = ? AND vout = ?"},
            {&s.put_wallet_tx, "INSERT OR REPLACE INTO hub_wallet_txs(txid, tx) VALUES (?, ?)"},
            {&s.delete_wallet_tx, "DELETE FROM hub_wallet_txs WHERE txid = ?"},
            {&s.put_wallet_next_receive,
             "INSERT INTO hub_wallet_receive(id, next) VALUES (0, ?1) "
             "ON CONFLICT(id) DO UPDATE SET next = max(next, ?1)"},
            {&s.put_funding_tx, "INSERT OR REPLACE INTO hub_funding_txs(channel_id, tx) VALUES (?,?)"},
            {&s.delete_funding_tx, "DELETE FROM hub_funding_txs WHERE channel_id = ?"},
        };
        for (const auto& [stmt, text] : sql) {
            auto prepared = db.prepare(text);
            if (!prepared) return prepared.error();
            *stmt = std::move(prepared).value();
        }
        return s;
    }
};

class SqliteStore final : public Store {
  public:
    SqliteStore(std::string path, Connection db, WriterStatements statements,
                sqlite::ChainTables chains, sqlite::CommunityRules communities,
                crypto::SecretKey proof_key, uint64_t version, SqliteOptions options)
        : path_(std::move(path)),
          db_(std::move(db)),
          s_(std::move(statements)),
          chains_(std::move(chains)),
          communities_(std::move(communities)),
          proof_key_(std::move(proof_key)),
          version_(version),
          options_(options) {
        sqlite3_wal_hook(db_.get(), &SqliteStore::on_wal_commit, this);
        update_size();
    }

    Result<Commit> commit(std::span<const WriteCommand> commands) override {
        for (const WriteCommand& command : commands) {
            const auto* put = std::get_if<PutEvent>(&command);
            if (put && event::storage_class(put->event.event().kind()) == StorageClass::kEphemeral) {
                return make_error("store_ephemeral_kind",
                                  "kind " + std::to_string(put->event.event().kind()) +
                                      " is ephemeral and must not be stored");
            }
        }
        std::lock_guard lock(write_mutex_);
        if (commands.empty()) return Commit{version_, {}};
        if (auto begun = run(s_.begin, "BEGIN"); !begun) return begun.error();
        inserted_.clear();
        Commit commit{version_ + 1, {}};
        commit.outcomes.reserve(commands.size());
        for (const WriteCommand& command : commands) {
            auto outcome = std::visit(
                [&](const auto& c) -> Result<CommandOutcome> {
                    auto applied = apply(c);
                    if (!applied) return applied.error();
                    return CommandOutcome(std::move(applied).value());
                },
                command);
            if (!outcome) return rollback(outcome.error());
            commit.outcomes.push_back(std::move(outcome).value());
        }
        if (auto bounded = write_time_bounds(); !bounded) return rollback(bounded.error());
        s_.set_version.bind_int(1, static_cast<int64_t>(commit.version));
        if (auto stamped = run(s_.set_version, "version update"); !stamped) {
            return rollback(stamped.error());
        }
        if (auto committed = run(s_.commit, "COMMIT"); !committed) {
            return rollback(committed.error());
        }
        version_ = commit.version;
        (void)fold(false);  // keeps the log bounded; a failure is retried after the next commit
        update_size();
        return commit;
    }

    Result<std::unique_ptr<StoreReader>> open_reader() override {
        auto db = sqlite::open_reader(path_, options_.memory_mapped_reads,
                                      options_.migration_report);
        if (!db) return db.error();
        const int rc = sqlite3_create_function_v2(
            db->get(), "datt_search", 2, SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS,
            nullptr, datt_search, nullptr, nullptr, nullptr);
        if (rc != SQLITE_OK) return sqlite::error(db->get(), "cannot register datt_search");
        return std::unique_ptr<StoreReader>(new SqliteReader(std::move(db).value()));
    }

    Status checkpoint() override {
        std::lock_guard lock(write_mutex_);
        return fold(true);
    }

    uint64_t size_bytes() override { return size_bytes_.load(std::memory_order_relaxed); }
    uint64_t wal_bytes() override { return wal_bytes_.load(std::memory_order_relaxed); }

    crypto::XOnlyPubKey relay_public_key() const override { return proof_public_key_; }

  private:
    // The checkpoint that is due (sqlite_store.h), if any; `idle`: any unfolded page is due.
    // Called with write_mutex_ held.
    Status fold(bool idle) {
        int mode;
        if (wal_frames_ >= options_.wal_limit_pages) {
            mode = SQLITE_CHECKPOINT_TRUNCATE;
        } else if (unfolded_frames_ >= options_.wal_checkpoint_pages ||
                   (idle && unfolded_frames_ > 0)) {
            mode = SQLITE_CHECKPOINT_PASSIVE;
        } else {
            return Ok{};
        }
        int log_frames = 0;
        int folded = 0;
        const int rc = sqlite3_wal_checkpoint_v2(db_.get(), nullptr, mode, &log_frames, &folded);
        // TRUNCATE leaves an empty log (both 0); PASSIVE may stop at a reader's snapshot, and
        // a TRUNCATE that timed out (SQLITE_BUSY) has still copied what it could.
        if (log_frames >= 0 && folded >= 0) {
            wal_frames_ = log_frames;
            unfolded_frames_ = log_frames - folded;
        }
        update_size();
        if (rc == SQLITE_OK) return Ok{};
        // SQLITE_BUSY: readers kept old pages of the log past the busy timeout (TRUNCATE).
        return sqlite::error(db_.get(), mode == SQLITE_CHECKPOINT_TRUNCATE
                                            ? "WAL checkpoint (TRUNCATE) failed"
                                            : "WAL checkpoint (PASSIVE) failed");
    }

    // sqlite3_wal_hook: after each commit of this connection, with the frames now in the log.
    // A smaller count than before means the commit restarted the log from its start.
    static int on_wal_commit(void* self, sqlite3*, const char*, int frames) {
        auto& store = *static_cast<SqliteStore*>(self);
        const int added = frames >= store.wal_frames_ ? frames - store.wal_frames_ : frames;
        store.unfolded_frames_ += added;
        store.wal_frames_ = frames;
        return SQLITE_OK;
    }

    // Runs a statement that returns no rows, leaving it reset for the next use.
    Status run(Statement& stmt, std::string_view what) {
        const int rc = stmt.step();
        stmt.reset();
        if (rc != SQLITE_DONE) return sqlite::error(db_.get(), std::string(what) + " failed");
        return Ok{};
    }

    Error rollback(Error error) {
        // A failed statement may already have rolled the transaction back; then this
        // ROLLBACK fails harmlessly.
        s_.rollback.step();
        s_.rollback.reset();
        // The cached views may hold entries of the batch that was just undone.
        communities_.clear();
        return error;
    }

    // Steps a lookup once: true with the row's columns readable (the caller resets), false
    // for no row (already reset), or an error.
    Result<bool> lookup(Statement& stmt, std::string_view what) {
        const int rc = stmt.step();
        if (rc == SQLITE_ROW) return true;
        stmt.reset();
        if (rc == SQLITE_DONE) return false;
        return sqlite::error(db_.get(), std::string(what) + " failed");
    }

    // The hub's commands (write_command.h): plain upserts and a delete.
    Result<PutChannelState::Done> apply(const PutChannelState& command) {
        s_.put_channel.bind_blob_static(1, command.channel_id);
        s_.put_channel.bind_blob_static(2, command.seed);
        s_.put_channel.bind_blob_static(3, command.state);
        if (auto done = run(s_.put_channel, "hub channel write"); !done) return done.error();
        return PutChannelState::Done{};
    }

    Result<PutHubForward::Done> apply(const PutHubForward& command) {
        const HubForward& f = command.forward;
        s_.put_forward.bind_blob_static(1, f.in_channel);
        s_.put_forward.bind_int(2, static_cast<int64_t>(f.in_htlc));
        s_.put_forward.bind_blob_static(3, f.payment_hash);
        s_.put_forward.bind_int(4, f.in_cltv);
        s_.put_forward.bind_blob_static(5, f.out_channel);
        s_.put_forward.bind_int(6, static_cast<int64_t>(f.out_amount_msat));
        s_.put_forward.bind_int(7, f.out_cltv);
        s_.put_forward.bind_int(8, f.deadline);
        if (f.out_htlc) {
            s_.put_forward.bind_int(9, static_cast<int64_t>(*f.out_htlc));
        } else {
            s_.put_forward.bind_null(9);
        }
        if (f.preimage) {
            s_.put_forward.bind_blob_static(10, *f.preimage);
        } else {
            s_.put_forward.bind_null(10);
        }
        s_.put_forward.bind_int(11, f.failed ? 1 : 0);
        if (auto done = run(s_.put_forward, "hub forward write"); !done) return done.error();
        return PutHubForward::Done{};
    }

    Result<DeleteHubForward::Done> apply(const DeleteHubForward& command) {
        s_.delete_forward.bind_blob_static(1, command.in_channel);
        s_.delete_forward.bind_int(2, static_cast<int64_t>(command.in_htlc));
        if (auto done = run(s_.delete_forward, "hub forward delete"); !done) return done.error();
        s_.delete_receipt_request.bind_blob_static(1, command.in_channel);
        s_.delete_receipt_request.bind_int(2, static_cast<int64_t>(command.in_htlc));
        if (auto done = run(s_.delete_receipt_request, "hub receipt request delete"); !done) return done.error();
        return DeleteHubForward::Done{};
    }

    Result<PutHubReceiptRequest::Done> apply(const PutHubReceiptRequest& command) {
        s_.put_receipt_request.bind_blob_static(1, command.in_channel);
        s_.put_receipt_request.bind_int(2, static_cast<int64_t>(command.in_htlc));
        s_.put_receipt_request.bind_blob_static(3, command.onion);
        if (auto done = run(s_.put_receipt_request, "hub receipt request write"); !done) return done.error();
        return PutHubReceiptRequest::Done{};
    }

    Result<DeleteChannelState::Done> apply(const DeleteChannelState& command) {
        s_.delete_channel.bind_blob_static(1, command.channel_id);
        if (auto done = run(s_.delete_channel, "hub channel delete"); !done) return done.error();
        return DeleteChannelState::Done{};
    }

    Result<PutHubOnchain::Done> apply(const PutHubOnchain& command) {
        s_.put_onchain.bind_blob_static(1, command.channel_id);
        s_.put_onchain.bind_blob_static(2, command.record);
        if (auto done = run(s_.put_onchain, "hub onchain write"); !done) return done.error();
        return PutHubOnchain::Done{};
    }

    Result<PutHubForceClose::Done> apply(const PutHubForceClose& command) {
        s_.put_force_close.bind_blob_static(1, command.channel_id);
        s_.put_force_close.bind_int(2, command.reason);
        s_.put_force_close.bind_int(3, command.height);
        s_.put_force_close.bind_blob_static(4, command.commitment);
        if (auto done = run(s_.put_force_close, "hub force close write"); !done) return done.error();
        return PutHubForceClose::Done{};
    }

    Result<PutHubWalletSeed::Done> apply(const PutHubWalletSeed& command) {
        s_.put_wallet_seed.bind_blob_static(1, command.seed);
        s_.put_wallet_seed.bind_int(2, command.birth_height);
        if (auto done = run(s_.put_wallet_seed, "hub wallet seed write"); !done) return done.error();
        return PutHubWalletSeed::Done{};
    }

    Result<PutHubWalletCoin::Done> apply(const PutHubWalletCoin& command) {
        Statement& put = s_.put_wallet_coin;
        put.bind_blob_static(1, command.txid);
        put.bind_int(2, command.vout);
        put.bind_int(3, command.value);
        put.bind_int(4, command.chain);
        put.bind_int(5, command.index);
        put.bind_int(6, command.height);
        if (command.spent_by) {
            put.bind_blob_static(7, *command.spent_by);
        } else {
            put.bind_null(7);
        }
        if (auto done = run(put, "hub wallet coin write"); !done) return done.error();
        return PutHubWalletCoin::Done{};
    }

    Result<DeleteHubWalletCoin::Done> apply(const DeleteHubWalletCoin& command) {
        s_.delete_wallet_coin.bind_blob_static(1, command.txid);
        s_.delete_wallet_coin.bind_int(2, command.vout);
        if (auto done = run(s_.delete_wallet_coin, "hub wallet coin delete"); !done) return done.error();
        return DeleteHubWalletCoin::Done{};
    }

    Result<PutHubWalletNextReceive::Done> apply(const PutHubWalletNextReceive& command) {
        s_.put_wallet_next_receive.bind_int(1, command.next);
        if (auto done = run(s_.put_wallet_next_receive, "hub wallet next receive write"); !done) return done.error();
        return PutHubWalletNextReceive::Done{};
    }

    Result<PutHubWalletTx::Done> apply(const PutHubWalletTx& command) {
        s_.put_wallet_tx.bind_blob_static(1, command.txid);
        s_.put_wallet_tx.bind_blob_static(2, command.tx);
        if (auto done = run(s_.put_wallet_tx, "hub wallet tx write"); !done) return done.error();
        return PutHubWalletTx::Done{};
    }

    Result<DeleteHubWalletTx::Done> apply(const DeleteHubWalletTx& command) {
        s_.delete_wallet_tx.bind_blob_static(1, command.txid);
        if (auto done = run(s_.delete_wallet_tx, "hub wallet tx delete"); !done) return done.error();
        return DeleteHubWalletTx::Done{};
    }

    Result<PutHubFundingTx::Done> apply(const PutHubFundingTx& command) {
        s_.put_funding_tx.bind_blob_static(1, command.channel_id);
        s_.put_funding_tx.bind_blob_static(2, command.tx);
        if (auto done = run(s_.put_funding_tx, "hub funding tx write"); !done) return done.error();
        return PutHubFundingTx::Done{};
    }

    Result<DeleteHubFundingTx::Done> apply(const DeleteHubFundingTx& command) {
        s_.delete_funding_tx.bind_blob_static(1, command.channel_id);
        if (auto done = run(s_.delete_funding_tx, "hub funding tx delete"); !done) return done.error();
        return DeleteHubFundingTx::Done{};
    }

    Result<DeleteHubRevoked::Done> apply(const DeleteHubRevoked& command) {
        s_.delete_revoked.bind_blob_static(1, command.channel_id);
        if (auto done = run(s_.delete_revoked, "hub revoked delete"); !done) return done.error();
        return DeleteHubRevoked::Done{};
    }

    Result<PutHubRevoked::Done> apply(const PutHubRevoked& command) {
        s_.put_revoked.bind_blob_static(1, command.channel_id);
        s_.put_revoked.bind_int(2, static_cast<int64_t>(command.number));
        s_.put_revoked.bind_blob_static(3, command.revoked);
        if (auto done = run(s_.put_revoked, "hub revoked write"); !done) return done.error();
        return PutHubRevoked::Done{};
    }

    // Signed here with the relay's key; stored once per id (a receipt's id depends only on
    // what it says: the same payment cannot be stored twice).
    Result<PutHubReceipt::Done> apply(const PutHubReceipt& command) {
        std::array<uint8_t, 32> aux{};
        if (getrandom(aux.data(), aux.size(), 0) != static_cast<ssize_t>(aux.size())) {
            return make_error("store_random", "no random bytes for signing a receipt");
        }
        // The hub checked what goes in (printable ASCII, sizes far below the limits): a draft
        // that does not sign is our bug, and must not fail the batch (the hub would stop).
        auto receipt = Event::sign(command.draft, proof_key_, aux);
        if (!receipt) return PutHubReceipt::Done{};
        s_.find_by_id.bind_blob_static(1, receipt->id());
        auto found = lookup(s_.find_by_id, "receipt lookup");
        if (!found) return found.error();
        s_.find_by_id.reset();
        if (*found) return PutHubReceipt::Done{};
        if (auto inserted = insert(*receipt, receipt->to_json(), std::nullopt); !inserted) return inserted.error();
        return PutHubReceipt::Done{std::move(*receipt)};
    }

    // One command inside the batch's transaction (write_command.h says how to add more).
    Result<WriteOutcome> apply(const PutEvent& command) {
        const Event& event = command.event.event();
        WriteOutcome outcome{WriteStatus::kStored, {}};

        s_.find_by_id.bind_blob_static(1, event.id());
        auto found = lookup(s_.find_by_id, "duplicate lookup");
        if (!found) return found.error();
        s_.find_by_id.reset();
        if (*found) return WriteOutcome{WriteStatus::kDuplicate, {}};

        // Deletion requests themselves cannot be deleted (NIP-09), so no tombstone applies.
        if (event.kind() != event::kinds::kDeletion) {
            s_.find_deleted_id.bind_blob_static(1, event.id());
            s_.find_deleted_id.bind_blob_static(2, event.pubkey());
            auto deleted = lookup(s_.find_deleted_id, "deletion lookup");
            if (!deleted) return deleted.error();
            s_.find_deleted_id.reset();
            if (*deleted) return WriteOutcome{WriteStatus::kDeleted, {}};
        }

        // Datt's rules (sqlite_store.h "Ingest rules"): community admission, proofs, chains.
        auto refused = communities_.check(event);
        if (!refused) return refused.error();
        if (*refused) return refusal((*refused)->code, (*refused)->message);
        if (event.kind() == chain::kForkProofKind) {
            if (auto proof = chain::ForkProof::of_event(event); !proof) {
                return refusal(proof.error().code,
                               "invalid: " + proof.error().code + ": " + proof.error().message);
            }
        }
        auto link = chain::ChainLink::of(event);
        if (!link) {
            return refusal(link.error().code,
                           "invalid: " + link.error().code + ": " + link.error().message);
        }
        std::optional<chain::ChainStep> step;
        if (*link) {
            auto state = chains_.load((*link)->author(), (*link)->chain());
            if (!state) return state.error();
            std::optional<Hash256> occupant;
            if (state->head && (*link)->seq() < state->head->seq) {
                auto held = chains_.id_at((*link)->author(), (*link)->chain(), (*link)->seq());
                if (!held) return held.error();
                occupant = *held;
            }
            auto applied = chain::apply_link(std::move(*state), **link, occupant);
            if (!applied) {
                return refusal(applied.error().code, "invalid: " + applied.error().code + ": " +
                                                         applied.error().message);
            }
            switch (applied->outcome) {
                case chain::Outcome::kExtended:
                case chain::Outcome::kPending:
                    step = std::move(*applied);
                    break;
                case chain::Outcome::kDuplicate:
                    return WriteOutcome{WriteStatus::kDuplicate, {}};
                case chain::Outcome::kFork:
                    return fork_refusal(event, **link, *applied->fork);
            }
        }

        const std::optional<event::Address> address = event::address_of(event);
        if (address) {
            // An address tombstone keeps the latest request's created_at: the version is
            // refused when that request covers it.
            s_.find_deleted_address.bind_blob_static(1, event.pubkey());
            s_.find_deleted_address.bind_int(2, event.kind());
            s_.find_deleted_address.bind_blob_static(3, as_bytes(address->d));
            auto deleted = lookup(s_.find_deleted_address, "address deletion lookup");
            if (!deleted) return deleted.error();
            const bool refused =
                *deleted && event::covers_version(
                                event::DeletionRequest{event.pubkey(),
                                                       s_.find_deleted_address.column_int(0),
                                                       {},
                                                       {}},
                                event.created_at());
            s_.find_deleted_address.reset();
            if (refused) return WriteOutcome{WriteStatus::kDeleted, {}};

            s_.find_address.bind_blob_static(1, event.pubkey());
            s_.find_address.bind_int(2, event.kind());
            s_.find_address.bind_blob_static(3, as_bytes(address->d));
            auto existing = lookup(s_.find_address, "address lookup");
            if (!existing) return existing.error();
            if (*existing) {
                const int64_t old_seq = s_.find_address.column_int(0);
                const event::TimeId old = time_id_of(s_.find_address.column_int(2),
                                                     s_.find_address.column_blob(1));
                s_.find_address.reset();
                if (!event::supersedes({event.created_at(), event.id()}, old)) {
                    return WriteOutcome{WriteStatus::kReplacedNewer, {}};
                }
                if (auto removed = remove(old_seq); !removed) return removed.error();
                outcome.removed.push_back(old.id);
            } else {
                s_.find_address.reset();
            }
        }

        if (auto inserted = insert(event, command.event.json(), address); !inserted) {
            return inserted.error();
        }
        if (step) {
            if (auto recorded = chains_.record(**link, step->state); !recorded) {
                return recorded.error();
            }
            if (step->outcome == chain::Outcome::kPending) {
                outcome.status = WriteStatus::kPending;
                outcome.gaps = chain::gaps(step->state);
            }
        }
        if (auto request = event::deletion_request_of(event)) {
            if (auto applied = apply_deletion(*request, outcome.removed); !applied) {
                return applied.error();
            }
        }
        communities_.written(event, !outcome.removed.empty());
        return outcome;
    }

    static WriteOutcome refusal(std::string code, std::string message) {
        WriteOutcome outcome{WriteStatus::kRefused, {}};
        outcome.code = std::move(code);
        outcome.message = std::move(message);
        return outcome;
    }

    // The second event of a fork: refused, and the proof (both events) published as a kind
    // 4560 event signed with the relay's key, once per position.
    Result<WriteOutcome> fork_refusal(const Event& event, const chain::ChainLink& link,
                                      const chain::ForkEvidence& fork) {
        const std::string author = to_hex(link.author());
        WriteOutcome outcome = refusal(
            "fork", "invalid: fork: " + author + " already signed event " + to_hex(fork.other_id) +
                        " at seq " + std::to_string(fork.other_seq) + " of chain " +
                        link.chain().to_hex() +
                        (fork.shape == chain::ForkShape::kSamePosition ? "" : " (broken link)") +
                        "; proofs: kind 4560 #p " + author);
        s_.find_json.bind_blob_static(1, fork.other_id);
        auto found = lookup(s_.find_json, "fork event lookup");
        if (!found) return found.error();
        // Deleted by its author (NIP-09): its id and place stay, its content does not, so
        // there is nothing to prove with; the event is refused all the same.
        if (!*found) return outcome;
        auto other = Event::parse(s_.find_json.column_text(0), proof_limits());
        s_.find_json.reset();
        if (!other) return other.error();
        auto proof = chain::ForkProof::make(event, *other);
        if (!proof) return proof.error();
        std::array<uint8_t, 32> aux{};
        if (getrandom(aux.data(), aux.size(), 0) != static_cast<ssize_t>(aux.size())) {
            return make_error("store_random", "no random bytes for signing a fork proof");
        }
        auto signed_proof = Event::sign(proof->to_draft(static_cast<int64_t>(std::time(nullptr))),
                                        proof_key_, aux, proof_limits());
        if (!signed_proof) return signed_proof.error();
        auto fresh = chains_.record_fork(proof->author(), proof->chain(), proof->seq(),
                                         signed_proof->id());
        if (!fresh) return fresh.error();
        if (!*fresh) return outcome;  // this position's proof is already published
        if (auto inserted = insert(*signed_proof, signed_proof->to_json(), std::nullopt);
            !inserted) {
            return inserted.error();
        }
        outcome.fork_proof = std::move(*signed_proof);
        return outcome;
    }

    // A proof holds two events: twice the event limit, with room for the wrapper.
    static event::Limits proof_limits() {
        event::Limits limits;
        limits.max_json_bytes = 8 * limits.max_json_bytes;
        limits.max_content_bytes = 8 * limits.max_json_bytes;
        return limits;
    }

    // `json`: event.to_json(), made by the caller (PutEvent carries it: serialized_event.h).
    Status insert(const Event& event, const std::string& json,
                  const std::optional<event::Address>& address) {
        Statement& ins = s_.insert_event;
        ins.bind_blob_static(1, event.id());
        ins.bind_blob_static(2, event.pubkey());
        ins.bind_int(3, event.created_at());
        ins.bind_int(4, event.kind());
        if (address) {
            ins.bind_blob_static(5, as_bytes(address->d));
        } else {
            ins.bind_null(5);
        }
        ins.bind_text_static(6, json);
        if (auto done = run(ins, "event insert"); !done) return done;
        const int64_t seq = sqlite3_last_insert_rowid(db_.get());
        int64_t& block_max = inserted_.try_emplace(seq >> sqlite::kTimeBlockBits,
                                                   event.created_at()).first->second;
        block_max = std::max(block_max, event.created_at());

        for (const event::Tag& tag : event.tags()) {
            if (!indexed(tag)) continue;
            Statement& t = s_.insert_tag;
            t.bind_int(1, seq);
            t.bind_text_static(2, tag[0]);
            t.bind_blob_static(3, as_bytes(tag[1]));
            t.bind_int(4, event.created_at());
            t.bind_blob_static(5, event.id());
            if (auto done = run(t, "tag insert"); !done) return done;
        }
        if (!event.content().empty()) {
            s_.insert_fts.bind_int(1, seq);
            s_.insert_fts.bind_text_static(2, event.content());
            if (auto done = run(s_.insert_fts, "search index insert"); !done) return done;
        }
        return Ok{};
    }

    // Keeps time_bounds (sqlite_schema.h) true for the events this batch inserted, and as
    // tight as each block's own events allow: every block they went into gets a row of at
    // least its prefix maximum, and every row above it (a seq below the highest can be
    // reused after a delete) is raised to that too. Not the batch's maximum for all of its
    // blocks: a search stops at the first block bounded below its results.
    Status write_time_bounds() {
        int64_t prefix_max = std::numeric_limits<int64_t>::min();
        for (const auto& [block, block_max] : inserted_) {
            prefix_max = std::max(prefix_max, block_max);
            s_.add_time_bound.bind_int(1, block);
            s_.add_time_bound.bind_int(2, prefix_max);
            if (auto done = run(s_.add_time_bound, "time bound insert"); !done) return done;
            s_.raise_time_bounds.bind_int(1, prefix_max);
            s_.raise_time_bounds.bind_int(2, block + 1);
            if (auto done = run(s_.raise_time_bounds, "time bound update"); !done) return done;
        }
        return Ok{};
    }

    // The tags that get a row in `tags`: a one-letter name and a value.
    static bool indexed(const event::Tag& tag) { return tag.size() >= 2 && tag[0].size() == 1; }

    Status remove(int64_t seq) {
        // The tags and the search index first: both are found from the event's row.
        if (auto done = remove_tags(seq); !done) return done;
        std::pair<Statement*, const char*> deletes[] = {
            {&s_.delete_fts, "search index delete"},
            {&s_.delete_event, "event delete"},
        };
        for (auto& [stmt, what] : deletes) {
            stmt->bind_int(1, seq);
            if (auto done = run(*stmt, what); !done) return done;
        }
        return Ok{};
    }

    // The tags table is keyed by (name, value, created_at, id) (schema 12): an event's rows
    // are found from the tags of its stored JSON, the very ones insert() wrote.
    Status remove_tags(int64_t seq) {
        s_.find_row.bind_int(1, seq);
        auto found = lookup(s_.find_row, "event row lookup");
        if (!found) return found.error();
        if (!*found) return Ok{};
        auto raw = event::read_raw_event(s_.find_row.column_text(0), sqlite::stored_limits());
        const event::TimeId key = time_id_of(s_.find_row.column_int(1), s_.find_row.column_blob(2));
        s_.find_row.reset();
        if (!raw || !raw->tags) {
            return make_error("store_invalid_database",
                              "stored event " + std::to_string(seq) + " cannot be read back");
        }
        for (const event::Tag& tag : *raw->tags) {
            if (!indexed(tag)) continue;
            Statement& d = s_.delete_tag;
            d.bind_text_static(1, tag[0]);
            d.bind_blob_static(2, as_bytes(tag[1]));
            d.bind_int(3, key.created_at);
            d.bind_blob_static(4, key.id);
            if (auto done = run(d, "tag delete"); !done) return done;
        }
        return Ok{};
    }

    // NIP-09: removes the author's targets and records tombstones for later arrivals.
    Status apply_deletion(const event::DeletionRequest& request, std::vector<Hash256>& removed) {
        for (const Hash256& id : request.ids) {
            if (auto done = delete_by_id(request, id, removed); !done) return done;
        }
        for (const event::Address& address : request.addresses) {
            if (auto done = delete_address(request, address, removed); !done) return done;
        }
        return Ok{};
    }

    Status delete_by_id(const event::DeletionRequest& request, const Hash256& id,
                        std::vector<Hash256>& removed) {
        s_.find_by_id.bind_blob_static(1, id);
        auto found = lookup(s_.find_by_id, "deletion target lookup");
        if (!found) return found.error();
        if (*found) {
            const int64_t seq = s_.find_by_id.column_int(0);
            ByteArray<32> author{};
            const ByteSpan pubkey = s_.find_by_id.column_blob(1);
            std::copy_n(pubkey.begin(), std::min(pubkey.size(), author.size()), author.begin());
            const auto kind = static_cast<event::Kind>(s_.find_by_id.column_int(2));
            s_.find_by_id.reset();
            if (event::may_delete(request, author, kind)) {
                if (auto done = remove(seq); !done) return done;
                if (std::find(removed.begin(), removed.end(), id) == removed.end()) {
                    removed.push_back(id);
                }
            }
        } else {
            s_.find_by_id.reset();
        }
        // Keyed by the requester too: the id can only ever belong to an event by that
        // author, so other authors' events are never refused because of it.
        s_.add_deleted_id.bind_blob_static(1, id);
        s_.add_deleted_id.bind_blob_static(2, request.author);
        return run(s_.add_deleted_id, "tombstone insert");
    }

    // `address` is the requester's own (deletion_request_of keeps no other).
    Status delete_address(const event::DeletionRequest& request, const event::Address& address,
                          std::vector<Hash256>& removed) {
        s_.find_address.bind_blob_static(1, address.pubkey);
        s_.find_address.bind_int(2, address.kind);
        s_.find_address.bind_blob_static(3, as_bytes(address.d));
        auto found = lookup(s_.find_address, "deletion address lookup");
        if (!found) return found.error();
        if (*found) {
            const int64_t seq = s_.find_address.column_int(0);
            const event::TimeId stored =
                time_id_of(s_.find_address.column_int(2), s_.find_address.column_blob(1));
            s_.find_address.reset();
            if (event::covers_version(request, stored.created_at)) {
                if (auto done = remove(seq); !done) return done;
                if (std::find(removed.begin(), removed.end(), stored.id) == removed.end()) {
                    removed.push_back(stored.id);
                }
            }
        } else {
            s_.find_address.reset();
        }
        Statement& add = s_.add_deleted_address;
        add.bind_blob_static(1, address.pubkey);
        add.bind_int(2, address.kind);
        add.bind_blob_static(3, as_bytes(address.d));
        add.bind_int(4, request.created_at);
        return run(add, "address tombstone insert");
    }

    void update_size() {
        auto pages = db_.query_int("PRAGMA page_count");
        auto page_size = db_.query_int("PRAGMA page_size");
        uint64_t size = pages && page_size ? static_cast<uint64_t>(*pages * *page_size) : 0;
        std::error_code ec;
        uint64_t wal = std::filesystem::file_size(path_ + "-wal", ec);
        if (ec) wal = 0;
        size_bytes_.store(size + wal, std::memory_order_relaxed);
        wal_bytes_.store(wal, std::memory_order_relaxed);
    }

    std::string path_;
    Connection db_;
    WriterStatements s_;
    sqlite::ChainTables chains_;
    sqlite::CommunityRules communities_;
    crypto::SecretKey proof_key_;  // signs kind 4560 fork proofs; never logged
    crypto::XOnlyPubKey proof_public_key_ = crypto::xonly_pubkey(proof_key_);
    std::mutex write_mutex_;
    uint64_t version_;  // of the last commit; guarded by write_mutex_
    // The largest created_at per time_bounds block among the events the open batch
    // inserted (write_time_bounds): a batch usually spans one or two blocks.
    std::map<int64_t, int64_t> inserted_;
    const SqliteOptions options_;
    // The WAL as the writer left it (guarded by write_mutex_): frames in the log, and how
    // many of them no checkpoint has copied into the database yet.
    int wal_frames_ = 0;
    int unfolded_frames_ = 0;
    // Refreshed after each commit so /metrics reads it without touching the connection.
    std::atomic<uint64_t> size_bytes_{0};
    std::atomic<uint64_t> wal_bytes_{0};
};

// The relay's fork-proof key (relay_key, sqlite_schema.h): read, or drawn from the OS
// and stored at the first open. INSERT OR IGNORE then a read, so that two processes opening
// a new file at once agree on one key.
Result<crypto::SecretKey> load_proof_key(Connection& db) {
    auto read = db.prepare("SELECT secret FROM relay_key WHERE id = 0", false);
    if (!read) return read.error();
    if (read->step() != SQLITE_ROW) {
        read->reset();
        std::array<uint8_t, 32> secret{};
        crypto::WipeOnExit wipe(secret.data(), secret.size());
        do {
            if (getrandom(secret.data(), secret.size(), 0) != static_cast<ssize_t>(secret.size())) {
                return make_error("store_random", "no random bytes for the relay's key");
            }
        } while (!crypto::SecretKey::from_bytes(secret));
        auto insert =
            db.prepare("INSERT OR IGNORE INTO relay_key(id, secret) VALUES (0, ?)", false);
        if (!insert) return insert.error();
        insert->bind_blob(1, secret);
        if (insert->step() != SQLITE_DONE) return sqlite::error(db.get(), "relay key insert failed");
        if (read->step() != SQLITE_ROW) return sqlite::error(db.get(), "relay key read failed");
    }
    const ByteSpan stored = read->column_blob(0);
    if (stored.size() != 32) {
        return make_error("store_invalid_database", "the relay key is not 32 bytes");
    }
    std::array<uint8_t, 32> secret{};
    crypto::WipeOnExit wipe(secret.data(), secret.size());
    std::copy(stored.begin(), stored.end(), secret.begin());
    auto key = crypto::SecretKey::from_bytes(secret);
    if (!key) return make_error("store_invalid_database", "the relay key is not a valid key");
    return std::move(*key);
}

}  // namespace

Result<std::unique_ptr<Store>> open_sqlite_store(const std::string& path, SqliteOptions options) {
    if (options.wal_checkpoint_pages < 1 ||
        options.wal_limit_pages < options.wal_checkpoint_pages) {
        return make_error("store_options",
                          "WAL limits must satisfy 1 <= wal_checkpoint_pages <= "
                          "wal_limit_pages");
    }
    auto db = sqlite::open_writer(path, options.durable, options.migration_report);
    if (!db) return db.error();
    // The size a restarted log is cut back to (in bytes; pages are 4 KiB).
    if (auto limited = db->exec("PRAGMA journal_size_limit=" +
                                std::to_string(int64_t{options.wal_checkpoint_pages} * 4096));
        !limited) {
        return limited.error();
    }
    auto statements = WriterStatements::prepare(*db);
    if (!statements) return statements.error();
    auto chains = sqlite::ChainTables::prepare(*db);
    if (!chains) return chains.error();
    auto communities = sqlite::CommunityRules::prepare(*db);
    if (!communities) return communities.error();
    auto proof_key = load_proof_key(*db);
    if (!proof_key) return proof_key.error();
    auto version = db->query_int(sqlite::kVersionSql);
    if (!version) return version.error();
    return std::unique_ptr<Store>(new SqliteStore(
        path, std::move(db).value(), std::move(statements).value(), std::move(chains).value(),
        std::move(communities).value(), std::move(*proof_key), static_cast<uint64_t>(*version),
        options));
}

}  // namespace datt::relay
