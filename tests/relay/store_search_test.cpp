// NIP-50 search read newest stored first (sql_filter.h, SelectPlan::by_seq) and stopped by
// time_bounds (sqlite_schema.h, version 4): the answer must be the reference's (every
// match, proto::matches, newest first then lowest id, cut at the limit) whatever order the
// events were stored in, and time_bounds must bound every stored event: after writes in
// time order, out of order, with replacements reusing the highest seq, with deletions,
// and after the migration from schema 3.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <algorithm>
#include <filesystem>
#include <random>

#include "proto/message.h"
#include "store/sqlite_store.h"
#include "store/stored_content.h"
#include "stored_set.h"
#include "util/hex.h"

namespace datt::relay {
namespace {

using event::Event;
using proto::Filter;
using test::filter_from;
using test::raw_exec;
using test::raw_int;
using test::raw_plan;
using test::sign_event;

// Stored events whose bound (the nearest time_bounds row at or below their block) is
// missing or below the newest created_at stored at or below their seq: must be none.
int64_t unbounded_events(const std::string& path) {
    return raw_int(path,
                   "SELECT count(*) FROM events e WHERE coalesce((SELECT max_created_at FROM "
                   "time_bounds WHERE block <= e.seq >> 10 ORDER BY block DESC LIMIT 1), -1) < "
                   "(SELECT max(created_at) FROM events x WHERE x.seq <= e.seq)");
}

// Blocks whose bound is above the newest created_at stored below the block's end: bounds
// looser than the stored events need, which make a search read further before it stops.
int64_t loose_bounds(const std::string& path) {
    return raw_int(path,
                   "SELECT count(*) FROM time_bounds b WHERE max_created_at > (SELECT "
                   "max(created_at) FROM events WHERE seq < (b.block + 1) << 10)");
}

// The search reads of a store against the reference (test::StoredSetTest::expected).
class SearchOrderTest : public test::StoredSetTest {
  protected:
    void expect_search(const std::string& json) {
        const Filter filter = filter_from(json);
        auto got = reader_->query(filter, 500);
        ASSERT_TRUE(got.ok()) << got.error().message;
        EXPECT_EQ(*got, expected(filter, std::min<size_t>(filter.limit.value_or(500), 500)))
            << json;
    }

    void expect_all_shapes() {
        for (const char* json :
             {R"({"search":"needle","limit":1})", R"({"search":"needle","limit":10})",
              R"({"search":"needle","limit":100})", R"({"search":"needle"})",
              R"({"search":"needle hay","limit":20})", R"({"search":"rare","limit":5})",
              R"({"search":"needle","kinds":[1],"limit":30})",
              R"({"search":"needle","until":1500,"limit":25})",
              R"({"search":"needle","since":1900,"limit":25})"}) {
            expect_search(json);
        }
    }

    // `n` events from 4 authors, created_at from 1000 on with many ties, every third one
    // with "needle", every fifth "hay", every 97th "rare".
    static std::vector<Event> events(int n, int first = 0) {
        std::vector<Event> out;
        for (int i = first; i < first + n; ++i) {
            std::string content = "word" + std::to_string(i);
            if (i % 3 == 0) content += " needle";
            if (i % 5 == 0) content += " hay";
            if (i % 97 == 0) content += " rare";
            out.push_back(sign_event(i % 4, 1000 + i / 2, i % 7 == 0 ? 1111 : 1, {}, content));
        }
        return out;
    }

};

TEST_F(SearchOrderTest, StoredInTimeOrder) {
    write(events(2400));
    expect_all_shapes();
    EXPECT_EQ(unbounded_events(path_), 0);
    // Batches of 300 straddle blocks: each block is still bounded by its own events.
    EXPECT_EQ(loose_bounds(path_), 0);
}

TEST_F(SearchOrderTest, MigrationToSchemaFourteenTightensTheBounds) {
    write(events(2400));
    reader_.reset();
    store_.reset();
    // What writers before schema 14 left after one commit of every event: each block
    // bounded by the commit's newest.
    raw_exec(path_, "UPDATE time_bounds SET max_created_at = (SELECT max(created_at) FROM "
                    "events); PRAGMA user_version = 13");
    ASSERT_GT(loose_bounds(path_), 0);
    reopen();
    // The migration's pages are in the file, not left in the log for readers to look up.
    EXPECT_EQ(std::filesystem::file_size(path_ + "-wal"), 0u);
    EXPECT_EQ(raw_int(path_, "PRAGMA user_version"), 14);
    EXPECT_EQ(loose_bounds(path_), 0);
    EXPECT_EQ(unbounded_events(path_), 0);
    expect_all_shapes();
}

TEST_F(SearchOrderTest, StoredNewestFirst) {
    auto all = events(2400);
    std::reverse(all.begin(), all.end());
    write(all);
    expect_all_shapes();
    EXPECT_EQ(unbounded_events(path_), 0);
}

TEST_F(SearchOrderTest, StoredInRandomOrderWithAFutureEventFirst) {
    auto all = events(2400);
    std::mt19937 random(17);
    std::shuffle(all.begin(), all.end(), random);
    all.insert(all.begin(), sign_event(5, 900000, 1, {}, "needle from the future"));
    write(all);
    expect_all_shapes();
    EXPECT_EQ(unbounded_events(path_), 0);
}

TEST_F(SearchOrderTest, ReplacementsReuseTheHighestSeqAndDeletionsLeaveGaps) {
    write(events(1100));
    // A replaceable event stored last, then replaced by a newer one: the old row (the
    // highest seq) goes and the new one takes its seq, with a created_at above every bound.
    write({sign_event(9, 1200, 0, {}, "needle profile v1")});
    write({sign_event(9, 5000, 0, {}, "needle profile v2")});
    stored_.erase(std::find_if(stored_.begin(), stored_.end(),
                               [](const Event& e) { return e.content() == "needle profile v1"; }));
    EXPECT_EQ(unbounded_events(path_), 0);
    // The author deletes some of its events.
    delete_first(1, 50);
    write(events(400, 1100));
    expect_all_shapes();
    EXPECT_EQ(unbounded_events(path_), 0);
}

TEST_F(SearchOrderTest, MigrationFromSchemaThreeFillsTheBounds) {
    auto all = events(2400);
    std::mt19937 random(5);
    std::shuffle(all.begin(), all.end(), random);
    write(all);
    reader_.reset();
    store_.reset();
    // Back to schema 3: the tables of migrations 4 and 5 (the hub's) go.
    raw_exec(path_, "DROP TABLE time_bounds; DROP TABLE hub_channels; DROP TABLE hub_forwards; "
                    "PRAGMA user_version = 3");
    reopen();
    EXPECT_EQ(raw_int(path_, "PRAGMA user_version"), 14);  // through 4, 5, 6, 7, 8, 9, 10, 11, 12, 13 and 14
    // One row per block of stored seqs, each the running maximum.
    EXPECT_EQ(raw_int(path_, "SELECT count(*) FROM time_bounds"),
              raw_int(path_, "SELECT count(DISTINCT seq >> 10) FROM events"));
    EXPECT_EQ(unbounded_events(path_), 0);
    expect_all_shapes();
    write(events(300, 2400));
    EXPECT_EQ(unbounded_events(path_), 0);
    expect_all_shapes();
}

// The content the contentless index was given, read back from the stored JSON: the
// shortcut for escape-free text and the event reader give event.content() byte for byte.
TEST(StoredContent, IsTheEventsContentByteForByte) {
    for (const std::string& content :
         {std::string("plain words"), std::string(), std::string("a \"quote\" and \\ slash"),
          std::string("nul\0inside", 10), std::string("\u00e9t\u00e9 \U0001F600 tab\t nl\n"),
          std::string(R"({"content":"inner","sig":"x"})"), std::string("],\"content\":\"x")}) {
        const Event e = sign_event(3, 100, 1, {{"t", R"(],"content":")"}}, content);
        EXPECT_EQ(sqlite::stored_content(e.to_json()), e.content()) << content;
        EXPECT_EQ(sqlite::parsed_content(e.to_json()), e.content()) << content;
    }
    EXPECT_EQ(sqlite::stored_content("not json"), std::nullopt);
}

// Schema 10 makes the search index contentless (sqlite_schema.h). A file written by
// schema 9 (FTS5 holding a copy of each content) is migrated at open: searches and counts
// answer as before, the copy is gone, and later replacements and deletions take their
// tokens out of the index (FTS5's 'delete' with the content read from the stored JSON).
TEST_F(SearchOrderTest, MigrationFromSchemaNineMakesTheSearchIndexContentless) {
    write(events(2400));
    // Contents with JSON escapes: the delete must pass FTS5 exactly the indexed text.
    write({sign_event(8, 1100, 1, {}, "needle \"quoted\" tab\there \u00e9t\u00e9 line\nbreak"),
           sign_event(9, 1200, 0, {}, "needle profile v1")});
    reader_.reset();
    store_.reset();
    raw_exec(path_,
             "DROP TABLE events_fts;"
             "CREATE VIRTUAL TABLE events_fts USING fts5(content, "
             "tokenize = 'unicode61 remove_diacritics 0');"
             "INSERT INTO events_fts(rowid, content) SELECT seq, json_extract(json, '$.content') "
             "FROM events WHERE json_extract(json, '$.content') <> '';"
             "PRAGMA user_version = 9");
    const std::string content_table =
        "SELECT count(*) FROM sqlite_schema WHERE name = 'events_fts_content'";
    ASSERT_EQ(raw_int(path_, content_table), 1);

    reopen();
    EXPECT_EQ(raw_int(path_, "PRAGMA user_version"), 14);  // through 10, 11, 12, 13 and 14
    EXPECT_EQ(raw_int(path_, content_table), 0);
    // FTS5's own rows: one per stored event with that token, none left over.
    const auto indexed = [&](const std::string& word) {
        return raw_int(path_, "SELECT count(*) FROM events_fts WHERE events_fts MATCH '" + word + "'");
    };
    const auto stored_with = [&](const std::string& word) {
        return static_cast<int64_t>(std::count_if(stored_.begin(), stored_.end(), [&](const Event& e) {
            return proto::search_matches(word, e.content());
        }));
    };
    const auto expect_index_and_answers = [&] {
        expect_all_shapes();
        expect_search(R"({"search":"quoted","limit":5})");
        for (const char* word : {"needle", "hay", "rare", "profile", "quoted"}) {
            EXPECT_EQ(indexed(word), stored_with(word)) << word;
            Filter filter;
            filter.search = word;
            auto counted = reader_->count({filter});
            ASSERT_TRUE(counted.ok()) << counted.error().message;
            EXPECT_EQ(static_cast<int64_t>(*counted), stored_with(word)) << word;
        }
        raw_exec(path_, "INSERT INTO events_fts(events_fts) VALUES ('integrity-check')");
    };
    expect_index_and_answers();

    // A replacement and NIP-09 deletions, all of events indexed by the migration.
    write({sign_event(9, 5000, 0, {}, "needle profile v2")});
    std::erase_if(stored_, [](const Event& e) { return e.content() == "needle profile v1"; });
    for (int author : {1, 8}) delete_first(author, 40);
    EXPECT_EQ(stored_with("quoted"), 0);
    expect_index_and_answers();
}

// Schema 6 drops events_by_pubkey_kind and puts the kind into events_by_pubkey. A file
// written by schema 5 (its two author indexes as version 1 made them, a hub channel in
// version 5's table) is migrated at open: the author+kind filters answer as before, from
// an index-ordered plan, and the hub's rows are untouched.
TEST_F(SearchOrderTest, MigrationFromSchemaFiveKeepsOneAuthorIndex) {
    write(events(2400));
    reader_.reset();
    store_.reset();
    raw_exec(path_,
             "DROP INDEX events_by_pubkey;"
             "CREATE INDEX events_by_pubkey ON events(pubkey, created_at DESC, id);"
             "CREATE INDEX events_by_pubkey_kind ON events(pubkey, kind, created_at DESC, id);"
             "INSERT INTO hub_channels(channel_id, seed, state) VALUES (x'01', x'02', x'03');"
             "PRAGMA user_version = 5");
    ASSERT_EQ(raw_int(path_, "SELECT count(*) FROM pragma_index_info('events_by_pubkey')"), 3);
    const std::string author_kind_sql =
        "SELECT e.created_at, e.id, e.json FROM events e WHERE e.pubkey = ? AND e.kind = ? "
        "ORDER BY e.created_at DESC, e.id LIMIT ?";
    ASSERT_EQ(raw_plan(path_, author_kind_sql),
              "SEARCH e USING INDEX events_by_pubkey_kind (pubkey=? AND kind=?)");

    reopen();
    EXPECT_EQ(raw_int(path_, "PRAGMA user_version"), 14);  // through 6, 7, 8, 9, 10, 11, 12, 13 and 14
    EXPECT_EQ(raw_int(path_,
                      "SELECT count(*) FROM sqlite_schema WHERE name = "
                      "'events_by_pubkey_kind'"),
              0);
    EXPECT_EQ(raw_int(path_, "SELECT count(*) FROM pragma_index_info('events_by_pubkey')"), 4);
    EXPECT_EQ(raw_int(path_,
                      "SELECT name = 'kind' FROM pragma_index_info('events_by_pubkey') "
                      "WHERE seqno = 3"),
              1);
    EXPECT_EQ(raw_int(path_,
                      "SELECT count(*) FROM hub_channels WHERE channel_id = x'01' AND "
                      "seed = x'02' AND state = x'03'"),
              1);
    // Still read in feed order from the author's index: no temporary B-tree for the sort.
    EXPECT_EQ(raw_plan(path_, author_kind_sql), "SEARCH e USING INDEX events_by_pubkey (pubkey=?)");
    EXPECT_EQ(raw_plan(path_, "SELECT count(*) FROM events e WHERE e.pubkey = ? AND e.kind = ?"),
              "SEARCH e USING COVERING INDEX events_by_pubkey (pubkey=?)");

    const auto expect_author_shapes = [&] {
        const std::string a = to_hex(test::test_pubkey(1));
        const std::string b = to_hex(test::test_pubkey(2));
        for (const std::string& json :
             {R"({"authors":[")" + a + R"("],"kinds":[1111],"limit":20})",
              R"({"authors":[")" + a + R"("],"kinds":[1111]})",
              R"({"authors":[")" + a + R"("],"kinds":[1],"until":1500,"limit":30})",
              R"({"authors":[")" + a + R"(",")" + b + R"("],"kinds":[1111],"limit":40})",
              R"({"authors":[")" + a + R"("],"kinds":[1,1111],"since":1900,"limit":25})",
              R"({"authors":[")" + b + R"("],"limit":50})",
              std::string(R"({"kinds":[1111],"limit":60})")}) {
            const Filter filter = filter_from(json);
            auto got = reader_->query(filter, 500);
            ASSERT_TRUE(got.ok()) << got.error().message;
            EXPECT_EQ(*got, expected(filter, std::min<size_t>(filter.limit.value_or(500), 500)))
                << json;
            EXPECT_FALSE(got->empty()) << json;
            auto counted = reader_->count({filter});
            ASSERT_TRUE(counted.ok());
            if (!filter.limit) {
                EXPECT_EQ(*counted, got->size()) << json;
            }
        }
    };
    expect_author_shapes();
    write(events(300, 2400));
    expect_author_shapes();
}

}  // namespace
}  // namespace datt::relay
