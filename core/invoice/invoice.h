// BOLT-11 invoices (lightning/bolts 11-payment-encoding.md): decoding with every reader
// rule, and encoding (invoice/encode.h) that independent readers accept byte for byte.
//
// Layout of the bech32 string (checksum: Bech32, not Bech32m; up to kMaxInvoiceLength
// characters, far beyond BIP-173's 90):
//
//   hrp (invoice/hrp.h) '1' data checksum(6)
//   data = timestamp (7 words: seconds since 1970, 35 bits big-endian)
//          tagged field*  = type (1 word) | data_length (2 words, big-endian) | data_length words
//          signature      (104 words = 65 bytes: r(32) s(32) recovery_id(1))
//   signed = SHA-256(hrp as UTF-8 || data before the signature, as bytes, zero-padded)
//
// Tagged fields (type: letter = value, data):
//   p=1  payment_hash, 52 words (32 bytes)       s=16 payment_secret, 52 words
//   d=13 description, UTF-8 bytes                h=23 description_hash, 52 words
//   n=19 payee public key, 53 words (33 bytes)   m=27 payment_metadata, bytes
//   x=6  expiry seconds, minimal uint (default 3600)
//   c=24 min_final_cltv_expiry_delta, minimal uint (default 18)
//   f=9  fallback: version word, then 20-byte hash (17 P2PKH, 18 P2SH) or witness program (0..16)
//   r=3  route hint: hops of 51 bytes, pubkey(33) short_channel_id(8) fee_base_msat(4)
//        fee_proportional_millionths(4) cltv_expiry_delta(2), big-endian
//   9=5  features (invoice/features.h)
//
// Reader rules as implemented, and where the spec text and the implementations part:
//   - Unknown types, f fields of versions 19..31, and p/h/s/n fields of another length are
//     skipped (kept in fields() with used == false, still covered by the signature). The
//     current spec text says "MUST fail" for the wrong lengths, but its own example
//     "including fields which must be ignored" is valid and Core Lightning and LDK skip
//     them: we skip, with them.
//   - An empty 9 field is skipped (writers omit it: no features).
//   - A second p, s, d, h, n, x, c, 9 or m is skipped ("use the first", as Core Lightning
//     does; LDK refuses a second valid payment hash, secret or description). r and f repeat.
//   - d and h both, or neither, fail; so does a missing p or s.
//   - x, c and 9 with a leading zero word fail (the spec's SHOULD; writers MUST be minimal).
//   - Byte fields must be zero-padded and no longer than needed (writers MUST pad with 0s;
//     LDK drops the bits unchecked): a field that is not re-encodes differently.
//   - A known f version of the wrong length, an r field that is not whole hops, an n or r
//     key that is not a point, and d that is not UTF-8 fail (as in Core Lightning and LDK).
//   - With an n field the signature is verified against it and must be low-S; without, the
//     payee is recovered from the signature, high-S accepted.
//
// Error codes (besides the bech32_* codes of encoding/bech32.h, which pass through, and
// those of invoice/hrp.h and invoice/features.h):
//   invoice_too_long                  more than kMaxInvoiceLength characters
//   invoice_not_bech32                a Bech32m checksum
//   invoice_too_short                 data shorter than timestamp + signature
//   invoice_field_truncated           a tagged field runs past the signature
//   invoice_bad_padding               (words.h)
//   invoice_field_not_minimal         x or c starts with a zero word
//   invoice_bad_expiry, invoice_bad_min_final_cltv_expiry   more than 64 bits
//   invoice_bad_description           d is not UTF-8
//   invoice_bad_payee                 n is not a public key
//   invoice_bad_fallback              a known f version with a program of the wrong length
//   invoice_bad_route                 r not a whole number (>= 1) of hops, or a bad pubkey
//   invoice_missing_payment_hash, invoice_missing_payment_secret
//   invoice_missing_description       neither d nor h
//   invoice_description_and_hash      both d and h
//   invoice_bad_recovery_id           recovery id above 3
//   invoice_bad_signature             (with n) r or s out of range, high-S, or not n's signature
//   invoice_signature_not_recoverable (without n) no public key recovers
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bitcoin/amount.h"
#include "crypto/secp256k1.h"
#include "invoice/features.h"
#include "invoice/hrp.h"
#include "util/bytes.h"
#include "util/result.h"

namespace datt::invoice {

// LDK's bound for BOLT-11 strings (its Bolt11Bech32 checksum's code length); BIP-173's
// checksum guarantees error detection up to 1023 characters only, and longer invoices
// cannot be QR-encoded anyway.
inline constexpr size_t kMaxInvoiceLength = 7089;
inline constexpr uint64_t kDefaultExpirySeconds = 3600;
inline constexpr uint64_t kDefaultMinFinalCltvExpiry = 18;
inline constexpr uint64_t kMaxTimestamp = (uint64_t{1} << 35) - 1;
// A field's data_length is 10 bits.
inline constexpr size_t kMaxFieldWords = 1023;
// floor(1023 * 5 / 8): the most bytes a d or m field holds.
inline constexpr size_t kMaxFieldBytes = 639;
inline constexpr size_t kRouteHopBytes = 51;
// 12 hops of 51 bytes fill 980 of 1023 words.
inline constexpr size_t kMaxHopsPerRoute = kMaxFieldBytes / kRouteHopBytes;

enum class FieldType : uint8_t {
    kPaymentHash = 1,          // p
    kRoute = 3,                // r
    kFeatures = 5,             // 9
    kExpiry = 6,               // x
    kFallback = 9,             // f
    kDescription = 13,         // d
    kPaymentSecret = 16,       // s
    kPayee = 19,               // n
    kDescriptionHash = 23,     // h
    kMinFinalCltvExpiry = 24,  // c
    kMetadata = 27,            // m
};

// The bech32 character of a 5-bit type ('p' for 1).
char field_letter(uint8_t type);

struct TaggedField {
    uint8_t type;  // 0..31
    Bytes words;   // the data, 5-bit values, as written
    bool used;     // false: skipped (unknown type or f version, wrong length, repeated)
    bool operator==(const TaggedField&) const = default;
};

struct RouteHop {
    std::array<uint8_t, 33> pubkey;  // compressed, a valid point
    uint64_t short_channel_id;       // block height (3 bytes) | tx index (3) | output (2)
    uint32_t fee_base_msat;
    uint32_t fee_proportional_millionths;
    uint16_t cltv_expiry_delta;
    bool operator==(const RouteHop&) const = default;
};

struct Fallback {
    uint8_t version;  // 0..16 witness version, 17 P2PKH, 18 P2SH
    Bytes program;    // witness program, or the 20-byte hash
    bool operator==(const Fallback&) const = default;
};
// 17 + hash -> P2PKH script, 18 -> P2SH, 0..16 -> OP_n <program>.
Bytes fallback_script_pubkey(const Fallback& fallback);

// What an invoice says, as the writer gives it to encode_invoice() and as a decoded
// invoice reports it (InvoiceContents::fields_view()).
struct InvoiceFields {
    Currency currency = Currency::kBitcoin;
    std::optional<bitcoin::Msats> amount;  // none: any amount
    uint64_t timestamp = 0;                // seconds since 1970, < 2^35
    Hash256 payment_hash{};
    Hash256 payment_secret{};
    std::optional<std::string> description;  // exactly one of description and its hash
    std::optional<Hash256> description_hash;
    bool include_payee = false;      // write an n field (the signer's key): saves the payer a
                                     // recovery and makes the invoice 57 characters longer
    std::optional<uint64_t> expiry;  // seconds; none: readers use 3600
    std::optional<uint64_t> min_final_cltv_expiry;  // none: readers use 18
    std::vector<Fallback> fallbacks;                // most preferred first
    std::vector<std::vector<RouteHop>> routes;      // one r field each
    FeatureBits features;                           // empty: no 9 field
    std::optional<Bytes> metadata;                  // m
    bool operator==(const InvoiceFields&) const = default;
};

// Everything the string holds, structure checked (every rule above but the signature's).
struct InvoiceContents {
    std::string hrp;  // lower case, as written
    Currency currency;
    std::optional<bitcoin::Msats> amount;
    uint64_t timestamp;
    std::vector<TaggedField> fields;  // every field in order, skipped ones too

    // The first usable field of each kind (r and f: all, in order).
    Hash256 payment_hash;
    Hash256 payment_secret;
    std::optional<std::string> description;
    std::optional<Hash256> description_hash;
    std::optional<crypto::PubKey> payee_field;  // n
    std::optional<uint64_t> expiry;
    std::optional<uint64_t> min_final_cltv_expiry;
    std::vector<Fallback> fallbacks;
    std::vector<std::vector<RouteHop>> routes;
    FeatureBits features;
    std::optional<Bytes> metadata;

    std::array<uint8_t, 64> signature;  // r || s
    uint8_t recovery_id;
    Hash256 signing_hash;

    uint64_t expiry_seconds() const { return expiry.value_or(kDefaultExpirySeconds); }
    uint64_t min_final_cltv() const {
        return min_final_cltv_expiry.value_or(kDefaultMinFinalCltvExpiry);
    }
    // The writer's view (include_payee: an n field was used).
    InvoiceFields fields_view() const;
};

// Structure checked, signature not yet.
class UnverifiedInvoice {
  public:
    [[nodiscard]] static Result<UnverifiedInvoice> parse(std::string_view text);
    const InvoiceContents& contents() const { return contents_; }

  private:
    friend class Invoice;
    explicit UnverifiedInvoice(InvoiceContents contents) : contents_(std::move(contents)) {}
    InvoiceContents contents_;
};

// A decoded invoice whose signature verified: payee() signed it.
class Invoice {
  public:
    [[nodiscard]] static Result<Invoice> decode(std::string_view text);
    [[nodiscard]] static Result<Invoice> verify(UnverifiedInvoice unverified);

    const InvoiceContents& contents() const { return contents_; }
    const crypto::PubKey& payee() const { return payee_; }
    // True when the n field named the payee; false when it was recovered.
    bool payee_from_field() const { return contents_.payee_field.has_value(); }

  private:
    Invoice(InvoiceContents contents, crypto::PubKey payee)
        : contents_(std::move(contents)), payee_(std::move(payee)) {}
    InvoiceContents contents_;
    crypto::PubKey payee_;
};

}  // namespace datt::invoice
