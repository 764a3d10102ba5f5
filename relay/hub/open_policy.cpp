#include "hub/open_policy.h"

#include <arpa/inet.h>

#include <algorithm>
#include <string>

namespace datt::relay::hub {

OpenPolicy open_policy(const Config& config) {
    return {bitcoin::Sats{config.hub_min_funding_sats}, bitcoin::Sats{config.hub_open_max_sats},
            config.hub_open_max_per_client};
}

std::string client_of(const std::string& remote_ip) {
    in6_addr address{};
    if (inet_pton(AF_INET6, remote_ip.c_str(), &address) != 1) return remote_ip;  // IPv4
    std::fill(address.s6_addr + 8, address.s6_addr + 16, 0);
    char text[INET6_ADDRSTRLEN] = {};
    if (!inet_ntop(AF_INET6, &address, text, sizeof text)) return remote_ip;
    return std::string(text) + "/64";
}

Status check_open_request(const OpenPolicy& policy, bitcoin::Sats requested, size_t funded, bitcoin::Sats available) {
    if (requested < policy.min_sats || requested > policy.max_sats) {
        return make_error("hub_open_amount", "the hub funds channels of " + std::to_string(policy.min_sats.value()) +
                                                 " to " + std::to_string(policy.max_sats.value()) + " sats");
    }
    if (funded >= policy.max_per_client) {
        return make_error("hub_open_too_many", "the hub funds at most " + std::to_string(policy.max_per_client) +
                                                   " channels per client");
    }
    if (available < requested) {
        return make_error("hub_wallet_empty", "the hub's wallet has " + std::to_string(std::max<int64_t>(available.value(), 0)) +
                                                  " confirmed sats free");
    }
    return Ok{};
}

}  // namespace datt::relay::hub
