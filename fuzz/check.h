// Invariant checks for the fuzz targets. A violated invariant is a bug in the core, so it
// must stop the run with a message libFuzzer keeps next to the reproducer; assert() would
// vanish under NDEBUG, hence a check that is always on.
#pragma once

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <initializer_list>
#include <string_view>

#define DATT_FUZZ_CHECK(condition)                                                              \
    do {                                                                                        \
        if (!(condition)) {                                                                     \
            std::fprintf(stderr, "fuzz invariant violated: %s (%s:%d)\n", #condition, __FILE__, \
                         __LINE__);                                                             \
            std::abort();                                                                       \
        }                                                                                       \
    } while (0)

namespace datt::fuzz {

// True when `code` is one of `documented` (the list a header promises).
inline bool is_one_of(std::string_view code, std::initializer_list<std::string_view> documented) {
    return std::find(documented.begin(), documented.end(), code) != documented.end();
}

}  // namespace datt::fuzz
