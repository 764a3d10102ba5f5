// core/channel: what a commitment update and the revocation store cost.
//   BM_BuildCommitment/N      build_commitment_tx with N HTLCs (half offered, half received,
//                             none trimmed) at 2,500 sat/kW: key-independent work only
//                             (scripts, hashes, BIP-69 sort)
//   BM_SignCommitment/N       what sending commitment_signed costs: build the commitment
//                             and its N HTLC transactions, sign the commitment and every
//                             HTLC transaction (N + 1 ECDSA signatures, BIP-143 sighashes)
//   BM_VerifyCommitment/N     what receiving it costs: the same build, and N + 1 verifies
//   BM_ShachainInsert         one insert (with the spec's checks) into a store that already
//                             holds 1,000,000 secrets' worth of history; averaged over 65,536
//                             consecutive inserts so every position count is seen
//   BM_ShachainDerive         derive an old secret from a store of 65,536 inserts
//   BM_GenerateSecret         generate_per_commitment_secret (up to 48 SHA-256)
//   BM_ParseCommitmentSigned/N parse_message of a commitment_signed with N HTLC signatures
#include <benchmark/benchmark.h>

#include <vector>

#include "channel/channel_signatures.h"
#include "channel/commitment_keys.h"
#include "channel/commitment_number.h"
#include "channel/commitment_tx.h"
#include "channel/funding.h"
#include "channel/htlc_tx.h"
#include "channel/key_derivation.h"
#include "channel/messages.h"
#include "channel/per_commitment_secret.h"
#include "channel/shachain.h"
#include "crypto/sha256.h"

namespace {

using namespace datt;
using namespace datt::channel;

crypto::SecretKey key(uint8_t fill) {
    ByteArray<32> bytes{};
    bytes.fill(fill);
    return crypto::SecretKey::from_bytes(bytes).value();
}

struct Fixture {
    crypto::SecretKey local_funding = key(1);
    crypto::SecretKey remote_funding = key(2);
    crypto::SecretKey local_htlc_base = key(3);
    crypto::SecretKey remote_htlc_base = key(4);
    crypto::SecretKey per_commitment = key(5);
    crypto::PubKey point = crypto::pubkey(per_commitment);
    ChannelBasepoints local{crypto::pubkey(key(6)), crypto::pubkey(key(7)), crypto::pubkey(key(8)),
                            crypto::pubkey(local_htlc_base)};
    ChannelBasepoints remote{crypto::pubkey(key(9)), crypto::pubkey(key(10)),
                             crypto::pubkey(key(11)), crypto::pubkey(remote_htlc_base)};
    bitcoin::Script funding_script =
        funding_witness_script(crypto::pubkey(local_funding), crypto::pubkey(remote_funding));
    crypto::SecretKey remote_htlc_key = derive_privkey(remote_htlc_base, point).value();
    crypto::PubKey remote_htlc_pubkey = crypto::pubkey(remote_htlc_key);

    CommitmentSpec spec(size_t htlcs) const {
        const bitcoin::Sats funding{10'000'000};
        std::vector<CommittedHtlc> list;
        uint64_t in_htlcs = 0;
        for (size_t i = 0; i < htlcs; ++i) {
            CommittedHtlc h;
            h.direction = i % 2 ? HtlcDirection::kReceived : HtlcDirection::kOffered;
            h.amount = bitcoin::Msats{10'000'000 + 1000 * i};
            h.payment_hash = crypto::sha256(ByteArray<8>{static_cast<uint8_t>(i)});
            h.cltv_expiry = 500 + static_cast<uint32_t>(i);
            in_htlcs += h.amount.value();
            list.push_back(h);
        }
        const uint64_t total = 10'000'000'000;
        return CommitmentSpec{
            .funding_outpoint = bitcoin::OutPoint{crypto::sha256(ByteArray<1>{7}), 0},
            .funding_amount = funding,
            .commitment_number = 42,
            .obscuring_factor = commitment_obscuring_factor(local.payment, remote.payment),
            .funder = Side::kLocal,
            .to_local = bitcoin::Msats{(total - in_htlcs) / 2},
            .to_remote = bitcoin::Msats{total - in_htlcs - (total - in_htlcs) / 2},
            .feerate_per_kw = 2500,
            .dust_limit = bitcoin::Sats{546},
            .to_self_delay = 144,
            .keys = derive_commitment_keys(point, local, remote).value(),
            .htlc_keys = derive_htlc_keys(point, local, remote).value(),
            .htlcs = std::move(list),
        };
    }
};

const Fixture& fixture() {
    static const Fixture f;
    return f;
}

void BM_BuildCommitment(benchmark::State& state) {
    const CommitmentSpec spec = fixture().spec(static_cast<size_t>(state.range(0)));
    for (auto _ : state) {
        auto tx = build_commitment_tx(spec);
        benchmark::DoNotOptimize(tx);
    }
}
BENCHMARK(BM_BuildCommitment)->Arg(0)->Arg(10)->Arg(100);

void BM_SignCommitment(benchmark::State& state) {
    const Fixture& f = fixture();
    const CommitmentSpec spec = f.spec(static_cast<size_t>(state.range(0)));
    for (auto _ : state) {
        const CommitmentTx tx = build_commitment_tx(spec).value();
        auto sig = sign_commitment(tx, f.funding_script, spec.funding_amount, f.remote_funding);
        benchmark::DoNotOptimize(sig);
        const std::vector<HtlcTx> htlcs = build_htlc_txs(tx, spec).value();
        for (const HtlcTx& htlc : htlcs) {
            auto htlc_sig = sign_htlc_tx(htlc, f.remote_htlc_key);
            benchmark::DoNotOptimize(htlc_sig);
        }
    }
}
BENCHMARK(BM_SignCommitment)->Arg(0)->Arg(10)->Arg(100);

void BM_VerifyCommitment(benchmark::State& state) {
    const Fixture& f = fixture();
    const CommitmentSpec spec = f.spec(static_cast<size_t>(state.range(0)));
    const CommitmentTx signed_tx = build_commitment_tx(spec).value();
    const auto sig = sign_commitment(signed_tx, f.funding_script, spec.funding_amount,
                                     f.remote_funding);
    std::vector<crypto::EcdsaSignature> htlc_sigs;
    const std::vector<HtlcTx> signed_htlcs = build_htlc_txs(signed_tx, spec).value();
    for (const HtlcTx& htlc : signed_htlcs) {
        htlc_sigs.push_back(sign_htlc_tx(htlc, f.remote_htlc_key));
    }
    const crypto::PubKey remote_funding = crypto::pubkey(f.remote_funding);
    for (auto _ : state) {
        const CommitmentTx tx = build_commitment_tx(spec).value();
        bool ok = verify_commitment_signature(tx, f.funding_script, spec.funding_amount,
                                              remote_funding, sig);
        const auto htlcs = build_htlc_txs(tx, spec).value();
        for (size_t i = 0; i < htlcs.size(); ++i) {
            ok = verify_htlc_signature(htlcs[i], f.remote_htlc_pubkey, htlc_sigs[i]) && ok;
        }
        if (!ok) state.SkipWithError("a signature did not verify");
    }
}
BENCHMARK(BM_VerifyCommitment)->Arg(0)->Arg(10)->Arg(100);

std::vector<Hash256> secrets(size_t count) {
    const Hash256 seed = crypto::sha256(ByteArray<1>{1});
    std::vector<Hash256> out;
    out.reserve(count);
    for (size_t n = 0; n < count; ++n) {
        out.push_back(generate_per_commitment_secret(seed, commitment_index(n).value()).value());
    }
    return out;
}

void BM_ShachainInsert(benchmark::State& state) {
    constexpr size_t kCount = 65'536;
    static const std::vector<Hash256> all = secrets(kCount);
    Shachain chain;
    size_t n = 0;
    for (auto _ : state) {
        if (n == kCount) {
            state.PauseTiming();
            chain = Shachain{};
            n = 0;
            state.ResumeTiming();
        }
        if (!chain.insert(commitment_index(n).value(), all[n]).ok()) {
            state.SkipWithError("insert refused");
            break;
        }
        ++n;
    }
}
BENCHMARK(BM_ShachainInsert);

void BM_ShachainDerive(benchmark::State& state) {
    constexpr size_t kCount = 65'536;
    static const std::vector<Hash256> all = secrets(kCount);
    Shachain chain;
    for (size_t n = 0; n < kCount; ++n) (void)chain.insert(commitment_index(n).value(), all[n]);
    uint64_t n = 0;
    for (auto _ : state) {
        n = (n * 2654435761u + 1) % kCount;
        auto secret = chain.derive(commitment_index(n).value());
        benchmark::DoNotOptimize(secret);
    }
}
BENCHMARK(BM_ShachainDerive);

void BM_GenerateSecret(benchmark::State& state) {
    const Hash256 seed = crypto::sha256(ByteArray<1>{1});
    uint64_t index = kMaxCommitmentIndex;
    for (auto _ : state) {
        auto secret = generate_per_commitment_secret(seed, index);
        benchmark::DoNotOptimize(secret);
        index = (index * 6364136223846793005u + 1) & kMaxCommitmentIndex;
    }
}
BENCHMARK(BM_GenerateSecret);

void BM_ParseCommitmentSigned(benchmark::State& state) {
    const Fixture& f = fixture();
    ByteArray<32> hash{};
    std::vector<crypto::EcdsaSignature> sigs(static_cast<size_t>(state.range(0)),
                                             crypto::ecdsa_sign(f.remote_funding, hash));
    const Bytes bytes = serialize_message(
        CommitmentSigned{ChannelId{}, crypto::ecdsa_sign(f.remote_funding, hash), sigs, {}});
    for (auto _ : state) {
        auto message = parse_message(bytes);
        benchmark::DoNotOptimize(message);
    }
    state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * bytes.size()));
}
BENCHMARK(BM_ParseCommitmentSigned)->Arg(0)->Arg(100)->Arg(966);

}  // namespace
