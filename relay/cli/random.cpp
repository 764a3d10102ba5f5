#include "random.h"

#include <sys/random.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>

namespace datt::cli {

void fill_random(std::span<uint8_t> out) {
    size_t filled = 0;
    while (filled < out.size()) {
        ssize_t got = getrandom(out.data() + filled, out.size() - filled, 0);
        if (got < 0) {
            if (errno == EINTR) continue;
            std::perror("datt: getrandom");
            std::abort();
        }
        filled += static_cast<size_t>(got);
    }
}

}  // namespace datt::cli
