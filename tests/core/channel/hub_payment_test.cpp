// What a payment through the hub needs from the core: the hub's fee (exact msat, checked
// against overflow, figures worked out by hand from the formula) and the hop payload in the
// onion field (layout written by hand, round trip, refusals with their codes).
#include <gtest/gtest.h>

#include <limits>
#include <string>

#include "channel/hop_payload.h"
#include "channel/hub_fees.h"

namespace datt::channel {
namespace {

using bitcoin::Msats;

TEST(HubFees, BasePlusProportionalFloored) {
    const HubFees fees{Msats{1000}, 100};  // 1 sat + 0.01%
    EXPECT_EQ(forwarding_fee(fees, Msats{0}).value(), Msats{1000});
    EXPECT_EQ(forwarding_fee(fees, Msats{9'999}).value(), Msats{1000});   // 0.9999 floored
    EXPECT_EQ(forwarding_fee(fees, Msats{10'000}).value(), Msats{1001});
    EXPECT_EQ(forwarding_fee(fees, Msats{1'234'567'890}).value(), Msats{1000 + 123'456});
    EXPECT_EQ(amount_with_fee(fees, Msats{100'000}).value(), Msats{100'000 + 1000 + 10});
    EXPECT_EQ(forwarding_fee(HubFees{Msats{0}, 0}, Msats{5'000'000}).value(), Msats{0});
    EXPECT_EQ(forwarding_fee(HubFees{Msats{0}, 1'000'000}, Msats{5'000'000}).value(), Msats{5'000'000});
}

TEST(HubFees, LargeAmountsAreExactOrRefused) {
    constexpr uint64_t kMax = std::numeric_limits<uint64_t>::max();
    // 2^64 - 1 at 1 ppm: floor((2^64 - 1) / 1e6) = 18,446,744,073,709 exactly.
    EXPECT_EQ(forwarding_fee(HubFees{Msats{0}, 1}, Msats{kMax}).value(), Msats{18'446'744'073'709});
    EXPECT_EQ(forwarding_fee(HubFees{Msats{kMax}, 1}, Msats{1'000'000}).error().code, "hub_fee_overflow");
    EXPECT_EQ(amount_with_fee(HubFees{Msats{1}, 0}, Msats{kMax}).error().code, "hub_fee_overflow");
    EXPECT_EQ(forwarding_fee(HubFees{Msats{0}, 1'000'001}, Msats{1}).error().code, "hub_fee_bad_policy");
}

TEST(HopPayload, LayoutAndRoundTrip) {
    HopPayload hop;
    hop.channel_id.fill(0xab);
    hop.amount = Msats{0x0102030405060708};
    hop.cltv_expiry = 0x0a0b0c0d;
    const auto onion = serialize_hop_payload(hop);
    EXPECT_EQ(onion[0], 0xd1);
    for (size_t i = 1; i <= 32; ++i) EXPECT_EQ(onion[i], 0xab);
    const uint8_t tail[] = {1, 2, 3, 4, 5, 6, 7, 8, 0x0a, 0x0b, 0x0c, 0x0d};
    for (size_t i = 0; i < sizeof tail; ++i) EXPECT_EQ(onion[33 + i], tail[i]);
    for (size_t i = 45; i < onion.size(); ++i) ASSERT_EQ(onion[i], 0) << i;
    EXPECT_EQ(parse_hop_payload(onion).value(), hop);

    hop.is_final = true;
    const auto final_onion = serialize_hop_payload(hop);
    EXPECT_EQ(final_onion[0], 0xd2);
    EXPECT_EQ(parse_hop_payload(final_onion).value(), hop);
}

TEST(HopPayload, Refusals) {
    HopPayload hop;
    hop.amount = Msats{1};
    auto onion = serialize_hop_payload(hop);
    onion[0] = 0x00;  // a Sphinx packet's version
    EXPECT_EQ(parse_hop_payload(onion).error().code, "hop_not_datt");
    onion = serialize_hop_payload(hop);
    onion[1365] = 1;
    EXPECT_EQ(parse_hop_payload(onion).error().code, "hop_nonzero_padding");
    hop.amount = Msats{0};
    EXPECT_EQ(parse_hop_payload(serialize_hop_payload(hop)).error().code, "hop_zero_amount");
}

HopReceiptRequest sample_request() {
    HopReceiptRequest request;
    request.target.fill(0x11);
    request.payer.fill(0x22);
    request.payer_sig.fill(0x33);
    request.invoice = "lnbcrt10n1example";
    return request;
}

TEST(HopPayload, ForwardWithReceiptLayoutAndRoundTrip) {
    HopPayload hop;
    hop.channel_id.fill(0xab);
    hop.amount = Msats{10'000};
    hop.cltv_expiry = 500;
    hop.receipt = sample_request();
    const auto onion = serialize_hop_payload(hop);
    EXPECT_EQ(onion[0], 0xd3);
    for (size_t i = 45; i < 77; ++i) ASSERT_EQ(onion[i], 0x11) << i;
    for (size_t i = 77; i < 109; ++i) ASSERT_EQ(onion[i], 0x22) << i;
    for (size_t i = 109; i < 173; ++i) ASSERT_EQ(onion[i], 0x33) << i;
    EXPECT_EQ(onion[173], 0);
    EXPECT_EQ(onion[174], 17);  // strlen("lnbcrt10n1example")
    EXPECT_EQ(std::string(onion.begin() + 175, onion.begin() + 192), "lnbcrt10n1example");
    for (size_t i = 192; i < onion.size(); ++i) ASSERT_EQ(onion[i], 0) << i;
    EXPECT_EQ(parse_hop_payload(onion).value(), hop);

    // The longest invoice fills the packet to its last byte.
    hop.receipt->invoice = std::string(kMaxHopInvoiceLength, 'q');
    const auto full = serialize_hop_payload(hop);
    EXPECT_EQ(full[1365], 'q');
    EXPECT_EQ(parse_hop_payload(full).value(), hop);
}

TEST(HopPayload, ReceiptRequestRefusals) {
    HopPayload hop;
    hop.amount = Msats{1};
    hop.receipt = sample_request();
    auto onion = serialize_hop_payload(hop);
    onion[192] = 1;  // right after the invoice
    EXPECT_EQ(parse_hop_payload(onion).error().code, "hop_nonzero_padding");
    onion = serialize_hop_payload(hop);
    onion[173] = 0;
    onion[174] = 0;
    EXPECT_EQ(parse_hop_payload(onion).error().code, "hop_receipt_invoice_length");
    onion[173] = 0x04;  // 1192 = 0x04a8: one past the room there is
    onion[174] = 0xa8;
    EXPECT_EQ(parse_hop_payload(onion).error().code, "hop_receipt_invoice_length");
    onion = serialize_hop_payload(hop);
    onion[180] = ' ';
    EXPECT_EQ(parse_hop_payload(onion).error().code, "hop_receipt_invoice_text");
    onion[180] = 0x7f;
    EXPECT_EQ(parse_hop_payload(onion).error().code, "hop_receipt_invoice_text");

    HopReceiptRequest request = sample_request();
    request.invoice.clear();
    EXPECT_EQ(check_hop_receipt_request(request).error().code, "hop_receipt_invoice_length");
    request.invoice = std::string(kMaxHopInvoiceLength + 1, 'q');
    EXPECT_EQ(check_hop_receipt_request(request).error().code, "hop_receipt_invoice_length");
    request.invoice = "ln\n";
    request.invoice[2] = '\n';
    EXPECT_EQ(check_hop_receipt_request(request).error().code, "hop_receipt_invoice_text");
}

}  // namespace
}  // namespace datt::channel
