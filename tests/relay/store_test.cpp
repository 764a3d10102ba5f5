// The SQLite event store: NIP-01 replaceable/addressable rules, NIP-09 deletion, queries,
// counts, search, persistence and refusal of files that are not Datt databases.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include "proto/message.h"
#include "store/sql_filter.h"
#include "store/sqlite_store.h"
#include "store_support.h"
#include "stored_set.h"
#include "util/hex.h"

namespace datt::relay {
namespace {

namespace fs = std::filesystem;
using event::Event;
using proto::Filter;
using test::raw_exec;  // runs a statement on the file directly, bypassing the store
using test::sign_event;
using test::test_pubkey;

std::string read_bytes(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

void write_bytes(const std::string& path, const std::string& bytes) {
    std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
}

Filter filter_from(const std::string& json) {
    auto filter = proto::parse_filter(json);
    EXPECT_TRUE(filter.ok()) << json << ": " << (filter.ok() ? "" : filter.error().message);
    return filter.ok() ? *filter : Filter{};
}

// The first column of the first row of `sql` as text, read from the file directly.
std::string raw_text(const std::string& path, const std::string& sql) {
    sqlite3* db = nullptr;
    std::string result = "cannot read";
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK &&
        sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) == SQLITE_OK &&
        sqlite3_step(stmt) == SQLITE_ROW) {
        result = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
    }
    sqlite3_finalize(stmt);
    sqlite3_close(db);
    return result;
}

class StoreTest : public test::OpenStoreTest {
  protected:
    StoreTest() : OpenStoreTest("relay.sqlite3") {}

    std::vector<WriteOutcome> write(std::vector<Event> events) {
        auto outcomes = store_->write_batch(events);
        EXPECT_TRUE(outcomes.ok()) << outcomes.error().message;
        return outcomes.ok() ? *outcomes : std::vector<WriteOutcome>{};
    }

    WriteOutcome write_one(const Event& event) {
        auto outcomes = write({event});
        EXPECT_EQ(outcomes.size(), 1u);
        return outcomes.empty() ? WriteOutcome{} : outcomes[0];
    }

    std::vector<std::string> query(const Filter& filter, size_t max_results = 500) {
        auto result = reader_->query(filter, max_results);
        EXPECT_TRUE(result.ok()) << result.error().message;
        return result.ok() ? *result : std::vector<std::string>{};
    }

    std::vector<std::string> query(const std::string& filter_json, size_t max_results = 500) {
        return query(filter_from(filter_json), max_results);
    }

    uint64_t count(const std::vector<std::string>& filter_jsons) {
        std::vector<Filter> filters;
        for (const auto& json : filter_jsons) filters.push_back(filter_from(json));
        auto result = reader_->count(filters);
        EXPECT_TRUE(result.ok()) << result.error().message;
        return result.ok() ? *result : 0;
    }

    static std::vector<std::string> jsons(std::vector<Event> events) {
        std::sort(events.begin(), events.end(), test::feed_order);
        std::vector<std::string> out;
        for (const Event& e : events) out.push_back(e.to_json());
        return out;
    }

    static std::string pk(int key) { return to_hex(test_pubkey(key)); }
};

// ---------------------------------------------------------------------------------------
// Writes

TEST_F(StoreTest, StoresAndReturnsTheSerializedEventVerbatim) {
    const Event note = sign_event(0, 1000, 1, {{"t", "datt"}}, "hello \"world\"\n\u00e9");
    const WriteOutcome outcome = write_one(note);
    EXPECT_EQ(outcome.status, WriteStatus::kStored);
    EXPECT_TRUE(outcome.removed.empty());
    EXPECT_EQ(query("{}"), std::vector<std::string>{note.to_json()});
    auto parsed = Event::parse(query("{}").at(0));
    ASSERT_TRUE(parsed.ok());
    EXPECT_EQ(*parsed, note);
}

TEST_F(StoreTest, DuplicatesAcrossAndWithinBatches) {
    const Event note = sign_event(0, 1000, 1, {}, "once");
    EXPECT_EQ(write_one(note).status, WriteStatus::kStored);
    EXPECT_EQ(write_one(note).status, WriteStatus::kDuplicate);
    const Event other = sign_event(0, 1001, 1, {}, "twice in a batch");
    auto outcomes = write({other, other});
    ASSERT_EQ(outcomes.size(), 2u);
    EXPECT_EQ(outcomes[0].status, WriteStatus::kStored);
    EXPECT_EQ(outcomes[1].status, WriteStatus::kDuplicate);
    EXPECT_EQ(count({"{}"}), 2u);
}

TEST_F(StoreTest, ReplaceableKeepsTheNewestPerAuthorAndKind) {
    const Event v1 = sign_event(0, 100, 0, {}, "{\"name\":\"v1\"}");
    const Event v2 = sign_event(0, 200, 0, {}, "{\"name\":\"v2\"}");
    const Event stale = sign_event(0, 150, 0, {}, "{\"name\":\"stale\"}");
    const Event other_author = sign_event(1, 50, 0, {}, "{}");
    const Event other_kind = sign_event(0, 10, 10002, {{"r", "wss://x"}});
    EXPECT_EQ(write_one(v1).status, WriteStatus::kStored);
    const WriteOutcome replaced = write_one(v2);
    EXPECT_EQ(replaced.status, WriteStatus::kStored);
    EXPECT_EQ(replaced.removed, std::vector<Hash256>{v1.id()});
    EXPECT_EQ(write_one(stale).status, WriteStatus::kReplacedNewer);
    EXPECT_EQ(write_one(v1).status, WriteStatus::kReplacedNewer);  // gone, and still older
    EXPECT_EQ(write_one(other_author).status, WriteStatus::kStored);
    EXPECT_EQ(write_one(other_kind).status, WriteStatus::kStored);
    EXPECT_EQ(query("{\"kinds\":[0],\"authors\":[\"" + pk(0) + "\"]}"), jsons({v2}));
    EXPECT_EQ(query("{}"), jsons({v2, other_author, other_kind}));
    // The replaced version is gone from every index, search included.
    EXPECT_TRUE(query("{\"ids\":[\"" + to_hex(v1.id()) + "\"]}").empty());
    EXPECT_TRUE(query("{\"search\":\"v1\"}").empty());
    EXPECT_EQ(query("{\"search\":\"v2\"}"), jsons({v2}));
}

TEST_F(StoreTest, ReplaceableTieKeepsTheLowestIdInEitherArrivalOrder) {
    // Same author, kind and created_at; which id is lower depends only on the content.
    Event a = sign_event(0, 500, 3, {}, "a");
    Event b = sign_event(0, 500, 3, {}, "b");
    if (b.id() < a.id()) std::swap(a, b);  // now a has the lower id
    EXPECT_EQ(write_one(b).status, WriteStatus::kStored);
    const WriteOutcome lower = write_one(a);
    EXPECT_EQ(lower.status, WriteStatus::kStored);
    EXPECT_EQ(lower.removed, std::vector<Hash256>{b.id()});
    EXPECT_EQ(write_one(b).status, WriteStatus::kReplacedNewer);
    EXPECT_EQ(query("{\"kinds\":[3]}"), jsons({a}));

    // Lower id first: the higher one never gets in.
    Event c = sign_event(1, 500, 3, {}, "c");
    Event d = sign_event(1, 500, 3, {}, "d");
    if (d.id() < c.id()) std::swap(c, d);
    EXPECT_EQ(write_one(c).status, WriteStatus::kStored);
    EXPECT_EQ(write_one(d).status, WriteStatus::kReplacedNewer);
    EXPECT_EQ(query("{\"kinds\":[3],\"authors\":[\"" + pk(1) + "\"]}"), jsons({c}));
}

TEST_F(StoreTest, AddressableKeepsTheNewestPerDTag) {
    const Event x1 = sign_event(0, 100, 30023, {{"d", "x"}, {"title", "one"}}, "x one");
    const Event x2 = sign_event(0, 200, 30023, {{"d", "x"}}, "x two");
    const Event y1 = sign_event(0, 300, 30023, {{"d", "y"}}, "y one");
    const Event no_d = sign_event(0, 100, 30023, {}, "no d");
    const Event empty_d = sign_event(0, 150, 30023, {{"d", ""}}, "empty d");
    const Event other_kind = sign_event(0, 50, 30024, {{"d", "x"}}, "other kind");
    const Event other_author = sign_event(1, 50, 30023, {{"d", "x"}}, "other author");
    EXPECT_EQ(write_one(x1).status, WriteStatus::kStored);
    EXPECT_EQ(write_one(y1).status, WriteStatus::kStored);
    EXPECT_EQ(write_one(x2).removed, std::vector<Hash256>{x1.id()});
    EXPECT_EQ(write_one(x1).status, WriteStatus::kReplacedNewer);
    EXPECT_EQ(write_one(no_d).status, WriteStatus::kStored);
    // A missing d tag and an empty one name the same address.
    EXPECT_EQ(write_one(empty_d).removed, std::vector<Hash256>{no_d.id()});
    EXPECT_EQ(write_one(other_kind).status, WriteStatus::kStored);
    EXPECT_EQ(write_one(other_author).status, WriteStatus::kStored);
    EXPECT_EQ(query("{\"authors\":[\"" + pk(0) + "\"],\"kinds\":[30023]}"),
              jsons({x2, y1, empty_d}));
    EXPECT_EQ(query("{\"#d\":[\"x\"]}"), jsons({x2, other_kind, other_author}));
}

TEST_F(StoreTest, AddressableTieKeepsTheLowestId) {
    Event a = sign_event(0, 700, 30000, {{"d", "list"}}, "a");
    Event b = sign_event(0, 700, 30000, {{"d", "list"}}, "b");
    if (b.id() < a.id()) std::swap(a, b);
    // Both in one batch, higher id first.
    auto outcomes = write({b, a});
    ASSERT_EQ(outcomes.size(), 2u);
    EXPECT_EQ(outcomes[0].status, WriteStatus::kStored);
    EXPECT_EQ(outcomes[1].status, WriteStatus::kStored);
    EXPECT_EQ(outcomes[1].removed, std::vector<Hash256>{b.id()});
    EXPECT_EQ(query("{\"#d\":[\"list\"]}"), jsons({a}));
}

TEST_F(StoreTest, RegularKindsAreAllKept) {
    const Event a = sign_event(0, 100, 1, {{"d", "same"}}, "a");
    const Event b = sign_event(0, 100, 1, {{"d", "same"}}, "b");
    EXPECT_EQ(write_one(a).status, WriteStatus::kStored);
    EXPECT_EQ(write_one(b).status, WriteStatus::kStored);
    EXPECT_EQ(query("{}"), jsons({a, b}));
}

TEST_F(StoreTest, EphemeralKindIsAnErrorAndNothingOfTheBatchIsCommitted) {
    const Event note = sign_event(0, 100, 1, {}, "regular");
    const Event ephemeral = sign_event(0, 100, 20001, {}, "ephemeral");
    std::vector<Event> batch = {note, ephemeral};
    auto outcomes = store_->write_batch(batch);
    ASSERT_FALSE(outcomes.ok());
    EXPECT_EQ(outcomes.error().code, "store_ephemeral_kind");
    EXPECT_TRUE(query("{}").empty());
}

TEST_F(StoreTest, AnSqliteErrorMidBatchCommitsNothing) {
    const Event before = sign_event(0, 100, 1, {}, "before");
    write_one(before);
    // A trigger added behind the store's back makes the second insert of the batch fail.
    raw_exec(path_,
             "CREATE TRIGGER fail BEFORE INSERT ON events WHEN NEW.kind = 4242 "
             "BEGIN SELECT RAISE(ABORT, 'injected failure'); END;");
    const Event first = sign_event(0, 200, 1, {{"t", "x"}}, "first of the failing batch");
    const Event profile = sign_event(0, 200, 0, {}, "{}");
    const Event request = sign_event(0, 200, 5, {{"e", to_hex(before.id())}});
    const Event failing = sign_event(0, 200, 4242, {}, "fails");
    std::vector<Event> batch = {first, profile, request, failing};
    auto outcomes = store_->write_batch(batch);
    ASSERT_FALSE(outcomes.ok());
    EXPECT_EQ(outcomes.error().code, "store_sqlite");
    EXPECT_NE(outcomes.error().message.find("injected failure"), std::string::npos)
        << outcomes.error().message;
    // Nothing of the batch, and the deletion in it did not happen either.
    EXPECT_EQ(query("{}"), jsons({before}));
    EXPECT_TRUE(query("{\"search\":\"failing\"}").empty());
    EXPECT_TRUE(query("{\"#t\":[\"x\"]}").empty());
    // The store keeps working: the same events (but the failing one) go in next time.
    raw_exec(path_, "DROP TRIGGER fail");
    std::vector<Event> retry = {first, profile, request};
    auto retried = store_->write_batch(retry);
    ASSERT_TRUE(retried.ok()) << retried.error().message;
    EXPECT_EQ((*retried)[2].removed, std::vector<Hash256>{before.id()});
    EXPECT_EQ(query("{}"), jsons({first, profile, request}));
}

// ---------------------------------------------------------------------------------------
// NIP-09 deletion

TEST_F(StoreTest, DeletionByIdRemovesTheAuthorsTargetsAndKeepsThemOut) {
    const Event keep = sign_event(0, 100, 1, {}, "keep");
    const Event doomed = sign_event(0, 101, 1, {{"t", "gone"}}, "doomed words");
    const Event doomed_too = sign_event(0, 102, 7, {}, "+");
    write({keep, doomed, doomed_too});
    const Event request = sign_event(0, 200, 5,
                                     {{"e", to_hex(doomed.id())},
                                      {"e", to_hex(doomed_too.id())},
                                      {"e", std::string(64, 'f')},  // unknown: only remembered
                                      {"e", "not hex"}},
                                     "spam");
    const WriteOutcome outcome = write_one(request);
    EXPECT_EQ(outcome.status, WriteStatus::kStored);
    EXPECT_EQ(outcome.removed, (std::vector<Hash256>{doomed.id(), doomed_too.id()}));
    EXPECT_EQ(query("{}"), jsons({keep, request}));
    EXPECT_TRUE(query("{\"#t\":[\"gone\"]}").empty());
    EXPECT_TRUE(query("{\"search\":\"doomed\"}").empty());
    // They never come back.
    EXPECT_EQ(write_one(doomed).status, WriteStatus::kDeleted);
    EXPECT_EQ(write_one(doomed_too).status, WriteStatus::kDeleted);
    EXPECT_EQ(count({"{}"}), 2u);
}

TEST_F(StoreTest, DeletionArrivingFirstRefusesTheTargetLater) {
    const Event target = sign_event(0, 100, 1, {}, "late");
    const Event request = sign_event(0, 200, 5, {{"e", to_hex(target.id())}});
    EXPECT_EQ(write_one(request).status, WriteStatus::kStored);
    EXPECT_EQ(write_one(target).status, WriteStatus::kDeleted);
    // Also within one batch, deletion first.
    const Event target2 = sign_event(0, 101, 1, {}, "late too");
    const Event request2 = sign_event(0, 201, 5, {{"e", to_hex(target2.id())}});
    auto outcomes = write({request2, target2});
    ASSERT_EQ(outcomes.size(), 2u);
    EXPECT_EQ(outcomes[1].status, WriteStatus::kDeleted);
    EXPECT_EQ(query("{}"), jsons({request, request2}));
}

TEST_F(StoreTest, DeletionOfAnotherAuthorsEventsDoesNothingToThem) {
    const Event victim = sign_event(0, 100, 1, {}, "mine");
    const Event victim_profile = sign_event(0, 100, 0, {}, "{}");
    const Event victim_article = sign_event(0, 100, 30023, {{"d", "post"}}, "article");
    write({victim, victim_profile, victim_article});
    const Event attack = sign_event(
        1, 200, 5,
        {{"e", to_hex(victim.id())}, {"a", "0:" + pk(0) + ":"}, {"a", "30023:" + pk(0) + ":post"}});
    const WriteOutcome outcome = write_one(attack);
    EXPECT_EQ(outcome.status, WriteStatus::kStored);
    EXPECT_TRUE(outcome.removed.empty());
    EXPECT_EQ(query("{\"authors\":[\"" + pk(0) + "\"]}"),
              jsons({victim, victim_profile, victim_article}));
    // And nothing of the author's is refused because of it.
    const Event newer_article = sign_event(0, 150, 30023, {{"d", "post"}}, "edited");
    EXPECT_EQ(write_one(newer_article).status, WriteStatus::kStored);
}

TEST_F(StoreTest, DeletionByAddressRemovesVersionsUpToItsTime) {
    const Event article = sign_event(0, 100, 30023, {{"d", "post"}}, "v1");
    const Event other_d = sign_event(0, 100, 30023, {{"d", "other"}}, "other");
    const Event profile = sign_event(0, 100, 0, {}, "{}");
    write({article, other_d, profile});
    const Event request =
        sign_event(0, 150, 5, {{"a", "30023:" + pk(0) + ":post"}, {"a", "0:" + pk(0) + ":"}});
    const WriteOutcome outcome = write_one(request);
    EXPECT_EQ(outcome.removed, (std::vector<Hash256>{article.id(), profile.id()}));
    EXPECT_EQ(query("{\"kinds\":[0,30023]}"), jsons({other_d}));
    // Versions up to the request's created_at are refused; later ones are welcome.
    EXPECT_EQ(write_one(sign_event(0, 120, 30023, {{"d", "post"}}, "v0")).status,
              WriteStatus::kDeleted);
    EXPECT_EQ(write_one(sign_event(0, 150, 30023, {{"d", "post"}}, "same second")).status,
              WriteStatus::kDeleted);
    EXPECT_EQ(write_one(sign_event(0, 149, 0, {}, "{}")).status, WriteStatus::kDeleted);
    const Event v2 = sign_event(0, 151, 30023, {{"d", "post"}}, "v2");
    EXPECT_EQ(write_one(v2).status, WriteStatus::kStored);
    EXPECT_EQ(query("{\"#d\":[\"post\"]}"), jsons({v2}));
}

TEST_F(StoreTest, DeletionByAddressSparesNewerVersions) {
    const Event newer = sign_event(0, 300, 30023, {{"d", "post"}}, "newer than the request");
    write_one(newer);
    const Event request = sign_event(0, 200, 5, {{"a", "30023:" + pk(0) + ":post"}});
    EXPECT_TRUE(write_one(request).removed.empty());
    EXPECT_EQ(query("{\"kinds\":[30023]}"), jsons({newer}));
    // A later request with a higher time extends the tombstone; an earlier one does not
    // shrink it.
    write_one(sign_event(0, 400, 5, {{"a", "30023:" + pk(0) + ":post"}}, "later"));
    EXPECT_TRUE(query("{\"kinds\":[30023]}").empty());
    write_one(sign_event(0, 250, 5, {{"a", "30023:" + pk(0) + ":post"}}, "earlier"));
    EXPECT_EQ(write_one(sign_event(0, 350, 30023, {{"d", "post"}}, "x")).status,
              WriteStatus::kDeleted);
}

TEST_F(StoreTest, ADeletionRequestCannotBeDeleted) {
    const Event note = sign_event(0, 100, 1, {}, "note");
    const Event first = sign_event(0, 200, 5, {{"e", to_hex(note.id())}});
    write({note, first});
    const Event second =
        sign_event(0, 300, 5, {{"e", to_hex(first.id())}, {"a", "5:" + pk(0) + ":"}});
    const WriteOutcome outcome = write_one(second);
    EXPECT_EQ(outcome.status, WriteStatus::kStored);
    EXPECT_TRUE(outcome.removed.empty());
    EXPECT_EQ(query("{\"kinds\":[5]}"), jsons({first, second}));

    // Nor is a deletion request refused when it arrives after a request naming it.
    const Event third = sign_event(0, 400, 5, {}, "third");
    const Event fourth = sign_event(0, 500, 5, {{"e", to_hex(third.id())}});
    EXPECT_EQ(write_one(fourth).status, WriteStatus::kStored);
    EXPECT_EQ(write_one(third).status, WriteStatus::kStored);
}

TEST_F(StoreTest, MalformedAddressTagsNameNothing) {
    const Event article = sign_event(0, 100, 30023, {{"d", "p"}}, "x");
    const Event note = sign_event(0, 100, 1, {}, "regular");
    write({article, note});
    const Event request = sign_event(0, 200, 5,
                                     {{"a", "30023:" + pk(0)},           // no d part
                                      {"a", "+30023:" + pk(0) + ":p"},   // not a plain number
                                      {"a", "99999:" + pk(0) + ":p"},    // kind out of range
                                      {"a", "30023:zz:p"},               // pubkey not hex
                                      {"a", "1:" + pk(0) + ":"},         // regular kind
                                      {"a", "30023:" + pk(0) + ":P"}});  // d is case-sensitive
    EXPECT_TRUE(write_one(request).removed.empty());
    EXPECT_EQ(count({"{}"}), 3u);
}

// ---------------------------------------------------------------------------------------
// Queries

class QueryTest : public StoreTest {
  protected:
    void SetUp() override {
        StoreTest::SetUp();
        const std::string e1(64, '1'), e2(64, '2');
        events_ = {
            sign_event(0, 100, 1, {{"t", "bitcoin"}, {"p", pk(1)}}, "Bitcoin is money"),
            sign_event(0, 100, 1111, {{"e", e1}, {"t", "nostr"}}, "a comment on nostr"),
            sign_event(1, 100, 7, {{"e", e1}, {"p", pk(0)}}, "+"),
            sign_event(1, 90, 1, {{"t", "bitcoin"}, {"t", "nostr"}}, "both topics"),
            sign_event(2, 110, 1111, {{"e", e2}, {"t", "Bitcoin"}}, "CAFÉ talk"),
            sign_event(2, 80, 1984, {{"e", e2}, {"title", "long name"}, {"x"}}, "report foo-bar"),
            sign_event(0, 120, 1, {{"t", "bitcoin"}, {"t", "bitcoin"}}, "tag twice, foo bar"),
        };
        write(events_);
    }

    std::vector<std::string> expected(const Filter& filter, size_t limit = SIZE_MAX) {
        std::vector<Event> matching;
        for (const Event& e : events_) {
            if (proto::matches(filter, e)) matching.push_back(e);
        }
        std::vector<std::string> out = jsons(matching);
        if (out.size() > limit) out.resize(limit);
        return out;
    }

    // The store's answer equals the reference filter's.
    void expect_query(const std::string& json, size_t max_results = 500) {
        const Filter filter = filter_from(json);
        const size_t limit = std::min<size_t>(filter.limit.value_or(max_results), max_results);
        EXPECT_EQ(query(filter, max_results), expected(filter, limit)) << json;
    }

    std::vector<Event> events_;
};

TEST_F(QueryTest, OrderIsNewestFirstThenLowestId) {
    const std::vector<std::string> all = query("{}");
    ASSERT_EQ(all.size(), events_.size());
    EXPECT_EQ(all, jsons(events_));
    // Three events share created_at 100: their relative order is by id.
    std::vector<Hash256> tied;
    for (const std::string& json : all) {
        auto e = Event::parse(json);
        ASSERT_TRUE(e.ok());
        if (e->created_at() == 100) tied.push_back(e->id());
    }
    ASSERT_EQ(tied.size(), 3u);
    EXPECT_TRUE(std::is_sorted(tied.begin(), tied.end()));
}

TEST_F(QueryTest, EachFilterFieldAgreesWithTheReference) {
    const std::string e1(64, '1');
    for (const std::string& json : std::vector<std::string>{
             "{}",
             "{\"ids\":[\"" + to_hex(events_[2].id()) + "\",\"" + to_hex(events_[5].id()) + "\"]}",
             "{\"authors\":[\"" + pk(0) + "\"]}",
             "{\"authors\":[\"" + pk(0) + "\",\"" + pk(2) + "\"]}",
             "{\"kinds\":[1]}",
             "{\"kinds\":[1,7,1984]}",
             "{\"authors\":[\"" + pk(1) + "\"],\"kinds\":[1]}",
             "{\"#t\":[\"bitcoin\"]}",
             "{\"#t\":[\"bitcoin\",\"nostr\"]}",
             "{\"#t\":[\"Bitcoin\"]}",
             "{\"#e\":[\"" + e1 + "\"]}",
             "{\"#p\":[\"" + pk(0) + "\",\"" + pk(1) + "\"]}",
             "{\"#t\":[\"nostr\"],\"#e\":[\"" + e1 + "\"]}",
             "{\"#t\":[\"bitcoin\",\"nostr\"],\"#p\":[\"" + pk(1) + "\"]}",
             "{\"#t\":[\"bitcoin\"],\"authors\":[\"" + pk(0) + "\"]}",
             "{\"#x\":[\"\"]}",           // a tag without a value is not indexed
             "{\"#t\":[\"long name\"]}",  // only one-letter names
             "{\"since\":100}",
             "{\"until\":100}",
             "{\"since\":90,\"until\":100}",
             "{\"since\":101,\"until\":100}",
             "{\"kinds\":[1],\"limit\":2}",
             "{\"limit\":3}",
             "{\"#t\":[\"bitcoin\"],\"limit\":1}",
         }) {
        expect_query(json);
    }
}

TEST_F(QueryTest, EmptyListsMatchNothing) {
    for (const char* json : {"{\"ids\":[]}", "{\"authors\":[]}", "{\"kinds\":[]}", "{\"#t\":[]}",
                             "{\"kinds\":[1],\"#e\":[]}"}) {
        EXPECT_TRUE(query(json).empty()) << json;
        EXPECT_EQ(count({json}), 0u) << json;
    }
}

TEST_F(QueryTest, LimitIsTheSmallerOfTheFiltersAndTheCaller) {
    EXPECT_EQ(query("{}", 3).size(), 3u);             // no limit: the caller's cap
    EXPECT_EQ(query("{\"limit\":2}", 5).size(), 2u);  // the filter's, below the cap
    EXPECT_EQ(query("{\"limit\":100}", 4).size(), 4u);
    EXPECT_TRUE(query("{\"limit\":0}").empty());
    EXPECT_TRUE(query("{}", 0).empty());
    EXPECT_EQ(query("{\"limit\":4294967295}", 1000).size(), events_.size());
    expect_query("{\"limit\":2}", 5);
    expect_query("{}", 3);
}

TEST_F(QueryTest, CountIsDistinctAcrossFiltersAndIgnoresLimit) {
    EXPECT_EQ(count({"{}"}), events_.size());
    EXPECT_EQ(count({"{\"limit\":1}"}), events_.size());
    EXPECT_EQ(count({"{\"#t\":[\"bitcoin\"]}"}), 3u);
    EXPECT_EQ(count({"{\"#t\":[\"bitcoin\",\"nostr\"]}"}), 4u);  // the event with both once
    // Overlapping filters: kind 1 (3 events) or author 0 (3 events, 2 of them kind 1).
    EXPECT_EQ(count({"{\"kinds\":[1]}", "{\"authors\":[\"" + pk(0) + "\"]}"}), 4u);
    EXPECT_EQ(count({"{\"kinds\":[1]}", "{\"ids\":[]}"}), 3u);
    EXPECT_EQ(count({}), 0u);
    EXPECT_EQ(count({"{\"search\":\"bitcoin\"}", "{\"kinds\":[7]}"}), 2u);
}

TEST_F(QueryTest, SearchFindsWholeWordsIgnoringAsciiCase) {
    EXPECT_EQ(query("{\"search\":\"bitcoin\"}"), jsons({events_[0]}));
    EXPECT_EQ(query("{\"search\":\"MONEY bitcoin\"}"), jsons({events_[0]}));
    EXPECT_TRUE(query("{\"search\":\"bitcoin nostr\"}").empty());  // terms are ANDed
    EXPECT_EQ(query("{\"search\":\"nostr\",\"kinds\":[1111]}"), jsons({events_[1]}));
    EXPECT_EQ(query("{\"search\":\"talk\",\"#t\":[\"Bitcoin\"]}"), jsons({events_[4]}));
    // Whitespace-only search has no terms: it matches everything, as in proto::matches.
    expect_query("{\"search\":\"  \"}");
    // Documented subset: FTS5 matches whole words, so a substring inside a word is not found.
    EXPECT_TRUE(query("{\"search\":\"itcoi\"}").empty());
}

TEST_F(QueryTest, SearchResultsAlwaysSatisfyTheReferenceRule) {
    // FTS5 folds non-ASCII case and joins "foo-bar" into the phrase "foo bar"; neither is
    // a match for proto::matches, so neither may be returned.
    EXPECT_TRUE(query("{\"search\":\"café\"}").empty());
    EXPECT_EQ(query("{\"search\":\"CAFÉ\"}"), jsons({events_[4]}));
    EXPECT_EQ(query("{\"search\":\"foo-bar\"}"), jsons({events_[5]}));
    EXPECT_EQ(query("{\"search\":\"foo bar\"}"), jsons({events_[5], events_[6]}));
    EXPECT_EQ(count({"{\"search\":\"foo-bar\"}"}), 1u);
}

TEST_F(QueryTest, SearchInputCannotInjectFtsSyntax) {
    const Event tricky = sign_event(3, 130, 1, {}, "\"foo\" OR bar* NEAR( x");
    write_one(tricky);
    events_.push_back(tricky);
    for (const char* search : {R"(\"foo\" OR bar* NEAR()", R"(\"unbalanced)", "*", "^", "NOT",
                               "AND OR NOT", "content:foo", "-", "(((", ")", "NEAR(a b, 1)",
                               "\\\"\\\"", "{a b}", "a:b", "+", "bar*", "x\\u0000y", "!!!"}) {
        const std::string json = std::string("{\"search\":\"") + search + "\"}";
        const Filter filter = filter_from(json);
        auto result = reader_->query(filter, 500);
        ASSERT_TRUE(result.ok()) << search << ": " << result.error().message;
        // Whatever FTS5 finds, only events proto::matches accepts come back.
        for (const std::string& found : *result) {
            auto e = Event::parse(found);
            ASSERT_TRUE(e.ok());
            EXPECT_TRUE(proto::matches(filter, *e)) << search;
        }
        auto counted = reader_->count({filter});
        ASSERT_TRUE(counted.ok()) << search << ": " << counted.error().message;
        EXPECT_EQ(*counted, result->size()) << search;
    }
    // The exact text is found, taken as four literal terms.
    EXPECT_EQ(query(R"({"search":"\"foo\" OR bar* NEAR("})"), jsons({tricky}));
}

TEST(FtsQuery, QuotesEveryTermAndDoublesQuotes) {
    EXPECT_EQ(sqlite::fts_query("foo"), "\"foo\"");
    EXPECT_EQ(sqlite::fts_query(" a\tb\nc "), "\"a\" \"b\" \"c\"");
    EXPECT_EQ(sqlite::fts_query("\"x\" OR y*"), "\"\"\"x\"\"\" \"OR\" \"y*\"");
    EXPECT_EQ(sqlite::fts_query(" \t\n"), "");
    // FTS5 stops reading a query at a NUL byte.
    EXPECT_EQ(sqlite::fts_query(std::string("a\0b", 3)), "\"a b\"");
}

TEST_F(StoreTest, ReaderSeesLaterCommitsAndRunsBesideTheWriter) {
    EXPECT_TRUE(query("{}").empty());
    write_one(sign_event(0, 1, 1, {}, "first"));
    EXPECT_EQ(query("{}").size(), 1u);  // no snapshot held between calls

    // A reader thread queries while this thread commits batches; neither gets an error.
    std::atomic<bool> done{false};
    std::atomic<int> reader_errors{0};
    std::thread reader_thread([&] {
        auto reader = store_->open_reader();
        if (!reader.ok()) {
            ++reader_errors;
            return;
        }
        while (!done) {
            if (!(*reader)->query(filter_from("{\"kinds\":[1],\"limit\":50}"), 100).ok()) {
                ++reader_errors;
            }
            if (!(*reader)->count({Filter{}}).ok()) ++reader_errors;
        }
    });
    for (int batch = 0; batch < 20; ++batch) {
        std::vector<Event> events;
        for (int i = 0; i < 20; ++i)
            events.push_back(sign_event(batch % 3, 10 + i, 1, {}, std::to_string(batch * 100 + i)));
        ASSERT_TRUE(store_->write_batch(events).ok());
    }
    done = true;
    reader_thread.join();
    EXPECT_EQ(reader_errors.load(), 0);
    EXPECT_EQ(count({"{}"}), 401u);
}

// ---------------------------------------------------------------------------------------
// Files

TEST_F(StoreTest, EverythingSurvivesCloseAndReopen) {
    const Event note = sign_event(0, 100, 1, {{"t", "kept"}}, "persistent words");
    const Event profile = sign_event(0, 100, 0, {}, "{}");
    const Event request =
        sign_event(0, 200, 5, {{"e", std::string(64, 'a')}, {"a", "0:" + pk(0) + ":"}});
    write({note, profile, request});
    EXPECT_GT(store_->size_bytes(), 0u);
    reopen();
    EXPECT_EQ(query("{}"), jsons({note, request}));
    EXPECT_EQ(query("{\"#t\":[\"kept\"]}"), jsons({note}));
    EXPECT_EQ(query("{\"search\":\"persistent\"}"), jsons({note}));
    EXPECT_EQ(write_one(note).status, WriteStatus::kDuplicate);
    EXPECT_EQ(write_one(profile).status, WriteStatus::kDeleted);  // tombstones persist too
}

TEST_F(StoreTest, SizeGrowsWithContent) {
    const uint64_t before = store_->size_bytes();
    std::vector<Event> events;
    for (int i = 0; i < 200; ++i)
        events.push_back(sign_event(0, i, 1, {}, std::string(500, 'x') + std::to_string(i)));
    write(events);
    EXPECT_GT(store_->size_bytes(), before + 200 * 500);
}

// The store checkpoints its WAL (sqlite_store.h). The readers' statements end their read
// transactions when a query returns, also when it stopped early (a limit, a full
// scan_range): otherwise the TRUNCATE checkpoint below would wait out the busy timeout
// (5 s), give up, and leave the log in place.
TEST(StoreWal, CheckpointsFoldTheLogWhileReadersStayOpen) {
    test::TempDir dir;
    const std::string path = dir.file("wal.sqlite3");
    auto opened = open_sqlite_store(
        path, {.durable = false, .wal_checkpoint_pages = 32, .wal_limit_pages = 64});
    ASSERT_TRUE(opened.ok()) << opened.error().message;
    Store& store = **opened;
    auto opened_reader = store.open_reader();
    ASSERT_TRUE(opened_reader.ok());
    StoreReader& reader = **opened_reader;
    const auto wal_file = [&] {
        return fs::exists(path + "-wal") ? static_cast<uint64_t>(fs::file_size(path + "-wal")) : 0;
    };
    const auto batch = [](int from, int count) {
        std::vector<Event> events;
        for (int i = from; i < from + count; ++i) {
            events.push_back(
                sign_event(i % 3, 1000 + i, 1, {{"t", "wal" + std::to_string(i % 4)}},
                           "checkpoint words " + std::to_string(i) + std::string(300, '.')));
        }
        return events;
    };

    ASSERT_TRUE(store.write_batch(batch(0, 20)).ok());
    EXPECT_GT(wal_file(), 0u);
    EXPECT_EQ(store.wal_bytes(), wal_file());
    // Reads that stop early, a snapshot, a count, a search, a range scan.
    EXPECT_EQ(reader.query(filter_from("{\"kinds\":[1],\"limit\":5}"), 500)->size(), 5u);
    EXPECT_EQ(reader.query(filter_from("{\"#t\":[\"wal1\",\"wal2\"],\"limit\":3}"), 500)->size(),
              3u);
    {
        auto snapshot = ReadSnapshot::begin(reader);
        ASSERT_TRUE(snapshot.ok());
        EXPECT_EQ(reader.query(filter_from("{\"search\":\"checkpoint\",\"limit\":2}"), 500)->size(),
                  2u);
    }
    EXPECT_EQ(*reader.count({filter_from("{\"kinds\":[1]}")}), 20u);
    EXPECT_EQ(reader.scan_range(filter_from("{}"), {0, {}}, {INT64_MAX, {}}, 4)->size(), 4u);

    // This commit takes the log past wal_limit_pages: it ends with a TRUNCATE checkpoint.
    const uint64_t main_before = fs::file_size(path);
    ASSERT_TRUE(store.write_batch(batch(20, 300)).ok());
    EXPECT_EQ(wal_file(), 0u) << "a reader kept the log";
    EXPECT_EQ(store.wal_bytes(), 0u);
    EXPECT_GT(fs::file_size(path), main_before + 300u * 300) << "the pages reached the main file";
    EXPECT_EQ(reader.query(filter_from("{}"), 500)->size(), 320u);

    // Small commits append to the log; after an idle checkpoint() the next one starts it over.
    ASSERT_TRUE(store.write_batch(std::vector<Event>{sign_event(1, 5000, 1, {}, "small")}).ok());
    const uint64_t one_commit = wal_file();
    ASSERT_TRUE(store.write_batch(std::vector<Event>{sign_event(1, 5001, 1, {}, "appended")}).ok());
    EXPECT_GT(wal_file(), one_commit * 3 / 2) << "below wal_checkpoint_pages: no checkpoint";
    const uint64_t two_commits = wal_file();
    ASSERT_TRUE(store.checkpoint().ok());
    ASSERT_TRUE(store.write_batch(std::vector<Event>{sign_event(1, 5002, 1, {}, "restarted")}).ok());
    EXPECT_EQ(wal_file(), two_commits) << "the log started over instead of growing";
    EXPECT_EQ(reader.query(filter_from("{\"since\":5000}"), 500)->size(), 3u);
}

// A durable writer's log writes are gathered until the commit's sync (wal_gather_vfs.h):
// commits of several MiB of log (held, then written in pieces) and of a few frames are
// whole for a reader, through the TRUNCATE checkpoint and after reopening.
TEST(StoreWal, GatheredLogWritesAreWholeForReadersAndAfterReopen) {
    test::TempDir dir;
    const std::string path = dir.file("gather.sqlite3");
    std::vector<Event> events;
    for (int i = 0; i < 3000; ++i) {
        events.push_back(sign_event(i % 5, 1000 + i, 1, {{"t", "g" + std::to_string(i % 7)}},
                                    "gathered " + std::to_string(i) + std::string(900, 'x')));
    }
    {
        auto opened = open_sqlite_store(path, {.wal_checkpoint_pages = 256, .wal_limit_pages = 1024});
        ASSERT_TRUE(opened.ok()) << opened.error().message;
        Store& store = **opened;
        EXPECT_NE(sqlite3_vfs_find("datt-wal-gather"), nullptr) << "the durable writer's VFS";
        auto reader = store.open_reader();
        ASSERT_TRUE(reader.ok());
        ASSERT_TRUE(store.write_batch(std::span(events).first(2000)).ok());  // > 4 MiB of log
        EXPECT_EQ(*(*reader)->count({filter_from("{}")}), 2000u);
        for (size_t i = 2000; i < events.size(); i += 100) {
            ASSERT_TRUE(store.write_batch(std::span(events).subspan(i, 100)).ok());
            EXPECT_EQ(*(*reader)->count({filter_from("{}")}), i + 100);
        }
        EXPECT_EQ((*reader)->query(filter_from("{\"#t\":[\"g3\"],\"limit\":5000}"), 5000)->size(),
                  429u);
    }
    auto reopened = open_sqlite_store(path);
    ASSERT_TRUE(reopened.ok()) << reopened.error().message;
    auto reader = (*reopened)->open_reader();
    ASSERT_TRUE(reader.ok());
    EXPECT_EQ(*(*reader)->count({filter_from("{}")}), 3000u);
    EXPECT_EQ(raw_text(path, "PRAGMA integrity_check"), "ok");
}

TEST(StoreWal, LimitsMustBeOrdered) {
    test::TempDir dir;
    auto store = open_sqlite_store(dir.file("x.sqlite3"),
                                   {.wal_checkpoint_pages = 10, .wal_limit_pages = 5});
    ASSERT_FALSE(store.ok());
    EXPECT_EQ(store.error().code, "store_options");
}

// Opening `path` fails with `code`, and the file's bytes are exactly as before.
void expect_refused(const std::string& path, const std::string& code, const std::string& phrase) {
    const std::string before = read_bytes(path);
    auto store = open_sqlite_store(path);
    ASSERT_FALSE(store.ok());
    EXPECT_EQ(store.error().code, code);
    EXPECT_NE(store.error().message.find(phrase), std::string::npos) << store.error().message;
    EXPECT_NE(store.error().message.find(path), std::string::npos) << store.error().message;
    EXPECT_EQ(read_bytes(path), before);
}

TEST(StoreFile, GarbageIsRefusedAndLeftUntouched) {
    test::TempDir dir;
    const std::string path = dir.file("garbage.sqlite3");
    std::string garbage;
    for (int i = 0; i < 10000; ++i) garbage += static_cast<char>((i * 7919) % 251);
    write_bytes(path, garbage);
    expect_refused(path, "store_invalid_database", "is not a valid Datt database");
    EXPECT_FALSE(fs::exists(path + "-wal"));
    EXPECT_FALSE(fs::exists(path + "-shm"));
    write_bytes(path, "SQLite format 3");  // shorter than the header
    expect_refused(path, "store_invalid_database", "is not a valid Datt database");
}

// A real database with enough rows to span many pages, closed cleanly.
std::string make_database(const test::TempDir& dir, const std::string& name) {
    const std::string path = dir.file(name);
    auto store = open_sqlite_store(path, {.durable = false});
    EXPECT_TRUE(store.ok());
    std::vector<Event> events;
    for (int i = 0; i < 300; ++i) {
        events.push_back(sign_event(i % 5, 1000 + i, 1, {{"t", "topic" + std::to_string(i % 7)}},
                                    "event number " + std::to_string(i) + std::string(200, '.')));
    }
    EXPECT_TRUE((*store)->write_batch(events).ok());
    return path;
}

TEST(StoreFile, TruncatedDatabaseIsRefusedAndLeftUntouched) {
    test::TempDir dir;
    const std::string path = make_database(dir, "truncated.sqlite3");
    ASSERT_FALSE(fs::exists(path + "-wal"));  // checkpointed and removed on close
    const auto full_size = fs::file_size(path);
    ASSERT_GT(full_size, 40000u);
    fs::resize_file(path, full_size / 2);
    expect_refused(path, "store_invalid_database", "is not a valid Datt database");
    EXPECT_FALSE(fs::exists(path + "-wal"));
    fs::resize_file(path, 60);  // not even a whole header
    expect_refused(path, "store_invalid_database", "is not a valid Datt database");
}

TEST(StoreFile, CorruptPagesAreRefusedAndLeftUntouched) {
    test::TempDir dir;
    const std::string path = make_database(dir, "corrupt.sqlite3");
    std::string bytes = read_bytes(path);
    // Overwrite the middle of the file (b-tree pages), keeping the header intact.
    for (size_t i = bytes.size() / 3; i < bytes.size() / 3 + 8192; ++i)
        bytes[i] = static_cast<char>(i * 31);
    write_bytes(path, bytes);
    expect_refused(path, "store_invalid_database", "is not a valid Datt database");
}

TEST(StoreFile, AnotherProgramsDatabaseIsRefused) {
    test::TempDir dir;
    const std::string path = dir.file("other.sqlite3");
    raw_exec(path, "CREATE TABLE contacts(name TEXT); INSERT INTO contacts VALUES('x');");
    expect_refused(path, "store_invalid_database", "another program");
}

TEST(StoreFile, NewerSchemaVersionIsRefused) {
    test::TempDir dir;
    const std::string path = make_database(dir, "future.sqlite3");
    raw_exec(path, "PRAGMA user_version = 99");
    expect_refused(path, "store_schema_too_new", "99");
}

TEST(StoreFile, MissingFileIsCreatedButNotAMissingDirectory) {
    test::TempDir dir;
    const std::string path = dir.file("new.sqlite3");
    auto created = open_sqlite_store(path);
    ASSERT_TRUE(created.ok()) << created.error().message;
    EXPECT_TRUE(fs::exists(path));
    created->reset();
    // Reopening the new file passes every check.
    EXPECT_TRUE(open_sqlite_store(path).ok());

    auto missing = open_sqlite_store(dir.file("no/such/dir/x.sqlite3"));
    ASSERT_FALSE(missing.ok());
    EXPECT_EQ(missing.error().code, "store_directory_missing");
    EXPECT_FALSE(fs::exists(dir.path() / "no"));

    auto directory = open_sqlite_store(dir.path().string());
    ASSERT_FALSE(directory.ok());
    EXPECT_EQ(directory.error().code, "store_invalid_database");
}

TEST(StoreFile, AnEmptyFileBecomesANewDatabaseAtTheLatestVersion) {
    test::TempDir dir;
    const std::string path = dir.file("empty.sqlite3");
    write_bytes(path, "");  // e.g. created by `touch`: nothing in it to protect
    {
        auto store = open_sqlite_store(path);
        ASSERT_TRUE(store.ok()) << store.error().message;
    }
    EXPECT_EQ(raw_text(path, "PRAGMA user_version"), "14");  // schema 14: initial + store_version + chains + time_bounds + hub + one author index + hub_onchain + hub_receipt_requests + hub_force_closes + contentless search index + hub_wallet + tags keyed by value + hub wallet close addresses + time bounds per block
}

TEST(StoreFile, OpensWithTheWalOfAnUncleanShutdown) {
    // A copy of the files as a killed process leaves them: the -wal holds commits that
    // were never checkpointed into the main file.
    test::TempDir dir;
    const std::string path = dir.file("live.sqlite3");
    const std::string copy = dir.file("copy.sqlite3");
    auto store = open_sqlite_store(path);
    ASSERT_TRUE(store.ok());
    const Event note = sign_event(0, 100, 1, {}, "only in the wal");
    ASSERT_TRUE((*store)->write_batch(std::vector<Event>{note}).ok());
    ASSERT_TRUE(fs::exists(path + "-wal"));
    fs::copy_file(path, copy);
    fs::copy_file(path + "-wal", copy + "-wal");
    store->reset();

    auto reopened = open_sqlite_store(copy);
    ASSERT_TRUE(reopened.ok()) << reopened.error().message;
    auto reader = (*reopened)->open_reader();
    ASSERT_TRUE(reader.ok());
    auto all = (*reader)->query(Filter{}, 10);
    ASSERT_TRUE(all.ok());
    EXPECT_EQ(*all, std::vector<std::string>{note.to_json()});
}

// ---------------------------------------------------------------------------------------
// Query plans: single-condition filters read an index in feed order and stop at the
// limit, rather than scanning and sorting.

std::string query_plan(sqlite3* db, const std::string& query) {
    sqlite3_stmt* stmt = nullptr;
    const std::string sql = "EXPLAIN QUERY PLAN " + query;
    EXPECT_EQ(sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr), SQLITE_OK)
        << sqlite3_errmsg(db) << " in " << sql;
    std::string plan;
    while (sqlite3_step(stmt) == SQLITE_ROW) {
        plan += reinterpret_cast<const char*>(sqlite3_column_text(stmt, 3));
        plan += '\n';
    }
    sqlite3_finalize(stmt);
    return plan;
}

class StorePlan : public ::testing::Test {
  protected:
    void SetUp() override {
        path_ = make_database(dir_, "plan.sqlite3");
        ASSERT_EQ(sqlite3_open_v2(path_.c_str(), &db_, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
    }
    void TearDown() override { sqlite3_close(db_); }

    test::TempDir dir_;
    std::string path_;
    sqlite3* db_ = nullptr;
};

const std::string kAuthor = "\"" + to_hex(test_pubkey(0)) + "\"";
const std::string kAuthor2 = "\"" + to_hex(test_pubkey(1)) + "\"";
const std::string kId = "\"" + std::string(64, 'a') + "\"";
const std::string kId2 = "\"" + std::string(64, 'b') + "\"";

const std::string kTagKey = "SEARCH t USING PRIMARY KEY (name=? AND value=?)";

TEST_F(StorePlan, FiltersReadAnIndexInFeedOrder) {
    struct Case {
        std::string filter;
        std::string index;
        size_t streams;
    };
    for (const Case& c : std::vector<Case>{
             {"{}", "events_by_time", 1},
             {"{\"since\":5,\"until\":10}", "events_by_time", 1},
             {"{\"authors\":[" + kAuthor + "]}", "events_by_pubkey", 1},
             {"{\"authors\":[" + kAuthor + "],\"since\":5}", "events_by_pubkey", 1},
             {"{\"kinds\":[1]}", "events_by_kind", 1},
             // Schema 6: authors with kinds read the author's index in feed order and check
             // the kind from the index entry (events_by_pubkey_kind is gone).
             {"{\"authors\":[" + kAuthor + "],\"kinds\":[1]}",
              "USING INDEX events_by_pubkey (pubkey=?)", 1},
             // Schema 12: the tags table is keyed in feed order (tags_by_value is gone).
             {"{\"#e\":[" + kId + "]}", kTagKey, 1},
             {"{\"#p\":[" + kAuthor + "]}", kTagKey, 1},
             {"{\"#t\":[\"topic1\"]}", kTagKey, 1},
             {"{\"#t\":[\"topic1\"],\"kinds\":[1]}", kTagKey, 1},
             {"{\"#t\":[\"topic1\"],\"authors\":[" + kAuthor + "]}", kTagKey, 1},
             // Lists are split into one stream per value, each in feed order.
             {"{\"authors\":[" + kAuthor + "," + kAuthor2 + "]}", "events_by_pubkey", 2},
             {"{\"kinds\":[1,7,1111]}", "events_by_kind", 3},
             {"{\"authors\":[" + kAuthor + "],\"kinds\":[1,7]}",
              "USING INDEX events_by_pubkey (pubkey=?)", 2},
             {"{\"authors\":[" + kAuthor + "," + kAuthor2 + "],\"kinds\":[1]}",
              "USING INDEX events_by_pubkey (pubkey=?)", 2},
             {"{\"#e\":[" + kId + "," + kId2 + "],\"kinds\":[7]}", kTagKey, 2},
             {"{\"#e\":[" + kId + "," + kId2 + "],\"#p\":[" + kAuthor + "," + kAuthor2 + "]}",
              kTagKey, 2},
         }) {
        auto plan = sqlite::select_matching(filter_from(c.filter), 100);
        ASSERT_TRUE(plan.has_value());
        EXPECT_EQ(plan->streams.size(), c.streams) << c.filter;
        const std::string text = query_plan(db_, plan->sql);
        EXPECT_NE(text.find(c.index), std::string::npos) << c.filter << "\n" << text;
        EXPECT_EQ(text.find("TEMP B-TREE"), std::string::npos) << c.filter << "\n" << text;
        EXPECT_EQ(text.find("SCAN e\n"), std::string::npos) << c.filter << "\n" << text;
    }
    // ids: a lookup per id in the unique index; only those few rows are sorted.
    auto by_id = sqlite::select_matching(filter_from("{\"ids\":[" + kId + "," + kId2 + "]}"), 100);
    EXPECT_NE(
        query_plan(db_, by_id->sql).find("SEARCH e USING INDEX sqlite_autoindex_events_1 (id=?)"),
        std::string::npos);
    // A search starts from the FTS5 matches, whatever else the filter names.
    for (const std::string& filter : std::vector<std::string>{
             "{\"search\":\"x\"}", "{\"search\":\"x\",\"kinds\":[1]}",
             "{\"search\":\"x\",\"authors\":[" + kAuthor + "],\"#t\":[\"y\"]}"}) {
        auto plan = sqlite::select_matching(filter_from(filter), 100);
        const std::string text = query_plan(db_, plan->sql);
        EXPECT_EQ(text.rfind("SCAN f VIRTUAL TABLE", 0), 0u) << filter << "\n" << text;
    }
    // Each candidate that reaches the output is then fetched by rowid (its JSON alone:
    // the search index is contentless since schema 10).
    const std::string fetch = query_plan(db_, sqlite::kSearchFetchSql);
    EXPECT_EQ(fetch, "SEARCH events USING INTEGER PRIMARY KEY (rowid=?)\n");
}

TEST_F(StorePlan, CountsNeverScanTheTableForTagsAuthorsOrKinds) {
    for (const std::string& filter : std::vector<std::string>{
             "{\"#e\":[" + kId + "," + kId2 + "]}",
             "{\"#e\":[" + kId + "],\"kinds\":[7]}",
             "{\"#e\":[" + kId + "," + kId2 + "],\"#p\":[" + kAuthor + "],\"kinds\":[7,1]}",
             "{\"authors\":[" + kAuthor + "," + kAuthor2 + "]}",
             "{\"kinds\":[7,1]}",
             "{\"#t\":[\"topic1\"],\"authors\":[" + kAuthor + "]}",
             "{\"#t\":[\"topic1\"],\"ids\":[" + kId + "," + kId2 + "]}",
         }) {
        auto count = sqlite::count_matching({filter_from(filter)});
        ASSERT_TRUE(count.has_value());
        const std::string text = query_plan(db_, count->sql);
        EXPECT_EQ(text.find("SCAN"), std::string::npos) << filter << "\n" << text;
    }
}

// The hub's channel rows: PutChannelState inserts and replaces, DeleteChannelState removes
// one row (and only that one), durably: the file is reopened between the steps.
TEST_F(StoreTest, HubChannelRowsArePutReplacedAndDeleted) {
    Hash256 a{}, b{}, seed{};
    a.fill(0xaa);
    b.fill(0xbb);
    seed.fill(0x5e);
    const std::vector<WriteCommand> puts = {PutChannelState{a, seed, Bytes{1, 2, 3}},
                                            PutChannelState{b, seed, Bytes{4}}};
    ASSERT_TRUE(store_->commit(puts).ok());
    const std::vector<WriteCommand> replace = {PutChannelState{a, seed, Bytes{9, 9}}};
    ASSERT_TRUE(store_->commit(replace).ok());
    reopen();
    auto rows = reader_->hub_channels();
    ASSERT_TRUE(rows.ok());
    ASSERT_EQ(rows->size(), 2u);
    std::map<Bytes, Bytes> states;
    for (const auto& row : *rows) states[row.channel_id] = row.state;
    EXPECT_EQ(states[Bytes(a.begin(), a.end())], (Bytes{9, 9}));
    EXPECT_EQ(states[Bytes(b.begin(), b.end())], (Bytes{4}));

    const std::vector<WriteCommand> forget = {DeleteChannelState{a}};
    ASSERT_TRUE(store_->commit(forget).ok());
    reopen();
    rows = reader_->hub_channels();
    ASSERT_TRUE(rows.ok());
    ASSERT_EQ(rows->size(), 1u);
    EXPECT_EQ((*rows)[0].channel_id, Bytes(b.begin(), b.end()));
    // Deleting a row that is not there changes nothing and is no error.
    ASSERT_TRUE(store_->commit(forget).ok());
    reopen();
    EXPECT_EQ(reader_->hub_channels()->size(), 1u);
}

// Schema 7's hub_onchain (relay/hub/onchain_record.h): rows put, replaced and read back.
TEST_F(StoreTest, HubOnchainRecordsArePutAndReplaced) {
    Hash256 a{}, b{};
    a.fill(0xa1);
    b.fill(0xb2);
    const std::vector<WriteCommand> puts = {PutHubOnchain{a, Bytes{1, 0, 0, 0, 0}}, PutHubOnchain{b, Bytes{7}}};
    ASSERT_TRUE(store_->commit(puts).ok());
    const std::vector<WriteCommand> replace = {PutHubOnchain{a, Bytes{1, 1, 0, 0, 0, 9, 0, 0, 0, 0}}};
    ASSERT_TRUE(store_->commit(replace).ok());
    reopen();
    auto rows = reader_->hub_onchain();
    ASSERT_TRUE(rows.ok()) << rows.error().message;
    ASSERT_EQ(rows->size(), 2u);
    EXPECT_EQ((*rows)[0].channel_id, Bytes(a.begin(), a.end()));
    EXPECT_EQ((*rows)[0].record, (Bytes{1, 1, 0, 0, 0, 9, 0, 0, 0, 0}));
    EXPECT_EQ((*rows)[1].channel_id, Bytes(b.begin(), b.end()));
    EXPECT_EQ((*rows)[1].record, (Bytes{7}));

    // Revoked commitments: one row per (channel, number), read in that order.
    const std::vector<WriteCommand> revoked = {PutHubRevoked{b, 5, Bytes{5}}, PutHubRevoked{a, 9, Bytes{9}},
                                               PutHubRevoked{a, 2, Bytes{2}}};
    ASSERT_TRUE(store_->commit(revoked).ok());
    reopen();
    auto kept = reader_->hub_revoked();
    ASSERT_TRUE(kept.ok()) << kept.error().message;
    ASSERT_EQ(kept->size(), 3u);
    EXPECT_EQ((*kept)[0].revoked, (Bytes{2}));
    EXPECT_EQ((*kept)[1].revoked, (Bytes{9}));
    EXPECT_EQ((*kept)[2].revoked, (Bytes{5}));
    EXPECT_EQ((*kept)[2].channel_id, Bytes(b.begin(), b.end()));
}

// A file of schema 6 (no hub_onchain, a hub channel stored) migrates to 7 at open: the new
// table is there and empty, the channel's row is untouched.
TEST(StoreFile, MigrationFromSchemaSixAddsHubOnchain) {
    test::TempDir dir;
    const std::string path = dir.file("v6.sqlite3");
    Hash256 id{}, seed{};
    id.fill(0x11);
    seed.fill(0x22);
    {
        auto store = open_sqlite_store(path);
        ASSERT_TRUE(store.ok());
        const std::vector<WriteCommand> put = {PutChannelState{id, seed, Bytes{5, 6}}};
        ASSERT_TRUE((*store)->commit(put).ok());
    }
    raw_exec(path, "DROP TABLE hub_onchain; DROP TABLE hub_revoked; PRAGMA user_version = 6");
    auto store = open_sqlite_store(path);
    ASSERT_TRUE(store.ok()) << store.error().message;
    auto reader = (*store)->open_reader();
    ASSERT_TRUE(reader.ok());
    auto records = (*reader)->hub_onchain();
    ASSERT_TRUE(records.ok()) << records.error().message;
    EXPECT_TRUE(records->empty());
    auto channels = (*reader)->hub_channels();
    ASSERT_TRUE(channels.ok());
    ASSERT_EQ(channels->size(), 1u);
    EXPECT_EQ((*channels)[0].state, (Bytes{5, 6}));
    const std::vector<WriteCommand> put = {PutHubOnchain{id, Bytes{1, 0, 0, 0, 0}}, PutHubRevoked{id, 3, Bytes{9}}};
    ASSERT_TRUE((*store)->commit(put).ok());
    auto revoked = (*reader)->hub_revoked();
    ASSERT_TRUE(revoked.ok()) << revoked.error().message;
    ASSERT_EQ(revoked->size(), 1u);
    EXPECT_EQ((*revoked)[0].revoked, (Bytes{9}));
}

// A file of schema 7 (no hub_receipt_requests, a forward stored) migrates to 8 at open: the
// new table is there and empty, the forward untouched; a request is stored, read back, and
// goes with its forward's DeleteHubForward.
TEST(StoreFile, MigrationFromSchemaSevenAddsHubReceiptRequests) {
    test::TempDir dir;
    const std::string path = dir.file("v7.sqlite3");
    HubForward forward;
    forward.in_channel.fill(0x11);
    forward.in_htlc = 4;
    forward.payment_hash.fill(0x33);
    forward.out_channel.fill(0x22);
    forward.out_amount_msat = 5000;
    {
        auto store = open_sqlite_store(path);
        ASSERT_TRUE(store.ok());
        const std::vector<WriteCommand> put = {PutHubForward{forward}};
        ASSERT_TRUE((*store)->commit(put).ok());
    }
    raw_exec(path, "DROP TABLE hub_receipt_requests; PRAGMA user_version = 7");
    auto store = open_sqlite_store(path);
    ASSERT_TRUE(store.ok()) << store.error().message;
    auto reader = (*store)->open_reader();
    ASSERT_TRUE(reader.ok());
    auto requests = (*reader)->hub_receipt_requests();
    ASSERT_TRUE(requests.ok()) << requests.error().message;
    EXPECT_TRUE(requests->empty());
    auto forwards = (*reader)->hub_forwards();
    ASSERT_TRUE(forwards.ok());
    ASSERT_EQ(forwards->size(), 1u);
    EXPECT_EQ((*forwards)[0].in_htlc, 4u);

    Hash256 other = forward.in_channel;
    other[0] = 0x10;  // sorts first
    const std::vector<WriteCommand> put = {PutHubReceiptRequest{forward.in_channel, 4, Bytes{7, 8, 9}},
                                           PutHubReceiptRequest{other, 9, Bytes{1}}};
    ASSERT_TRUE((*store)->commit(put).ok());
    requests = (*reader)->hub_receipt_requests();
    ASSERT_TRUE(requests.ok());
    ASSERT_EQ(requests->size(), 2u);
    EXPECT_EQ((*requests)[0].in_channel, Bytes(other.begin(), other.end()));
    EXPECT_EQ((*requests)[0].in_htlc, 9u);
    EXPECT_EQ((*requests)[1].in_channel, Bytes(forward.in_channel.begin(), forward.in_channel.end()));
    EXPECT_EQ((*requests)[1].in_htlc, 4u);
    EXPECT_EQ((*requests)[1].onion, (Bytes{7, 8, 9}));

    const std::vector<WriteCommand> settle = {DeleteHubForward{forward.in_channel, 4}};
    ASSERT_TRUE((*store)->commit(settle).ok());
    requests = (*reader)->hub_receipt_requests();
    ASSERT_TRUE(requests.ok());
    ASSERT_EQ(requests->size(), 1u);
    EXPECT_EQ((*requests)[0].in_htlc, 9u);
    forwards = (*reader)->hub_forwards();
    ASSERT_TRUE(forwards.ok());
    EXPECT_TRUE(forwards->empty());
}

// A file of schema 8 (no hub_force_closes, a revoked commitment stored) migrates to 9 at
// open: the new table is there and empty; a force close is stored once (a second decision
// for the channel keeps the first), read back; DeleteHubRevoked takes only that channel's
// revoked rows.
TEST(StoreFile, MigrationFromSchemaEightAddsHubForceCloses) {
    test::TempDir dir;
    const std::string path = dir.file("v8.sqlite3");
    Hash256 a{}, b{};
    a.fill(0x11);
    b.fill(0x22);
    {
        auto store = open_sqlite_store(path);
        ASSERT_TRUE(store.ok());
        const std::vector<WriteCommand> put = {PutHubRevoked{a, 3, Bytes{3}}, PutHubRevoked{a, 4, Bytes{4}},
                                               PutHubRevoked{b, 5, Bytes{5}}};
        ASSERT_TRUE((*store)->commit(put).ok());
    }
    raw_exec(path, "DROP TABLE hub_force_closes; PRAGMA user_version = 8");
    auto store = open_sqlite_store(path);
    ASSERT_TRUE(store.ok()) << store.error().message;
    auto reader = (*store)->open_reader();
    ASSERT_TRUE(reader.ok());
    auto closes = (*reader)->hub_force_closes();
    ASSERT_TRUE(closes.ok()) << closes.error().message;
    EXPECT_TRUE(closes->empty());
    auto revoked = (*reader)->hub_revoked();
    ASSERT_TRUE(revoked.ok());
    EXPECT_EQ(revoked->size(), 3u);

    const std::vector<WriteCommand> decide = {PutHubForceClose{b, 2, 640, Bytes{9, 9}},
                                              PutHubForceClose{a, 1, 612, Bytes{7, 8}}};
    ASSERT_TRUE((*store)->commit(decide).ok());
    const std::vector<WriteCommand> again = {PutHubForceClose{a, 2, 700, Bytes{1}}};
    ASSERT_TRUE((*store)->commit(again).ok());
    closes = (*reader)->hub_force_closes();
    ASSERT_TRUE(closes.ok());
    ASSERT_EQ(closes->size(), 2u);
    EXPECT_EQ((*closes)[0].channel_id, Bytes(a.begin(), a.end()));
    EXPECT_EQ((*closes)[0].reason, 1);
    EXPECT_EQ((*closes)[0].height, 612);
    EXPECT_EQ((*closes)[0].commitment, (Bytes{7, 8}));
    EXPECT_EQ((*closes)[1].reason, 2);
    EXPECT_EQ((*closes)[1].commitment, (Bytes{9, 9}));

    const std::vector<WriteCommand> prune = {DeleteHubRevoked{a}};
    ASSERT_TRUE((*store)->commit(prune).ok());
    revoked = (*reader)->hub_revoked();
    ASSERT_TRUE(revoked.ok());
    ASSERT_EQ(revoked->size(), 1u);
    EXPECT_EQ((*revoked)[0].channel_id, Bytes(b.begin(), b.end()));
}

// A file of schema 10 (no hub wallet tables, a force close stored) migrates to 11 at open:
// the wallet has no seed and no coins; the seed is stored once (a second one is ignored); a
// coin is inserted, then replaced when it confirms and when the hub spends it, then deleted.
TEST(StoreFile, MigrationFromSchemaTenAddsTheHubWallet) {
    test::TempDir dir;
    const std::string path = dir.file("v10.sqlite3");
    Hash256 channel{}, seed{}, other{}, txid{}, spender{};
    channel.fill(0x11);
    seed.fill(0x5e);
    other.fill(0x0f);
    txid.fill(0x7a);
    spender.fill(0x5b);
    {
        auto store = open_sqlite_store(path);
        ASSERT_TRUE(store.ok());
        const std::vector<WriteCommand> put = {PutHubForceClose{channel, 1, 612, Bytes{7, 8}}};
        ASSERT_TRUE((*store)->commit(put).ok());
    }
    raw_exec(path, "DROP TABLE hub_wallet; DROP TABLE hub_wallet_coins; DROP TABLE hub_funding_txs; "
                   "PRAGMA user_version = 10");
    auto store = open_sqlite_store(path);
    ASSERT_TRUE(store.ok()) << store.error().message;
    auto reader = (*store)->open_reader();
    ASSERT_TRUE(reader.ok());
    auto wallet = (*reader)->hub_wallet();
    ASSERT_TRUE(wallet.ok()) << wallet.error().message;
    EXPECT_FALSE(wallet->seed.has_value());
    EXPECT_TRUE(wallet->coins.empty());
    auto closes = (*reader)->hub_force_closes();
    ASSERT_TRUE(closes.ok());
    EXPECT_EQ(closes->size(), 1u);

    const std::vector<WriteCommand> first = {PutHubWalletSeed{seed, 431},
                                             PutHubWalletCoin{txid, 1, 50'000, 0, 3, 0, std::nullopt}};
    ASSERT_TRUE((*store)->commit(first).ok());
    const std::vector<WriteCommand> later = {PutHubWalletSeed{other, 500},
                                             PutHubWalletCoin{txid, 1, 50'000, 0, 3, 440, spender}};
    ASSERT_TRUE((*store)->commit(later).ok());
    wallet = (*reader)->hub_wallet();
    ASSERT_TRUE(wallet.ok());
    ASSERT_TRUE(wallet->seed.has_value());
    EXPECT_EQ(*wallet->seed, Bytes(seed.begin(), seed.end()));
    EXPECT_EQ(wallet->birth_height, 431);
    ASSERT_EQ(wallet->coins.size(), 1u);
    const auto& coin = wallet->coins[0];
    EXPECT_EQ(coin.txid, Bytes(txid.begin(), txid.end()));
    EXPECT_EQ(coin.vout, 1);
    EXPECT_EQ(coin.value, 50'000);
    EXPECT_EQ(coin.chain, 0);
    EXPECT_EQ(coin.index, 3);
    EXPECT_EQ(coin.height, 440);
    ASSERT_TRUE(coin.spent_by.has_value());
    EXPECT_EQ(*coin.spent_by, Bytes(spender.begin(), spender.end()));

    const std::vector<WriteCommand> forget = {DeleteHubWalletCoin{txid, 1}, PutHubFundingTx{channel, Bytes{2, 3}},
                                              PutHubFundingTx{other, Bytes{4}}};
    ASSERT_TRUE((*store)->commit(forget).ok());
    wallet = (*reader)->hub_wallet();
    ASSERT_TRUE(wallet.ok());
    EXPECT_TRUE(wallet->coins.empty());
    const std::vector<WriteCommand> drop = {DeleteHubFundingTx{other}};
    ASSERT_TRUE((*store)->commit(drop).ok());
    auto funding = (*reader)->hub_funding_txs();
    ASSERT_TRUE(funding.ok()) << funding.error().message;
    ASSERT_EQ(funding->size(), 1u);
    EXPECT_EQ((*funding)[0].channel_id, Bytes(channel.begin(), channel.end()));
    EXPECT_EQ((*funding)[0].tx, (Bytes{2, 3}));
}

// A file of schema 12 (a wallet stored, no hub_wallet_receive) migrates to 13 at open: its seed
// and coins are kept, next_receive starts at 0 and is only ever raised; withdrawals are
// stored and deleted.
TEST(StoreFile, MigrationFromSchemaTwelveAddsTheWalletsCloseAddresses) {
    test::TempDir dir;
    const std::string path = dir.file("v12.sqlite3");
    Hash256 seed{}, txid{};
    seed.fill(0x5e);
    txid.fill(0x7a);
    {
        auto store = open_sqlite_store(path);
        ASSERT_TRUE(store.ok());
        const std::vector<WriteCommand> put = {PutHubWalletSeed{seed, 431},
                                               PutHubWalletCoin{txid, 1, 50'000, 0, 3, 440, std::nullopt}};
        ASSERT_TRUE((*store)->commit(put).ok());
    }
    raw_exec(path, "DROP TABLE hub_wallet_receive; DROP TABLE hub_wallet_txs; PRAGMA user_version = 12");
    auto store = open_sqlite_store(path);
    ASSERT_TRUE(store.ok()) << store.error().message;
    EXPECT_EQ(raw_text(path, "PRAGMA user_version"), "14");  // through 13 and 14
    auto reader = (*store)->open_reader();
    ASSERT_TRUE(reader.ok());
    auto wallet = (*reader)->hub_wallet();
    ASSERT_TRUE(wallet.ok()) << wallet.error().message;
    ASSERT_TRUE(wallet->seed.has_value());
    EXPECT_EQ(wallet->birth_height, 431);
    EXPECT_EQ(wallet->next_receive, 0);
    EXPECT_EQ(wallet->coins.size(), 1u);

    const std::vector<WriteCommand> given = {PutHubWalletNextReceive{5}};
    ASSERT_TRUE((*store)->commit(given).ok());
    const std::vector<WriteCommand> lower = {PutHubWalletNextReceive{2}};
    ASSERT_TRUE((*store)->commit(lower).ok());
    wallet = (*reader)->hub_wallet();
    ASSERT_TRUE(wallet.ok());
    EXPECT_EQ(wallet->next_receive, 5);
    EXPECT_TRUE(wallet->txs.empty());

    const std::vector<WriteCommand> withdrawals = {PutHubWalletTx{txid, Bytes{1, 2}}, PutHubWalletTx{seed, Bytes{3}}};
    ASSERT_TRUE((*store)->commit(withdrawals).ok());
    const std::vector<WriteCommand> mined = {DeleteHubWalletTx{seed}};
    ASSERT_TRUE((*store)->commit(mined).ok());
    wallet = (*reader)->hub_wallet();
    ASSERT_TRUE(wallet.ok());
    ASSERT_EQ(wallet->txs.size(), 1u);
    EXPECT_EQ(wallet->txs[0], (Bytes{1, 2}));
}

}  // namespace
}  // namespace datt::relay
