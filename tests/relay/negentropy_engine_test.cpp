// NIP-77 on the relay engine, in process (engine_support.h): NEG-OPEN / NEG-MSG /
// NEG-CLOSE / NEG-ERR against a real SQLite store, with core/sync's Initiator as the
// client. (The Node suite tests/relay/negentropy.test.mjs checks the same against the real
// binary with nostr-tools' independent implementation.)
#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <thread>

#include "engine_support.h"
#include "sync/session.h"

namespace datt::relay {
namespace {

using event::Event;
using nlohmann::json;
using test::Client;
using test::Engine;
using test::sign_event;

std::string hex(const Event& e) {
    return to_hex(e.id());
}

std::vector<Event> make_events(int n, int first_key, int64_t first_second, event::Kind kind = 1) {
    std::vector<Event> events;
    // Several events share each second, so ties on created_at are broken by id.
    for (int i = 0; i < n; ++i) {
        events.push_back(
            sign_event(first_key + i % 3, first_second + i / 4, kind, {}, "n" + std::to_string(i)));
    }
    return events;
}

void store_all(Engine& engine, const std::vector<Event>& events) {
    auto written = engine.store().write_batch(events);
    ASSERT_TRUE(written.ok()) << written.error().message;
}

std::shared_ptr<const sync::ItemSet> item_set(const std::vector<Event>& events) {
    std::vector<sync::Item> items;
    for (const Event& e : events) items.push_back({static_cast<uint64_t>(e.created_at()), e.id()});
    auto set = sync::ItemSet::from_items(std::move(items));
    EXPECT_TRUE(set.ok());
    return std::make_shared<const sync::ItemSet>(std::move(*set));
}

Bytes unhex(const json& text) {
    auto bytes = from_hex(text.get<std::string>());
    EXPECT_TRUE(bytes.ok());
    return bytes.ok() ? *bytes : Bytes{};
}

// A gauge or counter from /metrics.
int64_t metric(Engine& engine, const std::string& name) {
    const HttpResponse response = engine.relay().on_http({"GET", "/metrics", "", "127.0.0.1", ""});
    const std::string line = "\n" + name + " ";
    const size_t at = response.body.find(line);
    EXPECT_NE(at, std::string::npos) << name;
    return at == std::string::npos ? -1 : std::stoll(response.body.substr(at + line.size()));
}

// Polls `name` until it equals `value` (sessions end on other threads), for up to 5 s.
bool metric_reaches(Engine& engine, const std::string& name, int64_t value) {
    for (int i = 0; i < 500; ++i) {
        if (metric(engine, name) == value) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return false;
}

struct Outcome {
    std::set<std::string> have, need;
    int round_trips = 0;
    json error;  // the NEG-ERR, if one came
};

// Runs a whole reconciliation of `mine` against the relay's events matching `filter`.
Outcome reconcile(Client& client, const std::string& sub, const json& filter,
                  const std::vector<Event>& mine, uint64_t frame_size_limit = 0) {
    auto initiator = sync::Initiator::create(item_set(mine), {1'000'000, frame_size_limit});
    EXPECT_TRUE(initiator.ok());
    Outcome out;
    client.send(json::array({"NEG-OPEN", sub, filter, to_hex(initiator->initiate())}));
    for (;;) {
        const json reply = client.next_matching(
            [&](const json& m) { return (m[0] == "NEG-MSG" || m[0] == "NEG-ERR") && m[1] == sub; });
        if (reply.is_null() || reply[0] == "NEG-ERR") {
            out.error = reply;
            return out;
        }
        ++out.round_trips;
        auto step = initiator->reconcile(unhex(reply[2]));
        EXPECT_TRUE(step.ok()) << step.error().message;
        if (!step.ok()) return out;
        for (const Hash256& id : step->have) out.have.insert(to_hex(id));
        for (const Hash256& id : step->need) out.need.insert(to_hex(id));
        if (step->done()) return out;
        client.send(json::array({"NEG-MSG", sub, to_hex(*step->next)}));
    }
}

std::set<std::string> ids(const std::vector<Event>& events) {
    std::set<std::string> out;
    for (const Event& e : events) out.insert(hex(e));
    return out;
}

TEST(RelayNegentropy, ReconcilesExactlyTheDifferencesOfTheFilteredSet) {
    Engine engine;
    const std::vector<Event> shared = make_events(300, 0, 1'700'000'000);
    const std::vector<Event> relay_only = make_events(40, 3, 1'700'000'010);
    const std::vector<Event> client_only = make_events(25, 6, 1'700'000'020);
    const std::vector<Event> other_kind = make_events(30, 0, 1'700'000'005, 7);
    store_all(engine, shared);
    store_all(engine, relay_only);
    store_all(engine, other_kind);
    std::vector<Event> mine = shared;
    mine.insert(mine.end(), client_only.begin(), client_only.end());

    Client client = engine.connect();
    for (uint64_t frame_limit : {uint64_t{0}, uint64_t{4096}}) {
        const Outcome out = reconcile(client, "n", {{"kinds", {1}}}, mine, frame_limit);
        EXPECT_TRUE(out.error.is_null()) << out.error;
        EXPECT_EQ(out.need, ids(relay_only)) << "frame limit " << frame_limit;
        EXPECT_EQ(out.have, ids(client_only)) << "frame limit " << frame_limit;
    }
    // The same set on both sides: one round trip, nothing to move.
    const Outcome same = reconcile(client, "n", {{"kinds", {7}}}, other_kind);
    EXPECT_TRUE(same.need.empty() && same.have.empty());
    EXPECT_EQ(same.round_trips, 1);
    // An empty relay set against an empty filter match.
    const Outcome none = reconcile(client, "n", {{"kinds", {9}}}, mine);
    EXPECT_EQ(none.have, ids(mine));
    EXPECT_TRUE(none.need.empty());
}

TEST(RelayNegentropy, FrameSizeLimitBoundsTheRelaysReplies) {
    Config config = test::generous_config("unused");
    config.neg_frame_size_limit = 4096;
    Engine engine(config);
    const std::vector<Event> relay_only = make_events(400, 0, 1'700'000'000);
    store_all(engine, relay_only);
    Client client = engine.connect();
    client.send(
        json::array({"NEG-OPEN", "big", json::object(), "6100000200"}));  // one empty IdList
    const json reply = client.next();
    ASSERT_EQ(reply[0], "NEG-MSG") << reply;
    EXPECT_LE(unhex(reply[2]).size(), 4096u);
    const Outcome out = reconcile(client, "all", json::object(), {});
    EXPECT_EQ(out.need, ids(relay_only));
    EXPECT_GT(out.round_trips, 2);  // 400 ids (12,800 bytes) cannot come in one 4 KB reply
}

TEST(RelayNegentropy, ErrorsNameTheSessionAndEndIt) {
    Config config = test::generous_config("unused");
    config.neg_max_items = 5;
    Engine engine(config);
    store_all(engine, make_events(6, 0, 1'700'000'000));
    Client client = engine.connect();
    auto next_for = [&](const std::string& sub) {
        return client.next_matching([&](const json& m) { return m[1] == sub; });
    };

    client.send(json::array({"NEG-OPEN", "a", json::object(), "6100000200"}));
    EXPECT_EQ(next_for("a"),
              json::array({"NEG-ERR", "a", "blocked: this query matches more than 5 events"}));
    // Five events fit.
    client.send(json::array({"NEG-OPEN", "b", {{"until", 1'700'000'000}}, "6100000200"}));
    EXPECT_EQ(next_for("b")[0], "NEG-MSG");

    client.send(json::array({"NEG-MSG", "nope", "6100000200"}));
    EXPECT_EQ(next_for("nope"),
              json::array({"NEG-ERR", "nope", "closed: no open negentropy session with this id"}));
    client.send(json::array({"NEG-MSG", "b", "61x0"}));
    json bad_hex = next_for("b");
    EXPECT_EQ(bad_hex[0], "NEG-ERR");
    EXPECT_TRUE(bad_hex[2].get<std::string>().starts_with("invalid: bad_hex: ")) << bad_hex;
    // The session is gone after NEG-ERR.
    client.send(json::array({"NEG-MSG", "b", "6100000200"}));
    EXPECT_EQ(next_for("b")[2], "closed: no open negentropy session with this id");

    // Bytes that are hex but not negentropy v1, and a truncated message.
    client.send(json::array({"NEG-OPEN", "c", json::object({{"until", 1'700'000'000}}), "ff"}));
    json not_negentropy = next_for("c");
    EXPECT_TRUE(not_negentropy[2].get<std::string>().starts_with("invalid: bad_protocol_version: "))
        << not_negentropy;
    client.send(json::array({"NEG-OPEN", "d", json::object({{"until", 1'700'000'000}}), "610001"}));
    EXPECT_TRUE(next_for("d")[2].get<std::string>().starts_with("invalid: truncated: "));
    // Another protocol version gets the version the relay speaks, as NIP-77 asks.
    client.send(
        json::array({"NEG-OPEN", "e", json::object({{"until", 1'700'000'000}}), "62aabbccddeeff"}));
    EXPECT_EQ(next_for("e"), json::array({"NEG-MSG", "e", "61"}));
    // Wrong shapes.
    client.send_text(R"(["NEG-OPEN","f",{"kinds":"x"},"61"])");
    EXPECT_TRUE(next_for("f")[2].get<std::string>().starts_with("invalid: filter_invalid: "));
    client.send_text(R"(["NEG-MSG","g"])");
    EXPECT_TRUE(next_for("g")[2].get<std::string>().starts_with("invalid: neg_syntax: "));
    client.send_text(R"(["NEG-MSG",5,"61"])");
    const json notice = client.next();
    EXPECT_EQ(notice[0], "NOTICE");
    // The relay still answers after all that.
    EXPECT_TRUE(client.req("still", {{{"limit", 1}}}).size() == 1);
}

TEST(RelayNegentropy, SessionsCountAgainstTheSubscriptionLimitAndAreFreed) {
    Config config = test::generous_config("unused");
    config.max_subscriptions = 2;
    Engine engine(config);
    EXPECT_EQ(metric(engine, "datt_neg_sessions_open"), 0);
    store_all(engine, make_events(20, 0, 1'700'000'000));
    EXPECT_EQ(metric(engine, "datt_neg_sessions_open"), 0);
    Client client = engine.connect();
    auto next_for = [&](const std::string& sub) {
        return client.next_matching([&](const json& m) { return m[1] == sub; });
    };
    EXPECT_EQ(client.req("r", {json::object({{"limit", 1}})}).size(), 1u);
    client.send(json::array({"NEG-OPEN", "n1", json::object(), "6100000200"}));
    EXPECT_EQ(next_for("n1")[0], "NEG-MSG");
    EXPECT_EQ(metric(engine, "datt_neg_sessions_open"), 1);
    EXPECT_EQ(metric(engine, "datt_neg_items_held"), 20);
    // Replacing n1 is not a new session.
    client.send(
        json::array({"NEG-OPEN", "n1", json::object({{"until", 1'700'000'001}}), "6100000200"}));
    EXPECT_EQ(next_for("n1")[0], "NEG-MSG");
    EXPECT_EQ(metric(engine, "datt_neg_sessions_open"), 1);
    EXPECT_EQ(metric(engine, "datt_neg_items_held"), 8);
    client.send(json::array({"NEG-OPEN", "n2", json::object(), "6100000200"}));
    EXPECT_EQ(next_for("n2"),
              json::array({"NEG-ERR", "n2", "blocked: too many open subscriptions (limit 2)"}));
    client.send(json::array({"REQ", "r2", json::object()}));
    EXPECT_EQ(next_for("r2"),
              json::array({"CLOSED", "r2", "blocked: too many open subscriptions (limit 2)"}));

    client.send(json::array({"NEG-CLOSE", "n1"}));
    EXPECT_TRUE(metric_reaches(engine, "datt_neg_sessions_open", 0));
    EXPECT_EQ(metric(engine, "datt_neg_items_held"), 0);
    client.send(json::array({"NEG-OPEN", "n2", json::object(), "6100000200"}));
    EXPECT_EQ(next_for("n2")[0], "NEG-MSG");
    EXPECT_EQ(metric(engine, "datt_neg_sessions_open"), 1);
    // Disconnecting frees it.
    client.close();
    EXPECT_TRUE(metric_reaches(engine, "datt_neg_sessions_open", 0));
    EXPECT_EQ(metric(engine, "datt_neg_items_held"), 0);
}

TEST(RelayNegentropy, RelayWideItemBudgetAndIdleTimeout) {
    Config config = test::generous_config("unused");
    config.neg_max_items = 10;
    config.neg_max_items_total = 15;  // room for one session reserved at its maximum
    // Long enough that the second NEG-OPEN below always arrives while the first session is
    // open, even on a loaded 2-core CI machine (0.3 s was not).
    config.neg_idle_seconds = 2.5;
    Engine engine(config);
    store_all(engine, make_events(8, 0, 1'700'000'000));
    Client first = engine.connect();
    Client second = engine.connect();
    first.send(json::array({"NEG-OPEN", "x", json::object(), "6100000200"}));
    EXPECT_EQ(first.next()[0], "NEG-MSG");
    // 8 held + 11 reserved would pass 15.
    second.send(json::array({"NEG-OPEN", "y", json::object(), "6100000200"}));
    EXPECT_EQ(second.next(),
              json::array({"NEG-ERR", "y",
                           "blocked: the relay is reconciling too many events, try again later"}));
    // Idle for more than 2.5 s: closed by the relay, its items given back.
    EXPECT_EQ(first.next(std::chrono::seconds(15)),
              json::array({"NEG-ERR", "x", "closed: idle for more than 2.5 seconds"}));
    EXPECT_EQ(metric(engine, "datt_neg_items_held"), 0);
    EXPECT_EQ(metric(engine, "datt_neg_timeouts_total"), 1);
    second.send(json::array({"NEG-OPEN", "y", json::object(), "6100000200"}));
    EXPECT_EQ(second.next()[0], "NEG-MSG");
}

}  // namespace
}  // namespace datt::relay
