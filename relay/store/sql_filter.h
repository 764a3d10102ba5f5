// Translation of NIP-01 filters into SQL over the schema in sqlite_schema.h.
//
// The statements use '?' parameters only, never spliced values, so filter contents cannot
// change the SQL. Lists are padded to a power of two (repeating the last value, which IN
// ignores) so that filters of similar shape share one cached prepared statement.
//
// NIP-50 search: each whitespace-separated term (the same split as proto::search_matches)
// becomes an FTS5 string with '"' doubled, the strings ANDed; then only events that also
// satisfy the substring rule of proto::matches are kept (by the reader for a select, by
// the SQL function datt_search(query, json), registered on every reader connection,
// for a count).
// FTS5 matches whole tokens, so results are the subset of proto::matches' whose terms
// occur as whole words (or word sequences): "bitcoin" finds "Bitcoin is" but "coin" does
// not find it, and a term with no word characters (such as "!!!") finds nothing.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "event/time_id.h"
#include "proto/filter.h"

namespace datt::relay::sqlite {

struct SqlValue {
    enum class Type { kInt, kBlob, kText };
    Type type;
    int64_t integer = 0;
    std::string bytes;  // kBlob and kText
};

struct SqlQuery {
    std::string sql;
    std::vector<SqlValue> params;  // in the order of the '?' in `sql`
};

// The FTS5 query for a NIP-50 search string; empty when it has no terms (it then matches
// every event, as in proto::search_matches).
std::string fts_query(std::string_view search);

// How to read the events matching a filter in feed order (newest first, ties by lowest
// id). Every index can yield one value's events in that order, so a filter with a list
// (authors, kinds or one tag's values) is split into one stream per value, all running
// the same statement with different parameters; the reader merges the streams and stops
// after `limit` events, having read about limit + streams rows instead of every row of
// every value. Rows are (created_at, id, json).
//
// A search is one stream of FTS5 candidates with rows (created_at, id, seq), read in
// FTS5's own order, newest stored first (seq descending; `by_seq`), without sorting them.
// The reader keeps the `limit` newest (feed order) of those whose content passes
// proto::search_matches (fetched with kSearchFetchSql only for a candidate that would
// enter them) and stops once time_bounds (sqlite_schema.h) says that no row stored
// earlier can be newer than the last it keeps. Events stored roughly in time order make
// that a few rows past the limit, whatever the number of matches; a relay whose oldest
// seqs hold its newest events reads every match, as before (when all were sorted: 15 ms
// for a word in 5,600 events at 1M, docs/performance.md).
//
// A range plan (select_range) is the same with the ascending (created_at, id) order of
// event::TimeId, bounded by from <= (created_at, id) < to, and rows (created_at, id) (a
// search: (created_at, id, seq), checked with kSearchFetchSql); no JSON is sent.
struct SelectPlan {
    enum class Order {
        kNewestFirst,  // event::supersedes: created_at descending, then lowest id
        kAscending,    // event::TimeId's operator<: created_at, then id, ascending
    };
    std::string sql;
    std::vector<std::vector<SqlValue>> streams;  // parameters of each stream
    Order order = Order::kNewestFirst;
    bool may_repeat = false;  // one event can come from several streams: skip repeats
    std::optional<std::string> search;
    bool by_seq = false;  // a search select: rows in seq descending order, not `order`
};

// Parameter: events.seq (an FTS5 rowid). Row: (json), whose content the reader checks
// (the search index is contentless: stored_content.h).
inline constexpr const char* kSearchFetchSql = "SELECT json FROM events WHERE seq = ?";

// nullopt when the filter can match nothing (an empty list) or `limit` is 0.
std::optional<SelectPlan> select_matching(const proto::Filter& filter, uint64_t limit);

// The events matching `filter` (its limit ignored) with from <= (created_at, id) < to,
// ascending, at most `limit`. nullopt when nothing can match (also when from >= to).
std::optional<SelectPlan> select_range(const proto::Filter& filter, const event::TimeId& from,
                                       const event::TimeId& to, uint64_t limit);

// The keys (created_at, id) of the events matching `filter` (its limit ignored) in the
// feed order of select_matching, at most `limit`: the indexes' own order, which SQLite
// reads about 3x faster than the ascending order of a range (that walks them backwards and
// sorts each second's ids). nullopt for a search filter (use select_range) or when nothing
// can match.
std::optional<SelectPlan> select_keys(const proto::Filter& filter, uint64_t limit);

// SELECT count(*) of the distinct events matching any of `filters` (limits ignored).
// nullopt when none of them can match anything.
std::optional<SqlQuery> count_matching(const std::vector<proto::Filter>& filters);

}  // namespace datt::relay::sqlite
