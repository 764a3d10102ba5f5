#include "channel/hop_payload.h"

#include <algorithm>
#include <cassert>

#include "util/byte_reader.h"

namespace datt::channel {

Status check_hop_receipt_request(const HopReceiptRequest& request) {
    if (request.invoice.empty() || request.invoice.size() > kMaxHopInvoiceLength) {
        return make_error("hop_receipt_invoice_length",
                          "the receipt request's invoice must be 1.." +
                              std::to_string(kMaxHopInvoiceLength) + " characters");
    }
    if (!std::all_of(request.invoice.begin(), request.invoice.end(),
                     [](char c) { return c >= 0x21 && c <= 0x7e; })) {
        return make_error("hop_receipt_invoice_text",
                          "the receipt request's invoice is not printable ASCII");
    }
    return Ok{};
}

Result<HopPayload> parse_hop_payload(const ByteArray<kOnionPacketSize>& onion) {
    const uint8_t kind = onion[0];
    if (kind != kHopForward && kind != kHopFinal && kind != kHopForwardWithReceipt) {
        return make_error("hop_not_datt", "the onion packet is not a Datt hop payload");
    }
    size_t end = kHopPayloadSize;  // where the zero padding starts
    std::optional<HopReceiptRequest> receipt;
    if (kind == kHopForwardWithReceipt) {
        ByteReader request(
            ByteSpan(onion.data() + kHopPayloadSize, kHopReceiptInvoiceOffset - kHopPayloadSize));
        receipt.emplace();
        receipt->target = request.read_array<32>().value();  // 130 bytes are there: reads succeed
        receipt->payer = request.read_array<32>().value();
        receipt->payer_sig = request.read_array<64>().value();
        const uint16_t length = request.read_u16_be().value();
        if (length == 0 || length > kMaxHopInvoiceLength) {
            return make_error("hop_receipt_invoice_length",
                              "the receipt request's invoice length " + std::to_string(length) +
                                  " is not in 1.." + std::to_string(kMaxHopInvoiceLength));
        }
        receipt->invoice.assign(onion.begin() + kHopReceiptInvoiceOffset,
                                onion.begin() + kHopReceiptInvoiceOffset + length);
        if (auto checked = check_hop_receipt_request(*receipt); !checked) return checked.error();
        end = kHopReceiptInvoiceOffset + length;
    }
    if (!std::all_of(onion.begin() + end, onion.end(), [](uint8_t b) { return b == 0; })) {
        return make_error("hop_nonzero_padding", "the hop payload's padding is not all zero");
    }
    ByteReader reader(ByteSpan(onion.data(), kHopPayloadSize));
    HopPayload hop;
    hop.is_final = reader.read_u8().value() == kHopFinal;  // 45 bytes are there: reads succeed
    hop.channel_id = reader.read_array<32>().value();
    hop.amount = bitcoin::Msats{reader.read_u64_be().value()};
    hop.cltv_expiry = reader.read_u32_be().value();
    hop.receipt = std::move(receipt);
    if (hop.amount.value() == 0)
        return make_error("hop_zero_amount", "the hop payload's amount is 0");
    return hop;
}

ByteArray<kOnionPacketSize> serialize_hop_payload(const HopPayload& hop) {
    assert(!hop.receipt || (!hop.is_final && check_hop_receipt_request(*hop.receipt)));
    ByteArray<kOnionPacketSize> out{};
    out[0] = hop.is_final ? kHopFinal : hop.receipt ? kHopForwardWithReceipt : kHopForward;
    std::copy(hop.channel_id.begin(), hop.channel_id.end(), out.begin() + 1);
    for (int i = 0; i < 8; ++i)
        out[33 + i] = static_cast<uint8_t>(hop.amount.value() >> (56 - 8 * i));
    for (int i = 0; i < 4; ++i) out[41 + i] = static_cast<uint8_t>(hop.cltv_expiry >> (24 - 8 * i));
    if (hop.receipt) {
        const HopReceiptRequest& r = *hop.receipt;
        auto at = std::copy(r.target.begin(), r.target.end(), out.begin() + kHopPayloadSize);
        at = std::copy(r.payer.begin(), r.payer.end(), at);
        at = std::copy(r.payer_sig.begin(), r.payer_sig.end(), at);
        *at++ = static_cast<uint8_t>(r.invoice.size() >> 8);
        *at++ = static_cast<uint8_t>(r.invoice.size());
        std::copy(r.invoice.begin(), r.invoice.end(), at);
    }
    return out;
}

}  // namespace datt::channel
