// BOLT-11 rules beyond the spec's examples: amounts in the hrp, feature vectors, the
// reader's skip and fail rules, and the writer's checks. Invoices are built here with
// sign_invoice() from hand-written fields, so each rule is tested alone.
#include "invoice/invoice.h"

#include <gtest/gtest.h>

#include "crypto/sha256.h"
#include "encoding/bech32.h"
#include "invoice/encode.h"
#include "invoice/words.h"
#include "util/hex.h"

namespace datt::invoice {
namespace {

// The error code, or "ok": a decode that unexpectedly succeeds fails the comparison
// instead of the test program.
template <class T>
std::string code(const Result<T>& result) {
    return result ? "ok" : result.error().code;
}

const crypto::SecretKey& test_key() {
    static const crypto::SecretKey key = *crypto::SecretKey::from_bytes(
        *from_hex_fixed<32>("e126f68f7eafcc8b74f54d269fe206be715000f94dac067d1c04a8ca3b2db734"));
    return key;
}

TEST(InvoiceHrp, AmountsWithEachMultiplier) {
    // 1 BTC = 10^11 msat; m, u, n, p are 10^-3, -6, -9, -12 of it.
    const std::vector<std::pair<std::string, uint64_t>> cases{
        {"lnbc1", 100'000'000'000ULL},
        {"lnbc2500u", 250'000'000ULL},
        {"lnbc20m", 2'000'000'000ULL},
        {"lnbc1n", 100ULL},
        {"lnbc10p", 1ULL},
        {"lnbc9678785340p", 967'878'534ULL},
        {"lntb1m", 100'000'000ULL},
        {"lnbcrt5u", 500'000ULL},
        {"lntbs7n", 700ULL},
    };
    for (const auto& [hrp, msat] : cases) {
        auto parsed = parse_hrp(hrp);
        ASSERT_TRUE(parsed) << hrp;
        ASSERT_TRUE(parsed->amount) << hrp;
        EXPECT_EQ(parsed->amount->value(), msat) << hrp;
        EXPECT_EQ(format_hrp(parsed->currency, parsed->amount), hrp);
    }
    EXPECT_EQ(parse_hrp("lnbcrt")->currency, Currency::kRegtest);
    EXPECT_FALSE(parse_hrp("lnbcrt")->amount);
    EXPECT_EQ(parse_hrp("lnsb1u")->currency, Currency::kSimnet);
    // Non-shortest forms parse (they occur in the wild); the writer shortens them.
    EXPECT_EQ(format_hrp(Currency::kBitcoin, parse_hrp("lnbc1000u")->amount), "lnbc1m");
    EXPECT_EQ(format_hrp(Currency::kBitcoin, parse_hrp("lnbc100000000000p")->amount), "lnbc100m");
}

TEST(InvoiceHrp, BadAmountsFail) {
    const std::vector<std::pair<std::string, std::string>> cases{
        {"lnbc2500x", "invoice_bad_multiplier"},
        {"lnbc1p", "invoice_sub_msat_amount"},
        {"lnbc01m", "invoice_bad_amount"},
        {"lnbc0", "invoice_bad_amount"},
        {"lnbc1mm", "invoice_bad_amount"},
        {"lnxy1m", "invoice_unknown_currency"},
        {"ln", "invoice_bad_prefix"},
        {"bc1m", "invoice_bad_prefix"},
        {"lnbc1000000000000m", "invoice_bad_amount"},          // 10^12 * 10^8 msat > 2^64
        {"lnbc184467440737095516160p", "invoice_bad_amount"},  // 2^64 msat
    };
    for (const auto& [hrp, code] : cases) {
        auto parsed = parse_hrp(hrp);
        ASSERT_FALSE(parsed) << hrp;
        EXPECT_EQ(parsed.error().code, code) << hrp;
    }
    // 2^64 - 1 msat is the largest amount.
    auto max = parse_hrp("lnbc184467440737095516150p");
    ASSERT_TRUE(max);
    EXPECT_EQ(max->amount->value(), UINT64_MAX);
}

TEST(InvoiceFeatures, WordsAndBits) {
    // "sgq" from the spec: b100000100000000 = bits 8 and 14.
    auto features = FeatureBits::from_words(Bytes{16, 8, 0});
    ASSERT_TRUE(features);
    EXPECT_EQ(features->bits(), (std::vector<uint16_t>{8, 14}));
    EXPECT_EQ(features->to_words(), (Bytes{16, 8, 0}));
    EXPECT_EQ(to_hex(features->to_bytes()), "4100");
    EXPECT_EQ(code(FeatureBits::from_words(Bytes{0, 16, 8, 0})), "invoice_features_not_minimal");
    EXPECT_TRUE(FeatureBits::from_bits({8, 14, 99})->check_payable());
    EXPECT_EQ(FeatureBits::from_bits({8, 14, 100})->check_payable().error().code,
              "invoice_unknown_required_feature");
    EXPECT_EQ(FeatureBits::from_bits({8, 17})->check_payable().error().code,
              "invoice_feature_missing_dependency");
    EXPECT_EQ(feature_name(17), "basic_mpp");
    EXPECT_FALSE(FeatureBits::from_bits({5115}));
}

// The fields of a minimal valid invoice: p, s, d, 9.
std::vector<TaggedField> base_fields() {
    Hash256 hash{}, secret{};
    hash.fill(0x01);
    secret.fill(0x11);
    return {
        {1, bytes_to_words(hash), true},
        {16, bytes_to_words(secret), true},
        {13, bytes_to_words(as_bytes("test")), true},
        {5, FeatureBits::from_bits({8, 14})->to_words(), true},
    };
}

Result<Invoice> signed_with(std::vector<TaggedField> fields, std::string hrp = "lnbc1m") {
    auto text = sign_invoice(hrp, 1'700'000'000, fields, test_key());
    EXPECT_TRUE(text);
    return Invoice::decode(*text);
}

TEST(InvoiceDecode, MinimalInvoiceAndDefaults) {
    auto invoice = signed_with(base_fields());
    ASSERT_TRUE(invoice) << invoice.error().code;
    const auto& c = invoice->contents();
    EXPECT_EQ(c.timestamp, 1'700'000'000u);
    EXPECT_EQ(*c.description, "test");
    EXPECT_EQ(c.expiry_seconds(), 3600u);
    EXPECT_EQ(c.min_final_cltv(), 18u);
    EXPECT_FALSE(invoice->payee_from_field());
    EXPECT_EQ(invoice->payee(), crypto::pubkey(test_key()));
}

TEST(InvoiceDecode, RequiredFieldsAndDescriptionRule) {
    auto without = [](uint8_t type) {
        auto fields = base_fields();
        std::erase_if(fields, [&](const TaggedField& f) { return f.type == type; });
        return fields;
    };
    EXPECT_EQ(code(signed_with(without(1))), "invoice_missing_payment_hash");
    EXPECT_EQ(code(signed_with(without(16))), "invoice_missing_payment_secret");
    EXPECT_EQ(code(signed_with(without(13))), "invoice_missing_description");
    auto both = base_fields();
    both.push_back({23, Bytes(52, 0), true});
    EXPECT_EQ(code(signed_with(both)), "invoice_description_and_hash");
}

TEST(InvoiceDecode, SkipsWhatReadersMustSkip) {
    auto fields = base_fields();
    fields.push_back({1, Bytes(52, 3), true});  // a second p: the first one counts
    fields.push_back({13, bytes_to_words(as_bytes("other")), true});  // a second d
    fields.push_back({9, Bytes(33, 0), true});    // f with version 0... of 20 bytes? no:
    fields.back().words[0] = 19;                  // version 19: for the future, skipped
    fields.push_back({2, Bytes{0, 0, 0}, true});  // an unknown type
    fields.push_back({19, Bytes(52, 0), true});   // n of 52 words: skipped
    auto invoice = signed_with(fields);
    ASSERT_TRUE(invoice) << invoice.error().code;
    const auto& c = invoice->contents();
    EXPECT_EQ(c.payment_hash, Hash256{[] {
                  Hash256 h;
                  h.fill(1);
                  return h;
              }()});
    EXPECT_EQ(*c.description, "test");
    EXPECT_TRUE(c.fallbacks.empty());
    EXPECT_FALSE(c.payee_field);
    size_t skipped = 0;
    for (const auto& f : c.fields) skipped += f.used ? 0 : 1;
    EXPECT_EQ(skipped, 5u);
}

TEST(InvoiceDecode, StrictFieldEncodings) {
    auto with = [](TaggedField extra) {
        auto fields = base_fields();
        fields.push_back(std::move(extra));
        return signed_with(fields);
    };
    EXPECT_EQ(code(with({6, Bytes{0, 1}, true})), "invoice_field_not_minimal");
    EXPECT_EQ(code(with({24, Bytes{0, 1}, true})), "invoice_field_not_minimal");
    EXPECT_EQ(code(with({6, Bytes(14, 31), true})), "invoice_bad_expiry");
    EXPECT_EQ(code(with({27, Bytes{1}, true})), "invoice_bad_padding");     // 5 bits
    EXPECT_EQ(code(with({27, Bytes{0, 1}, true})), "invoice_bad_padding");  // padding bit
    Bytes bad_utf8 = bytes_to_words(Bytes{0xff, 0xfe});
    auto fields = base_fields();
    fields[2].words = bad_utf8;
    EXPECT_EQ(code(signed_with(fields)), "invoice_bad_description");
    Bytes short_p2pkh{17};
    const Bytes program = bytes_to_words(Bytes(19, 0xab));
    short_p2pkh.insert(short_p2pkh.end(), program.begin(), program.end());
    EXPECT_EQ(code(with({9, short_p2pkh, true})), "invoice_bad_fallback");
    EXPECT_EQ(code(with({3, bytes_to_words(Bytes(50, 2)), true})), "invoice_bad_route");
    Bytes not_a_key(33, 0x05);
    EXPECT_EQ(code(with({19, bytes_to_words(not_a_key), true})), "invoice_bad_payee");
    fields = base_fields();
    fields[3].words = FeatureBits::from_bits({8, 14, 200})->to_words();
    EXPECT_EQ(code(signed_with(fields)), "invoice_unknown_required_feature");
}

TEST(InvoiceDecode, PayeeFieldMustMatchTheSigner) {
    auto fields = base_fields();
    fields.push_back({19, bytes_to_words(crypto::pubkey(test_key()).compressed()), true});
    auto invoice = signed_with(fields);
    ASSERT_TRUE(invoice) << invoice.error().code;
    EXPECT_TRUE(invoice->payee_from_field());

    // Another key's n field: the signature is not that key's.
    Hash256 other_secret{};
    other_secret.fill(0x42);
    const auto other = crypto::pubkey(*crypto::SecretKey::from_bytes(other_secret));
    fields.back().words = bytes_to_words(other.compressed());
    EXPECT_EQ(code(signed_with(fields)), "invoice_bad_signature");
}

TEST(InvoiceDecode, StructuralLimits) {
    EXPECT_EQ(code(Invoice::decode(std::string(kMaxInvoiceLength + 1, 'q'))), "invoice_too_long");
    // A Bech32m checksum over a valid-looking invoice's data.
    auto text = sign_invoice("lnbc1m", 1, base_fields(), test_key());
    auto decoded = encoding::bech32_decode(*text, kMaxInvoiceLength);
    auto m = encoding::bech32_encode(encoding::Bech32Variant::kBech32m, decoded->hrp, decoded->data,
                                     kMaxInvoiceLength);
    EXPECT_EQ(code(Invoice::decode(*m)), "invoice_not_bech32");
    // A field whose length runs into the signature.
    Bytes data = decoded->data;
    data[7 + 1] = 31;  // p's length: 31 * 32 + ...
    auto cut = encoding::bech32_encode(encoding::Bech32Variant::kBech32, decoded->hrp, data,
                                       kMaxInvoiceLength);
    EXPECT_EQ(code(Invoice::decode(*cut)), "invoice_field_truncated");
    // A recovery id of 4.
    data = decoded->data;
    Bytes signature = words_to_bytes(ByteSpan(data).last(104)).value();
    signature[64] = 4;
    const Bytes signature_words = bytes_to_words(signature);
    std::copy(signature_words.begin(), signature_words.end(), data.end() - 104);
    auto bad_id = encoding::bech32_encode(encoding::Bech32Variant::kBech32, decoded->hrp, data,
                                          kMaxInvoiceLength);
    EXPECT_EQ(code(Invoice::decode(*bad_id)), "invoice_bad_recovery_id");
}

InvoiceFields sample_fields() {
    InvoiceFields f;
    f.currency = Currency::kRegtest;
    f.amount = bitcoin::Msats{1'234'567};
    f.timestamp = 1'733'000'000;
    f.payment_hash.fill(0xaa);
    f.payment_secret.fill(0xbb);
    f.description = "a tip for a post";
    f.expiry = 600;
    f.min_final_cltv_expiry = 40;
    f.features = *FeatureBits::from_bits({8, 14, 17});
    f.fallbacks.push_back(Fallback{0, Bytes(20, 0x07)});
    RouteHop hop{};
    hop.pubkey = crypto::pubkey(test_key()).compressed();
    hop.short_channel_id = (uint64_t{700000} << 40) | (uint64_t{12} << 16) | 1;
    hop.fee_base_msat = 1000;
    hop.fee_proportional_millionths = 100;
    hop.cltv_expiry_delta = 144;
    f.routes.push_back({hop, hop});
    f.metadata = Bytes{1, 2, 3};
    return f;
}

TEST(InvoiceEncode, RoundTripsEveryField) {
    const InvoiceFields f = sample_fields();
    auto text = encode_invoice(f, test_key());
    ASSERT_TRUE(text) << text.error().code;
    EXPECT_EQ(text->substr(0, 16), "lnbcrt12345670p1");
    auto invoice = Invoice::decode(*text);
    ASSERT_TRUE(invoice) << invoice.error().code;
    EXPECT_EQ(invoice->contents().fields_view(), f);
    // Deterministic: the same fields and key give the same string.
    EXPECT_EQ(*encode_invoice(f, test_key()), *text);

    InvoiceFields with_payee = f;
    with_payee.include_payee = true;
    auto named = Invoice::decode(*encode_invoice(with_payee, test_key()));
    ASSERT_TRUE(named);
    EXPECT_TRUE(named->payee_from_field());
}

TEST(InvoiceEncode, WriterChecks) {
    auto code_of = [](InvoiceFields f) { return code(encode_invoice(f, test_key())); };
    InvoiceFields f = sample_fields();
    f.amount = bitcoin::Msats{0};
    EXPECT_EQ(code_of(f), "invoice_amount_zero");
    f = sample_fields();
    f.timestamp = kMaxTimestamp + 1;
    EXPECT_EQ(code_of(f), "invoice_timestamp_too_large");
    f = sample_fields();
    f.description = std::string(640, 'a');
    EXPECT_EQ(code_of(f), "invoice_description_too_long");
    f = sample_fields();
    f.description_hash = Hash256{};
    EXPECT_EQ(code_of(f), "invoice_description_and_hash");
    f = sample_fields();
    f.features = *FeatureBits::from_bits({8, 14, 16, 17});
    EXPECT_EQ(code_of(f), "invoice_feature_both_bits");
    f = sample_fields();
    f.features = *FeatureBits::from_bits({8});
    EXPECT_EQ(code_of(f), "invoice_feature_missing");
    f = sample_fields();
    f.features = *FeatureBits::from_bits({8, 14, 102});
    EXPECT_EQ(code_of(f), "invoice_unknown_required_feature");
    f = sample_fields();
    f.fallbacks = {Fallback{0, Bytes(21, 1)}};
    EXPECT_EQ(code_of(f), "invoice_bad_fallback");
    f = sample_fields();
    f.routes = {std::vector<RouteHop>(13, f.routes[0][0])};
    EXPECT_EQ(code_of(f), "invoice_bad_route");
    // 639 bytes of description is the most a field holds.
    f = sample_fields();
    f.description = std::string(639, 'a');
    EXPECT_TRUE(encode_invoice(f, test_key()));
}

}  // namespace
}  // namespace datt::invoice
