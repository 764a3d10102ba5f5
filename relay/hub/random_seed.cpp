#include "hub/random_seed.h"

#include <sys/random.h>

namespace datt::relay::hub {

std::optional<Hash256> random_seed() {
    Hash256 seed{};
    if (getrandom(seed.data(), seed.size(), 0) != static_cast<ssize_t>(seed.size())) return std::nullopt;
    return seed;
}

}  // namespace datt::relay::hub
