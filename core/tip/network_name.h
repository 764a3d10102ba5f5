// Networks as tip events name them: the canonical names of core/bitcoin/network.h only
// ("mainnet", "testnet3", "signet", "regtest", "bcoin-regtest"). network_by_name's aliases
// ("main", "test", "testnet") are refused, so one network has one spelling in events.
#pragma once

#include <string_view>

#include "bitcoin/network.h"

namespace datt::tip {

// The known network with exactly this name, or nullptr.
const bitcoin::Network* find_network(std::string_view name);

}  // namespace datt::tip
