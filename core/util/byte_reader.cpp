#include "util/byte_reader.h"

#include <string>

namespace datt {

Status ByteReader::expect_end() const {
    if (at_end()) return Ok{};
    return make_error("trailing_bytes", std::to_string(remaining()) +
                                            " unexpected bytes after the end, at offset " +
                                            std::to_string(position_));
}

Error ByteReader::truncated(uint64_t wanted) const {
    return make_error("truncated", "needed " + std::to_string(wanted) + " bytes at offset " +
                                       std::to_string(position_) + ", " +
                                       std::to_string(remaining()) + " left");
}

}  // namespace datt
