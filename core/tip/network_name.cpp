#include "tip/network_name.h"

namespace datt::tip {

const bitcoin::Network* find_network(std::string_view name) {
    for (const bitcoin::Network* network : bitcoin::known_networks()) {
        if (network->name == name) return network;
    }
    return nullptr;
}

}  // namespace datt::tip
