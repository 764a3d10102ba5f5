#include "invoice/invoice.h"

#include <algorithm>

#include "crypto/ecdsa.h"
#include "crypto/ecdsa_recoverable.h"
#include "crypto/sha256.h"
#include "encoding/bech32.h"
#include "invoice/words.h"
#include "util/utf8.h"

namespace datt::invoice {
namespace {

constexpr size_t kTimestampWords = 7;
constexpr size_t kSignatureWords = 104;  // 65 bytes
constexpr size_t kHashWords = 52;        // 32 bytes
constexpr size_t kPubKeyWords = 53;      // 33 bytes
constexpr char kCharset[] = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";

uint8_t type_of(FieldType type) {
    return static_cast<uint8_t>(type);
}

// The field's bytes, or why not.
Result<Bytes> field_bytes(const TaggedField& field) {
    return words_to_bytes(field.words);
}

Result<Hash256> hash_field(const TaggedField& field) {
    auto bytes = field_bytes(field);
    if (!bytes) return bytes.error();
    Hash256 out;
    std::copy(bytes->begin(), bytes->end(), out.begin());
    return out;
}

Result<uint64_t> uint_field(const TaggedField& field, const char* code, const char* what) {
    if (!field.words.empty() && field.words.front() == 0) {
        return make_error("invoice_field_not_minimal",
                          std::string(what) + " starts with a zero word (not minimal)");
    }
    const auto value = read_uint(field.words);
    if (!value) return make_error(code, std::string(what) + " does not fit 64 bits");
    return *value;
}

Result<Fallback> fallback_field(const TaggedField& field) {
    auto bytes = words_to_bytes(ByteSpan(field.words).subspan(1));
    if (!bytes) return bytes.error();
    Fallback out{field.words.front(), std::move(*bytes)};
    const size_t size = out.program.size();
    const bool ok = out.version >= 17  ? size == 20
                    : out.version == 0 ? (size == 20 || size == 32)
                                       : (size >= 2 && size <= 40);
    if (!ok) {
        return make_error("invoice_bad_fallback", "fallback of version " +
                                                      std::to_string(out.version) + " has a " +
                                                      std::to_string(size) + "-byte program");
    }
    return out;
}

uint64_t read_be(ByteSpan bytes) {
    uint64_t value = 0;
    for (const uint8_t b : bytes) value = (value << 8) | b;
    return value;
}

Result<std::vector<RouteHop>> route_field(const TaggedField& field) {
    auto bytes = field_bytes(field);
    if (!bytes) return bytes.error();
    if (bytes->empty() || bytes->size() % kRouteHopBytes != 0) {
        return make_error("invoice_bad_route",
                          "a route hint is not a whole number of 51-byte hops");
    }
    std::vector<RouteHop> hops;
    for (size_t at = 0; at < bytes->size(); at += kRouteHopBytes) {
        const ByteSpan hop(bytes->data() + at, kRouteHopBytes);
        RouteHop out{};
        std::copy(hop.begin(), hop.begin() + 33, out.pubkey.begin());
        if (!crypto::PubKey::parse(out.pubkey)) {
            return make_error("invoice_bad_route", "a route hint's node id is not a public key");
        }
        out.short_channel_id = read_be(hop.subspan(33, 8));
        out.fee_base_msat = static_cast<uint32_t>(read_be(hop.subspan(41, 4)));
        out.fee_proportional_millionths = static_cast<uint32_t>(read_be(hop.subspan(45, 4)));
        out.cltv_expiry_delta = static_cast<uint16_t>(read_be(hop.subspan(49, 2)));
        hops.push_back(out);
    }
    return hops;
}

// Reads one field into `c` if it is the first usable one of its kind; marks it used.
Status interpret(TaggedField& field, InvoiceContents& c, uint32_t& seen) {
    const uint32_t bit = uint32_t{1} << field.type;
    const bool first = (seen & bit) == 0;
    auto use = [&] {
        field.used = true;
        seen |= bit;
    };
    switch (static_cast<FieldType>(field.type)) {
        case FieldType::kPaymentHash:
        case FieldType::kPaymentSecret:
        case FieldType::kDescriptionHash: {
            if (!first || field.words.size() != kHashWords) return Ok{};
            auto hash = hash_field(field);
            if (!hash) return hash.error();
            if (field.type == type_of(FieldType::kPaymentHash)) c.payment_hash = *hash;
            if (field.type == type_of(FieldType::kPaymentSecret)) c.payment_secret = *hash;
            if (field.type == type_of(FieldType::kDescriptionHash)) c.description_hash = *hash;
            use();
            return Ok{};
        }
        case FieldType::kPayee: {
            if (!first || field.words.size() != kPubKeyWords) return Ok{};
            auto bytes = field_bytes(field);
            if (!bytes) return bytes.error();
            auto key = crypto::PubKey::parse(*bytes);
            if (!key || !key->is_compressed()) {
                return make_error("invoice_bad_payee", "the n field is not a public key");
            }
            c.payee_field = *key;
            use();
            return Ok{};
        }
        case FieldType::kDescription: {
            if (!first) return Ok{};
            auto bytes = field_bytes(field);
            if (!bytes) return bytes.error();
            std::string text(bytes->begin(), bytes->end());
            if (!is_valid_utf8(text)) {
                return make_error("invoice_bad_description", "the description is not UTF-8");
            }
            c.description = std::move(text);
            use();
            return Ok{};
        }
        case FieldType::kMetadata: {
            if (!first) return Ok{};
            auto bytes = field_bytes(field);
            if (!bytes) return bytes.error();
            c.metadata = std::move(*bytes);
            use();
            return Ok{};
        }
        case FieldType::kExpiry: {
            if (!first) return Ok{};
            auto value = uint_field(field, "invoice_bad_expiry", "the expiry (x)");
            if (!value) return value.error();
            c.expiry = *value;
            use();
            return Ok{};
        }
        case FieldType::kMinFinalCltvExpiry: {
            if (!first) return Ok{};
            auto value =
                uint_field(field, "invoice_bad_min_final_cltv_expiry", "min_final_cltv_expiry (c)");
            if (!value) return value.error();
            c.min_final_cltv_expiry = *value;
            use();
            return Ok{};
        }
        case FieldType::kFeatures: {
            // An empty 9 field says nothing (writers MUST omit it): skipped, so that every
            // used field is what the writer would write.
            if (!first || field.words.empty()) return Ok{};
            auto features = FeatureBits::from_words(field.words);
            if (!features) return features.error();
            c.features = std::move(*features);
            use();
            return Ok{};
        }
        case FieldType::kFallback: {
            // Versions 19..31 are for the future: skipped. So is an empty field (LDK and
            // Core Lightning fail it; nothing can be read from it).
            if (field.words.empty()) {
                return make_error("invoice_bad_fallback", "a fallback field is empty");
            }
            if (field.words.front() > 18) return Ok{};
            auto fallback = fallback_field(field);
            if (!fallback) return fallback.error();
            c.fallbacks.push_back(std::move(*fallback));
            use();
            return Ok{};
        }
        case FieldType::kRoute: {
            auto hops = route_field(field);
            if (!hops) return hops.error();
            c.routes.push_back(std::move(*hops));
            use();
            return Ok{};
        }
    }
    return Ok{};  // an unknown type: skipped
}

Status check_required(const InvoiceContents& c, uint32_t seen) {
    auto has = [&](FieldType type) { return (seen & (uint32_t{1} << type_of(type))) != 0; };
    if (!has(FieldType::kPaymentHash)) {
        return make_error("invoice_missing_payment_hash", "the invoice has no payment hash (p)");
    }
    if (!has(FieldType::kPaymentSecret)) {
        return make_error("invoice_missing_payment_secret",
                          "the invoice has no payment secret (s)");
    }
    if (c.description && c.description_hash) {
        return make_error("invoice_description_and_hash",
                          "the invoice has both a description (d) and a description hash (h)");
    }
    if (!c.description && !c.description_hash) {
        return make_error("invoice_missing_description",
                          "the invoice has neither a description (d) nor its hash (h)");
    }
    return c.features.check_payable();
}

}  // namespace

char field_letter(uint8_t type) {
    return kCharset[type & 31];
}

Bytes fallback_script_pubkey(const Fallback& fallback) {
    Bytes script;
    script.reserve(fallback.program.size() + 5);  // the largest template: P2PKH's
    const uint8_t size = static_cast<uint8_t>(fallback.program.size());
    if (fallback.version == 17) {
        script = {0x76, 0xa9, size};  // OP_DUP OP_HASH160 <20>
        script.insert(script.end(), fallback.program.begin(), fallback.program.end());
        script.insert(script.end(), {0x88, 0xac});  // OP_EQUALVERIFY OP_CHECKSIG
    } else if (fallback.version == 18) {
        script = {0xa9, size};  // OP_HASH160 <20>
        script.insert(script.end(), fallback.program.begin(), fallback.program.end());
        script.push_back(0x87);  // OP_EQUAL
    } else {
        // OP_0 or OP_1..OP_16, then a direct push of the 2..40-byte program.
        script = {static_cast<uint8_t>(fallback.version == 0 ? 0x00 : 0x50 + fallback.version),
                  size};
        script.insert(script.end(), fallback.program.begin(), fallback.program.end());
    }
    return script;
}

InvoiceFields InvoiceContents::fields_view() const {
    InvoiceFields out;
    out.currency = currency;
    out.amount = amount;
    out.timestamp = timestamp;
    out.payment_hash = payment_hash;
    out.payment_secret = payment_secret;
    out.description = description;
    out.description_hash = description_hash;
    out.include_payee = payee_field.has_value();
    out.expiry = expiry;
    out.min_final_cltv_expiry = min_final_cltv_expiry;
    out.fallbacks = fallbacks;
    out.routes = routes;
    out.features = features;
    out.metadata = metadata;
    return out;
}

Result<UnverifiedInvoice> UnverifiedInvoice::parse(std::string_view text) {
    if (text.size() > kMaxInvoiceLength) {
        return make_error(
            "invoice_too_long",
            "an invoice has at most " + std::to_string(kMaxInvoiceLength) + " characters");
    }
    auto decoded = encoding::bech32_decode(text, kMaxInvoiceLength);
    if (!decoded) return decoded.error();
    if (decoded->variant != encoding::Bech32Variant::kBech32) {
        return make_error("invoice_not_bech32", "invoices use the Bech32 checksum, not Bech32m");
    }
    auto hrp = parse_hrp(decoded->hrp);
    if (!hrp) return hrp.error();
    const Bytes& data = decoded->data;
    if (data.size() < kTimestampWords + kSignatureWords) {
        return make_error("invoice_too_short",
                          "the data part is shorter than a timestamp and a signature");
    }

    InvoiceContents c{};
    c.hrp = decoded->hrp;
    c.currency = hrp->currency;
    c.amount = hrp->amount;
    c.timestamp = *read_uint(ByteSpan(data).first(kTimestampWords));

    const size_t fields_end = data.size() - kSignatureWords;
    uint32_t seen = 0;
    for (size_t at = kTimestampWords; at < fields_end;) {
        if (fields_end - at < 3) {
            return make_error("invoice_field_truncated", "a tagged field's header is cut short");
        }
        const uint8_t type = data[at];
        const size_t length = static_cast<size_t>(data[at + 1]) * 32 + data[at + 2];
        at += 3;
        if (length > fields_end - at) {
            return make_error("invoice_field_truncated", std::string("the ") + field_letter(type) +
                                                             " field runs into the signature");
        }
        TaggedField field{type,
                          Bytes(data.begin() + static_cast<long>(at),
                                data.begin() + static_cast<long>(at + length)),
                          false};
        at += length;
        if (auto status = interpret(field, c, seen); !status) return status.error();
        c.fields.push_back(std::move(field));
    }
    if (auto status = check_required(c, seen); !status) return status.error();

    // The signature: 104 words are exactly 65 bytes (cannot fail).
    const Bytes signature =
        words_to_bytes(ByteSpan(data).subspan(fields_end, kSignatureWords)).value();
    std::copy(signature.begin(), signature.begin() + 64, c.signature.begin());
    c.recovery_id = signature[64];
    if (c.recovery_id > 3) {
        return make_error(
            "invoice_bad_recovery_id",
            "the signature's recovery id is " + std::to_string(c.recovery_id) + " (0 to 3)");
    }
    // hrp bytes || data words before the signature, packed into bytes with zero padding.
    const Bytes signed_words(data.begin(), data.begin() + static_cast<long>(fields_end));
    c.signing_hash = crypto::Sha256()
                         .write(as_bytes(c.hrp))
                         .write(words_to_bytes_padded(signed_words))
                         .finalize();
    return UnverifiedInvoice(std::move(c));
}

Result<Invoice> Invoice::verify(UnverifiedInvoice unverified) {
    InvoiceContents c = std::move(unverified.contents_);
    if (c.payee_field) {
        const auto signature = crypto::EcdsaSignature::parse_compact(c.signature);
        if (!signature || !crypto::ecdsa_verify(*c.payee_field, c.signing_hash, *signature,
                                                crypto::HighS::kReject)) {
            return make_error("invoice_bad_signature",
                              "the signature is not the n field's key's low-S signature");
        }
        crypto::PubKey payee = *c.payee_field;
        return Invoice(std::move(c), std::move(payee));
    }
    auto payee = crypto::ecdsa_recover(c.signature, c.recovery_id, c.signing_hash);
    if (!payee) {
        return make_error("invoice_signature_not_recoverable",
                          "no public key recovers from the signature");
    }
    return Invoice(std::move(c), std::move(*payee));
}

Result<Invoice> Invoice::decode(std::string_view text) {
    auto unverified = UnverifiedInvoice::parse(text);
    if (!unverified) return unverified.error();
    return verify(std::move(*unverified));
}

}  // namespace datt::invoice
