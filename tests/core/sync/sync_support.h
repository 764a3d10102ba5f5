// Helpers for the core/sync suites: random item sets (seeded, so every failure replays)
// and a driver that runs a whole reconciliation between an Initiator and a Responder,
// checking every message on the way.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "sync/item_set.h"
#include "sync/message.h"
#include "sync/session.h"
#include "util/hex.h"

namespace datt::sync::test {

// Hex written with spaces between fields for the reader ("61 0000 02 00"), without them.
inline std::string compact(std::string_view text) {
    std::string out(text);
    std::erase(out, ' ');
    return out;
}

inline Bytes hex(std::string_view text) {
    auto bytes = from_hex(compact(text));
    EXPECT_TRUE(bytes.ok()) << text;
    return bytes.ok() ? *bytes : Bytes{};
}

inline Hash256 random_id(std::mt19937_64& rng) {
    Hash256 id;
    for (size_t i = 0; i < id.size(); i += 8) {
        const uint64_t word = rng();
        for (size_t j = 0; j < 8; ++j) id[i + j] = static_cast<uint8_t>(word >> (8 * j));
    }
    return id;
}

inline std::shared_ptr<const ItemSet> make_set(std::vector<Item> items) {
    auto set = ItemSet::from_items(std::move(items));
    EXPECT_TRUE(set.ok()) << set.error().code;
    return std::make_shared<const ItemSet>(set.ok() ? std::move(*set) : ItemSet());
}

// Two sides drawn from one universe: each item is on the client only, the server only,
// or both, with the given chances (the rest go to both).
struct SetPair {
    std::vector<Item> client;
    std::vector<Item> server;
    std::set<Hash256> only_client;
    std::set<Hash256> only_server;
};

struct PairShape {
    size_t items = 1000;
    double client_only = 0.01;
    double server_only = 0.01;
    // Timestamps are drawn from [base, base + spread): a small spread puts many items
    // in one second.
    uint64_t base = 1'700'000'000;
    uint64_t spread = 100'000;
};

inline SetPair random_pair(const PairShape& shape, uint64_t seed) {
    std::mt19937_64 rng(seed);
    std::uniform_real_distribution<double> chance(0.0, 1.0);
    SetPair pair;
    for (size_t i = 0; i < shape.items; ++i) {
        const Item item{shape.base + (shape.spread ? rng() % shape.spread : 0), random_id(rng)};
        const double draw = chance(rng);
        if (draw < shape.client_only) {
            pair.client.push_back(item);
            pair.only_client.insert(item.id);
        } else if (draw < shape.client_only + shape.server_only) {
            pair.server.push_back(item);
            pair.only_server.insert(item.id);
        } else {
            pair.client.push_back(item);
            pair.server.push_back(item);
        }
    }
    // Not sorted: ItemSet sorts.
    return pair;
}

struct Conversation {
    bool finished = false;
    size_t rounds = 0;  // initiator messages sent (NEG-OPEN and NEG-MSGs)
    size_t bytes_up = 0;
    size_t bytes_down = 0;
    size_t largest_up = 0;
    size_t largest_down = 0;
    std::set<Hash256> have;
    std::set<Hash256> need;
    size_t have_reports = 0;  // with repeats
    size_t need_reports = 0;
};

// Runs initiate/reconcile to the end; every message must decode and respect its sender's
// frame size limit. Stops with a test failure after max_rounds.
inline Conversation converse(const std::vector<Item>& client, const std::vector<Item>& server,
                             Limits client_limits = {}, Limits server_limits = {},
                             size_t max_rounds = 10'000) {
    Conversation talk;
    auto initiator = Initiator::create(make_set(client), client_limits);
    auto responder = Responder::create(make_set(server), server_limits);
    EXPECT_TRUE(initiator.ok() && responder.ok());
    if (!initiator.ok() || !responder.ok()) return talk;
    Bytes up = initiator->initiate();
    while (talk.rounds < max_rounds) {
        ++talk.rounds;
        talk.bytes_up += up.size();
        talk.largest_up = std::max(talk.largest_up, up.size());
        EXPECT_TRUE(decode_message(up).ok());
        if (client_limits.frame_size_limit != 0) {
            EXPECT_LE(up.size(), client_limits.frame_size_limit);
        }
        auto down = responder->reconcile(up);
        EXPECT_TRUE(down.ok()) << down.error().code << ": " << down.error().message;
        if (!down.ok()) return talk;
        talk.bytes_down += down->size();
        talk.largest_down = std::max(talk.largest_down, down->size());
        EXPECT_TRUE(decode_message(*down).ok());
        if (server_limits.frame_size_limit != 0) {
            EXPECT_LE(down->size(), server_limits.frame_size_limit);
        }
        auto step = initiator->reconcile(*down);
        EXPECT_TRUE(step.ok()) << step.error().code << ": " << step.error().message;
        if (!step.ok()) return talk;
        talk.have.insert(step->have.begin(), step->have.end());
        talk.need.insert(step->need.begin(), step->need.end());
        talk.have_reports += step->have.size();
        talk.need_reports += step->need.size();
        if (step->done()) {
            talk.finished = true;
            return talk;
        }
        up = std::move(*step->next);
    }
    ADD_FAILURE() << "no end after " << max_rounds << " rounds";
    return talk;
}

}  // namespace datt::sync::test
