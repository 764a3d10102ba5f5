// Overwrites secret material so it does not linger in freed memory.
#pragma once

#include <cstddef>

namespace datt::crypto {

// The compiler may not elide this write even though the buffer is dead afterwards.
void secure_wipe(void* data, size_t size);

}  // namespace datt::crypto
