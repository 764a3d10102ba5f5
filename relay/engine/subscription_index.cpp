#include "engine/subscription_index.h"

#include <algorithm>

namespace datt::relay {
namespace {

template <class... Fs>
struct Overloaded : Fs... {
    using Fs::operator()...;
};
template <class... Fs>
Overloaded(Fs...) -> Overloaded<Fs...>;

bool has_empty_list(const proto::Filter& filter) {
    if (filter.ids && filter.ids->empty()) return true;
    if (filter.authors && filter.authors->empty()) return true;
    if (filter.kinds && filter.kinds->empty()) return true;
    return std::any_of(filter.tags.begin(), filter.tags.end(),
                       [](const proto::TagCondition& c) { return c.values.empty(); });
}

}  // namespace

int SubscriptionIndex::letter_slot(char name) {
    if (name >= 'a' && name <= 'z') return name - 'a';
    if (name >= 'A' && name <= 'Z') return 26 + (name - 'A');
    return -1;
}

template <class Place>
void SubscriptionIndex::places(const proto::Filter& filter, Place place) {
    if (has_empty_list(filter)) return;
    if (filter.ids) {
        for (const Hash256& id : *filter.ids) place(ids_, id);
        return;
    }
    if (filter.authors) {
        for (const ByteArray<32>& author : *filter.authors) place(authors_, author);
        return;
    }
    const proto::TagCondition* fewest = nullptr;
    for (const proto::TagCondition& condition : filter.tags) {
        if (letter_slot(condition.name) < 0) continue;
        if (!fewest || condition.values.size() < fewest->values.size()) fewest = &condition;
    }
    if (fewest) {
        TagMap& map = tags_[static_cast<size_t>(letter_slot(fewest->name))];
        for (const std::string& value : fewest->values) place(map, value);
        return;
    }
    if (filter.kinds) {
        for (event::Kind kind : *filter.kinds) place(kinds_, kind);
        return;
    }
    place(scan_);
}

void SubscriptionIndex::add(Handle handle, const std::vector<proto::Filter>& filters) {
    remove(handle);
    registered_[handle].filters = filters;
    for (uint32_t i = 0; i < filters.size(); ++i) {
        const Entry entry{handle, i};
        const auto append = [&](Entries& entries) {
            // A value listed twice in one filter is registered once.
            if (entries.empty() || entries.back().handle != handle || entries.back().filter != i) {
                entries.push_back(entry);
            }
        };
        places(filters[i], Overloaded{[&](Entries& scan) { append(scan); },
                                      [&](auto& map, const auto& key) { append(map[key]); }});
    }
}

void SubscriptionIndex::remove(Handle handle) {
    auto found = registered_.find(handle);
    if (found == registered_.end()) return;
    const auto mine = [&](const Entry& e) { return e.handle == handle; };
    for (const proto::Filter& filter : found->second.filters) {
        places(filter, Overloaded{[&](Entries& scan) { std::erase_if(scan, mine); },
                                  [&](auto& map, const auto& key) {
                                      auto it = map.find(key);
                                      if (it == map.end()) return;
                                      std::erase_if(it->second, mine);
                                      if (it->second.empty()) map.erase(it);
                                  }});
    }
    registered_.erase(found);
}

}  // namespace datt::relay
