// The hub's forwarding rules (relay/hub/forwarding.h), pure: which incoming HTLCs are
// forwarded and as what, each refusal with its code, and when a held payment is failed back.
// Figures are worked out by hand from the advertised policy.
#include <gtest/gtest.h>

#include "hub/forwarding.h"

namespace datt::relay::hub {
namespace {

using bitcoin::Msats;
using channel::ChannelId;
using channel::HopPayload;
using channel::UpdateAddHtlc;

ChannelId id_of(uint8_t fill) {
    ChannelId id{};
    id.fill(fill);
    return id;
}

const ForwardPolicy kPolicy{{Msats{1000}, 1000}, 40, 20, 60};  // 1 sat + 0.1%

UpdateAddHtlc incoming(uint64_t amount, uint32_t cltv, const HopPayload& hop) {
    UpdateAddHtlc add{id_of(1), 0, Msats{amount}, id_of(9), cltv, {}, {}};
    add.onion_routing_packet = channel::serialize_hop_payload(hop);
    return add;
}

TEST(HubForwarding, ForwardsWithTheAdvertisedFee) {
    // 50,000 sat to the payee: fee 1,000 + 50,000,000 / 1000 = 51,000 msat.
    const HopPayload hop{false, id_of(2), Msats{50'000'000}, 600};
    auto plan = plan_forward(kPolicy, id_of(1), incoming(50'051'000, 640, hop), 100);
    ASSERT_TRUE(plan.ok()) << plan.error().code;
    EXPECT_EQ(plan->out_channel, id_of(2));
    EXPECT_EQ(plan->out_amount, Msats{50'000'000});
    EXPECT_EQ(plan->out_cltv, 600u);
    EXPECT_EQ(plan->fee, Msats{51'000});
    // Paying more than needed is allowed: the hub keeps the difference (the payer chose it).
    EXPECT_EQ(plan_forward(kPolicy, id_of(1), incoming(50'060'000, 640, hop), 100)->fee, Msats{60'000});
    // The payee's onion is a final hop with the same figures.
    const auto payee = channel::parse_hop_payload(payee_onion(*plan));
    ASSERT_TRUE(payee.ok());
    EXPECT_EQ(*payee, (HopPayload{true, id_of(2), Msats{50'000'000}, 600}));
}

TEST(HubForwarding, Refusals) {
    const HopPayload hop{false, id_of(2), Msats{50'000'000}, 600};
    EXPECT_EQ(plan_forward(kPolicy, id_of(1), incoming(50'050'999, 640, hop), 100).error().code,
              "hub_fee_insufficient");
    EXPECT_EQ(plan_forward(kPolicy, id_of(1), incoming(50'051'000, 639, hop), 100).error().code,
              "hub_cltv_delta_too_small");
    EXPECT_EQ(plan_forward(kPolicy, id_of(1), incoming(50'051'000, 640, hop), 580).error().code,
              "hub_expiry_too_soon");  // 600 is not above 580 + 20
    EXPECT_TRUE(plan_forward(kPolicy, id_of(1), incoming(50'051'000, 640, hop), 579).ok());
    EXPECT_EQ(plan_forward(kPolicy, id_of(2), incoming(50'051'000, 640, hop), 100).error().code,
              "hub_same_channel");
    EXPECT_EQ(plan_forward(kPolicy, id_of(1), incoming(50'051'000, 640, HopPayload{true, id_of(2), Msats{1}, 600}), 100)
                  .error()
                  .code,
              "hub_final_hop");
    UpdateAddHtlc sphinx = incoming(50'051'000, 640, hop);
    sphinx.onion_routing_packet[0] = 0;
    EXPECT_EQ(plan_forward(kPolicy, id_of(1), sphinx, 100).error().code, "hop_not_datt");
    EXPECT_EQ(plan_forward(ForwardPolicy{{Msats{UINT64_MAX}, 0}, 40, 20, 60}, id_of(1),
                           incoming(50'051'000, 640, hop), 100)
                  .error()
                  .code,
              "hub_fee_overflow");
}

TEST(HubForwarding, HeldPaymentsFailBackAtTheDeadlineOrNearExpiry) {
    EXPECT_EQ(hold_deadline(kPolicy, 1'000), 1'060);
    EXPECT_FALSE(must_fail_back(kPolicy, 1'060, 640, 1'059, 100));
    EXPECT_TRUE(must_fail_back(kPolicy, 1'060, 640, 1'060, 100));
    EXPECT_FALSE(must_fail_back(kPolicy, 1'060, 640, 1'000, 619));
    EXPECT_TRUE(must_fail_back(kPolicy, 1'060, 640, 1'000, 620));  // 620 + 20 >= 640
}

}  // namespace
}  // namespace datt::relay::hub
