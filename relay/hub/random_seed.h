// 32 random bytes from the kernel (getrandom): channel seeds, challenges, the wallet's seed.
#pragma once

#include <optional>

#include "util/bytes.h"

namespace datt::relay::hub {

// None when the kernel gives no random bytes.
std::optional<Hash256> random_seed();

}  // namespace datt::relay::hub
