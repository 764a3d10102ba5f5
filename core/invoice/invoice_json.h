// The JSON shape of an invoice, shared by `datt invoice decode/encode` and the wasm API
// (docs/invoices.md documents it). Names follow Core Lightning's `decode` where it has one
// (currency, created_at, expiry, payee, amount_msat, description, description_hash,
// min_final_cltv_expiry, payment_secret, features as hex, payment_metadata, fallbacks with
// type/addr/hex, routes with short_channel_id as BLOCKxTXxOUT, extra, payment_hash).
// Datt adds: network, feature_bits, include_payee, signature as compact hex with
// recovery_id (Core Lightning prints DER), signature_valid and, when it failed,
// signature_error.
//
// Encoding reads the same names; the decoder's output is valid input (the keys only a
// decoder can know, such as payee, signature and extra, are ignored; skipped fields are
// not written again). decode prints expiry and min_final_cltv_expiry with their defaults
// (3600, 18) applied, as Core Lightning does; encode writes no x or c field for those values,
// which mean the same to every reader. Unknown keys fail, so a typo cannot drop a field.
//
// Error codes: invoice_json_invalid (not a JSON object), invoice_json_bad_field (a key of
// the wrong type or value; the message names it), invoice_json_unknown_field, and
// invoice_json_missing_field (payment_hash, payment_secret, or created_at with no default).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "crypto/secp256k1.h"
#include "invoice/invoice.h"
#include "util/result.h"

namespace datt::invoice {

struct JsonStyle {
    // amount_msat, expiry and min_final_cltv_expiry as decimal strings (JavaScript numbers
    // lose integers above 2^53); numbers otherwise, as Core Lightning prints them.
    bool big_numbers_as_strings = false;
    int indent = -1;  // -1: one line
};

// `payee`: the signer (verified or from the n field), if known. `signature_error`: the
// verification's error, if it failed (signature_valid is false then).
std::string invoice_to_json(const InvoiceContents& contents, const crypto::PubKey* payee,
                            const Error* signature_error, JsonStyle style);

// `default_timestamp` is used when created_at is absent (the shell's clock).
[[nodiscard]] Result<InvoiceFields> invoice_fields_from_json(
    std::string_view json, std::optional<uint64_t> default_timestamp);

}  // namespace datt::invoice
