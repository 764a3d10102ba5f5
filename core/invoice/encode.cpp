#include "invoice/encode.h"

#include "crypto/ecdsa_recoverable.h"
#include "crypto/sha256.h"
#include "encoding/bech32.h"
#include "invoice/words.h"
#include "util/utf8.h"

namespace datt::invoice {
namespace {

constexpr size_t kTimestampWords = 7;

TaggedField make_field(FieldType type, Bytes words) {
    return TaggedField{static_cast<uint8_t>(type), std::move(words), true};
}

void put_be(Bytes& out, uint64_t value, size_t size) {
    for (size_t i = size; i > 0; --i) out.push_back(static_cast<uint8_t>(value >> (8 * (i - 1))));
}

Bytes route_bytes(const std::vector<RouteHop>& hops) {
    Bytes out;
    for (const auto& hop : hops) {
        out.insert(out.end(), hop.pubkey.begin(), hop.pubkey.end());
        put_be(out, hop.short_channel_id, 8);
        put_be(out, hop.fee_base_msat, 4);
        put_be(out, hop.fee_proportional_millionths, 4);
        put_be(out, hop.cltv_expiry_delta, 2);
    }
    return out;
}

Bytes fallback_words(const Fallback& fallback) {
    Bytes words{fallback.version};
    const Bytes program = bytes_to_words(fallback.program);
    words.insert(words.end(), program.begin(), program.end());
    return words;
}

Status check_fields(const InvoiceFields& f) {
    if (f.amount && f.amount->value() == 0) {
        return make_error("invoice_amount_zero",
                          "an amount of 0 cannot be written: omit it for \"any amount\"");
    }
    if (f.timestamp > kMaxTimestamp) {
        return make_error("invoice_timestamp_too_large", "the timestamp must be below 2^35");
    }
    if (f.description && f.description_hash) {
        return make_error("invoice_description_and_hash",
                          "give a description or its hash, not both");
    }
    if (!f.description && !f.description_hash) {
        return make_error("invoice_missing_description",
                          "an invoice needs a description or a description hash");
    }
    if (f.description) {
        if (f.description->size() > kMaxFieldBytes) {
            return make_error("invoice_description_too_long",
                              "the description has more than 639 bytes: commit to it with a "
                              "description hash instead");
        }
        if (!is_valid_utf8(*f.description)) {
            return make_error("invoice_bad_description", "the description is not UTF-8");
        }
    }
    if (f.metadata && f.metadata->size() > kMaxFieldBytes) {
        return make_error("invoice_metadata_too_long", "payment metadata exceeds 639 bytes");
    }
    for (const auto& fallback : f.fallbacks) {
        const size_t size = fallback.program.size();
        const bool ok = fallback.version > 18    ? false
                        : fallback.version >= 17 ? size == 20
                        : fallback.version == 0  ? (size == 20 || size == 32)
                                                 : (size >= 2 && size <= 40);
        if (!ok) {
            return make_error("invoice_bad_fallback",
                              "a fallback is not a P2PKH or P2SH hash or a witness program");
        }
    }
    for (const auto& route : f.routes) {
        if (route.empty() || route.size() > kMaxHopsPerRoute) {
            return make_error("invoice_bad_route", "a route hint has 1 to 12 hops");
        }
        for (const auto& hop : route) {
            if (!crypto::PubKey::parse(hop.pubkey)) {
                return make_error("invoice_bad_route",
                                  "a route hint's node id is not a public key");
            }
        }
    }
    for (const uint16_t bit : f.features.bits()) {
        if (bit % 2 == 0 && f.features.has(static_cast<uint16_t>(bit + 1))) {
            return make_error("invoice_feature_both_bits", "feature bits " + std::to_string(bit) +
                                                               " and " + std::to_string(bit + 1) +
                                                               " are both set");
        }
    }
    if (!f.features.supports(8) || !f.features.supports(14)) {
        return make_error("invoice_feature_missing",
                          "set var_onion_optin (8 or 9) and payment_secret (14 or 15)");
    }
    return f.features.check_payable();
}

}  // namespace

std::vector<TaggedField> tagged_fields(const InvoiceFields& f, const crypto::PubKey& payee) {
    std::vector<TaggedField> out;
    out.push_back(make_field(FieldType::kPaymentHash, bytes_to_words(f.payment_hash)));
    out.push_back(make_field(FieldType::kPaymentSecret, bytes_to_words(f.payment_secret)));
    if (f.description) {
        out.push_back(
            make_field(FieldType::kDescription, bytes_to_words(as_bytes(*f.description))));
    }
    if (f.description_hash) {
        out.push_back(make_field(FieldType::kDescriptionHash, bytes_to_words(*f.description_hash)));
    }
    if (f.include_payee)
        out.push_back(make_field(FieldType::kPayee, bytes_to_words(payee.compressed())));
    if (f.expiry) out.push_back(make_field(FieldType::kExpiry, uint_words(*f.expiry)));
    if (f.min_final_cltv_expiry) {
        out.push_back(
            make_field(FieldType::kMinFinalCltvExpiry, uint_words(*f.min_final_cltv_expiry)));
    }
    if (f.metadata) out.push_back(make_field(FieldType::kMetadata, bytes_to_words(*f.metadata)));
    for (const auto& fallback : f.fallbacks) {
        out.push_back(make_field(FieldType::kFallback, fallback_words(fallback)));
    }
    for (const auto& route : f.routes) {
        out.push_back(make_field(FieldType::kRoute, bytes_to_words(route_bytes(route))));
    }
    if (!f.features.empty()) out.push_back(make_field(FieldType::kFeatures, f.features.to_words()));
    return out;
}

Result<std::string> sign_invoice(std::string_view hrp, uint64_t timestamp,
                                 std::span<const TaggedField> fields,
                                 const crypto::SecretKey& key) {
    if (timestamp > kMaxTimestamp) {
        return make_error("invoice_timestamp_too_large", "the timestamp must be below 2^35");
    }
    Bytes data = uint_words_fixed(timestamp, kTimestampWords);
    for (const auto& field : fields) {
        if (field.words.size() > kMaxFieldWords) {
            return make_error("invoice_too_long", std::string("the ") + field_letter(field.type) +
                                                      " field has more than 1023 words");
        }
        data.push_back(field.type & 31);
        const Bytes length = uint_words_fixed(field.words.size(), 2);
        data.insert(data.end(), length.begin(), length.end());
        data.insert(data.end(), field.words.begin(), field.words.end());
    }
    const Hash256 hash =
        crypto::Sha256().write(as_bytes(hrp)).write(words_to_bytes_padded(data)).finalize();
    const crypto::RecoverableSignature signature = crypto::ecdsa_sign_recoverable(key, hash);
    Bytes signature_bytes(signature.compact.begin(), signature.compact.end());
    signature_bytes.push_back(signature.recovery_id);
    const Bytes signature_words = bytes_to_words(signature_bytes);
    data.insert(data.end(), signature_words.begin(), signature_words.end());
    auto text =
        encoding::bech32_encode(encoding::Bech32Variant::kBech32, hrp, data, kMaxInvoiceLength);
    if (!text) {
        return make_error(
            "invoice_too_long",
            "the invoice would exceed " + std::to_string(kMaxInvoiceLength) + " characters");
    }
    return std::move(*text);
}

Result<std::string> encode_invoice(const InvoiceFields& fields, const crypto::SecretKey& key) {
    if (auto status = check_fields(fields); !status) return status.error();
    const std::vector<TaggedField> tagged = tagged_fields(fields, crypto::pubkey(key));
    return sign_invoice(format_hrp(fields.currency, fields.amount), fields.timestamp, tagged, key);
}

}  // namespace datt::invoice
