// Which live subscriptions an event matches, at a cost that follows the subscriptions
// that could match rather than all of them (strfry's ReqMonitor does the same).
//
// Each filter is registered under its most selective condition, by these rules, in order:
//   ids      under each id            (an id names one event)
//   authors  under each author
//   tags     under each value of its condition with the fewest values ('#e', '#p', ...)
//   kinds    under each kind
//   none of these (only since/until/search, or {}): the scan list, tested for every event.
// A filter with an empty list matches nothing and is not registered at all. An event then
// looks up its id, its author, each of its single-letter tags with a value, its kind, and
// the scan list; only the filters found there are tested with proto::matches. So the
// cost per event is the lookups plus the filters registered under its own keys.
//
// Not thread-safe: each monitor shard has its own.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "event/event.h"
#include "proto/filter.h"

namespace datt::relay {

class SubscriptionIndex {
  public:
    using Handle = uint64_t;

    // Registers the filters of subscription `handle` (copied). A handle already present is
    // replaced.
    void add(Handle handle, const std::vector<proto::Filter>& filters);
    void remove(Handle handle);

    // Calls `visit(handle)` once for each subscription with a filter that matches `event`.
    template <class Visit>
    void match(const event::Event& event, Visit visit);

    size_t subscriptions() const { return registered_.size(); }

    // Filters tested by the last match() (for tests and benchmarks: the work done).
    size_t last_tested() const { return last_tested_; }

  private:
    struct Entry {
        Handle handle;
        uint32_t filter;  // index into the subscription's filters
    };
    struct Registered {
        std::vector<proto::Filter> filters;
        uint64_t stamp = 0;  // the match() that last reported it
    };
    // Hashes 32-byte keys (ids, pubkeys) through std::string_view, all bytes.
    struct KeyHash {
        size_t operator()(const ByteArray<32>& key) const {
            return std::hash<std::string_view>{}(
                std::string_view(reinterpret_cast<const char*>(key.data()), key.size()));
        }
    };
    struct ValueHash {
        using is_transparent = void;
        size_t operator()(std::string_view value) const { return std::hash<std::string_view>{}(value); }
    };
    using Entries = std::vector<Entry>;
    using TagMap = std::unordered_map<std::string, Entries, ValueHash, std::equal_to<>>;

    // Where a filter goes: calls `place(entries)` for each list it belongs in.
    template <class Place>
    void places(const proto::Filter& filter, Place place);
    static int letter_slot(char name);  // a-z 0..25, A-Z 26..51, else -1
    template <class Visit>
    void test(const Entries& entries, const event::Event& event, Visit& visit);

    std::unordered_map<Handle, Registered> registered_;
    std::unordered_map<Hash256, Entries, KeyHash> ids_;
    std::unordered_map<ByteArray<32>, Entries, KeyHash> authors_;
    std::array<TagMap, 52> tags_;
    std::unordered_map<event::Kind, Entries> kinds_;
    Entries scan_;
    uint64_t stamp_ = 0;
    size_t last_tested_ = 0;
};

template <class Visit>
void SubscriptionIndex::test(const Entries& entries, const event::Event& event, Visit& visit) {
    for (const Entry& entry : entries) {
        Registered& registered = registered_.find(entry.handle)->second;
        if (registered.stamp == stamp_) continue;  // already reported for this event
        ++last_tested_;
        if (!proto::matches(registered.filters[entry.filter], event)) continue;
        registered.stamp = stamp_;
        visit(entry.handle);
    }
}

template <class Visit>
void SubscriptionIndex::match(const event::Event& event, Visit visit) {
    ++stamp_;
    last_tested_ = 0;
    if (auto it = ids_.find(event.id()); it != ids_.end()) test(it->second, event, visit);
    if (auto it = authors_.find(event.pubkey()); it != authors_.end()) test(it->second, event, visit);
    for (const event::Tag& tag : event.tags()) {
        if (tag.size() < 2 || tag[0].size() != 1) continue;
        const int slot = letter_slot(tag[0][0]);
        if (slot < 0) continue;
        const TagMap& map = tags_[static_cast<size_t>(slot)];
        if (map.empty()) continue;
        if (auto it = map.find(std::string_view(tag[1])); it != map.end()) test(it->second, event, visit);
    }
    if (auto it = kinds_.find(event.kind()); it != kinds_.end()) test(it->second, event, visit);
    test(scan_, event, visit);
}

}  // namespace datt::relay
