// core/invoice (BOLT-11) for JavaScript: decode and encode. The invoice crosses as its JSON
// shape (invoice/invoice_json.h, the one `datt invoice` prints and reads), so the CLI and
// the browser share one field parser and one documented shape; datt.mjs turns the big
// integers (given as decimal strings here) into BigInt, and exposes it as `datt.invoice`.
#include <emscripten/bind.h>

#include "convert.h"
#include "invoice/encode.h"
#include "invoice/invoice.h"
#include "invoice/invoice_json.h"

namespace datt::wasm {
namespace {

// Larger than any invoice (invoice_too_long) and any field set (1 MiB, as the CLI's stdin).
constexpr size_t kMaxFieldsJson = 1 << 20;

constexpr invoice::JsonStyle kStyle{.big_numbers_as_strings = true, .indent = -1};

// {ok, value: JSON text} for an invoice whose signature verified; the decoder's or the
// verification's error otherwise.
val invoice_decode(val text) {
    if (!text.isString()) return fail(make_error("wrong_type", "invoice must be a string"));
    if (text["length"].as<size_t>() > invoice::kMaxInvoiceLength) {
        return fail(make_error("invoice_too_long", "an invoice has at most 7089 characters"));
    }
    auto utf8 = text_argument(text, "invoice");
    if (!utf8) return fail(utf8.error());
    auto decoded = invoice::Invoice::decode(*utf8);
    if (!decoded) return fail(decoded.error());
    return ok(
        val(invoice::invoice_to_json(decoded->contents(), &decoded->payee(), nullptr, kStyle)));
}

// fieldsJson: the fields as JSON text (datt.mjs stringifies them, big integers as strings);
// createdAt: the caller's clock, used when the fields have no created_at.
val invoice_encode(val fields_json, val secret_key, val created_at) {
    if (!fields_json.isString()) return fail(make_error("wrong_type", "fields must be JSON text"));
    if (fields_json["length"].as<size_t>() > kMaxFieldsJson) {
        return fail(make_error("too_large", "invoice fields exceed 1 MiB"));
    }
    auto json = text_argument(fields_json, "fields");
    if (!json) return fail(json.error());
    auto now = safe_integer_argument(created_at, "createdAt");
    if (!now || *now < 0)
        return fail(make_error("wrong_type", "createdAt must be a non-negative integer"));
    auto key = secret_key_argument(secret_key);
    if (!key) return fail(key.error());
    auto fields = invoice::invoice_fields_from_json(*json, static_cast<uint64_t>(*now));
    if (!fields) return fail(fields.error());
    auto encoded = invoice::encode_invoice(*fields, *key);
    if (!encoded) return fail(encoded.error());
    return ok(val(*encoded));
}

}  // namespace

EMSCRIPTEN_BINDINGS(datt_invoice) {
    emscripten::function("invoiceDecode", &invoice_decode);
    emscripten::function("invoiceEncode", &invoice_encode);
}

}  // namespace datt::wasm
