// When the hub funds a channel a client asks for (hub_open_request, docs/protocol.md "The
// hub opens a channel"): pure rules, checked before the hub draws a key or touches a coin.
//
// Refusal codes (sent in a `warning` frame, "code: message"; the connection goes on):
//   hub_open_unavailable  the hub can have no wallet (no bridge)
//   hub_open_amount       below --hub-min-funding-sats or above --hub-open-max-sats
//   hub_open_too_many     the connection already has --hub-open-max-per-client channels the
//                         hub funded (opened or being opened)
//   hub_wallet_empty      the wallet's confirmed coins, less what requests in flight will
//                         take, do not cover the amount (fees come on top: funding itself
//                         may still fail with hub_wallet_empty)
#pragma once

#include <cstddef>

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

// `funded`: the hub-funded channels the connection has; `available`: confirmed coins less
// the amounts of requests not yet funded.
[[nodiscard]] Status check_open_request(const OpenPolicy& policy, bitcoin::Sats requested, size_t funded,
                                        bitcoin::Sats available);

}  // namespace datt::relay::hub
