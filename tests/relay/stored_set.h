// Shared by the store suites that check a store against a reference: SQL run on the file
// directly (bypassing the store), and a fixture that writes events in batches, keeps the
// list of what should be stored, and answers a filter from that list with the core rules
// (proto::matches, NIP-01 feed order) for comparison with the store's own answer.
#pragma once

#include <sqlite3.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "proto/message.h"
#include "open_store.h"
#include "store/sqlite_store.h"
#include "store_support.h"
#include "util/hex.h"

namespace datt::relay::test {

inline proto::Filter filter_from(const std::string& json) {
    auto filter = proto::parse_filter(json);
    EXPECT_TRUE(filter.ok()) << json;
    return filter.ok() ? *filter : proto::Filter{};
}

// One integer from SQL run on the file directly, bypassing the store.
inline int64_t raw_int(const std::string& path, const std::string& sql) {
    sqlite3* db = nullptr;
    EXPECT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
    sqlite3_stmt* stmt = nullptr;
    EXPECT_EQ(sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr), SQLITE_OK) << sql;
    int64_t value = -1;
    if (stmt && sqlite3_step(stmt) == SQLITE_ROW) value = sqlite3_column_int64(stmt, 0);
    sqlite3_finalize(stmt);
    sqlite3_close(db);
    return value;
}

// SQLite's plan for `sql` (its parameters unbound), the details joined by " | ".
inline std::string raw_plan(const std::string& path, const std::string& sql) {
    sqlite3* db = nullptr;
    EXPECT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
    sqlite3_stmt* stmt = nullptr;
    const std::string explain = "EXPLAIN QUERY PLAN " + sql;
    EXPECT_EQ(sqlite3_prepare_v2(db, explain.c_str(), -1, &stmt, nullptr), SQLITE_OK) << sql;
    std::string plan;
    while (stmt && sqlite3_step(stmt) == SQLITE_ROW) {
        if (!plan.empty()) plan += " | ";
        plan += reinterpret_cast<const char*>(sqlite3_column_text(stmt, 3));
    }
    sqlite3_finalize(stmt);
    sqlite3_close(db);
    return plan;
}

inline void raw_exec(const std::string& path, const std::string& sql) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
    char* message = nullptr;
    EXPECT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &message), SQLITE_OK)
        << (message ? message : "");
    sqlite3_free(message);
    sqlite3_close(db);
}

class StoredSetTest : public OpenStoreTest {
  protected:
    StoredSetTest() : OpenStoreTest("stored.sqlite3") {}

    void write(const std::vector<event::Event>& events) {
        for (size_t i = 0; i < events.size(); i += 300) {  // several batches, several blocks
            std::vector<event::Event> batch(
                events.begin() + static_cast<std::ptrdiff_t>(i),
                events.begin() + static_cast<std::ptrdiff_t>(std::min(i + 300, events.size())));
            auto outcomes = store_->write_batch(batch);
            ASSERT_TRUE(outcomes.ok()) << outcomes.error().message;
            for (const event::Event& e : batch) stored_.push_back(e);
        }
    }

    // Author `key` deletes (NIP-09) its first `n` stored events.
    void delete_first(int key, size_t n) {
        event::Tags targets;
        for (const event::Event& e : stored_) {
            if (e.pubkey() == test_pubkey(key) && targets.size() < n)
                targets.push_back({"e", to_hex(e.id())});
        }
        write({sign_event(key, 3000, 5, targets, "")});
        std::erase_if(stored_, [&](const event::Event& e) {
            return std::any_of(targets.begin(), targets.end(),
                               [&](const event::Tag& t) { return t[1] == to_hex(e.id()); });
        });
    }

    std::vector<std::string> expected(const proto::Filter& filter, size_t limit) {
        std::vector<event::Event> matching;
        for (const event::Event& e : stored_) {
            if (proto::matches(filter, e)) matching.push_back(e);
        }
        std::sort(matching.begin(), matching.end(), test::feed_order);
        std::vector<std::string> out;
        for (const event::Event& e : matching) {
            if (out.size() == limit) break;
            out.push_back(e.to_json());
        }
        return out;
    }

    std::vector<event::Event> stored_;
};

}  // namespace datt::relay::test
