// NIP-01 subscription filters and the pure matching rule shared by relay and browser.
//
// A filter matches an event when every condition present holds; within one list any
// value may match. An empty list (e.g. "ids":[]) matches nothing. `search` (NIP-50) is
// matched here as: every whitespace-separated term occurs in the content, ignoring ASCII
// case; a relay may rank search results differently but returns only such events.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "event/event.h"
#include "util/bytes.h"
#include "util/result.h"

namespace datt::proto {

struct TagCondition {
    char name;                        // single letter a-z / A-Z: the "#e" in a filter
    std::vector<std::string> values;  // the event's tag[1] must equal one of them
    bool operator==(const TagCondition&) const = default;
};

struct Filter {
    std::optional<std::vector<Hash256>> ids;
    std::optional<std::vector<ByteArray<32>>> authors;
    std::optional<std::vector<event::Kind>> kinds;
    std::vector<TagCondition> tags;
    std::optional<int64_t> since;  // inclusive
    std::optional<int64_t> until;  // inclusive
    std::optional<uint32_t> limit;
    std::optional<std::string> search;
    bool operator==(const Filter&) const = default;
};

struct FilterLimits {
    size_t max_values = 1000;          // entries in ids/authors/kinds/one tag list
    size_t max_tag_conditions = 10;    // distinct "#x" members
    size_t max_value_bytes = 1024;     // one tag value
    size_t max_search_bytes = 256;
};

bool matches(const Filter& filter, const event::Event& event);
bool matches_any(const std::vector<Filter>& filters, const event::Event& event);

// NIP-50 search match used by `matches` (exposed for stores that pre-filter with FTS).
bool search_matches(std::string_view query, std::string_view content);

}  // namespace datt::proto
