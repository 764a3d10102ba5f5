#include "proto/filter.h"

#include <algorithm>

namespace datt::proto {
namespace {

template <class T>
bool contains(const std::vector<T>& values, const T& value) {
    return std::find(values.begin(), values.end(), value) != values.end();
}

char ascii_lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool contains_ignoring_case(std::string_view haystack, std::string_view needle) {
    if (needle.empty()) return true;
    if (needle.size() > haystack.size()) return false;
    for (size_t start = 0; start + needle.size() <= haystack.size(); ++start) {
        size_t i = 0;
        while (i < needle.size() && ascii_lower(haystack[start + i]) == ascii_lower(needle[i])) ++i;
        if (i == needle.size()) return true;
    }
    return false;
}

bool tag_matches(const TagCondition& condition, const event::Tags& tags) {
    for (const event::Tag& tag : tags) {
        if (tag.size() >= 2 && tag[0].size() == 1 && tag[0][0] == condition.name &&
            contains(condition.values, tag[1])) {
            return true;
        }
    }
    return false;
}

}  // namespace

bool search_matches(std::string_view query, std::string_view content) {
    size_t pos = 0;
    while (pos < query.size()) {
        while (pos < query.size() && (query[pos] == ' ' || query[pos] == '\t' || query[pos] == '\n')) ++pos;
        size_t end = pos;
        while (end < query.size() && query[end] != ' ' && query[end] != '\t' && query[end] != '\n') ++end;
        if (end > pos && !contains_ignoring_case(content, query.substr(pos, end - pos))) return false;
        pos = end;
    }
    return true;
}

bool matches(const Filter& filter, const event::Event& event) {
    if (filter.ids && !contains(*filter.ids, event.id())) return false;
    if (filter.authors && !contains(*filter.authors, event.pubkey())) return false;
    if (filter.kinds && !contains(*filter.kinds, event.kind())) return false;
    if (filter.since && event.created_at() < *filter.since) return false;
    if (filter.until && event.created_at() > *filter.until) return false;
    for (const TagCondition& condition : filter.tags) {
        if (!tag_matches(condition, event.tags())) return false;
    }
    if (filter.search && !search_matches(*filter.search, event.content())) return false;
    return true;
}

bool matches_any(const std::vector<Filter>& filters, const event::Event& event) {
    return std::any_of(filters.begin(), filters.end(),
                       [&](const Filter& f) { return matches(f, event); });
}

}  // namespace datt::proto
