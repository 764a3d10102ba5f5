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

// A stored receipt request (hub_receipt_requests) is untrusted: each way it can be wrong is
// refused with its code before any receipt is built (the valid path: hub_test.cpp).
TEST(HubForwarding, StoredReceiptRequestsAreCheckedAgain) {
    const Hash256 hash = id_of(9);
    const auto code = [&](const Bytes& onion, uint64_t amount) {
        auto fields = stored_receipt_fields(onion, hash, Msats{amount});
        return fields ? std::string("ok") : fields.error().code;
    };
    const auto bytes = [](const ByteArray<channel::kOnionPacketSize>& onion) {
        return Bytes(onion.begin(), onion.end());
    };
    channel::HopReceiptRequest request{id_of(5), id_of(6), {}, "lnbcrt1notaninvoice"};
    const Bytes with_request =
        bytes(channel::serialize_hop_payload(HopPayload{false, id_of(2), Msats{50'000}, 600, request}));
    const Bytes without = bytes(channel::serialize_hop_payload(HopPayload{false, id_of(2), Msats{50'000}, 600}));

    EXPECT_EQ(code(Bytes{}, 50'000), "hub_receipt_request_invalid");
    EXPECT_EQ(code(Bytes(with_request.begin(), with_request.end() - 1), 50'000), "hub_receipt_request_invalid");
    EXPECT_EQ(code(without, 50'000), "hub_receipt_request_invalid");            // a 0xd1: no request
    EXPECT_EQ(code(with_request, 49'999), "hub_receipt_request_invalid");       // not the forward's amount
    EXPECT_EQ(code(with_request, 50'000), "receipt_invoice_malformed");         // then check_receipt_request
    Bytes unknown_type = with_request;
    unknown_type[0] ^= 0xff;
    EXPECT_TRUE(code(unknown_type, 50'000).starts_with("hop_")) << code(unknown_type, 50'000);
}

}  // namespace
}  // namespace datt::relay::hub
