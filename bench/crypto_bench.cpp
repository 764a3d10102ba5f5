// BIP-340 through our wrapper, and verification through libsecp256k1's C API directly,
// to show what the wrapper costs (issue target: native verify within 10% of raw).
#include <benchmark/benchmark.h>
#include <secp256k1.h>
#include <secp256k1_extrakeys.h>
#include <secp256k1_schnorrsig.h>

#include <array>
#include <cstdint>

#include "crypto/ecdsa.h"
#include "crypto/secp256k1.h"
#include "crypto/sha256.h"
#include "sample_event.h"
#include "util/bytes.h"

namespace {

using namespace datt;

// The message is a 32-byte event id, as Nostr signs.
const Hash256 kMessage = crypto::sha256(as_bytes("datt benchmark message"));
const std::array<uint8_t, 32> kAuxRand{};

void BM_SchnorrSign(benchmark::State& state) {
    const crypto::SecretKey key = bench::sample_secret_key();
    for (auto _ : state) {
        benchmark::DoNotOptimize(crypto::schnorr_sign(key, kMessage, kAuxRand));
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_SchnorrSign);

// What Event::parse pays per event: the x-only key arrives as 32 bytes and is parsed
// (a square root on the curve) before the signature check.
void BM_SchnorrVerify(benchmark::State& state) {
    const crypto::SecretKey key = bench::sample_secret_key();
    const crypto::XOnlyPubKey pubkey = crypto::xonly_pubkey(key);
    const crypto::SchnorrSig sig = crypto::schnorr_sign(key, kMessage, kAuxRand);
    for (auto _ : state) {
        const bool ok = crypto::schnorr_verify(pubkey, kMessage, sig);
        if (!ok) state.SkipWithError("signature did not verify");
        benchmark::DoNotOptimize(ok);
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_SchnorrVerify);

// The floor: libsecp256k1 with the key already parsed into its internal form.
void BM_RawSecp256k1Verify(benchmark::State& state) {
    secp256k1_context* ctx = secp256k1_context_create(SECP256K1_CONTEXT_NONE);
    const crypto::SecretKey key = bench::sample_secret_key();
    const crypto::XOnlyPubKey pubkey = crypto::xonly_pubkey(key);
    const crypto::SchnorrSig sig = crypto::schnorr_sign(key, kMessage, kAuxRand);
    secp256k1_xonly_pubkey parsed;
    if (!secp256k1_xonly_pubkey_parse(ctx, &parsed, pubkey.bytes().data())) {
        state.SkipWithError("key did not parse");
    }
    for (auto _ : state) {
        const int ok =
            secp256k1_schnorrsig_verify(ctx, sig.data(), kMessage.data(), kMessage.size(), &parsed);
        if (!ok) state.SkipWithError("signature did not verify");
        benchmark::DoNotOptimize(ok);
    }
    state.SetItemsProcessed(state.iterations());
    secp256k1_context_destroy(ctx);
}
BENCHMARK(BM_RawSecp256k1Verify);

// libsecp256k1 doing what the wrapper does (parse the key, then verify): separates the
// wrapper's own cost from the cost of taking keys as bytes.
void BM_RawSecp256k1ParseVerify(benchmark::State& state) {
    secp256k1_context* ctx = secp256k1_context_create(SECP256K1_CONTEXT_NONE);
    const crypto::SecretKey key = bench::sample_secret_key();
    const crypto::XOnlyPubKey pubkey = crypto::xonly_pubkey(key);
    const crypto::SchnorrSig sig = crypto::schnorr_sign(key, kMessage, kAuxRand);
    for (auto _ : state) {
        secp256k1_xonly_pubkey parsed;
        int ok = secp256k1_xonly_pubkey_parse(ctx, &parsed, pubkey.bytes().data());
        ok = ok && secp256k1_schnorrsig_verify(ctx, sig.data(), kMessage.data(), kMessage.size(),
                                               &parsed);
        if (!ok) state.SkipWithError("signature did not verify");
        benchmark::DoNotOptimize(ok);
    }
    state.SetItemsProcessed(state.iterations());
    secp256k1_context_destroy(ctx);
}
BENCHMARK(BM_RawSecp256k1ParseVerify);

// Bitcoin's per-input signature work: ECDSA over a 32-byte sighash (RFC 6979 nonce).
void BM_EcdsaSign(benchmark::State& state) {
    const crypto::SecretKey key = bench::sample_secret_key();
    for (auto _ : state) {
        benchmark::DoNotOptimize(crypto::ecdsa_sign(key, kMessage));
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_EcdsaSign);

// Verification with the key and signature already parsed (as a script interpreter holds them).
void BM_EcdsaVerify(benchmark::State& state) {
    const crypto::SecretKey key = bench::sample_secret_key();
    const crypto::PubKey pubkey = crypto::pubkey(key);
    const crypto::EcdsaSignature sig = crypto::ecdsa_sign(key, kMessage);
    for (auto _ : state) {
        const bool ok = crypto::ecdsa_verify(pubkey, kMessage, sig, crypto::HighS::kReject);
        if (!ok) state.SkipWithError("signature did not verify");
        benchmark::DoNotOptimize(ok);
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_EcdsaVerify);

}  // namespace
