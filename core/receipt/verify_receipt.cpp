#include "receipt/verify_receipt.h"

#include <algorithm>

#include "crypto/sha256.h"
#include "receipt/receipt_request.h"

namespace datt::receipt {

Result<VerifiedReceipt> verify_receipt(const Receipt& receipt, const event::Event& target,
                                       const std::optional<ByteArray<32>>& trusted_hub) {
    const ReceiptFields& fields = receipt.fields();
    if (trusted_hub && *trusted_hub != receipt.hub()) {
        return make_error("receipt_wrong_hub", "the receipt is not signed by the trusted hub");
    }
    auto unverified = invoice::UnverifiedInvoice::parse(fields.invoice);
    if (!unverified) {
        return make_error("receipt_invoice_malformed",
                          unverified.error().code + ": " + unverified.error().message);
    }
    auto invoice = invoice::Invoice::verify(std::move(*unverified));
    if (!invoice) {
        return make_error("receipt_invoice_signature",
                          invoice.error().code + ": " + invoice.error().message);
    }
    const invoice::InvoiceContents& contents = invoice->contents();
    if (crypto::sha256(fields.preimage) != contents.payment_hash) {
        return make_error("receipt_preimage_mismatch",
                          "sha256 of the preimage is not the invoice's payment hash");
    }
    if (fields.target != target.id() || contents.description != tip_description(target.id())) {
        return make_error("receipt_target_mismatch",
                          "the receipt or its invoice names another event");
    }
    const auto signer = invoice->payee().compressed();
    if (!std::equal(signer.begin() + 1, signer.end(), target.pubkey().begin()) ||
        fields.payee != target.pubkey()) {
        return make_error("receipt_payee_mismatch",
                          "the invoice is not signed by the target's author");
    }
    if (fields.payer == target.pubkey())
        return make_error("receipt_self", "the payer is the target's author");
    if (!contents.amount || *contents.amount != fields.amount) {
        return make_error("receipt_amount_mismatch", "the receipt's amount is not the invoice's");
    }
    if (auto payer = check_payer_signature(fields.payer, fields.payer_sig, contents.payment_hash,
                                           fields.target, fields.amount);
        !payer) {
        return payer.error();
    }
    return VerifiedReceipt{fields.target, fields.payee,          fields.payer,
                           fields.amount, contents.payment_hash, receipt.hub()};
}

}  // namespace datt::receipt
