#include "store/sql_filter.h"

#include <algorithm>

namespace datt::relay::sqlite {
namespace {

using proto::Filter;
using proto::TagCondition;

SqlValue int_value(int64_t value) {
    return {SqlValue::Type::kInt, value, {}};
}

SqlValue blob_value(ByteSpan bytes) {
    return {SqlValue::Type::kBlob, 0, std::string(bytes.begin(), bytes.end())};
}

SqlValue blob_value(std::string_view bytes) {
    return {SqlValue::Type::kBlob, 0, std::string(bytes)};
}

SqlValue text_value(std::string_view text) {
    return {SqlValue::Type::kText, 0, std::string(text)};
}

// More values than this are not split into streams (one IN and a sort instead).
constexpr size_t kMaxStreams = 1024;

size_t padded_size(size_t n) {
    size_t padded = 1;
    while (padded < n) padded *= 2;
    return padded;
}

// FROM, WHERE and ORDER BY of one filter, sharing one parameter list.
struct Clause {
    std::string from;
    std::string where;
    std::string order;
    std::vector<SqlValue> params;
    bool may_repeat = false;  // an event can match more than one row (several tag values)

    void add_condition(std::string_view condition) {
        where += where.empty() ? " WHERE " : " AND ";
        where += condition;
    }

    // "<column> = ?" or "<column> IN (?, ...)" over `values` (not empty).
    template <class T, class ToValue>
    void add_list(std::string_view column, const std::vector<T>& values, ToValue to_value) {
        add_condition(list_condition(column, values.size()));
        add_list_params(values, to_value);
    }

    static std::string list_condition(std::string_view column, size_t count) {
        std::string condition(column);
        if (count == 1) return condition + " = ?";
        condition += " IN (";
        for (size_t i = 0; i < padded_size(count); ++i) condition += i ? ",?" : "?";
        return condition + ')';
    }

    template <class T, class ToValue>
    void add_list_params(const std::vector<T>& values, ToValue to_value) {
        for (const T& value : values) params.push_back(to_value(value));
        for (size_t i = values.size(); i < padded_size(values.size()); ++i) {
            params.push_back(to_value(values.back()));
        }
    }
};

bool has_empty_list(const Filter& filter) {
    if (filter.ids && filter.ids->empty()) return true;
    if (filter.authors && filter.authors->empty()) return true;
    if (filter.kinds && filter.kinds->empty()) return true;
    return std::any_of(filter.tags.begin(), filter.tags.end(),
                       [](const TagCondition& c) { return c.values.empty(); });
}

// The FTS5 query of the filter's search, empty when there is none (or it has no terms).
std::string search_match(const Filter& filter) {
    return filter.search ? fts_query(*filter.search) : std::string();
}

// What the clause is for: reading in order (select) or counting (no order needed).
enum class Purpose { kSelect, kCount };

// The bounds of a range plan: from <= (created_at, id) < to, read in ascending order.
struct Range {
    event::TimeId from;
    event::TimeId to;
};

// ORDER BY for the table alias that drives the scan (`e` or `t`): the feed order
// (event::supersedes) or, for a range, ascending (event::TimeId). The indexes end in
// (created_at DESC, id), so the feed order reads them forwards and stops at the limit; the
// ascending order reads them backwards and sorts only the rows of one second by id.
std::string order_by(char alias, const Range* range) {
    const std::string a(1, alias);
    return range ? " ORDER BY " + a + ".created_at, " + a + ".id"
                 : " ORDER BY " + a + ".created_at DESC, " + a + ".id";
}

Clause filter_clause(const Filter& filter, Purpose purpose, const Range* range = nullptr) {
    Clause clause;
    clause.from = " FROM events e";
    char key_alias = 'e';  // the table whose (created_at, id) the scan follows

    const std::string match = search_match(filter);
    // A search is driven by its FTS5 matches (CROSS JOIN fixes that loop order): its cost
    // is then bounded by how many events contain the terms, never by the table size, as
    // it would be if SQLite walked an author's or kind's events testing each one.
    if (!match.empty()) clause.from = " FROM events_fts f CROSS JOIN events e ON e.seq = f.rowid";

    // Otherwise a tag condition drives: for a select, one with a single value, whose
    // range of the tags table's key yields its events in feed order so the scan stops at
    // the limit;
    // for a count (unless ids name the events), the one with the fewest values (an event
    // carrying several of them is then counted once by DISTINCT or UNION). Other tag
    // conditions are tested per event.
    auto driver = filter.tags.end();
    if (match.empty() && purpose == Purpose::kSelect) {
        driver = std::find_if(filter.tags.begin(), filter.tags.end(),
                              [](const TagCondition& c) { return c.values.size() == 1; });
    } else if (match.empty() && !filter.ids && !filter.tags.empty()) {
        driver = std::min_element(filter.tags.begin(), filter.tags.end(),
                                  [](const TagCondition& a, const TagCondition& b) {
                                      return a.values.size() < b.values.size();
                                  });
    }
    if (driver != filter.tags.end()) {
        // A count leaves the join order to SQLite: with one author or a rare kind it may
        // start there rather than from a common tag, then find the tag by its full key.
        clause.from = purpose == Purpose::kSelect
                          ? " FROM tags t CROSS JOIN events e ON e.seq = t.event"
                          : " FROM tags t JOIN events e ON e.seq = t.event AND t.created_at = "
                            "e.created_at AND t.id = e.id";
        key_alias = 't';
        clause.add_condition("t.name = ?");
        clause.params.push_back(text_value(std::string(1, driver->name)));
        clause.add_list("t.value", driver->values,
                        [](const std::string& v) { return blob_value(std::string_view(v)); });
        clause.may_repeat = driver->values.size() > 1;
    }

    const auto to_blob = [](const auto& bytes) { return blob_value(ByteSpan(bytes)); };
    if (filter.ids) clause.add_list("e.id", *filter.ids, to_blob);
    if (filter.authors) clause.add_list("e.pubkey", *filter.authors, to_blob);
    if (filter.kinds) {
        clause.add_list("e.kind", *filter.kinds, [](event::Kind k) { return int_value(k); });
    }
    if (filter.since) {
        clause.add_condition("e.created_at >= ?");
        clause.params.push_back(int_value(*filter.since));
    }
    if (filter.until) {
        clause.add_condition("e.created_at <= ?");
        clause.params.push_back(int_value(*filter.until));
    }
    for (auto it = filter.tags.begin(); it != filter.tags.end(); ++it) {
        if (it == driver) continue;
        clause.add_condition(
            "EXISTS (SELECT 1 FROM tags x WHERE x.name = ? AND " +
            Clause::list_condition("x.value", it->values.size()) +
            " AND x.created_at = e.created_at AND x.id = e.id)");
        clause.params.push_back(text_value(std::string(1, it->name)));
        clause.add_list_params(
            it->values, [](const std::string& v) { return blob_value(std::string_view(v)); });
    }
    if (range) {
        // The plain created_at range lets SQLite seek the index; the other two conditions
        // cut the ends at the ids.
        const std::string a(1, key_alias);
        clause.add_condition(a + ".created_at >= ? AND " + a + ".created_at <= ?");
        clause.params.push_back(int_value(range->from.created_at));
        clause.params.push_back(int_value(range->to.created_at));
        clause.add_condition("(" + a + ".created_at > ? OR " + a + ".id >= ?)");
        clause.params.push_back(int_value(range->from.created_at));
        clause.params.push_back(blob_value(ByteSpan(range->from.id)));
        clause.add_condition("(" + a + ".created_at < ? OR " + a + ".id < ?)");
        clause.params.push_back(int_value(range->to.created_at));
        clause.params.push_back(blob_value(ByteSpan(range->to.id)));
    }
    clause.order = order_by(key_alias, range);
    // A search select reads FTS5's matches in its own order, newest stored first (rowid =
    // seq, descending), and the reader stops early by time_bounds: no sort of every match.
    if (!match.empty() && purpose == Purpose::kSelect && !range)
        clause.order = " ORDER BY f.rowid DESC";
    if (!match.empty()) {
        clause.add_condition("events_fts MATCH ?");
        clause.params.push_back(text_value(match));
        // A select leaves this check to the reader, which makes it only on rows that
        // reach the output (see SelectPlan::search).
        if (purpose == Purpose::kCount) {
            clause.add_condition("datt_search(?, e.json)");
            clause.params.push_back(text_value(*filter.search));
        }
    }
    return clause;
}

// A list without repeats: a value listed twice must not become two streams.
template <class T>
std::vector<T> distinct(std::vector<T> values) {
    std::sort(values.begin(), values.end());
    values.erase(std::unique(values.begin(), values.end()), values.end());
    return values;
}

// The list a filter is split on, one stream per value (see SelectPlan).
enum class Split { kNone, kTag, kAuthors, kKinds };

Split choose_split(const Filter& filter, size_t* tag_index) {
    const auto several = [](size_t n) { return n > 1 && n <= kMaxStreams; };
    // ids are exact lookups, and a search is driven by FTS5: one statement each.
    if (filter.ids || !search_match(filter).empty()) return Split::kNone;
    // One tag value already reads in feed order.
    for (const TagCondition& c : filter.tags) {
        if (c.values.size() == 1) return Split::kNone;
    }
    // Tag values are usually the most selective (an `e` or `p` names few events).
    size_t best = SIZE_MAX;
    for (size_t i = 0; i < filter.tags.size(); ++i) {
        if (several(filter.tags[i].values.size()) && filter.tags[i].values.size() < best) {
            best = filter.tags[i].values.size();
            *tag_index = i;
        }
    }
    if (best != SIZE_MAX) return Split::kTag;
    if (filter.authors && several(filter.authors->size())) return Split::kAuthors;
    if (filter.kinds && several(filter.kinds->size())) return Split::kKinds;
    return Split::kNone;
}

bool is_search_space(char c) {
    return c == ' ' || c == '\t' || c == '\n';
}

}  // namespace

std::string fts_query(std::string_view search) {
    std::string query;
    size_t pos = 0;
    while (pos < search.size()) {
        while (pos < search.size() && is_search_space(search[pos])) ++pos;
        size_t end = pos;
        while (end < search.size() && !is_search_space(search[end])) ++end;
        if (end > pos) {
            if (!query.empty()) query += ' ';
            query += '"';
            for (char c : search.substr(pos, end - pos)) {
                if (c == '"') query += '"';
                // FTS5 reads its query up to a NUL; as a space the tokenizer splits the
                // term there, which only widens the match that datt_search then narrows.
                query += c == '\0' ? ' ' : c;
            }
            query += '"';
        }
        pos = end;
    }
    return query;
}

namespace {

std::optional<SelectPlan> select_plan(const Filter& filter, uint64_t limit, const Range* range,
                                      bool keys_only = false) {
    if (limit == 0 || has_empty_list(filter)) return std::nullopt;
    const SqlValue limit_value =
        int_value(static_cast<int64_t>(std::min<uint64_t>(limit, INT64_MAX)));
    SelectPlan plan;
    plan.order = range ? SelectPlan::Order::kAscending : SelectPlan::Order::kNewestFirst;
    if (!search_match(filter).empty()) {
        // A range sorts every candidate by its small keys; a select reads them newest
        // stored first (SelectPlan::by_seq). The reader checks candidates and stops at the
        // limit.
        Clause clause = filter_clause(filter, Purpose::kSelect, range);
        plan.sql = "SELECT e.created_at, e.id, e.seq" + clause.from + clause.where + clause.order;
        plan.streams.push_back(std::move(clause.params));
        plan.search = *filter.search;
        plan.by_seq = range == nullptr;
        return plan;
    }
    // A range (or a key scan) reads keys only; a query reads the JSON it sends.
    const char* columns =
        range || keys_only ? "SELECT e.created_at, e.id" : "SELECT e.created_at, e.id, e.json";
    auto add_stream = [&](const Filter& stream_filter) {
        Clause clause = filter_clause(stream_filter, Purpose::kSelect, range);
        if (plan.sql.empty()) {
            plan.sql = columns + clause.from + clause.where + clause.order + " LIMIT ?";
        }
        clause.params.push_back(limit_value);
        plan.streams.push_back(std::move(clause.params));
    };

    size_t tag_index = 0;
    Filter one = filter;  // the filter with the split list cut to one value at a time
    switch (choose_split(filter, &tag_index)) {
        case Split::kNone:
            add_stream(filter);
            break;
        case Split::kTag:
            plan.may_repeat = true;  // an event can carry several of the values
            for (const std::string& value : distinct(filter.tags[tag_index].values)) {
                one.tags[tag_index].values = {value};
                add_stream(one);
            }
            break;
        case Split::kAuthors:
            for (const ByteArray<32>& author : distinct(*filter.authors)) {
                one.authors = std::vector<ByteArray<32>>{author};
                add_stream(one);
            }
            break;
        case Split::kKinds:
            for (event::Kind kind : distinct(*filter.kinds)) {
                one.kinds = std::vector<event::Kind>{kind};
                add_stream(one);
            }
            break;
    }
    return plan;
}

}  // namespace

std::optional<SelectPlan> select_matching(const Filter& filter, uint64_t limit) {
    return select_plan(filter, limit, nullptr);
}

std::optional<SelectPlan> select_keys(const Filter& filter, uint64_t limit) {
    if (!search_match(filter).empty()) return std::nullopt;
    return select_plan(filter, limit, nullptr, true);
}

std::optional<SelectPlan> select_range(const Filter& filter, const event::TimeId& from,
                                       const event::TimeId& to, uint64_t limit) {
    if (!(from < to)) return std::nullopt;
    const Range range{from, to};
    return select_plan(filter, limit, &range);
}

std::optional<SqlQuery> count_matching(const std::vector<Filter>& filters) {
    std::vector<Clause> clauses;
    for (const Filter& filter : filters) {
        if (!has_empty_list(filter)) clauses.push_back(filter_clause(filter, Purpose::kCount));
    }
    if (clauses.empty()) return std::nullopt;
    SqlQuery query;
    if (clauses.size() == 1) {
        const char* what =
            clauses[0].may_repeat ? "SELECT count(DISTINCT e.seq)" : "SELECT count(*)";
        query.sql = what + clauses[0].from + clauses[0].where;
        query.params = std::move(clauses[0].params);
        return query;
    }
    query.sql = "SELECT count(*) FROM (";
    for (size_t i = 0; i < clauses.size(); ++i) {
        if (i) query.sql += " UNION ";
        query.sql += "SELECT e.seq" + clauses[i].from + clauses[i].where;
        for (SqlValue& value : clauses[i].params) query.params.push_back(std::move(value));
    }
    query.sql += ')';
    return query;
}

}  // namespace datt::relay::sqlite
