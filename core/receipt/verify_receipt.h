// Whether a receipt proves that its payer paid the target's author `amount` msat
// (docs/protocol.md "Receipts"). Every check is the client's own: nothing is taken from the
// hub but its signature over what it saw (the payer and the target).
//
// Checks, in this order (error codes):
//   receipt_wrong_hub              (when the caller names the hub it trusts) another key signed
//   receipt_invoice_malformed      bolt11 does not decode
//   receipt_invoice_signature      its signature does not verify
//   receipt_preimage_mismatch      sha256(preimage) is not the invoice's payment hash
//   receipt_target_mismatch        the e tag is not the target's id, or the invoice's
//                                  description is not tip_description(target)
//   receipt_payee_mismatch         the invoice's signer (x coordinate) or the p tag is not
//                                  the target's author
//   receipt_self                   the payer is the target's author
//   receipt_amount_mismatch        the amount tag is not the invoice's amount
//   receipt_payer_key, receipt_payer_signature   the payer's signature (receipt_request.h)
// (The event's own BIP-340 signature verified when it was parsed: event/event.h.)
#pragma once

#include <optional>

#include "bitcoin/amount.h"
#include "event/event.h"
#include "receipt/receipt.h"
#include "util/bytes.h"
#include "util/result.h"

namespace datt::receipt {

// What a verified receipt proves; count a payment once per payment_hash.
struct VerifiedReceipt {
    Hash256 target{};
    ByteArray<32> payee{};
    ByteArray<32> payer{};
    bitcoin::Msats amount;
    Hash256 payment_hash{};
    ByteArray<32> hub{};
};

[[nodiscard]] Result<VerifiedReceipt> verify_receipt(
    const Receipt& receipt, const event::Event& target,
    const std::optional<ByteArray<32>>& trusted_hub = std::nullopt);

}  // namespace datt::receipt
