// Random signed events and NIP-01 filters for differential tests (the store against a
// reference, the engine's fan-out index against brute force). Created_at values come from
// a narrow range so that ties are common; tag values and authors come from small pools so
// that filters hit.
#pragma once

#include <cctype>
#include <random>
#include <string>
#include <vector>

#include "event/event.h"
#include "proto/filter.h"
#include "store_support.h"
#include "util/hex.h"

namespace datt::relay::test {

using event::Event;
using proto::Filter;

inline constexpr int kKeys = 20;
inline constexpr int64_t kFirstSecond = 1'000;
inline constexpr int64_t kSeconds = 60;

// Search words: none is a substring of another, so for content made of
// these words separated by spaces, FTS5's whole-word match and proto::matches' substring
// match agree and the search results can be compared exactly (store_differential_test
// checks that none is a substring of another).
inline const std::vector<std::string> kWords = {"alpha", "bravo", "charlie", "delta",
                                                "echo",  "foxtrot", "golf", "hotel",
                                                "india", "juliet"};

class Generator {
  public:
    explicit Generator(uint64_t seed) : rng_(seed) {
        for (int i = 0; i < kKeys; ++i) pubkeys_.push_back(test::test_pubkey(i));
        for (int i = 0; i < 30; ++i) {
            Hash256 id;
            for (auto& b : id) b = static_cast<uint8_t>(rng_());
            e_values_.push_back(to_hex(id));
        }
        for (int i = 0; i < 6; ++i) {
            a_values_.push_back("30023:" + to_hex(pubkeys_[i]) + ":" + kWords[i]);
        }
    }

    int pick(int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng_); }
    bool chance(double p) { return std::bernoulli_distribution(p)(rng_); }

    std::string tag_value(char name) {
        switch (name) {
            case 'e':
                return e_values_[pick(static_cast<int>(e_values_.size()))];
            case 'p':
                return to_hex(pubkeys_[pick(kKeys)]);
            case 't':
                return kWords[pick(6)];
            case 'a':
                return a_values_[pick(static_cast<int>(a_values_.size()))];
            default:
                return std::vector<std::string>{"", "1", "x y", "X"}[pick(4)];
        }
    }

    std::string word() {
        std::string w = kWords[pick(static_cast<int>(kWords.size()))];
        if (chance(0.3)) {
            for (char& c : w) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        }
        return w;
    }

    Event event() {
        static const event::Kind kKinds[] = {1, 7, 1111, 1984};
        static const char kTagNames[] = {'e', 'p', 't', 'a', 'x'};
        event::Tags tags;
        for (int i = pick(5); i > 0; --i) {
            const char name = kTagNames[pick(5)];
            tags.push_back({std::string(1, name), tag_value(name)});
            if (chance(0.1)) tags.back().push_back("extra");
        }
        if (chance(0.05)) tags.push_back({"t"});  // no value: never matches
        if (chance(0.05)) tags.push_back({"title", "alpha"});
        std::string content;
        for (int i = pick(4); i > 0; --i) {
            if (!content.empty()) content += ' ';
            content += word();
        }
        // A unique suffix keeps ids unique even when everything else repeats.
        content += " #" + std::to_string(serial_++);
        return test::sign_event(pick(kKeys), kFirstSecond + pick(kSeconds), kKinds[pick(4)],
                                std::move(tags), std::move(content));
    }

    Filter filter(const std::vector<Event>& events) {
        Filter f;
        if (chance(0.15)) {
            f.ids.emplace();
            for (int i = pick(4); i > 0; --i) {
                f.ids->push_back(chance(0.8) ? events[pick(static_cast<int>(events.size()))].id()
                                             : Hash256{});
            }
        }
        if (chance(0.35)) {
            f.authors.emplace();
            for (int i = pick(5); i > 0; --i) f.authors->push_back(pubkeys_[pick(kKeys)]);
            if (chance(0.1)) f.authors->push_back(test::test_pubkey(kKeys + 1));
        }
        if (chance(0.35)) {
            static const event::Kind kQueryKinds[] = {1, 7, 1111, 1984, 0, 5};
            f.kinds.emplace();
            for (int i = pick(4); i > 0; --i) f.kinds->push_back(kQueryKinds[pick(6)]);
        }
        for (int n = chance(0.4) ? 1 + pick(2) : 0; n > 0; --n) {
            static const char kNames[] = {'e', 'p', 't', 'a', 'x', 'z'};
            proto::TagCondition condition{kNames[pick(6)], {}};
            for (int i = pick(4); i > 0; --i) condition.values.push_back(tag_value(condition.name));
            f.tags.push_back(std::move(condition));
        }
        if (chance(0.3)) f.since = kFirstSecond - 5 + pick(kSeconds + 10);
        if (chance(0.3)) f.until = kFirstSecond - 5 + pick(kSeconds + 10);
        if (chance(0.5)) f.limit = static_cast<uint32_t>(pick(60));
        if (chance(0.15)) {
            std::string search = word();
            if (chance(0.4)) search += (chance(0.5) ? " " : "\t ") + word();
            f.search = search;
        }
        return f;
    }

  private:
    std::mt19937_64 rng_;
    std::vector<ByteArray<32>> pubkeys_;
    std::vector<std::string> e_values_;
    std::vector<std::string> a_values_;
    int serial_ = 0;
};

}  // namespace datt::relay::test
