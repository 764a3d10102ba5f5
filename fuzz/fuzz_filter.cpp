// proto::parse_filter on untrusted text (the filter objects of REQ and COUNT).
//
// Invariants checked:
//   - a rejection is "filter_invalid" with a message, and a CLOSED reply quoting that
//     message is valid JSON reading back the same text;
//   - an accepted filter respects FilterLimits, and filter_to_json() parses back to an
//     equal filter with the same bytes on a second round trip.
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "check.h"
#include "proto/message.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    namespace proto = datt::proto;
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    auto filter = proto::parse_filter(text);
    if (!filter) {
        // duplicate_field: a member name twice, refused like events' (docs/protocol.md).
        DATT_FUZZ_CHECK(filter.error().code == "filter_invalid" || filter.error().code == "duplicate_field");
        DATT_FUZZ_CHECK(!filter.error().message.empty());
        const auto reply = nlohmann::json::parse(proto::format_closed("s", filter.error().message),
                                                 nullptr, /*allow_exceptions=*/false);
        DATT_FUZZ_CHECK(reply.is_array() && reply.size() == 3 &&
                        reply[2] == filter.error().message);
        return 0;
    }
    const proto::FilterLimits limits;
    if (filter->ids) DATT_FUZZ_CHECK(filter->ids->size() <= limits.max_values);
    if (filter->authors) DATT_FUZZ_CHECK(filter->authors->size() <= limits.max_values);
    if (filter->kinds) DATT_FUZZ_CHECK(filter->kinds->size() <= limits.max_values);
    if (filter->search) DATT_FUZZ_CHECK(filter->search->size() <= limits.max_search_bytes);
    DATT_FUZZ_CHECK(filter->tags.size() <= limits.max_tag_conditions);
    for (const proto::TagCondition& condition : filter->tags) {
        DATT_FUZZ_CHECK(condition.values.size() <= limits.max_values);
        for (const std::string& value : condition.values) {
            DATT_FUZZ_CHECK(value.size() <= limits.max_value_bytes);
        }
    }

    const std::string first = proto::filter_to_json(*filter);
    auto again = proto::parse_filter(first);
    DATT_FUZZ_CHECK(again.ok());
    DATT_FUZZ_CHECK(*again == *filter);
    DATT_FUZZ_CHECK(proto::filter_to_json(*again) == first);
    return 0;
}
