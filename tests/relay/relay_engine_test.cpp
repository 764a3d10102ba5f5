// The relay engine in process: the real Relay (worker pool, writer, monitors), a real
// SQLite store, and a recording Outbox instead of sockets (engine_support.h). Each test
// drives it through the calls the network layer makes and reads what it queued.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <set>
#include <thread>

#include "engine_support.h"
#include "proto/message.h"
#include "random_events.h"

namespace datt::relay {
namespace {

using event::Event;
using nlohmann::json;
using test::Client;
using test::Engine;
using test::sign_event;

std::string hex(const Event& e) { return to_hex(e.id()); }

// prefix + n (built in two steps: g++ 12 warns falsely on "literal" + std::to_string).
std::string numbered(std::string prefix, int n) {
    prefix += std::to_string(n);
    return prefix;
}

TEST(RelayEngine, EventIsAcknowledgedOnlyOnceCommitted) {
    Engine engine;
    Client client = engine.connect();
    const Event note = sign_event(0, 1000, 1, {{"t", "datt"}}, "hello");
    EXPECT_EQ(client.publish(note), json::array({"OK", hex(note), true, ""}));
    // Committed when OK arrived: a fresh reader of the file sees it.
    auto reader = engine.store().open_reader();
    ASSERT_TRUE(reader.ok());
    auto stored = (*reader)->query(proto::Filter{}, 10);
    ASSERT_TRUE(stored.ok());
    EXPECT_EQ(*stored, std::vector<std::string>{note.to_json()});

    EXPECT_EQ(client.publish(note), json::array({"OK", hex(note), true, "duplicate: already have this event"}));
    // A broken signature: refused with the core's code, nothing stored.
    json forged = json::parse(sign_event(0, 1001, 1, {}, "forged").to_json());
    forged["content"] = "changed";
    client.send(json::array({"EVENT", forged}));
    const json refused = client.next();
    EXPECT_EQ(refused[0], "OK");
    EXPECT_EQ(refused[2], false);
    EXPECT_TRUE(refused[3].get<std::string>().starts_with("invalid: id_mismatch")) << refused;
    auto after = (*reader)->query(proto::Filter{}, 10);
    ASSERT_TRUE(after.ok());
    EXPECT_EQ(after->size(), 1u);
}

TEST(RelayEngine, ReqSendsStoredThenEoseThenLiveMatchesOnce) {
    Engine engine;
    Client publisher = engine.connect();
    Client subscriber = engine.connect();
    const Event older = sign_event(0, 1000, 1, {{"t", "x"}}, "older");
    const Event newer = sign_event(1, 1005, 1, {{"t", "x"}}, "newer");
    publisher.publish(older);
    publisher.publish(newer);
    EXPECT_EQ(subscriber.req("s", {{{"#t", {"x"}}}}), (std::vector<std::string>{hex(newer), hex(older)}));

    const Event miss = sign_event(0, 1010, 1, {{"t", "y"}}, "other tag");
    const Event hit = sign_event(0, 1011, 1, {{"t", "x"}}, "live");
    EXPECT_EQ(publisher.publish(miss)[2], true);
    EXPECT_EQ(publisher.publish(hit)[2], true);
    const std::vector<json> live = subscriber.take(1);
    ASSERT_EQ(live.size(), 1u);
    EXPECT_EQ(live[0], json::array({"EVENT", "s", json::parse(hit.to_json())}));
}

TEST(RelayEngine, AnAcknowledgedEventReachesALaterReqOnlyAsStored) {
    Engine engine;
    Client client = engine.connect();
    for (int i = 0; i < 200; ++i) {
        const Event event = sign_event(i % 5, 1000 + i, 1, {}, numbered("round ", i));
        client.publish(event);
        const std::string sub = numbered("after-ok-", i);
        EXPECT_EQ(client.req(sub, {{{"ids", {hex(event)}}}}), std::vector<std::string>{hex(event)});
        client.send(json::array({"CLOSE", sub}));
    }
    client.publish(sign_event(9, 5000, 1, {}, "a marker after the last CLOSE"));
    for (const json& m : client.pending()) EXPECT_NE(m[0], "EVENT") << m;
}

// Every event published while a REQ runs reaches it exactly once: as stored (before EOSE)
// or live (after), never both, never neither. Publishers run on their own threads.
TEST(RelayEngine, EventsRacingAReqArriveExactlyOnce) {
    Engine engine;
    for (int round = 0; round < 20; ++round) {
        const std::string tag = numbered("race", round);
        Client subscriber = engine.connect();
        std::vector<Client> publishers;
        for (int p = 0; p < 3; ++p) publishers.push_back(engine.connect());
        std::vector<std::vector<Event>> events(publishers.size());
        for (size_t p = 0; p < publishers.size(); ++p) {
            for (int i = 0; i < 40; ++i) {
                events[p].push_back(sign_event(static_cast<int>(p), 1000 + i, 1, {{"t", tag}},
                                               tag + numbered(" ", p) + numbered(" ", i)));
            }
        }
        std::atomic<bool> go{false};
        std::vector<std::thread> threads;
        for (size_t p = 0; p < publishers.size(); ++p) {
            threads.emplace_back([&, p] {
                while (!go) std::this_thread::yield();
                for (const Event& e : events[p]) publishers[p].send(json::array({"EVENT", json::parse(e.to_json())}));
            });
        }
        go = true;
        std::this_thread::sleep_for(std::chrono::microseconds(200 * round));
        std::vector<std::string> got = subscriber.req("race", {{{"#t", {tag}}, {"limit", 500}}});
        for (auto& t : threads) t.join();
        // Every OK means committed and fanned out: wait for all of them.
        for (size_t p = 0; p < publishers.size(); ++p) {
            for (const Event& e : events[p]) {
                json ok = publishers[p].next_matching([&](const json& m) { return m[0] == "OK" && m[1] == hex(e); });
                EXPECT_EQ(ok[2], true);
            }
        }
        // Live events held while the REQ's stored part was sent follow its EOSE once the
        // monitor has taken the REQ over, which may be after the last OK: read until all
        // have come (or a frame is late), then make sure nothing else follows.
        size_t total = 0;
        for (const auto& list : events) total += list.size();
        while (got.size() < total) {
            const json m = subscriber.next(std::chrono::seconds(5));
            if (m.is_null()) break;
            ASSERT_EQ(m[0], "EVENT") << m;
            got.push_back(m[2]["id"]);
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        for (const json& m : subscriber.pending()) {
            ASSERT_EQ(m[0], "EVENT") << m;
            got.push_back(m[2]["id"]);
        }
        std::multiset<std::string> counted(got.begin(), got.end());
        for (const auto& list : events) {
            for (const Event& e : list) EXPECT_EQ(counted.count(hex(e)), 1u) << "round " << round;
        }
        EXPECT_EQ(got.size(), total) << "round " << round;
        subscriber.close();
        for (Client& p : publishers) p.close();
    }
}

TEST(RelayEngine, CloseEndsASubscriptionAndAReqReplacesOne) {
    Engine engine;
    Client publisher = engine.connect();
    Client subscriber = engine.connect();
    subscriber.req("gone", {{{"#t", {"a"}}}});
    subscriber.req("kept", {{{"#t", {"b"}}}});
    subscriber.req("same", {{{"#t", {"c"}}}});
    subscriber.req("same", {{{"#t", {"d"}}}});  // replaces: #t c no longer delivers
    subscriber.send(json::array({"CLOSE", "gone"}));
    EXPECT_TRUE(subscriber.req("sync", {{{"ids", {std::string(64, '0')}}}}).empty());
    const Event a = sign_event(0, 1000, 1, {{"t", "a"}}, "a");
    const Event b = sign_event(0, 1001, 1, {{"t", "b"}}, "b");
    const Event c = sign_event(0, 1002, 1, {{"t", "c"}}, "c");
    const Event d = sign_event(0, 1003, 1, {{"t", "d"}}, "d");
    for (const Event& e : {a, b, c, d}) publisher.publish(e);
    const std::vector<json> live = subscriber.take(2);
    ASSERT_EQ(live.size(), 2u);
    EXPECT_EQ(live[0], json::array({"EVENT", "kept", json::parse(b.to_json())}));
    EXPECT_EQ(live[1], json::array({"EVENT", "same", json::parse(d.to_json())}));
}

TEST(RelayEngine, CountAndSeveralFiltersOnce) {
    Engine engine;
    Client client = engine.connect();
    const Event a = sign_event(0, 1000, 1, {{"t", "x"}}, "a");
    const Event b = sign_event(1, 1001, 7, {{"t", "x"}}, "+");
    const Event c = sign_event(1, 1002, 1, {}, "c");
    for (const Event& e : {a, b, c}) client.publish(e);
    client.send(json::array({"COUNT", "n", {{"#t", {"x"}}}, {{"kinds", {1}}}}));
    EXPECT_EQ(client.next(), json::array({"COUNT", "n", {{"count", 3}}}));
    // An event matching two filters of one REQ comes once, newest first within a filter.
    EXPECT_EQ(client.req("u", {{{"kinds", {1}}}, {{"#t", {"x"}}}}),
              (std::vector<std::string>{hex(c), hex(a), hex(b)}));
}

TEST(RelayEngine, LimitsOnSubscriptionsRequestsAndEvents) {
    test::TempDir dir;
    Config config = test::generous_config(dir.file("unused.sqlite3"));
    config.max_subscriptions = 3;
    config.max_limit = 2;
    config.events_per_second = 2;  // burst 4
    config.reqs_per_second = 1000;
    Engine engine(config);
    Client client = engine.connect();
    for (int i = 0; i < 5; ++i) client.publish(sign_event(0, 1000 + i, 1, {}, std::to_string(i)));
    // events_per_second 2 with a burst of 4: the fifth EVENT in a burst is refused.
    int refused = 0;
    Client fresh = engine.connect("10.0.0.2");
    for (int i = 0; i < 6; ++i) {
        json ok = fresh.publish(sign_event(1, 2000 + i, 1, {}, std::to_string(i)));
        if (ok[2] == false) {
            EXPECT_TRUE(ok[3].get<std::string>().starts_with("rate-limited:")) << ok;
            ++refused;
        }
    }
    EXPECT_GE(refused, 1);
    // max_limit caps a REQ's stored events.
    EXPECT_EQ(client.req("a", {{{"limit", 100}}}).size(), 2u);
    client.req("b", {json::object()});
    client.req("c", {json::object()});
    client.send(json::array({"REQ", "d", json::object()}));
    EXPECT_EQ(client.next(), json::array({"CLOSED", "d", "blocked: too many open subscriptions (limit 3)"}));
    client.req("c", {json::object()});  // replacing an open one is allowed
    client.send(json::array({"CLOSE", "a"}));
    EXPECT_EQ(client.req("d", {json::object()}).size(), 2u);  // room again
}

TEST(RelayEngine, RepliesKeepTheOrderOfEachConnectionsMessages) {
    Engine engine;
    Client client = engine.connect();
    std::vector<Event> events;
    for (int i = 0; i < 300; ++i) events.push_back(sign_event(i % 7, 1000 + i, 1, {}, numbered("pipelined ", i)));
    for (const Event& e : events) client.send(json::array({"EVENT", json::parse(e.to_json())}));
    for (const Event& e : events) {
        const json ok = client.next();
        ASSERT_EQ(ok[0], "OK");
        EXPECT_EQ(ok[1], hex(e));  // in the order sent, across writer batches
    }
    client.send(json::array({"REQ", "first", {{"limit", 1}}}));
    client.send(json::array({"COUNT", "second", json::object()}));
    client.send(json::array({"REQ", "third", {{"limit", 1}}}));
    client.send(json::array({"CLOSE", "nothing-open"}));
    client.send("not json at all");
    const std::vector<std::string> expected = {"EVENT", "EOSE", "COUNT", "EVENT", "EOSE", "NOTICE"};
    for (const std::string& type : expected) EXPECT_EQ(client.next()[0], type);
}

TEST(RelayEngine, EphemeralEventsGoLiveAndAreNeverStored) {
    Engine engine;
    Client publisher = engine.connect();
    Client subscriber = engine.connect();
    subscriber.req("eph", {{{"kinds", {20001}}}});
    const Event ephemeral = sign_event(0, 1000, 20001, {}, "now or never");
    EXPECT_EQ(publisher.publish(ephemeral), json::array({"OK", hex(ephemeral), true, ""}));
    const std::vector<json> live = subscriber.take(1);
    ASSERT_EQ(live.size(), 1u);
    EXPECT_EQ(live[0][2]["id"], hex(ephemeral));
    EXPECT_TRUE(subscriber.req("later", {{{"kinds", {20001}}}}).empty());
}

// Fan-out against brute force: many connections with random subscriptions, random events;
// each subscription gets exactly the events its filters match (proto::matches_any), each
// once, in publication order.
TEST(RelayEngine, FanOutDeliversExactlyWhatFiltersMatch) {
    Engine engine;
    test::Generator gen(7);
    std::vector<Event> seed_events;
    for (int i = 0; i < 50; ++i) seed_events.push_back(gen.event());
    struct Sub {
        size_t client;
        std::string id;
        std::vector<proto::Filter> filters;
    };
    std::vector<Client> clients;
    std::vector<Sub> subs;
    for (int c = 0; c < 20; ++c) {
        clients.push_back(engine.connect());
        for (int s = 0; s < 5; ++s) {
            Sub sub{static_cast<size_t>(c), numbered("s", s), {}};
            json message = json::array({"REQ", sub.id});
            for (int f = 1 + gen.pick(3); f > 0; --f) {
                proto::Filter filter = gen.filter(seed_events);
                filter.since = std::nullopt;  // stored events do not matter here; keep live ones
                filter.until = std::nullopt;
                // The filter as the relay reads it (two conditions on one tag letter become
                // one JSON member, the last).
                const std::string text = proto::filter_to_json(filter);
                sub.filters.push_back(*proto::parse_filter(text));
                message.push_back(json::parse(text));
            }
            clients.back().send(message);
            subs.push_back(std::move(sub));
        }
    }
    for (Client& client : clients) {  // every REQ done: EOSE (the store is empty)
        for (int s = 0; s < 5; ++s) client.next_matching([](const json& m) { return m[0] == "EOSE"; });
    }
    Client publisher = engine.connect();
    std::vector<Event> published;
    for (int i = 0; i < 400; ++i) {
        published.push_back(gen.event());
        publisher.send(json::array({"EVENT", json::parse(published.back().to_json())}));
    }
    for (const Event& e : published) {
        EXPECT_EQ(publisher.next_matching([&](const json& m) { return m[0] == "OK" && m[1] == hex(e); })[2], true);
    }
    std::map<std::pair<size_t, std::string>, std::vector<std::string>> expected;
    std::vector<size_t> per_client(clients.size(), 0);
    size_t deliveries = 0;
    for (const Sub& sub : subs) {
        auto& list = expected[{sub.client, sub.id}];
        for (const Event& e : published) {
            if (proto::matches_any(sub.filters, e)) list.push_back(hex(e));
        }
        per_client[sub.client] += list.size();
        deliveries += list.size();
    }
    std::map<std::pair<size_t, std::string>, std::vector<std::string>> got;
    for (size_t c = 0; c < clients.size(); ++c) {
        for (const json& m : clients[c].take(per_client[c])) {
            ASSERT_EQ(m[0], "EVENT");
            got[{c, m[1]}].push_back(m[2]["id"]);
        }
    }
    for (const Sub& sub : subs) {
        EXPECT_EQ(got[std::make_pair(sub.client, sub.id)], expected[std::make_pair(sub.client, sub.id)])
            << "client " << sub.client << " " << sub.id;
    }
    EXPECT_GT(deliveries, 400u);  // the filters are not all empty
}

TEST(RelayEngine, ClosedConnectionsDropTheirSubscriptionsAndQuiesceAnswersEverything) {
    Engine engine;
    Client gone = engine.connect();
    gone.req("s", {json::object()});
    gone.close();
    Client client = engine.connect();
    for (int i = 0; i < 100; ++i) {
        client.send(json::array({"EVENT", json::parse(sign_event(0, 1000 + i, 1, {}, std::to_string(i)).to_json())}));
    }
    engine.relay().quiesce(std::chrono::seconds(10));
    EXPECT_EQ(engine.outbox().count(client.id()), 100u);  // every OK queued before it returned
    EXPECT_EQ(engine.outbox().count(gone.id()), 1u);       // only its EOSE
    // Messages after quiesce are ignored.
    client.send(json::array({"COUNT", "late", json::object()}));
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    EXPECT_EQ(engine.outbox().count(client.id()), 100u);
    HttpResponse metrics = engine.relay().on_http({"GET", "/metrics", "", "127.0.0.1", ""});
    EXPECT_NE(metrics.body.find("datt_subscriptions_open 0\n"), std::string::npos);
    EXPECT_NE(metrics.body.find("datt_events_accepted_total 100\n"), std::string::npos);
}

TEST(RelayEngine, AClientThatOutrunsItsInboxIsClosed) {
    test::TempDir dir;
    Config config = test::generous_config(dir.file("unused.sqlite3"));
    config.max_outgoing_bytes = 64 * 1024;
    config.worker_threads = 1;
    Engine engine(config);
    Client client = engine.connect();
    const std::string big = json::array({"COUNT", "c", {{"search", std::string(200, 'a')}}}).dump();
    for (int i = 0; i < 2000 && !engine.outbox().closed(client.id()); ++i) client.send_text(big);
    EXPECT_EQ(engine.outbox().closed(client.id()), CloseCode::kPolicyViolation);
}

}  // namespace
}  // namespace datt::relay
