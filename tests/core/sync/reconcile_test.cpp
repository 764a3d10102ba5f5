// Reconciliation: exact messages for small sets (worked out from the spec, fingerprints by
// an independent Python computation, see fingerprint_test.cpp), the reference's protocol
// version test, the frame size limit, hostile replies, and property tests in which two
// random sets must converge to exactly their differences.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "sync/message.h"
#include "sync/reconciler.h"
#include "sync/session.h"
#include "sync_support.h"
#include "util/hex.h"

namespace datt::sync {
namespace {

using test::compact;
using test::converse;
using test::hex;
using test::make_set;
using test::PairShape;
using test::random_pair;

Hash256 filled(uint8_t byte) {
    Hash256 id;
    id.fill(byte);
    return id;
}

Initiator initiator_of(std::vector<Item> items, Limits limits = {}) {
    return *Initiator::create(make_set(std::move(items)), limits);
}

Responder responder_of(std::vector<Item> items, Limits limits = {}) {
    return *Responder::create(make_set(std::move(items)), limits);
}

TEST(Initiate, EmptySetIsOneEmptyIdList) {
    // The bytes hoytech/negentropy's test/protoversion.pl sends as "full range bound, empty
    // IdList".
    EXPECT_EQ(to_hex(initiator_of({}).initiate()), "6100000200");
}

TEST(Initiate, FewerThan32ItemsAreOneIdListInOrder) {
    const Item b{1000, filled(0x02)};
    const Item a{1000, filled(0x01)};
    const Item c{999, filled(0x03)};
    EXPECT_EQ(to_hex(initiator_of({a, b, c}).initiate()),
              compact("61 00 00 02 03") + to_hex(c.id) + to_hex(a.id) + to_hex(b.id));
}

// 32 items, timestamps 1000..1031, ids i repeated: 16 buckets of 2, bounds at the next
// bucket's timestamp (1002 = varint 1003 = 876b, then deltas of 2 = 03), the last at
// infinity. Expected bytes from an independent Python implementation of the spec.
TEST(Initiate, ThirtyTwoItemsAreSixteenFingerprints) {
    std::vector<Item> items;
    for (uint8_t i = 0; i < 32; ++i) items.push_back({1000u + i, filled(i)});
    EXPECT_EQ(to_hex(initiator_of(items).initiate()),
              "61876b00012badbd7659924f488790ab577a29bcbe0300011ba91635a8ddc0e32a0a796ee0389def0300"
              "0107aa15a5c153b036e64b5d1a0b68a741030001c3b220cd2682a0d35c0d55f0690eb14a030001de7cc2"
              "18a459caaf756d498e46da3749030001d1cf570526e4c1870196a8d9e539e22d030001f8dbdbec6eee46"
              "577c119184fa3622dd030001228ff9be580af0340ea2a3f9955863f7030001eb56fc10dc92e87eb8dd86"
              "93fa52503f030001aaaa6ba6f4c7fa312492e18f360799f9030001c989e48aaeb895ae19ea03e4c384b2"
              "7d030001a2952b0bc61a90aea947bdd3d3b2511d030001ea0b199ccb75b2bf4ad341fb9fc51123030001"
              "a1f81d851b2aeb0e73172e413a6ab574030001b3e3858268b6e16cf19cad87464bb7950000011fcfbdb9"
              "95ca766a5be2bbd528e9ee3d");
}

// 34 items in one second, ids (i/4, i%4, 0...): buckets of 3, 3, then 2; bounds are id
// prefixes of one or two bytes. Expected bytes from the same Python implementation.
TEST(Initiate, ItemsInOneSecondAreSeparatedByMinimalPrefixes) {
    std::vector<Item> items;
    for (uint8_t i = 0; i < 34; ++i) {
        Hash256 id{};
        id[0] = i / 4;
        id[1] = i % 4;
        items.push_back({7, id});
    }
    EXPECT_EQ(
        to_hex(initiator_of(items).initiate()),
        "610802000301a80bb7113542c7fac971a551ff05e9320102010201e4341549e81e07044b7de1f8be0756d001"
        "0102011f8c5d0304fe790884617e8bd91125dd01020202012f1d2caf5e1d71bf809d341ad80d1c5701010301"
        "711bd706e765d6269738b26fb29509950102030201599b94f4a690e3887edbac669eb8361801010401"
        "5f18e044024fb3258a7ad581758407af010204020184450a784197beab46d1b9ad6e58e83601010501fb7ab0"
        "41f8f9c2e7e7ce9b85a8d6543001020502015886cca66252bcc27b194b39d0042d17010106016070899ab8cf"
        "78a435c312609ed465b3010206020105a5d878789bf08132b0f59d641e2b650101070122ad7c5406b767aa99"
        "61066383b3f45301020702015f66df1e06bbf9be0bdf6c55d7bea647010108011d2644b325f474d9dc70c0d7"
        "9c0081fa0000014c0678b85aa426368d77818f2aa4b05b");
}

// hoytech/negentropy test/protoversion.pl: a server with one item gets a message of a
// newer version, answers with its own version byte alone, and then answers the version 1
// retry as if nothing had happened.
TEST(ProtocolVersion, ResponderAnswersOtherVersionsWithItsOwn) {
    const Item item{12345, filled(0xee)};
    const Responder responder = responder_of({item});
    const auto retry_answer = compact("61 00 00 02 01") + to_hex(item.id);
    EXPECT_EQ(to_hex(responder.reconcile(hex("6100000200")).value()), retry_answer);
    EXPECT_EQ(to_hex(responder.reconcile(hex("62aabbccddeeff")).value()), "61");
    EXPECT_EQ(to_hex(responder.reconcile(hex("60")).value()), "61");
    EXPECT_EQ(to_hex(responder.reconcile(hex("6f")).value()), "61");
    EXPECT_EQ(to_hex(responder.reconcile(hex("6100000200")).value()), retry_answer);
    // Not negentropy at all: an error, not a version reply.
    EXPECT_EQ(responder.reconcile(hex("70")).error().code, "bad_protocol_version");
    EXPECT_EQ(responder.reconcile(hex("")).error().code, "truncated");
}

TEST(ProtocolVersion, InitiatorRefusesOtherVersionsAndStopsOnAnEmptyReply) {
    const Initiator initiator = initiator_of({{1, filled(1)}});
    EXPECT_EQ(initiator.reconcile(hex("62")).error().code, "unsupported_protocol_version");
    auto step = initiator.reconcile(hex("61"));
    ASSERT_TRUE(step.ok());
    EXPECT_TRUE(step->done());
    EXPECT_TRUE(step->have.empty() && step->need.empty());
}

TEST(Session, LimitsAreChecked) {
    auto set = make_set({{1, filled(1)}, {2, filled(2)}});
    EXPECT_EQ(Responder::create(set, {.max_items = 1}).error().code, "too_many_items");
    EXPECT_EQ(Initiator::create(set, {.max_items = 1}).error().code, "too_many_items");
    EXPECT_TRUE(Responder::create(set, {.max_items = 2}).ok());
    EXPECT_EQ(Responder::create(set, {.frame_size_limit = 4095}).error().code,
              "bad_frame_size_limit");
    EXPECT_EQ(Initiator::create(set, {.frame_size_limit = 1}).error().code, "bad_frame_size_limit");
    EXPECT_TRUE(Responder::create(set, {.frame_size_limit = 4096}).ok());
    EXPECT_TRUE(Responder::create(set, {.frame_size_limit = 0}).ok());
    EXPECT_EQ(reconcile_message(*set, 199, Role::responder, hex("6100000200")).error().code,
              "bad_frame_size_limit");
}

// A responder with 200 items asked for the whole universe (an empty client) under a 4096
// byte limit: it adds ids while the reply is at most 4096 - 200 bytes before the next id,
// so 1 + 32 * 122 > 3896 stops it at item 122, which closes the IdList with its full id;
// the rest of the set follows as one fingerprint up to infinity.
TEST(FrameSizeLimit, ResponderIdListStopsWhereTheReferenceStops) {
    std::vector<Item> items;
    std::mt19937_64 rng(5);
    for (int i = 0; i < 200; ++i) items.push_back({1'700'000'000u + i, test::random_id(rng)});
    auto set = make_set(items);
    const Responder responder = *Responder::create(set, {.frame_size_limit = 4096});
    auto reply = responder.reconcile(hex("6100000200"));
    ASSERT_TRUE(reply.ok());
    EXPECT_LE(reply->size(), 4096u);
    auto message = decode_message(*reply);
    ASSERT_TRUE(message.ok());
    ASSERT_EQ(message->ranges.size(), 2u);
    const Range& ids = message->ranges[0];
    EXPECT_EQ(ids.upper, Bound::at_item((*set)[122]));
    const auto& list = std::get<IdList>(ids.payload);
    ASSERT_EQ(list.size(), 122u);
    for (size_t i = 0; i < list.size(); ++i) EXPECT_EQ(list[i], (*set)[i].id);
    const Range& rest = message->ranges[1];
    EXPECT_TRUE(rest.upper.is_infinity());
    EXPECT_EQ(std::get<Fingerprint>(rest.payload), fingerprint_of(set->items().subspan(122)));

    // Without a limit the same question gets all 200 ids in one range.
    auto unlimited = Responder::create(set, {})->reconcile(hex("6100000200"));
    ASSERT_TRUE(unlimited.ok());
    auto whole = decode_message(*unlimited);
    ASSERT_TRUE(whole.ok());
    ASSERT_EQ(whole->ranges.size(), 1u);
    EXPECT_EQ(std::get<IdList>(whole->ranges[0].payload).size(), 200u);
}

TEST(Initiator, ReportsEachIdOfAnIdListOnceAndDedupesARepeatingPeer) {
    const Initiator initiator = initiator_of({{5, filled(1)}, {6, filled(2)}});
    // The responder claims ids 2 (shared), 3 (twice) and 4 over the whole universe.
    const std::string reply = "61 0000 02 04" + to_hex(filled(3)) + to_hex(filled(2)) +
                              to_hex(filled(3)) + to_hex(filled(4));
    auto step = initiator.reconcile(hex(reply));
    ASSERT_TRUE(step.ok());
    EXPECT_TRUE(step->done());  // an IdList is answered with a (never written) Skip
    EXPECT_EQ(step->have, std::vector<Hash256>{filled(1)});
    EXPECT_EQ(step->need, (std::vector<Hash256>{filled(3), filled(4)}));

    // The same id in two ranges of one message (which no honest peer sends): needed once.
    const std::string twice =
        "61 0b00 02 01" + to_hex(filled(9)) + "0000 02 01" + to_hex(filled(9));
    auto repeated = initiator.reconcile(hex(twice));
    ASSERT_TRUE(repeated.ok());
    EXPECT_EQ(repeated->need, std::vector<Hash256>{filled(9)});
}

TEST(Initiator, HostileRepliesAreErrorsNotCrashes) {
    const Initiator initiator = initiator_of({{5, filled(1)}});
    EXPECT_EQ(initiator.reconcile(hex("61000003")).error().code, "bad_mode");
    EXPECT_EQ(initiator.reconcile(hex("6100000209")).error().code, "truncated");
    // An error anywhere is an error, even after ranges the frame limit would not reach.
    EXPECT_EQ(initiator.reconcile(hex("6100000200 000009")).error().code, "bad_mode");
}

// ---- Property tests: the two sides learn exactly their differences. ----

void expect_converges(const test::SetPair& pair, Limits client = {}, Limits server = {}) {
    const auto talk = converse(pair.client, pair.server, client, server);
    ASSERT_TRUE(talk.finished);
    EXPECT_EQ(talk.have, pair.only_client);
    EXPECT_EQ(talk.need, pair.only_server);
    if (client.frame_size_limit == 0 && server.frame_size_limit == 0) {
        // Without frame size limits no range is looked at twice, so nothing is repeated.
        EXPECT_EQ(talk.have_reports, talk.have.size());
        EXPECT_EQ(talk.need_reports, talk.need.size());
    }
}

struct LimitPair {
    const char* name;
    uint64_t client;
    uint64_t server;
};

const LimitPair kLimitPairs[] = {
    {"none", 0, 0},
    {"client 4096", 4096, 0},
    {"server 4096", 0, 4096},
    {"both 4096", 4096, 4096},
    {"both 60000", 60'000, 60'000},
    {"client 5000 server 30000", 5000, 30'000},
};

TEST(Converge, EmptyAndIdenticalSets) {
    for (const LimitPair& limits : kLimitPairs) {
        SCOPED_TRACE(limits.name);
        const Limits client{.frame_size_limit = limits.client};
        const Limits server{.frame_size_limit = limits.server};
        expect_converges({}, client, server);
        for (size_t n : {1u, 31u, 32u, 33u, 1000u, 20'000u}) {
            SCOPED_TRACE(n);
            auto pair = random_pair({.items = n, .client_only = 0, .server_only = 0}, n);
            const auto talk = converse(pair.client, pair.server, client, server);
            ASSERT_TRUE(talk.finished);
            EXPECT_TRUE(talk.have.empty() && talk.need.empty());
            // Identical sets settle with the first reply.
            EXPECT_EQ(talk.rounds, 1u);
        }
    }
}

TEST(Converge, OneSideEmptyAndAllDifferent) {
    for (const LimitPair& limits : kLimitPairs) {
        SCOPED_TRACE(limits.name);
        const Limits client{.frame_size_limit = limits.client};
        const Limits server{.frame_size_limit = limits.server};
        for (size_t n : {1u, 40u, 5000u}) {
            SCOPED_TRACE(n);
            expect_converges(random_pair({.items = n, .client_only = 1, .server_only = 0}, n),
                             client, server);
            expect_converges(random_pair({.items = n, .client_only = 0, .server_only = 1}, n + 1),
                             client, server);
            expect_converges(
                random_pair({.items = n, .client_only = 0.5, .server_only = 0.5}, n + 2), client,
                server);
        }
    }
}

TEST(Converge, ManyEventsInOneSecond) {
    for (const LimitPair& limits : kLimitPairs) {
        SCOPED_TRACE(limits.name);
        const Limits client{.frame_size_limit = limits.client};
        const Limits server{.frame_size_limit = limits.server};
        // 6,000 events in one second; 3,000 in three seconds, a fifth of them client-only.
        expect_converges(
            random_pair({.items = 6000, .client_only = 0.05, .server_only = 0.05, .spread = 0}, 31),
            client, server);
        expect_converges(
            random_pair({.items = 3000, .client_only = 0.2, .server_only = 0.01, .spread = 3}, 32),
            client, server);
    }
}

TEST(Converge, RandomSetsWithRandomDifferences) {
    std::mt19937_64 rng(77);
    for (int round = 0; round < 60; ++round) {
        const LimitPair& limits = kLimitPairs[round % std::size(kLimitPairs)];
        PairShape shape;
        shape.items = rng() % 4000;
        shape.client_only = (rng() % 100) / 400.0;
        shape.server_only = (rng() % 100) / 400.0;
        shape.spread = std::vector<uint64_t>{0, 1, 10, 1000, 10'000'000}[rng() % 5];
        SCOPED_TRACE("round " + std::to_string(round) + ", " + limits.name + ", " +
                     std::to_string(shape.items) + " items");
        expect_converges(random_pair(shape, 1000 + round), {.frame_size_limit = limits.client},
                         {.frame_size_limit = limits.server});
    }
}

TEST(Converge, HundredThousandItems) {
    for (const LimitPair& limits : {kLimitPairs[0], kLimitPairs[4], kLimitPairs[3]}) {
        SCOPED_TRACE(limits.name);
        expect_converges(
            random_pair({.items = 100'000, .client_only = 0.005, .server_only = 0.005}, 100),
            {.frame_size_limit = limits.client}, {.frame_size_limit = limits.server});
    }
}

// Timestamps anywhere in the 64-bit range below infinity, deltas of up to ten bytes.
TEST(Converge, ExtremeTimestamps) {
    std::mt19937_64 rng(3);
    test::SetPair pair;
    for (int i = 0; i < 3000; ++i) {
        const uint64_t timestamp =
            std::vector<uint64_t>{0, 1, kInfinity - 1, kInfinity - 2, rng() % kInfinity}[rng() % 5];
        const Item item{timestamp, test::random_id(rng)};
        switch (rng() % 4) {
            case 0:
                pair.client.push_back(item);
                pair.only_client.insert(item.id);
                break;
            case 1:
                pair.server.push_back(item);
                pair.only_server.insert(item.id);
                break;
            default:
                pair.client.push_back(item);
                pair.server.push_back(item);
        }
    }
    expect_converges(pair);
    expect_converges(pair, {.frame_size_limit = 4096}, {.frame_size_limit = 4096});
}

}  // namespace
}  // namespace datt::sync
