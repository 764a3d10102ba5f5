// BOLT-11 invoices (core/invoice) on untrusted text.
//
// The input is used two ways: as the invoice text itself, and as the 5-bit data of an
// invoice (each byte's low 5 bits, the first byte choosing the hrp) under a valid Bech32
// checksum, which the fuzzer could not forge: that reaches every field parser.
//
// Invariants checked:
//   - a rejection carries a documented code (invoice/*.h, encoding/bech32.h) and a message;
//   - what parses is canonical: signing the decoded fields again, in their order, skipped
//     ones included, writes the same data part word for word; each field the decoder used
//     is written back from its value in its exact words (tagged_fields); the hrp's amount
//     re-parses to the same amount;
//   - the re-signed invoice decodes, verifies against our key (unless an n field names
//     another key: then invoice_bad_signature) and holds the same contents;
//   - encode_invoice() of the decoded fields, when the writer's rules allow them, decodes
//     to the same fields; the JSON view read back gives the same fields.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "check.h"
#include "crypto/secp256k1.h"
#include "encoding/bech32.h"
#include "invoice/encode.h"
#include "invoice/invoice.h"
#include "invoice/invoice_json.h"

namespace {

namespace inv = datt::invoice;
using datt::Bytes;

constexpr size_t kSignatureWords = 104;

bool is_documented(std::string_view code) {
    return datt::fuzz::is_one_of(code, {"bech32_too_long",
                                        "bech32_invalid_char",
                                        "bech32_mixed_case",
                                        "bech32_no_separator",
                                        "bech32_empty_hrp",
                                        "bech32_checksum_too_short",
                                        "bech32_invalid_data_char",
                                        "bech32_bad_checksum",
                                        "invoice_bad_prefix",
                                        "invoice_unknown_currency",
                                        "invoice_bad_amount",
                                        "invoice_bad_multiplier",
                                        "invoice_sub_msat_amount",
                                        "invoice_features_not_minimal",
                                        "invoice_unknown_required_feature",
                                        "invoice_feature_missing_dependency",
                                        "invoice_too_long",
                                        "invoice_not_bech32",
                                        "invoice_too_short",
                                        "invoice_field_truncated",
                                        "invoice_bad_padding",
                                        "invoice_field_not_minimal",
                                        "invoice_bad_expiry",
                                        "invoice_bad_min_final_cltv_expiry",
                                        "invoice_bad_description",
                                        "invoice_bad_payee",
                                        "invoice_bad_fallback",
                                        "invoice_bad_route",
                                        "invoice_missing_payment_hash",
                                        "invoice_missing_payment_secret",
                                        "invoice_missing_description",
                                        "invoice_description_and_hash",
                                        "invoice_bad_recovery_id",
                                        "invoice_bad_signature",
                                        "invoice_signature_not_recoverable"});
}

const datt::crypto::SecretKey& fuzz_key() {
    static const datt::crypto::SecretKey key = [] {
        datt::Hash256 bytes{};
        bytes.fill(0x5a);
        return *datt::crypto::SecretKey::from_bytes(bytes);
    }();
    return key;
}

Bytes data_words(const std::string& text) {
    auto decoded = datt::encoding::bech32_decode(text, inv::kMaxInvoiceLength);
    DATT_FUZZ_CHECK(decoded.ok());
    return decoded->data;
}

inv::InvoiceFields normalized_for_json(inv::InvoiceFields f) {
    if (f.expiry == inv::kDefaultExpirySeconds) f.expiry.reset();
    if (f.min_final_cltv_expiry == inv::kDefaultMinFinalCltvExpiry) f.min_final_cltv_expiry.reset();
    if (f.features.empty()) f.features = *inv::FeatureBits::from_bits({8, 14});
    return f;
}

void check_parsed(const std::string& text, const inv::InvoiceContents& c) {
    const auto& key = fuzz_key();
    const auto key_pub = datt::crypto::pubkey(key);

    // Re-signing the same fields writes the same data part.
    auto resigned = inv::sign_invoice(c.hrp, c.timestamp, c.fields, key);
    DATT_FUZZ_CHECK(resigned.ok());
    const Bytes original = data_words(text);
    const Bytes again = data_words(*resigned);
    DATT_FUZZ_CHECK(original.size() == again.size());
    DATT_FUZZ_CHECK(std::equal(original.begin(), original.end() - kSignatureWords, again.begin()));

    // Each used field from its value, in its exact words.
    const auto canonical =
        inv::tagged_fields(c.fields_view(), c.payee_field ? *c.payee_field : key_pub);
    for (uint8_t type = 0; type < 32; ++type) {
        std::vector<Bytes> used, written;
        for (const auto& field : c.fields) {
            if (field.used && field.type == type) used.push_back(field.words);
        }
        for (const auto& field : canonical) {
            if (field.type == type) written.push_back(field.words);
        }
        DATT_FUZZ_CHECK(used == written);
    }
    auto hrp = inv::parse_hrp(inv::format_hrp(c.currency, c.amount));
    DATT_FUZZ_CHECK(hrp.ok() && hrp->currency == c.currency && hrp->amount == c.amount);

    // The re-signed invoice verifies against our key (or fails on another key's n field).
    auto decoded = inv::Invoice::decode(*resigned);
    if (c.payee_field && !(*c.payee_field == key_pub)) {
        DATT_FUZZ_CHECK(!decoded.ok() && decoded.error().code == "invoice_bad_signature");
    } else {
        DATT_FUZZ_CHECK(decoded.ok());
        DATT_FUZZ_CHECK(decoded->payee() == key_pub);
        DATT_FUZZ_CHECK(decoded->contents().fields == c.fields);
        DATT_FUZZ_CHECK(decoded->contents().fields_view() == c.fields_view());
    }

    // The writer's path, when its rules allow these fields.
    if (auto encoded = inv::encode_invoice(c.fields_view(), key); encoded.ok()) {
        auto back = inv::Invoice::decode(*encoded);
        DATT_FUZZ_CHECK(back.ok());
        DATT_FUZZ_CHECK(back->contents().fields_view() == c.fields_view());
    }

    // The JSON view reads back to the same fields.
    const std::string json = inv::invoice_to_json(c, nullptr, nullptr, {});
    auto fields = inv::invoice_fields_from_json(json, std::nullopt);
    DATT_FUZZ_CHECK(fields.ok());
    DATT_FUZZ_CHECK(*fields == normalized_for_json(c.fields_view()));
}

void check(const std::string& text) {
    auto parsed = inv::UnverifiedInvoice::parse(text);
    if (!parsed.ok()) {
        DATT_FUZZ_CHECK(is_documented(parsed.error().code));
        DATT_FUZZ_CHECK(!parsed.error().message.empty());
        return;
    }
    check_parsed(text, parsed->contents());
    auto verified = inv::Invoice::verify(std::move(*parsed));
    if (!verified.ok()) DATT_FUZZ_CHECK(is_documented(verified.error().code));
}

const char* const kHrps[] = {"lnbc", "lntb",      "lnbcrt",  "lntbs",
                             "lnsb", "lnbc2500u", "lnbc10p", "lntb20m"};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size > 8000) return 0;
    check(std::string(reinterpret_cast<const char*>(data), size));
    if (size >= 1) {
        Bytes words;
        for (size_t i = 1; i < size; ++i) words.push_back(data[i] & 31);
        auto text =
            datt::encoding::bech32_encode(datt::encoding::Bech32Variant::kBech32,
                                          kHrps[data[0] % 8], words, inv::kMaxInvoiceLength);
        if (text.ok()) check(*text);
    }
    return 0;
}
