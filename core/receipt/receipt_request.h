// The payer's request for a receipt (docs/protocol.md "Receipts"), carried in a 0xd3 hop
// payload (channel/hop_payload.h): the target event, the payer's key, the payee's BOLT-11
// invoice, and the payer's BIP-340 signature over
//   sha256("datt-receipt" || payment_hash(32) || target id(32) || amount_msat u64 BE)
// so that nobody but the payer can name them as the payer of a payment, and the request
// cannot be moved to another payment, target or amount.
//
// The invoice is the payee's: signed with the payee's Nostr secret key (ECDSA, RFC 6979),
// with an amount and the description tip_description(target), so that an invoice for one
// post cannot be shown as proof of a payment for another.
//
// Error codes (check_receipt_request; verify_receipt uses the same ones):
//   receipt_invoice_malformed      the invoice does not decode (the message has its code)
//   receipt_invoice_signature      its signature does not verify
//   receipt_payment_hash_mismatch  its payment hash is not the HTLC's
//   receipt_amount_mismatch        it has no amount, or not the amount paid to the payee
//   receipt_target_mismatch        its description is not tip_description(target)
//   receipt_self                   the payer is the payee (as tips refuse tip_self: paying
//                                  oneself costs only the fee, and must not count)
//   receipt_payer_key              the payer key is not an x-only point
//   receipt_payer_signature        the payer's signature does not verify
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "bitcoin/amount.h"
#include "crypto/secp256k1.h"
#include "invoice/invoice.h"
#include "util/bytes.h"
#include "util/result.h"

namespace datt::receipt {

inline constexpr std::string_view kTipDescriptionPrefix = "datt:tip:";
inline constexpr std::string_view kPayerSignatureTag = "datt-receipt";

// "datt:tip:" and the target's id as 64 lowercase hex.
std::string tip_description(const Hash256& target);

// The 32 bytes the payer signs (BIP-340) to ask for a receipt.
Hash256 payer_message(const Hash256& payment_hash, const Hash256& target, bitcoin::Msats amount);

crypto::SchnorrSig sign_receipt_request(const crypto::SecretKey& payer, const Hash256& payment_hash,
                                        const Hash256& target, bitcoin::Msats amount,
                                        std::span<const uint8_t, 32> aux_rand);

struct ReceiptRequest {
    Hash256 target{};
    ByteArray<32> payer{};
    ByteArray<64> payer_sig{};
    std::string invoice;  // bech32 text
};

// What the hub checks when the HTLC arrives (it cannot check the payee against the target's
// author: it need not hold the target). Returns the verified invoice.
[[nodiscard]] Result<invoice::Invoice> check_receipt_request(const ReceiptRequest& request,
                                                             const Hash256& payment_hash,
                                                             bitcoin::Msats amount);

// The invoice's own checks, shared with verify_receipt: decodes and verifies it, then its
// description must commit to `target` and its amount be `amount`.
[[nodiscard]] Result<invoice::Invoice> check_tip_invoice(std::string_view text,
                                                         const Hash256& target,
                                                         bitcoin::Msats amount);

[[nodiscard]] Status check_payer_signature(const ByteArray<32>& payer,
                                           const ByteArray<64>& payer_sig,
                                           const Hash256& payment_hash, const Hash256& target,
                                           bitcoin::Msats amount);

}  // namespace datt::receipt
