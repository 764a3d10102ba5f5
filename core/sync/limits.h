// The bounds of one reconciliation session, chosen by the shell (and advertised by the
// relay in NIP-11). Error codes: bad_frame_size_limit (from check_limits).
#pragma once

#include <cstdint>

#include "util/result.h"

namespace datt::sync {

// The reference implementation refuses frame size limits below this.
inline constexpr uint64_t kMinFrameSizeLimit = 4096;

struct Limits {
    // Records in this side's set: a larger set is refused with "too_many_items" (strfry
    // refuses more than 1,000,000 by default, its maxSyncEvents). The shell should stop
    // its store scan at max_items + 1 rather than load a larger set.
    uint64_t max_items = 1'000'000;
    // Largest message this side sends, in bytes; 0 means no limit, otherwise at least
    // kMinFrameSizeLimit. Ranges that do not fit are answered in later rounds, exactly as
    // the reference implementation does (docs/sync.md "Frame size limit").
    uint64_t frame_size_limit = 0;
};

[[nodiscard]] Status check_limits(const Limits& limits);

}  // namespace datt::sync
