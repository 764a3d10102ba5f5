// The on-chain resolver (channel/chain_resolver.h) given a funding spend made from the
// fuzzer's bytes: one of four real commitments of a channel pair (A's and B's current ones,
// A's and B's revoked ones, each with two HTLCs) with byte flips applied, or a transaction
// parsed from the input itself. Both sides resolve it, knowing both preimages.
//
// Invariants checked:
//   - nothing crashes; the only error for a tx that spends the funding output is none, and
//     a tx that does not spend it gets channel_not_a_funding_spend;
//   - every resolution spends outputs of the seen tx or of an earlier resolution, each
//     input's amount known, and pays out less than it spends (a fee, no money made);
//   - sweeps, claims and justice pay to the sweep script;
//   - an unchanged commitment is classified as what it is (ours, the remote's, revoked)
//     and every transaction returned for it verifies against what it spends.
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>

#include "bitcoin/interpreter.h"
#include "bitcoin/script_flags.h"
#include "channel/chain_resolver.h"
#include "channel/onchain_sweeps.h"
#include "check.h"
#include "crypto/sha256.h"
#include "support/channel_pair.h"

using namespace datt;
using namespace datt::channel;
using datt::channel::testing::ChannelPair;
using datt::channel::testing::Node;

namespace {

const ByteArray<kOnionPacketSize> kOnion{};

Hash256 preimage_of(uint8_t n) {
    Hash256 out{};
    out[0] = n;
    return out;
}

struct Fixture {
    ChannelPair pair;
    bitcoin::Transaction commitments[4];  // A now, B now, A revoked, B revoked
    std::vector<RemoteCommitmentRevoked> revoked_a, revoked_b;  // what A and B stored
    Hash256 preimages[2] = {preimage_of(1), preimage_of(2)};
    bitcoin::Script sweep_to = testing::p2wpkh_of(0x45);

    Fixture() {
        DATT_FUZZ_CHECK(pair.open());
        DATT_FUZZ_CHECK(pair.take(pair.a,
                                  add_htlc(*pair.a.channel, bitcoin::Msats{40'000'000},
                                           crypto::sha256(preimages[0]), 510, kOnion, 500),
                                  pair.to_b));
        DATT_FUZZ_CHECK(pair.take(pair.b,
                                  add_htlc(*pair.b.channel, bitcoin::Msats{30'000'000},
                                           crypto::sha256(preimages[1]), 512, kOnion, 500),
                                  pair.to_a));
        DATT_FUZZ_CHECK(pair.flush());
        commitments[2] = local_commitment_close(*pair.a.channel, pair.a.secrets)->commitment_tx;
        commitments[3] = local_commitment_close(*pair.b.channel, pair.b.secrets)->commitment_tx;
        DATT_FUZZ_CHECK(
            pair.take(pair.b, fulfill_htlc(*pair.b.channel, 0, preimages[0]), pair.to_a));
        DATT_FUZZ_CHECK(pair.flush());
        commitments[0] = local_commitment_close(*pair.a.channel, pair.a.secrets)->commitment_tx;
        commitments[1] = local_commitment_close(*pair.b.channel, pair.b.secrets)->commitment_tx;
        for (const Node* n : {&pair.a, &pair.b}) {
            for (const auto& e : n->events) {
                if (const auto* r = std::get_if<RemoteCommitmentRevoked>(&e)) {
                    (n == &pair.a ? revoked_a : revoked_b).push_back(*r);
                }
            }
        }
    }
};

const Fixture& fixture() {
    static const Fixture f;
    return f;
}

// What each side must see an unchanged commitment as.
FundingSpendKind expected_kind(size_t which, bool resolver_is_a) {
    const bool owner_is_a = which % 2 == 0;
    if (which >= 2) {
        return owner_is_a == resolver_is_a ? FundingSpendKind::kUnknown  // our own revoked one
                                           : FundingSpendKind::kRevokedCommitment;
    }
    return owner_is_a == resolver_is_a ? FundingSpendKind::kLocalCommitment
                                       : FundingSpendKind::kRemoteCommitment;
}

void check_resolution(const Fixture& f, const Node& n,
                      const std::vector<RemoteCommitmentRevoked>& revoked,
                      const bitcoin::Transaction& spend, bool spends_funding,
                      std::optional<FundingSpendKind> expected) {
    const auto result = resolve_funding_spend(
        ResolverInputs{*n.channel, n.secrets, revoked, f.preimages, f.sweep_to, 2'500}, spend);
    if (!spends_funding) {
        DATT_FUZZ_CHECK(!result && result.error().code == "channel_not_a_funding_spend");
        return;
    }
    DATT_FUZZ_CHECK(result);
    if (expected) DATT_FUZZ_CHECK(result->kind == *expected);
    // Outputs we know the amount of: the seen tx's, then each resolution's.
    std::map<std::pair<Hash256, uint32_t>, bitcoin::TxOut> known;
    const auto add_outputs = [&](const bitcoin::Transaction& tx) {
        const Hash256 id = bitcoin::txid(tx);
        for (size_t i = 0; i < tx.outputs.size(); ++i) {
            known[{id, static_cast<uint32_t>(i)}] = tx.outputs[i];
        }
    };
    add_outputs(spend);
    for (const Resolution& r : result->to_broadcast) {
        int64_t in = 0;
        for (size_t i = 0; i < r.tx.inputs.size(); ++i) {
            const auto& prevout = r.tx.inputs[i].prevout;
            DATT_FUZZ_CHECK(prevout.txid == r.parent_txid);
            const auto it = known.find({prevout.txid, prevout.index});
            DATT_FUZZ_CHECK(it != known.end());
            in += it->second.value.value();
            if (expected) {
                DATT_FUZZ_CHECK(bitcoin::verify_input(r.tx, i, it->second.script_pubkey,
                                                      it->second.value,
                                                      bitcoin::kStandardScriptFlags,
                                                      nullptr) == bitcoin::ScriptError::kOk);
            }
        }
        int64_t out = 0;
        for (const auto& o : r.tx.outputs) out += o.value.value();
        DATT_FUZZ_CHECK(out < in);
        if (r.kind != ResolutionKind::kHtlcTimeout && r.kind != ResolutionKind::kHtlcSuccess) {
            DATT_FUZZ_CHECK(r.tx.outputs.size() == 1 &&
                            r.tx.outputs[0].script_pubkey == f.sweep_to);
        }
        add_outputs(r.tx);
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const Fixture& f = fixture();
    if (size < 1) return 0;
    const size_t which = data[0] % 5;
    bitcoin::Transaction spend;
    bool unchanged = true;
    if (which == 4) {
        auto parsed = bitcoin::parse_transaction(ByteSpan(data + 1, size - 1));
        if (!parsed) return 0;
        spend = std::move(parsed).value();
        unchanged = false;
    } else {
        spend = f.commitments[which];
        // The rest of the input: (field, value) pairs changing the commitment.
        for (size_t i = 1; i + 1 < size; i += 2) {
            unchanged = false;
            const uint8_t v = data[i + 1];
            switch (data[i] % 6) {
                case 0:
                    spend.lock_time ^= v;
                    break;
                case 1:
                    spend.inputs[0].sequence ^= v;
                    break;
                case 2:
                    if (!spend.outputs.empty()) {
                        auto& o = spend.outputs[v % spend.outputs.size()];
                        o.value = bitcoin::Sats{o.value.value() ^ (v & 0x0f)};
                    }
                    break;
                case 3:
                    if (spend.outputs.size() > 1)
                        spend.outputs.erase(spend.outputs.begin() + v % spend.outputs.size());
                    break;
                case 4:
                    spend.inputs[0].prevout.index ^= (v & 1);
                    break;
                case 5:
                    if (!spend.outputs.empty() && !spend.outputs[0].script_pubkey.empty()) {
                        auto& script = spend.outputs[v % spend.outputs.size()].script_pubkey;
                        script[v % script.size()] ^= 1;
                    }
                    break;
            }
        }
    }
    bool spends_funding = false;
    for (const auto& in : spend.inputs) spends_funding |= in.prevout == f.pair.funding_outpoint;
    for (const bool resolver_is_a : {true, false}) {
        const Node& n = resolver_is_a ? f.pair.a : f.pair.b;
        std::optional<FundingSpendKind> expected;
        if (unchanged) expected = expected_kind(which, resolver_is_a);
        check_resolution(f, n, resolver_is_a ? f.revoked_a : f.revoked_b, spend, spends_funding,
                         expected);
    }
    return 0;
}
