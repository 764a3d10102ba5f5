// The store's interface for what comes after events: ascending (created_at, id) range
// scans over a filter (NIP-77), typed write commands committed together, and commit
// versions that a reader's snapshot reports exactly. Real SQLite files throughout.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <algorithm>
#include <thread>

#include "proto/message.h"
#include "store/sqlite_store.h"
#include "store_support.h"
#include "util/hex.h"

namespace datt::relay {
namespace {

using event::Event;
using event::TimeId;
using proto::Filter;
using test::sign_event;

Filter filter_from(const std::string& json) {
    auto filter = proto::parse_filter(json);
    EXPECT_TRUE(filter.ok()) << json;
    return filter.ok() ? *filter : Filter{};
}

TimeId time_id(const Event& e) { return {e.created_at(), e.id()}; }

// The smallest TimeId after `t` (its id plus one), to page past an item.
TimeId successor(TimeId t) {
    for (size_t i = t.id.size(); i-- > 0;) {
        if (++t.id[i] != 0) return t;
    }
    ++t.created_at;
    return t;
}

const TimeId kBeginning{INT64_MIN, {}};
const TimeId kEnd{INT64_MAX, {}};

class StoreRangeTest : public ::testing::Test {
  protected:
    void SetUp() override { open(); }

    void open() {
        reader_.reset();
        store_.reset();
        auto store = open_sqlite_store(path_, {.durable = false});
        ASSERT_TRUE(store.ok()) << store.error().message;
        store_ = std::move(store).value();
        auto reader = store_->open_reader();
        ASSERT_TRUE(reader.ok()) << reader.error().message;
        reader_ = std::move(reader).value();
    }

    void write(const std::vector<Event>& events) {
        auto outcomes = store_->write_batch(events);
        ASSERT_TRUE(outcomes.ok()) << outcomes.error().message;
    }

    std::vector<TimeId> scan(const std::string& filter, TimeId from = kBeginning,
                             TimeId to = kEnd, size_t max_items = 1000) {
        auto items = reader_->scan_range(filter_from(filter), from, to, max_items);
        EXPECT_TRUE(items.ok()) << items.error().message;
        return items.ok() ? *items : std::vector<TimeId>{};
    }

    // The expected result, from the events themselves: sorted ascending by TimeId.
    static std::vector<TimeId> ascending(const std::vector<Event>& events) {
        std::vector<TimeId> out;
        for (const Event& e : events) out.push_back(time_id(e));
        std::sort(out.begin(), out.end());
        return out;
    }

    test::TempDir dir_;
    std::string path_ = dir_.file("range.sqlite3");
    std::unique_ptr<Store> store_;
    std::unique_ptr<StoreReader> reader_;
};

TEST_F(StoreRangeTest, AscendingWithTiesInOneSecondByIdBytes) {
    std::vector<Event> events;
    for (int i = 0; i < 12; ++i) events.push_back(sign_event(i % 3, 100, 1, {}, "tie " + std::to_string(i)));
    for (int i = 0; i < 5; ++i) events.push_back(sign_event(0, 99 - i, 1, {}, "older " + std::to_string(i)));
    events.push_back(sign_event(1, 101, 1, {}, "newer"));
    write(events);
    const std::vector<TimeId> all = scan("{}");
    EXPECT_EQ(all, ascending(events));
    // Hex strings of the ids sort the same way within the second.
    std::vector<std::string> hex_in_second;
    for (const TimeId& t : all) {
        if (t.created_at == 100) hex_in_second.push_back(to_hex(t.id));
    }
    EXPECT_EQ(hex_in_second.size(), 12u);
    EXPECT_TRUE(std::is_sorted(hex_in_second.begin(), hex_in_second.end()));
}

TEST_F(StoreRangeTest, BoundsAreFromInclusiveToExclusiveDownToTheId) {
    std::vector<Event> events;
    for (int i = 0; i < 8; ++i) events.push_back(sign_event(0, 200, 1, {}, "same second " + std::to_string(i)));
    for (int i = 0; i < 4; ++i) events.push_back(sign_event(0, 199, 1, {}, "before " + std::to_string(i)));
    for (int i = 0; i < 4; ++i) events.push_back(sign_event(0, 201, 1, {}, "after " + std::to_string(i)));
    write(events);
    const std::vector<TimeId> all = ascending(events);
    ASSERT_EQ(scan("{}"), all);
    // Every pair of positions [i, j): the scan gives exactly the items between them.
    for (size_t i = 0; i < all.size(); ++i) {
        for (size_t j = i; j <= all.size(); ++j) {
            const TimeId to = j < all.size() ? all[j] : kEnd;
            EXPECT_EQ(scan("{}", all[i], to),
                      std::vector<TimeId>(all.begin() + static_cast<long>(i),
                                          all.begin() + static_cast<long>(j)))
                << i << ".." << j;
        }
    }
    // Bounds between items: an id in the middle of a second, a whole second.
    TimeId mid{200, {}};
    mid.id.fill(0x80);
    const auto first_at_or_after = std::lower_bound(all.begin(), all.end(), mid);
    EXPECT_EQ(scan("{}", mid, TimeId{201, {}}),
              std::vector<TimeId>(first_at_or_after, all.begin() + 12));
    EXPECT_EQ(scan("{}", TimeId{200, {}}, TimeId{201, {}}).size(), 8u);
    EXPECT_TRUE(scan("{}", all[3], all[3]).empty());  // empty range
    EXPECT_TRUE(scan("{}", all[5], all[2]).empty());  // reversed
    EXPECT_TRUE(scan("{}", TimeId{202, {}}, kEnd).empty());
}

TEST_F(StoreRangeTest, FiltersLimitsAndPaging) {
    std::vector<Event> events;
    for (int i = 0; i < 30; ++i) {
        event::Tags tags = {{"t", i % 2 ? "odd" : "even"}};
        if (i % 3 == 0) tags.push_back({"e", std::string(64, 'a')});
        std::string content = std::to_string(i);
        content.insert(0, i % 7 == 0 ? "bitcoin relay " : "x");
        events.push_back(sign_event(i % 4, 1000 + i / 3, i % 5 == 0 ? 7 : 1, tags, content));
    }
    write(events);
    const auto expected = [&](auto predicate) {
        std::vector<Event> subset;
        std::copy_if(events.begin(), events.end(), std::back_inserter(subset), predicate);
        return ascending(subset);
    };
    const std::string pk0 = to_hex(test::test_pubkey(0));
    const std::string pk1 = to_hex(test::test_pubkey(1));
    EXPECT_EQ(scan("{\"authors\":[\"" + pk0 + "\",\"" + pk1 + "\"]}"), expected([&](const Event& e) {
                  return e.pubkey() == test::test_pubkey(0) || e.pubkey() == test::test_pubkey(1);
              }));
    EXPECT_EQ(scan("{\"kinds\":[7]}"), expected([](const Event& e) { return e.kind() == 7; }));
    EXPECT_EQ(scan("{\"#t\":[\"odd\"],\"kinds\":[1]}"), expected([](const Event& e) {
                  return e.kind() == 1 && e.tags()[0][1] == "odd";
              }));
    // Several values of one tag: an event with both is listed once.
    EXPECT_EQ(scan("{\"#e\":[\"" + std::string(64, 'a') + "\",\"" + std::string(64, 'b') + "\"]}"),
              expected([](const Event& e) { return e.tags().size() == 2; }));
    EXPECT_EQ(scan("{\"search\":\"bitcoin\"}"), expected([](const Event& e) {
                  return e.content().starts_with("bitcoin");
              }));
    EXPECT_EQ(scan("{\"since\":1003,\"until\":1005}"), expected([](const Event& e) {
                  return e.created_at() >= 1003 && e.created_at() <= 1005;
              }));
    // The filter's limit does not cut a range; max_items does, and paging from the
    // successor of the last item reads everything once.
    EXPECT_EQ(scan("{\"limit\":2}").size(), 30u);
    std::vector<TimeId> paged;
    TimeId from = kBeginning;
    for (int page = 0; page < 100; ++page) {
        const std::vector<TimeId> items = scan("{\"#t\":[\"even\",\"odd\"]}", from, kEnd, 7);
        EXPECT_LE(items.size(), 7u);
        paged.insert(paged.end(), items.begin(), items.end());
        if (items.size() < 7) break;
        from = successor(items.back());
    }
    EXPECT_EQ(paged, ascending(events));
    EXPECT_TRUE(scan("{\"ids\":[]}").empty());
}

TEST_F(StoreRangeTest, CommitsGetIncreasingVersionsKeptAcrossReopen) {
    auto empty = store_->commit({});
    ASSERT_TRUE(empty.ok());
    EXPECT_EQ(empty->version, 0u);
    std::vector<WriteCommand> commands;
    const Event a = sign_event(0, 100, 1, {}, "a");
    const Event b = sign_event(0, 101, 1, {}, "b");
    commands.emplace_back(PutEvent{a});
    commands.emplace_back(PutEvent{b});
    commands.emplace_back(PutEvent{a});
    auto first = store_->commit(commands);
    ASSERT_TRUE(first.ok()) << first.error().message;
    EXPECT_EQ(first->version, 1u);
    ASSERT_EQ(first->outcomes.size(), 3u);
    EXPECT_EQ(std::get<WriteOutcome>(first->outcomes[0]).status, WriteStatus::kStored);
    EXPECT_EQ(std::get<WriteOutcome>(first->outcomes[1]).status, WriteStatus::kStored);
    EXPECT_EQ(std::get<WriteOutcome>(first->outcomes[2]).status, WriteStatus::kDuplicate);
    auto second = store_->write_batch(std::vector<Event>{sign_event(0, 102, 1, {}, "c")});
    ASSERT_TRUE(second.ok());
    // An ephemeral kind refuses the whole batch: nothing committed, no version used.
    std::vector<WriteCommand> refused;
    refused.emplace_back(PutEvent{sign_event(0, 103, 1, {}, "d")});
    refused.emplace_back(PutEvent{sign_event(0, 103, 20001, {}, "e")});
    auto failed = store_->commit(refused);
    ASSERT_FALSE(failed.ok());
    EXPECT_EQ(failed.error().code, "store_ephemeral_kind");
    {
        auto snapshot = ReadSnapshot::begin(*reader_);
        ASSERT_TRUE(snapshot.ok());
        EXPECT_EQ(snapshot->version(), 2u);
    }
    EXPECT_EQ(scan("{}").size(), 3u);
    open();
    auto again = store_->commit({});
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(again->version, 2u);
    auto third = store_->write_batch(std::vector<Event>{sign_event(0, 104, 1, {}, "f")});
    ASSERT_TRUE(third.ok());
    auto snapshot = ReadSnapshot::begin(*reader_);
    ASSERT_TRUE(snapshot.ok());
    EXPECT_EQ(snapshot->version(), 3u);
}

TEST_F(StoreRangeTest, ASnapshotSeesExactlyTheCommitsUpToItsVersion) {
    write({sign_event(0, 100, 1, {}, "before")});
    auto snapshot = ReadSnapshot::begin(*reader_);
    ASSERT_TRUE(snapshot.ok()) << snapshot.error().message;
    EXPECT_EQ(snapshot->version(), 1u);
    // Commits from another thread while the snapshot is open are not seen by it.
    std::thread writer([&] {
        for (int i = 0; i < 5; ++i) write({sign_event(1, 200 + i, 1, {}, "during " + std::to_string(i))});
    });
    writer.join();
    EXPECT_EQ(scan("{}").size(), 1u);
    auto queried = reader_->query(Filter{}, 100);
    ASSERT_TRUE(queried.ok());
    EXPECT_EQ(queried->size(), 1u);
    auto counted = reader_->count({Filter{}});
    ASSERT_TRUE(counted.ok());
    EXPECT_EQ(*counted, 1u);
    { auto done = std::move(snapshot).value(); }  // ends the snapshot
    EXPECT_EQ(scan("{}").size(), 6u);
    auto next = ReadSnapshot::begin(*reader_);
    ASSERT_TRUE(next.ok());
    EXPECT_EQ(next->version(), 6u);
}

TEST(StoreMigration, AVersionOneDatabaseGainsVersionsAndKeepsItsEvents) {
    test::TempDir dir;
    const std::string path = dir.file("v1.sqlite3");
    const Event kept = sign_event(0, 100, 1, {}, "from schema 1");
    {
        auto store = open_sqlite_store(path);
        ASSERT_TRUE(store.ok());
        ASSERT_TRUE((*store)->write_batch(std::vector<Event>{kept}).ok());
    }
    // Back to what schema 1 left: no store_version table (nor version 3's, 4's or 5's), user_version 1.
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(db,
                           "DROP TABLE store_version; DROP TABLE chain_entries; "
                           "DROP TABLE chain_heads; DROP TABLE fork_proofs; DROP TABLE relay_key; "
                           "DROP TABLE time_bounds; DROP TABLE hub_channels; DROP TABLE hub_forwards; "
                           "PRAGMA user_version = 1",
                           nullptr, nullptr, nullptr),
              SQLITE_OK);
    sqlite3_close(db);

    auto store = open_sqlite_store(path);
    ASSERT_TRUE(store.ok()) << store.error().message;
    auto reader = (*store)->open_reader();
    ASSERT_TRUE(reader.ok());
    auto all = (*reader)->query(Filter{}, 10);
    ASSERT_TRUE(all.ok());
    EXPECT_EQ(*all, std::vector<std::string>{kept.to_json()});
    auto commit = (*store)->write_batch(std::vector<Event>{sign_event(0, 101, 1, {}, "new")});
    ASSERT_TRUE(commit.ok());
    auto snapshot = ReadSnapshot::begin(**reader);
    ASSERT_TRUE(snapshot.ok());
    EXPECT_EQ(snapshot->version(), 1u);
}

}  // namespace
}  // namespace datt::relay
