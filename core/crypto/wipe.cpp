#include "crypto/wipe.h"

#include <cstring>

namespace datt::crypto {

void secure_wipe(void* data, size_t size) {
    // An empty buffer may come with a null pointer, and memset(nullptr, 0, 0) is undefined.
    if (size == 0) return;
    std::memset(data, 0, size);
    // An opaque use of the pointer keeps the memset alive under optimisation.
    __asm__ __volatile__("" : : "r"(data) : "memory");
}

}  // namespace datt::crypto
