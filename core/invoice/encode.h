// Writing BOLT-11 invoices: every writer rule, so that any reader takes what we write.
//
// encode_invoice() writes the fields in one fixed order, p s d|h n x c m f* r* 9 (the spec
// fixes none), each in its shortest form: minimal x, c and 9, zero-padded bytes, the
// shortest amount (hrp.h), lower case; it signs with RFC 6979 (deterministic, low-S), so
// the same fields and key always give the same string.
//
// Error codes (besides invoice_description_and_hash, invoice_missing_description and the
// feature checks of features.h, as the decoder names them):
//   invoice_amount_zero           an amount of 0 (omit the amount for "any amount")
//   invoice_timestamp_too_large   at or above 2^35
//   invoice_description_too_long  more than 639 bytes (use a description hash)
//   invoice_bad_description       not UTF-8
//   invoice_metadata_too_long     more than 639 bytes
//   invoice_bad_fallback          version above 18 or a program of the wrong length
//   invoice_bad_route             a route hint with no hop, more than 12, or a bad node id
//   invoice_feature_missing       var_onion_optin (8/9) or payment_secret (14/15) not set:
//                                 BOLT-9 assumes both, and the s field is always written
//   invoice_feature_both_bits     a feature's even and odd bits both set
//   invoice_too_long              more than kMaxInvoiceLength characters
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "crypto/secp256k1.h"
#include "invoice/invoice.h"
#include "util/result.h"

namespace datt::invoice {

// The fields in the order encode_invoice() writes them; `payee` fills the n field when
// fields.include_payee is set. No checks: see encode_invoice().
std::vector<TaggedField> tagged_fields(const InvoiceFields& fields, const crypto::PubKey& payee);

// Writes and signs an invoice of exactly these fields in this order (skipped ones too):
// the low-level writer, for re-signing what a decoder read. Fails only when a field has
// more than 1023 words, the timestamp 2^35 or more, or the string gets too long.
[[nodiscard]] Result<std::string> sign_invoice(std::string_view hrp, uint64_t timestamp,
                                               std::span<const TaggedField> fields,
                                               const crypto::SecretKey& key);

[[nodiscard]] Result<std::string> encode_invoice(const InvoiceFields& fields,
                                                 const crypto::SecretKey& key);

}  // namespace datt::invoice
