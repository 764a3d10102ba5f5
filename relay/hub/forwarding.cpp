#include "hub/forwarding.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "receipt/receipt_request.h"

namespace datt::relay::hub {

Result<receipt::ReceiptFields> receipt_fields(const channel::HopReceiptRequest& request,
                                              const Hash256& payment_hash, bitcoin::Msats amount) {
    auto invoice = receipt::check_receipt_request({request.target, request.payer, request.payer_sig, request.invoice},
                                                  payment_hash, amount);
    if (!invoice) return invoice.error();
    const auto payee = invoice->payee().compressed();
    receipt::ReceiptFields fields;
    fields.target = request.target;
    std::copy(payee.begin() + 1, payee.end(), fields.payee.begin());
    fields.payer = request.payer;
    fields.amount = amount;
    fields.invoice = request.invoice;
    fields.payer_sig = request.payer_sig;
    return fields;
}

Result<receipt::ReceiptFields> stored_receipt_fields(ByteSpan onion, const Hash256& payment_hash,
                                                     bitcoin::Msats amount) {
    if (onion.size() != channel::kOnionPacketSize) {
        return make_error("hub_receipt_request_invalid",
                          "a stored onion of " + std::to_string(onion.size()) + " bytes, not " +
                              std::to_string(channel::kOnionPacketSize));
    }
    ByteArray<channel::kOnionPacketSize> packet;
    std::copy(onion.begin(), onion.end(), packet.begin());
    auto hop = channel::parse_hop_payload(packet);
    if (!hop) return hop.error();
    if (!hop->receipt || hop->is_final) {
        return make_error("hub_receipt_request_invalid", "the stored onion asks for no receipt");
    }
    if (hop->amount != amount) {
        return make_error("hub_receipt_request_invalid", "the stored onion's amount is not the forward's");
    }
    return receipt_fields(*hop->receipt, payment_hash, amount);
}

Result<ForwardPlan> plan_forward(const ForwardPolicy& policy, const channel::ChannelId& in_channel,
                                 const channel::UpdateAddHtlc& incoming, uint32_t block_height) {
    auto hop = channel::parse_hop_payload(incoming.onion_routing_packet);
    if (!hop) return hop.error();
    if (hop->is_final) {
        return make_error("hub_final_hop", "the hub is not a payee: the payload must say where to forward");
    }
    if (hop->channel_id == in_channel) {
        return make_error("hub_same_channel", "the payee's channel is the payer's own");
    }
    auto needed = channel::amount_with_fee(policy.fees, hop->amount);
    if (!needed) return needed.error();
    if (incoming.amount_msat < *needed) {
        return make_error("hub_fee_insufficient",
                          "forwarding " + std::to_string(hop->amount.value()) + " msat needs " +
                              std::to_string(needed->value()) + " msat, got " +
                              std::to_string(incoming.amount_msat.value()));
    }
    if (uint64_t{incoming.cltv_expiry} < uint64_t{hop->cltv_expiry} + policy.cltv_delta) {
        return make_error("hub_cltv_delta_too_small",
                          "the incoming expiry must be at least " + std::to_string(policy.cltv_delta) +
                              " blocks after the outgoing one");
    }
    if (uint64_t{hop->cltv_expiry} <= uint64_t{block_height} + policy.hold_margin_blocks) {
        return make_error("hub_expiry_too_soon",
                          "the outgoing expiry " + std::to_string(hop->cltv_expiry) +
                              " is not above height " + std::to_string(block_height) + " + " +
                              std::to_string(policy.hold_margin_blocks));
    }
    ForwardPlan plan;
    plan.out_channel = hop->channel_id;
    plan.out_amount = hop->amount;
    plan.out_cltv = hop->cltv_expiry;
    plan.fee = *incoming.amount_msat.checked_sub(hop->amount);  // >= fee, so no underflow
    if (hop->receipt) {
        auto fields = receipt_fields(*hop->receipt, incoming.payment_hash, hop->amount);
        if (!fields) return fields.error();
        plan.receipt = std::move(*fields);
    }
    return plan;
}

ByteArray<channel::kOnionPacketSize> payee_onion(const ForwardPlan& plan) {
    return channel::serialize_hop_payload(
        channel::HopPayload{true, plan.out_channel, plan.out_amount, plan.out_cltv});
}

int64_t hold_deadline(const ForwardPolicy& policy, int64_t received_at) {
    return received_at + static_cast<int64_t>(std::ceil(policy.hold_seconds));
}

bool must_fail_back(const ForwardPolicy& policy, int64_t deadline, uint32_t incoming_cltv,
                    int64_t now, uint32_t block_height) {
    if (now >= deadline) return true;
    return uint64_t{block_height} + policy.hold_margin_blocks >= incoming_cltv;
}

}  // namespace datt::relay::hub
