// Differential test: the SQLite store's query() and count() against a naive reference
// (every event, proto::matches, sorted newest first then lowest id, cut at the limit) on
// thousands of random events and filters. Created_at values come from a narrow range so
// that ties are common; tag values and authors come from small pools so that filters hit.
//
// RulesAgreeWithCore replays random histories of replaceable, addressable and regular
// events and NIP-09 deletions through the store and through a model made only of the core
// rules (event::supersedes, event::address_of, event::deletes) and compares every outcome
// and what survives.
//
// The seed is printed; DATT_STORE_SEED=<n> reruns one.
#include <gtest/gtest.h>

#include <cstdlib>
#include <iostream>
#include <random>

#include <map>

#include "event/address.h"
#include "event/deletion.h"
#include "proto/message.h"
#include "store/sqlite_store.h"
#include "random_events.h"
#include "store_support.h"
#include "util/hex.h"

namespace datt::relay {
namespace {

using event::Event;
using proto::Filter;

constexpr int kEvents = 3000;
constexpr int kFilters = 3000;
using test::kFirstSecond;
using test::kSeconds;
using test::kWords;
using test::Generator;

uint64_t seed_from_environment() {
    if (const char* env = std::getenv("DATT_STORE_SEED"); env && *env) {
        return std::strtoull(env, nullptr, 10);
    }
    return 20'240'611;
}

std::vector<std::string> reference_query(const std::vector<Event>& sorted_events,
                                         const Filter& filter, size_t limit) {
    std::vector<std::string> out;
    for (const Event& e : sorted_events) {
        if (out.size() >= limit) break;
        if (proto::matches(filter, e)) out.push_back(e.to_json());
    }
    return out;
}

TEST(StoreDifferential, WordsAreNotSubstringsOfEachOther) {
    for (const auto& a : kWords) {
        for (const auto& b : kWords) {
            if (&a == &b) continue;
            EXPECT_EQ(b.find(a), std::string::npos) << a << " in " << b;
        }
    }
}

TEST(StoreDifferential, QueryAndCountAgreeWithTheReference) {
    const uint64_t seed = seed_from_environment();
    std::cout << "store differential seed: " << seed << " (DATT_STORE_SEED to rerun)\n";
    Generator gen(seed);

    test::TempDir dir;
    auto store = open_sqlite_store(dir.file("differential.sqlite3"), {.durable = false});
    ASSERT_TRUE(store.ok()) << store.error().message;
    std::vector<Event> events;
    for (int i = 0; i < kEvents; ++i) events.push_back(gen.event());
    for (size_t start = 0; start < events.size(); start += 500) {
        std::span<const Event> batch(events.data() + start,
                                     std::min<size_t>(500, events.size() - start));
        auto outcomes = (*store)->write_batch(batch);
        ASSERT_TRUE(outcomes.ok()) << outcomes.error().message;
        for (const WriteOutcome& outcome : *outcomes)
            ASSERT_EQ(outcome.status, WriteStatus::kStored);
    }
    auto reader = (*store)->open_reader();
    ASSERT_TRUE(reader.ok()) << reader.error().message;

    std::vector<Event> sorted = events;
    std::sort(sorted.begin(), sorted.end(), test::feed_order);

    int non_empty = 0, limited = 0, failures = 0;
    for (int i = 0; i < kFilters && failures < 5; ++i) {
        const Filter filter = gen.filter(events);
        const size_t max_results = gen.chance(0.2) ? 20 : 500;
        const size_t limit = std::min<size_t>(filter.limit.value_or(max_results), max_results);
        const std::vector<std::string> expected = reference_query(sorted, filter, limit);
        auto got = (*reader)->query(filter, max_results);
        ASSERT_TRUE(got.ok()) << got.error().message;
        if (*got != expected) {
            ++failures;
            ADD_FAILURE() << "filter " << i << " " << proto::filter_to_json(filter) << " max "
                          << max_results << ": store returned " << got->size()
                          << " events, reference " << expected.size();
        }
        non_empty += !expected.empty();
        limited += expected.size() == limit && limit > 0;

        // count over one to three filters, limits ignored.
        std::vector<Filter> filters = {filter};
        for (int extra = gen.pick(3); extra > 0; --extra) filters.push_back(gen.filter(events));
        const uint64_t expected_count =
            static_cast<uint64_t>(std::count_if(events.begin(), events.end(), [&](const Event& e) {
                return proto::matches_any(filters, e);
            }));
        auto counted = (*reader)->count(filters);
        ASSERT_TRUE(counted.ok()) << counted.error().message;
        if (*counted != expected_count) {
            ++failures;
            std::string text;
            for (const Filter& f : filters) text += proto::filter_to_json(f) + " ";
            ADD_FAILURE() << "count " << text << ": store " << *counted << ", reference "
                          << expected_count;
        }
    }
    std::cout << "filters with results: " << non_empty << " of " << kFilters
              << ", cut at their limit: " << limited << "\n";

    // Range scans (NIP-77): ascending (created_at, id) between random bounds, the filter's
    // limit ignored, cut at max_items.
    std::vector<Event> ascending = events;
    std::sort(ascending.begin(), ascending.end(), [](const Event& a, const Event& b) {
        return event::TimeId{a.created_at(), a.id()} < event::TimeId{b.created_at(), b.id()};
    });
    const auto random_bound = [&]() {
        if (gen.chance(0.5)) {  // an event's own (created_at, id)
            const Event& e = events[gen.pick(static_cast<int>(events.size()))];
            return event::TimeId{e.created_at(), e.id()};
        }
        event::TimeId bound{kFirstSecond - 2 + gen.pick(kSeconds + 4), {}};
        for (auto& b : bound.id) b = static_cast<uint8_t>(gen.pick(256));
        return bound;
    };
    int ranges_non_empty = 0, ranges_cut = 0;
    for (int i = 0; i < kFilters / 3 && failures < 5; ++i) {
        const Filter filter = gen.filter(events);
        event::TimeId from = random_bound(), to = random_bound();
        if (to < from) std::swap(from, to);
        if (gen.chance(0.1)) from = {INT64_MIN, {}};
        if (gen.chance(0.1)) to = {INT64_MAX, {}};
        const size_t max_items = gen.chance(0.3) ? 1 + gen.pick(30) : 100000;
        std::vector<event::TimeId> expected;
        for (const Event& e : ascending) {
            const event::TimeId t{e.created_at(), e.id()};
            if (expected.size() >= max_items) break;
            if (from <= t && t < to && proto::matches(filter, e)) expected.push_back(t);
        }
        auto got = (*reader)->scan_range(filter, from, to, max_items);
        ASSERT_TRUE(got.ok()) << got.error().message;
        if (*got != expected) {
            ++failures;
            ADD_FAILURE() << "range " << i << " " << proto::filter_to_json(filter) << " from "
                          << from.created_at << ":" << to_hex(from.id) << " to " << to.created_at
                          << ":" << to_hex(to.id) << " max " << max_items << ": store "
                          << got->size() << " items, reference " << expected.size();
        }
        ranges_non_empty += !expected.empty();
        ranges_cut += expected.size() == max_items;
    }
    // scan_all: every match in ascending order, or too_many_items above max_items.
    int all_too_many = 0;
    for (int i = 0; i < kFilters / 3 && failures < 5; ++i) {
        const Filter filter = gen.filter(events);
        std::vector<event::TimeId> expected;
        for (const Event& e : ascending) {
            if (proto::matches(filter, e)) expected.push_back({e.created_at(), e.id()});
        }
        const int matches = static_cast<int>(expected.size());
        const auto max_items =
            static_cast<size_t>(gen.chance(0.3) ? gen.pick(matches + 2) : matches + gen.pick(3));
        auto got = (*reader)->scan_all(filter, max_items);
        if (expected.size() > max_items) {
            ++all_too_many;
            if (got.ok() || got.error().code != "too_many_items") {
                ++failures;
                ADD_FAILURE() << "scan_all " << i << " " << proto::filter_to_json(filter) << " max "
                              << max_items << ": expected too_many_items for "
                              << expected.size();
            }
            continue;
        }
        ASSERT_TRUE(got.ok()) << got.error().message;
        if (*got != expected) {
            ++failures;
            ADD_FAILURE() << "scan_all " << i << " " << proto::filter_to_json(filter) << ": store "
                          << got->size() << " items, reference " << expected.size();
        }
    }
    EXPECT_GT(all_too_many, kFilters / 60);
    std::cout << "ranges with items: " << ranges_non_empty << ", cut at max_items: " << ranges_cut
              << ", scan_all over max_items: " << all_too_many << "\n";
    EXPECT_GT(ranges_non_empty, kFilters / 12);
    EXPECT_GT(ranges_cut, kFilters / 60);
    // The filters exercise something: many hit events, and many hit their limit.
    EXPECT_GT(non_empty, kFilters / 3);
    EXPECT_GT(limited, kFilters / 10);
}

// The NIP-01/NIP-09 semantics built from the core rules alone, applied in arrival order.
class RulesModel {
  public:
    WriteStatus write(const Event& event) {
        if (stored_.count(event.id())) return WriteStatus::kDuplicate;
        for (const event::DeletionRequest& request : requests_) {
            if (event::deletes(request, event)) return WriteStatus::kDeleted;
        }
        if (const auto address = event::address_of(event)) {
            for (auto it = stored_.begin(); it != stored_.end(); ++it) {
                if (event::address_of(it->second) != address) continue;
                if (!event::supersedes({event.created_at(), event.id()},
                                       {it->second.created_at(), it->second.id()})) {
                    return WriteStatus::kReplacedNewer;
                }
                stored_.erase(it);
                break;
            }
        }
        stored_.emplace(event.id(), event);
        if (auto request = event::deletion_request_of(event)) {
            std::erase_if(stored_, [&](const auto& entry) {
                return event::deletes(*request, entry.second);
            });
            requests_.push_back(std::move(*request));
        }
        return WriteStatus::kStored;
    }

    std::vector<std::string> feed() const {
        std::vector<Event> events;
        for (const auto& [id, event] : stored_) events.push_back(event);
        std::sort(events.begin(), events.end(), test::feed_order);
        std::vector<std::string> out;
        for (const Event& e : events) out.push_back(e.to_json());
        return out;
    }

  private:
    std::map<Hash256, Event> stored_;
    std::vector<event::DeletionRequest> requests_;
};

TEST(StoreDifferential, RulesAgreeWithCore) {
    const uint64_t seed = seed_from_environment();
    std::cout << "rules differential seed: " << seed << " (DATT_STORE_SEED to rerun)\n";
    std::mt19937_64 rng(seed);
    const auto pick = [&](int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng); };
    constexpr int kAuthors = 3;
    const std::vector<std::string> d_values = {"", "x", "y"};
    const event::Kind address_kinds[] = {0, 10002, 30023, 34550};
    std::map<WriteStatus, int> statuses;

    for (int history = 0; history < 20; ++history) {
        test::TempDir dir;
        auto store = open_sqlite_store(dir.file("rules.sqlite3"), {.durable = false});
        ASSERT_TRUE(store.ok()) << store.error().message;
        RulesModel model;
        std::vector<Event> seen;
        int serial = 0;
        const auto random_address = [&]() {
            const event::Kind kind = address_kinds[pick(4)];
            const bool addressable = kind >= 30000;
            std::string d = addressable ? d_values[pick(3)] : (pick(8) == 0 ? "x" : "");
            return std::to_string(kind) + ":" + to_hex(test::test_pubkey(pick(kAuthors))) + ":" + d;
        };
        const auto next_event = [&]() -> Event {
            if (!seen.empty() && pick(10) == 0) return seen[pick(static_cast<int>(seen.size()))];
            const int author = pick(kAuthors);
            const int64_t created_at = 100 + pick(6);  // few seconds: many ties
            std::string content = std::to_string(serial++);
            content.insert(content.begin(), '#');
            switch (pick(5)) {
                case 0:
                    return test::sign_event(author, created_at, 1, {}, content);
                case 1:
                    return test::sign_event(author, created_at, pick(2) ? 0 : 10002, {}, content);
                case 2: {
                    event::Tags tags;
                    if (pick(4)) tags.push_back({"d", d_values[pick(3)]});
                    return test::sign_event(author, created_at, pick(2) ? 30023 : 34550,
                                            std::move(tags), content);
                }
                default: {
                    event::Tags tags;
                    for (int n = 1 + pick(3); n > 0; --n) {
                        if (pick(2) && !seen.empty()) {
                            tags.push_back({"e", to_hex(seen[pick(static_cast<int>(seen.size()))].id())});
                        } else {
                            tags.push_back({"a", random_address()});
                        }
                    }
                    return test::sign_event(author, created_at + pick(3), 5, std::move(tags), content);
                }
            }
        };

        for (int batch = 0; batch < 15; ++batch) {
            std::vector<Event> events;
            for (int n = 1 + pick(12); n > 0; --n) {
                events.push_back(next_event());
                seen.push_back(events.back());
            }
            auto outcomes = (*store)->write_batch(events);
            ASSERT_TRUE(outcomes.ok()) << outcomes.error().message;
            for (size_t i = 0; i < events.size(); ++i) {
                ++statuses[(*outcomes)[i].status];
                ASSERT_EQ((*outcomes)[i].status, model.write(events[i]))
                    << "history " << history << " batch " << batch << " event " << i << ": "
                    << events[i].to_json();
            }
        }
        auto reader = (*store)->open_reader();
        ASSERT_TRUE(reader.ok()) << reader.error().message;
        auto stored = (*reader)->query(Filter{}, 100000);
        ASSERT_TRUE(stored.ok()) << stored.error().message;
        ASSERT_EQ(*stored, model.feed()) << "history " << history;
    }
    // Every outcome occurred, so each rule was exercised.
    for (WriteStatus status : {WriteStatus::kStored, WriteStatus::kDuplicate,
                               WriteStatus::kReplacedNewer, WriteStatus::kDeleted}) {
        EXPECT_GT(statuses[status], 20) << static_cast<int>(status);
    }
}

}  // namespace
}  // namespace datt::relay
