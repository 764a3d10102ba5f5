// Size and range limits applied to untrusted events. A relay advertises its own values
// in NIP-11 `limitation`; the defaults suit a client.
#pragma once

#include <cstddef>
#include <cstdint>

namespace datt::event {

struct Limits {
    size_t max_json_bytes = 128 * 1024;      // the whole serialized event
    size_t max_content_bytes = 64 * 1024;    // UTF-8 bytes of `content`
    size_t max_tags = 2000;                  // entries in `tags`
    size_t max_tag_values = 64;              // strings in one tag
    size_t max_tag_value_bytes = 4096;       // bytes of one tag string
    size_t max_json_depth = 8;               // nesting of unknown extra fields
    int64_t min_created_at = 0;              // unix seconds, inclusive
    int64_t max_created_at = 0xffffffffLL;   // inclusive; relays narrow to now +/- a window
};

}  // namespace datt::event
