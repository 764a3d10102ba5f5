// The hub's forwarding decisions, pure (no I/O, no clock: heights and times come in): whether
// an incoming HTLC may be forwarded and as what, and when a held one must be failed back.
// hub.h runs them; tests/relay/hub_forwarding_test.cpp checks each rule.
//
// The hub never takes the funds: the outgoing HTLC has the incoming one's payment hash, so
// the hub can fulfil the incoming HTLC only with the preimage the payee released by
// fulfilling the outgoing one; and its expiry is at least cltv_delta blocks before the
// incoming one's, so the hub has time to claim the incoming one on chain after the payee
// claims the outgoing one.
//
// Error codes (stable; the failure reason the payer gets starts with the code):
//   hop_*                      the onion is not a valid Datt hop payload (hop_payload.h)
//   hub_final_hop              the payload says the hub is the payee (it receives nothing)
//   hub_same_channel           the payee's channel is the payer's
//   hub_fee_insufficient       incoming amount < outgoing amount + fee(outgoing)
//   hub_cltv_delta_too_small   incoming expiry < outgoing expiry + cltv_delta
//   hub_expiry_too_soon        the outgoing expiry is not above height + hold_margin_blocks
//   hub_fee_overflow           (hub_fees.h)
//   hub_receipt_request_invalid a stored receipt request that is not one (stored_receipt_fields)
//   receipt_*                  a 0xd3 payload whose receipt request fails
//                              check_receipt_request (receipt/receipt_request.h): the invoice,
//                              its payment hash and amount against the HTLC's, the payer's
//                              signature
#pragma once

#include <cstdint>
#include <optional>

#include "channel/hop_payload.h"
#include "channel/hub_fees.h"
#include "channel/messages.h"
#include "receipt/receipt.h"
#include "util/result.h"

namespace datt::relay::hub {

struct ForwardPolicy {
    channel::HubFees fees;
    uint32_t cltv_delta = 40;
    uint32_t hold_margin_blocks = 20;
    double hold_seconds = 60;
};

// What to offer the payee.
struct ForwardPlan {
    channel::ChannelId out_channel{};
    bitcoin::Msats out_amount;
    uint32_t out_cltv = 0;
    bitcoin::Msats fee;  // incoming - outgoing: what the hub keeps (>= the advertised fee)
    // A 0xd3 payload's checked request: the receipt to publish once the payee releases the
    // preimage (which is left zero here).
    std::optional<receipt::ReceiptFields> receipt = std::nullopt;
};

[[nodiscard]] Result<ForwardPlan> plan_forward(const ForwardPolicy& policy,
                                               const channel::ChannelId& in_channel,
                                               const channel::UpdateAddHtlc& incoming,
                                               uint32_t block_height);

// A 0xd3 request checked against its HTLC (check_receipt_request): the receipt's fields,
// the preimage left zero. `amount` is what the payee receives.
[[nodiscard]] Result<receipt::ReceiptFields> receipt_fields(const channel::HopReceiptRequest& request,
                                                            const Hash256& payment_hash, bitcoin::Msats amount);

// The same from an incoming onion as the hub stored it (hub_receipt_requests): untrusted
// bytes, parsed (parse_hop_payload) and checked again as when the HTLC arrived, against the
// stored forward's payment hash and outgoing amount. hub_receipt_request_invalid: not an
// onion, no receipt request, or another amount.
[[nodiscard]] Result<receipt::ReceiptFields> stored_receipt_fields(ByteSpan onion, const Hash256& payment_hash,
                                                                   bitcoin::Msats amount);

// The onion of the outgoing HTLC: a final hop for the payee, on its channel.
ByteArray<channel::kOnionPacketSize> payee_onion(const ForwardPlan& plan);

// The unix second by which a held payment is failed back if the payee has not taken it.
int64_t hold_deadline(const ForwardPolicy& policy, int64_t received_at);

// Whether a held (not yet offered) payment must be failed back now: past its deadline, or
// its incoming expiry within hold_margin_blocks of the tip.
bool must_fail_back(const ForwardPolicy& policy, int64_t deadline, uint32_t incoming_cltv,
                    int64_t now, uint32_t block_height);

}  // namespace datt::relay::hub
