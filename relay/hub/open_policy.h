// When the hub funds a channel a client asks for (hub_open_request, docs/protocol.md "The
// hub opens a channel"): pure rules, checked before the hub draws a key or touches a coin.
//
// Refusal codes (sent in a `warning` frame, "code: message"; the connection goes on):
//   hub_open_unavailable  the hub can have no wallet (no bridge)
//   hub_open_amount       below --hub-min-funding-sats or above --hub-open-max-sats
//   hub_open_too_many     the client already has --hub-open-max-per-client channels the hub
//                         funds (open or being opened); a client is an address (client_of)
//   hub_wallet_empty      the wallet's confirmed coins, less what requests in flight will
//                         take, do not cover the amount (fees come on top: funding itself
//                         may still fail with hub_wallet_empty)
#pragma once

#include <cstddef>
#include <string>

#include "bitcoin/amount.h"
#include "engine/config.h"
#include "util/result.h"

namespace datt::relay::hub {

// The channel's feerate (BOLT-3 commitment), and the funding transaction's rate from it
// (a kiloweight is 250 vbytes): 2,500 sat/kw is 10 sat/vB.
inline constexpr uint32_t kOpenFeeratePerKw = 2'500;
inline constexpr uint32_t kOpenFundingSatPerVb = kOpenFeeratePerKw * 4 / 1'000;

struct OpenPolicy {
    bitcoin::Sats min_sats{0};
    bitcoin::Sats max_sats{0};
    size_t max_per_client = 0;
};

OpenPolicy open_policy(const Config& config);

// The client a request is counted against: there is no account, so its IP address, which a
// reconnect keeps; for IPv6 its /64 ("2001:db8:1:2::/64": one subscriber's network, which
// hands out many addresses). Clients behind one NAT (or one proxy) are one client; one
// person with many addresses is many (docs/channels.md "The hub opens a channel").
std::string client_of(const std::string& remote_ip);

// `funded`: the hub-funded channels the client has; `available`: confirmed coins less
// the amounts of requests not yet funded.
[[nodiscard]] Status check_open_request(const OpenPolicy& policy, bitcoin::Sats requested, size_t funded,
                                        bitcoin::Sats available);

}  // namespace datt::relay::hub
