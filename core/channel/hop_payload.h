// Where an HTLC goes next, carried in update_add_htlc's 1,366-byte onion_routing_packet.
// Datt's hub is the only hop between payer and payee, so instead of a Sphinx onion
// (BOLT-4) the packet holds one plain hop payload; its first byte can never be a Sphinx
// packet's (version 0x00), so a later move to real onions is told apart. The hub sees the
// payee and amount either way (it is the only hop); the payment hash keeps it from taking
// the money.
//
// Layout (offsets in the 1,366 bytes, integers big-endian):
//   0    1   kind: 0xd1 forward (to the hub: pass it on), 0xd2 final (to the payee),
//            0xd3 forward with receipt (0xd1, and the hub publishes a receipt once paid)
//   1    32  channel_id: forward: the payee's channel at the hub; final: the channel it
//            arrives on
//   33   8   amount_msat: forward: what the payee must receive; final: what it receives
//   41   4   cltv_expiry: forward: the outgoing HTLC's expiry; final: the same as the HTLC's
//   45   ... zero: every remaining byte must be 0 (strict: one encoding per payload)
// 0xd3 carries the receipt request (core/receipt, docs/protocol.md "Receipts") at 45:
//   45   32  target event id (the post or comment paid)
//   77   32  payer: the payer's Nostr x-only public key
//   109  64  payer_sig: BIP-340 over sha256("datt-receipt" || payment_hash || target ||
//            amount_msat u64 BE) (receipt/receipt_request.h)
//   173  2   invoice_length: 1..kMaxHopInvoiceLength
//   175  n   the payee's BOLT-11 invoice, bech32 text (printable ASCII, 0x21..0x7e)
//   175+n ... zero
// The request's bytes are only shaped here; the hub checks what they mean (the invoice,
// the signature) with core/receipt.
//
// Error codes (stable):
//   hop_not_datt          the first byte is not 0xd1 or 0xd2 (e.g. a Sphinx onion)
//   hop_nonzero_padding   a byte after offset 45 is not zero
//   hop_zero_amount       amount_msat is 0
//   hop_receipt_invoice_length  0xd3 with invoice_length 0 or above kMaxHopInvoiceLength
//   hop_receipt_invoice_text    0xd3 with an invoice byte outside 0x21..0x7e
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "bitcoin/amount.h"
#include "channel/funding.h"
#include "channel/messages.h"
#include "util/bytes.h"
#include "util/result.h"

namespace datt::channel {

inline constexpr uint8_t kHopForward = 0xd1;
inline constexpr uint8_t kHopFinal = 0xd2;
inline constexpr uint8_t kHopForwardWithReceipt = 0xd3;
inline constexpr size_t kHopPayloadSize = 45;
inline constexpr size_t kHopReceiptInvoiceOffset = 175;
inline constexpr size_t kMaxHopInvoiceLength = kOnionPacketSize - kHopReceiptInvoiceOffset;  // 1191

// What a 0xd3 payload adds: the payer's request for a receipt, as bytes.
struct HopReceiptRequest {
    Hash256 target{};
    ByteArray<32> payer{};
    ByteArray<64> payer_sig{};
    std::string invoice;  // 1..kMaxHopInvoiceLength printable ASCII characters

    bool operator==(const HopReceiptRequest&) const = default;
};

struct HopPayload {
    bool is_final = false;
    ChannelId channel_id{};
    bitcoin::Msats amount;
    uint32_t cltv_expiry = 0;
    std::optional<HopReceiptRequest> receipt = std::nullopt;  // forwards only (0xd3)

    bool operator==(const HopPayload&) const = default;
};

[[nodiscard]] Result<HopPayload> parse_hop_payload(const ByteArray<kOnionPacketSize>& onion);
// Whether a receipt request fits a 0xd3 payload (the hop_receipt_* codes): check untrusted
// input with it before serialize_hop_payload.
[[nodiscard]] Status check_hop_receipt_request(const HopReceiptRequest& request);
// Precondition: a receipt request only on a forward, and one check_hop_receipt_request takes.
ByteArray<kOnionPacketSize> serialize_hop_payload(const HopPayload& hop);

}  // namespace datt::channel
