// Overwrites secret material so it does not linger in freed memory.
#pragma once

#include <cstddef>

namespace datt::crypto {

// The compiler may not elide this write even though the buffer is dead afterwards.
void secure_wipe(void* data, size_t size);

// Wipes a buffer on every path out of a scope, early error returns included.
class WipeOnExit {
public:
    WipeOnExit(void* data, size_t size) : data_(data), size_(size) {}
    WipeOnExit(const WipeOnExit&) = delete;
    WipeOnExit& operator=(const WipeOnExit&) = delete;
    ~WipeOnExit() { secure_wipe(data_, size_); }

private:
    void* data_;
    size_t size_;
};

}  // namespace datt::crypto
