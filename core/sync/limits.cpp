#include "sync/limits.h"

#include <string>

namespace datt::sync {

Status check_limits(const Limits& limits) {
    if (limits.frame_size_limit != 0 && limits.frame_size_limit < kMinFrameSizeLimit) {
        return make_error("bad_frame_size_limit",
                          "a frame size limit of " + std::to_string(limits.frame_size_limit) +
                              " bytes is too small: use 0 (no limit) or at least 4096");
    }
    return Ok{};
}

}  // namespace datt::sync
