// BOLT-11 invoices (core/invoice): decoding with the signature check, as a payer does for
// every invoice, split into its parts, and encoding with signing, as a payee does.
#include <benchmark/benchmark.h>

#include <string>

#include "crypto/ecdsa_recoverable.h"
#include "crypto/secp256k1.h"
#include "invoice/encode.h"
#include "invoice/invoice.h"

namespace {

using namespace datt;

const crypto::SecretKey& bench_key() {
    static const crypto::SecretKey key = [] {
        Hash256 bytes{};
        bytes.fill(0x3c);
        return *crypto::SecretKey::from_bytes(bytes);
    }();
    return key;
}

// A typical invoice: amount, description, expiry, cltv, features, one route hint hop.
invoice::InvoiceFields typical_fields(bool include_payee) {
    invoice::InvoiceFields f;
    f.amount = bitcoin::Msats{21'000};
    f.timestamp = 1'733'000'000;
    f.payment_hash.fill(0xab);
    f.payment_secret.fill(0xcd);
    f.description = "tip: 21 sats for a comment on datt";
    f.expiry = 600;
    f.min_final_cltv_expiry = 80;
    f.features = *invoice::FeatureBits::from_bits({8, 14, 17});
    invoice::RouteHop hop{};
    hop.pubkey = crypto::pubkey(bench_key()).compressed();
    hop.short_channel_id = 0x0a0b0c0d0e0f0102;
    hop.fee_base_msat = 1000;
    hop.fee_proportional_millionths = 100;
    hop.cltv_expiry_delta = 144;
    f.routes = {{hop}};
    f.include_payee = include_payee;
    return f;
}

const std::string& typical_invoice(bool include_payee) {
    static const std::string recovered =
        *invoice::encode_invoice(typical_fields(false), bench_key());
    static const std::string named = *invoice::encode_invoice(typical_fields(true), bench_key());
    return include_payee ? named : recovered;
}

// Decode and recover the payee from the signature (no n field: the usual invoice).
void BM_InvoiceDecodeRecover(benchmark::State& state) {
    const std::string& text = typical_invoice(false);
    for (auto _ : state) {
        auto decoded = invoice::Invoice::decode(text);
        if (!decoded) state.SkipWithError(decoded.error().message.c_str());
        benchmark::DoNotOptimize(decoded);
    }
    state.SetItemsProcessed(state.iterations());
    state.counters["chars"] = static_cast<double>(text.size());
}
BENCHMARK(BM_InvoiceDecodeRecover);

// Decode and verify against the n field's key.
void BM_InvoiceDecodeVerifyPayeeField(benchmark::State& state) {
    const std::string& text = typical_invoice(true);
    for (auto _ : state) {
        auto decoded = invoice::Invoice::decode(text);
        if (!decoded) state.SkipWithError(decoded.error().message.c_str());
        benchmark::DoNotOptimize(decoded);
    }
    state.SetItemsProcessed(state.iterations());
    state.counters["chars"] = static_cast<double>(text.size());
}
BENCHMARK(BM_InvoiceDecodeVerifyPayeeField);

// The structure alone: bech32, hrp, fields, signing hash (what decode costs beyond the curve).
void BM_InvoiceParseStructure(benchmark::State& state) {
    const std::string& text = typical_invoice(false);
    for (auto _ : state) {
        auto parsed = invoice::UnverifiedInvoice::parse(text);
        if (!parsed) state.SkipWithError(parsed.error().message.c_str());
        benchmark::DoNotOptimize(parsed);
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_InvoiceParseStructure);

// The curve alone: public-key recovery over the same hash and signature.
void BM_InvoiceRecoverOnly(benchmark::State& state) {
    const auto parsed = *invoice::UnverifiedInvoice::parse(typical_invoice(false));
    const auto& c = parsed.contents();
    for (auto _ : state) {
        benchmark::DoNotOptimize(crypto::ecdsa_recover(c.signature, c.recovery_id, c.signing_hash));
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_InvoiceRecoverOnly);

// A payee writing and signing an invoice.
void BM_InvoiceEncodeSign(benchmark::State& state) {
    const invoice::InvoiceFields fields = typical_fields(false);
    for (auto _ : state) {
        auto text = invoice::encode_invoice(fields, bench_key());
        if (!text) state.SkipWithError(text.error().message.c_str());
        benchmark::DoNotOptimize(text);
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_InvoiceEncodeSign);

}  // namespace
