// The monitors' subscription index against brute force (proto::matches_any over every
// subscription) on random filters, random events and random adds, replacements and
// removals; and that the work per event follows the subscriptions that could match.
#include "engine/subscription_index.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <iostream>
#include <map>
#include <set>

#include "random_events.h"

namespace datt::relay {
namespace {

using event::Event;
using proto::Filter;
using Handle = SubscriptionIndex::Handle;

std::set<Handle> matched(SubscriptionIndex& index, const Event& event) {
    std::set<Handle> out;
    index.match(event, [&](Handle handle) {
        EXPECT_TRUE(out.insert(handle).second) << "handle " << handle << " reported twice";
    });
    return out;
}

std::set<Handle> brute_force(const std::map<Handle, std::vector<Filter>>& subscriptions,
                             const Event& event) {
    std::set<Handle> out;
    for (const auto& [handle, filters] : subscriptions) {
        if (proto::matches_any(filters, event)) out.insert(handle);
    }
    return out;
}

TEST(SubscriptionIndex, AgreesWithBruteForceOnRandomFiltersAndEvents) {
    test::Generator gen(20'240'612);
    std::vector<Event> events;
    for (int i = 0; i < 600; ++i) events.push_back(gen.event());

    SubscriptionIndex index;
    std::map<Handle, std::vector<Filter>> reference;
    Handle next = 1;
    size_t matches = 0, tested = 0, checked = 0;
    for (int round = 0; round < 3000; ++round) {
        const int op = gen.pick(10);
        if (op < 5 || reference.empty()) {  // add
            std::vector<Filter> filters;
            for (int f = 1 + gen.pick(3); f > 0; --f) filters.push_back(gen.filter(events));
            if (gen.chance(0.1)) filters.push_back(Filter{});  // {} matches every event
            index.add(next, filters);
            reference[next++] = std::move(filters);
        } else if (op < 7) {  // replace an existing one (a REQ with an open id)
            auto it = std::next(reference.begin(), gen.pick(static_cast<int>(reference.size())));
            std::vector<Filter> filters = {gen.filter(events)};
            index.add(it->first, filters);
            it->second = std::move(filters);
        } else {  // remove
            auto it = std::next(reference.begin(), gen.pick(static_cast<int>(reference.size())));
            index.remove(it->first);
            reference.erase(it);
        }
        ASSERT_EQ(index.subscriptions(), reference.size());
        for (int e = 0; e < 3; ++e) {
            const Event& event = gen.chance(0.5) ? events[gen.pick(static_cast<int>(events.size()))] : gen.event();
            const std::set<Handle> expected = brute_force(reference, event);
            ASSERT_EQ(matched(index, event), expected) << "round " << round << " " << event.to_json();
            matches += expected.size();
            tested += index.last_tested();
            ++checked;
        }
    }
    index.remove(12345678);  // unknown: nothing happens
    std::cout << "matches per event " << static_cast<double>(matches) / checked
              << ", filters tested per event " << static_cast<double>(tested) / checked << "\n";
    EXPECT_GT(matches, checked);  // the comparison is not all empty sets
    for (const auto& [handle, filters] : reference) index.remove(handle);
    EXPECT_EQ(index.subscriptions(), 0u);
    EXPECT_TRUE(matched(index, events[0]).empty());
}

TEST(SubscriptionIndex, WorkFollowsTheSubscriptionsThatCanMatch) {
    SubscriptionIndex index;
    // 2,000 subscriptions on other authors, other threads (#e) and other kinds...
    Handle next = 1;
    for (int i = 0; i < 500; ++i) {
        Filter by_author;
        by_author.authors = std::vector<ByteArray<32>>{test::test_pubkey(100 + i)};
        by_author.kinds = std::vector<event::Kind>{1};
        index.add(next++, {by_author});
        Filter by_thread;
        Hash256 root{};
        root[0] = static_cast<uint8_t>(i);
        root[1] = static_cast<uint8_t>(i >> 8);
        by_thread.tags = {{'e', {to_hex(root)}}};
        by_thread.kinds = std::vector<event::Kind>{1111, 7};
        index.add(next++, {by_thread});
        Filter by_id;
        by_id.ids = std::vector<Hash256>{root};
        index.add(next++, {by_id});
        Filter by_kind;
        by_kind.kinds = std::vector<event::Kind>{static_cast<event::Kind>(40000 + i)};
        index.add(next++, {by_kind});
    }
    // ...and three that match the event below.
    Filter mine;
    mine.authors = std::vector<ByteArray<32>>{test::test_pubkey(1)};
    const Handle author_match = next++;
    index.add(author_match, {mine});
    Filter topic;
    topic.tags = {{'t', {"bitcoin"}}};
    const Handle topic_match = next++;
    index.add(topic_match, {topic});
    const Handle everything = next++;
    index.add(everything, {Filter{}});

    const Event event = test::sign_event(1, 1000, 1111, {{"t", "bitcoin"}, {"e", std::string(64, 'f')}}, "x");
    std::set<Handle> got = matched(index, event);
    EXPECT_EQ(got, (std::set<Handle>{author_match, topic_match, everything}));
    // Only the filters registered under this event's keys were tested, not 2,003.
    EXPECT_EQ(index.last_tested(), 3u);
}

}  // namespace
}  // namespace datt::relay
