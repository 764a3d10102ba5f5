#include "receipt/receipt_request.h"

#include <algorithm>

#include "crypto/sha256.h"
#include "util/hex.h"

namespace datt::receipt {

std::string tip_description(const Hash256& target) {
    return std::string(kTipDescriptionPrefix) + to_hex(target);
}

Hash256 payer_message(const Hash256& payment_hash, const Hash256& target, bitcoin::Msats amount) {
    Bytes message(kPayerSignatureTag.begin(), kPayerSignatureTag.end());
    message.insert(message.end(), payment_hash.begin(), payment_hash.end());
    message.insert(message.end(), target.begin(), target.end());
    for (int i = 0; i < 8; ++i)
        message.push_back(static_cast<uint8_t>(amount.value() >> (56 - 8 * i)));
    return crypto::sha256(message);
}

crypto::SchnorrSig sign_receipt_request(const crypto::SecretKey& payer, const Hash256& payment_hash,
                                        const Hash256& target, bitcoin::Msats amount,
                                        std::span<const uint8_t, 32> aux_rand) {
    return crypto::schnorr_sign(payer, payer_message(payment_hash, target, amount), aux_rand);
}

Result<invoice::Invoice> check_tip_invoice(std::string_view text, const Hash256& target,
                                           bitcoin::Msats amount) {
    auto unverified = invoice::UnverifiedInvoice::parse(text);
    if (!unverified) {
        return make_error("receipt_invoice_malformed",
                          unverified.error().code + ": " + unverified.error().message);
    }
    auto verified = invoice::Invoice::verify(std::move(*unverified));
    if (!verified) {
        return make_error("receipt_invoice_signature",
                          verified.error().code + ": " + verified.error().message);
    }
    const invoice::InvoiceContents& contents = verified->contents();
    if (contents.description != tip_description(target)) {
        return make_error("receipt_target_mismatch",
                          "the invoice's description is not " + tip_description(target));
    }
    if (!contents.amount || *contents.amount != amount) {
        return make_error("receipt_amount_mismatch",
                          "the invoice is not for " + std::to_string(amount.value()) + " msat");
    }
    return verified;
}

Status check_payer_signature(const ByteArray<32>& payer, const ByteArray<64>& payer_sig,
                             const Hash256& payment_hash, const Hash256& target,
                             bitcoin::Msats amount) {
    const auto key = crypto::XOnlyPubKey::parse(payer);
    if (!key)
        return make_error("receipt_payer_key", "the payer key is not a valid x-only public key");
    if (!crypto::schnorr_verify(*key, payer_message(payment_hash, target, amount), payer_sig)) {
        return make_error("receipt_payer_signature", "the payer's signature does not verify");
    }
    return Ok{};
}

Result<invoice::Invoice> check_receipt_request(const ReceiptRequest& request,
                                               const Hash256& payment_hash, bitcoin::Msats amount) {
    auto invoice = check_tip_invoice(request.invoice, request.target, amount);
    if (!invoice) return invoice.error();
    if (invoice->contents().payment_hash != payment_hash) {
        return make_error("receipt_payment_hash_mismatch",
                          "the invoice's payment hash is not the HTLC's");
    }
    const auto payee = invoice->payee().compressed();
    if (std::equal(payee.begin() + 1, payee.end(), request.payer.begin())) {
        return make_error("receipt_self", "the payer is the payee");
    }
    if (auto signed_by_payer = check_payer_signature(request.payer, request.payer_sig, payment_hash,
                                                     request.target, amount);
        !signed_by_payer) {
        return signed_by_payer.error();
    }
    return invoice;
}

}  // namespace datt::receipt
