// Schema 12 (sqlite_schema.h): the tags table is keyed (name, value, created_at DESC, id),
// so a tag filter reads the table itself in feed order, and the writer removes an event's
// rows by their keys, read back from the event's stored JSON. Checked against the
// reference (proto::matches over what should be stored): the rows the table holds, the
// answers and counts of tag filters (a tag that drives the query and one tested per
// event), after replacements that reuse a seq and NIP-09 deletions, and after the
// migration of a file whose table was keyed by event (schema 11).
#include <gtest/gtest.h>

#include <set>
#include <utility>

#include "stored_set.h"

namespace datt::relay {
namespace {

using event::Event;
using test::raw_exec;
using test::raw_int;
using test::sign_event;

// Tag values with JSON escapes and a NUL: the writer's delete must bind exactly the bytes
// it inserted, which the stored JSON gives back only once unescaped.
const std::string kOddTopic = std::string("odd \"topic\"\t\\ \0 end", 20);

class TagTableTest : public test::StoredSetTest {
  protected:
    // `n` events by 4 authors, created_at from 1000 with ties, each with a `t` tag of one of
    // five topics (every 11th the odd one), a `p` tag, the same `t` tag twice in every
    // third (one row), a second `t` topic in every fifth, and tags the table never holds
    // (a two-letter name, a name alone).
    static std::vector<Event> events(int n, int first = 0) {
        std::vector<Event> out;
        for (int i = first; i < first + n; ++i) {
            const std::string topic = i % 11 == 0 ? kOddTopic : "topic" + std::to_string(i % 5);
            event::Tags tags = {{"t", topic}, {"p", to_hex(test::test_pubkey(i % 3))},
                                {"xx", "not indexed"}, {"t"}};
            if (i % 3 == 0) tags.push_back({"t", topic, "a third element"});
            if (i % 5 == 0) tags.push_back({"t", "second"});
            out.push_back(sign_event(i % 4, 1000 + i / 2, i % 7 == 0 ? 1111 : 1, tags,
                                     "word" + std::to_string(i)));
        }
        return out;
    }

    // One row per distinct (name, value) of each stored event's one-letter tags with a value.
    int64_t expected_rows() const {
        int64_t rows = 0;
        for (const Event& e : stored_) {
            std::set<std::pair<std::string, std::string>> keys;
            for (const event::Tag& tag : e.tags()) {
                if (tag.size() >= 2 && tag[0].size() == 1) keys.emplace(tag[0], tag[1]);
            }
            rows += static_cast<int64_t>(keys.size());
        }
        return rows;
    }

    void expect_rows_and_answers() {
        EXPECT_EQ(raw_int(path_, "SELECT count(*) FROM tags"), expected_rows());
        // Every row points at the stored event whose created_at and id it copies.
        EXPECT_EQ(raw_int(path_,
                          "SELECT count(*) FROM tags t JOIN events e ON e.seq = t.event "
                          "AND e.created_at = t.created_at AND e.id = t.id"),
                  expected_rows());
        const std::string odd = json_string(kOddTopic);
        const std::string author = json_string(to_hex(test::test_pubkey(1)));
        for (const std::string& json : std::vector<std::string>{
                 R"({"#t":["topic1"],"limit":30})", R"({"#t":["topic2"]})",
                 R"({"#t":["second"],"kinds":[1111]})", R"({"#t":["topic1","topic3"],"limit":50})",
                 R"({"#t":[)" + odd + R"(],"limit":40})",
                 R"({"#t":["second"],"#p":[)" + author + R"(],"limit":20})",
                 R"({"#p":[)" + author + R"(],"#t":["topic4",)" + odd + R"(]})",
                 R"({"#t":["old profile"]})", R"({"#t":["new profile"]})",
                 R"({"#t":["topic0"],"authors":[)" + author + R"(],"limit":10})"}) {
            const proto::Filter filter = test::filter_from(json);
            auto got = reader_->query(filter, 500);
            ASSERT_TRUE(got.ok()) << got.error().message;
            EXPECT_EQ(*got, expected(filter, std::min<size_t>(filter.limit.value_or(500), 500)))
                << json;
            proto::Filter unlimited = filter;
            unlimited.limit.reset();
            auto counted = reader_->count({unlimited});
            ASSERT_TRUE(counted.ok()) << counted.error().message;
            EXPECT_EQ(*counted, expected(unlimited, SIZE_MAX).size()) << json;
        }
    }

    // A replaceable event with a tag, replaced by a newer one with another: the old row
    // (the highest seq) goes and the new one takes its seq, so a tag row left behind would
    // name the new event.
    void replace_profile() {
        write({sign_event(9, 1200, 0, {{"t", "old profile"}}, "v1")});
        write({sign_event(9, 5000, 0, {{"t", "new profile"}}, "v2")});
        std::erase_if(stored_, [](const Event& e) { return e.content() == "v1"; });
    }

    // JSON string for a value (the test's own escaping, enough for kOddTopic).
    static std::string json_string(const std::string& value) {
        std::string out = "\"";
        for (char c : value) {
            if (c == '"' || c == '\\') {
                out += '\\';
                out += c;
            } else if (c == '\t') {
                out += "\\t";
            } else if (c == '\0') {
                out += "\\u0000";
            } else {
                out += c;
            }
        }
        return out + "\"";
    }
};

TEST_F(TagTableTest, RowsGoWithTheirEvents) {
    write(events(1200));
    replace_profile();
    delete_first(1, 60);
    delete_first(2, 25);
    write(events(200, 1200));
    expect_rows_and_answers();
}

// The plan of a tag filter: the table's own key, in feed order, no sort.
TEST_F(TagTableTest, ATagFilterReadsTheTableInFeedOrder) {
    EXPECT_EQ(test::raw_plan(path_,
                             "SELECT event FROM tags WHERE name = ? AND value = ? "
                             "ORDER BY created_at DESC, id LIMIT 10"),
              "SEARCH tags USING PRIMARY KEY (name=? AND value=?)");
    EXPECT_EQ(raw_int(path_, "SELECT count(*) FROM sqlite_schema WHERE name = 'tags_by_value'"), 0);
}

TEST_F(TagTableTest, MigrationFromSchemaElevenKeysTheTableByValue) {
    write(events(1200));
    replace_profile();
    reader_.reset();
    store_.reset();
    // Schema 11's table: keyed by event, with its index in feed order.
    raw_exec(path_,
             "CREATE TABLE old_tags (event INTEGER NOT NULL, name TEXT NOT NULL, value BLOB "
             "NOT NULL, created_at INTEGER NOT NULL, id BLOB NOT NULL, PRIMARY KEY (event, "
             "name, value)) WITHOUT ROWID;"
             "INSERT INTO old_tags SELECT event, name, value, created_at, id FROM tags;"
             "DROP TABLE tags; ALTER TABLE old_tags RENAME TO tags;"
             "CREATE INDEX tags_by_value ON tags(name, value, created_at DESC, id);"
             "PRAGMA user_version = 11");
    ASSERT_EQ(raw_int(path_, "SELECT count(*) FROM sqlite_schema WHERE name = 'tags_by_value'"), 1);
    ASSERT_EQ(raw_int(path_, "SELECT count(*) FROM tags"), expected_rows());

    reopen();
    EXPECT_EQ(raw_int(path_, "PRAGMA user_version"), 14);  // through 12 (this table), 13 and 14
    EXPECT_EQ(raw_int(path_, "SELECT count(*) FROM sqlite_schema WHERE name = 'tags_by_value'"), 0);
    EXPECT_EQ(raw_int(path_,
                      "SELECT count(*) FROM sqlite_schema WHERE name = 'tags' AND "
                      "sql LIKE '%PRIMARY KEY (name, value, created_at DESC, id)%'"),
              1);
    expect_rows_and_answers();
    // Replacements and deletions of events whose rows the migration wrote.
    write({sign_event(9, 6000, 0, {{"t", "new profile"}, {"t", "topic1"}}, "v3")});
    std::erase_if(stored_, [](const Event& e) { return e.content() == "v2"; });
    delete_first(1, 60);
    delete_first(3, 30);
    expect_rows_and_answers();
}

}  // namespace
}  // namespace datt::relay
