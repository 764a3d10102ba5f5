// The on-chain resolver (chain_resolver.h) on the transactions of two real channel machines
// (tests/support/channel_pair.h), the same ones tests/bitcoin/channel_onchain.test.mjs has a
// real bcoin node accept: what each side must broadcast for each kind of funding spend, with
// every transaction checked by the script interpreter against the output it spends, and the
// earliest heights.
#include "channel/chain_resolver.h"

#include <gtest/gtest.h>

#include <map>
#include <set>

#include "bitcoin/interpreter.h"
#include "bitcoin/script_flags.h"
#include "channel/fee_bump.h"
#include "channel/onchain_sweeps.h"
#include "crypto/sha256.h"
#include "support/channel_pair.h"

namespace datt::channel {
namespace {

using bitcoin::Msats;
using testing::ChannelPair;
using testing::filled;
using testing::Node;

const ByteArray<kOnionPacketSize> kOnion{};
constexpr uint32_t kHeight = 500;

Hash256 preimage_of(uint64_t n) {
    Hash256 out{};
    out[0] = static_cast<uint8_t>(n);
    out[31] = 0xcc;
    return out;
}

std::vector<RemoteCommitmentRevoked> revocations(const Node& n) {
    std::vector<RemoteCommitmentRevoked> out;
    for (const auto& e : n.events) {
        if (const auto* r = std::get_if<RemoteCommitmentRevoked>(&e)) out.push_back(*r);
    }
    return out;
}

struct ResolverTest : ::testing::Test {
    ChannelPair pair;
    const bitcoin::Script sweep_to = testing::p2wpkh_of(0x45);

    void SetUp() override {
        ASSERT_TRUE(pair.open()) << pair.last_error;
        // A -> B 40,000 sat (cltv 510), B -> A 30,000 sat (cltv 512), both committed.
        ASSERT_TRUE(pair.take(pair.a,
                              add_htlc(*pair.a.channel, Msats{40'000'000},
                                       crypto::sha256(preimage_of(1)), 510, kOnion, kHeight),
                              pair.to_b));
        ASSERT_TRUE(pair.take(pair.b,
                              add_htlc(*pair.b.channel, Msats{30'000'000},
                                       crypto::sha256(preimage_of(2)), 512, kOnion, kHeight),
                              pair.to_a));
        ASSERT_TRUE(pair.flush()) << pair.last_error;
    }

    Result<ChainResolution> resolve(const Node& n, const bitcoin::Transaction& spend,
                                    std::span<const Hash256> preimages = {},
                                    bool with_revocations = true) {
        const auto revoked =
            with_revocations ? revocations(n) : std::vector<RemoteCommitmentRevoked>{};
        return resolve_funding_spend(
            ResolverInputs{*n.channel, n.secrets, revoked, preimages, sweep_to, 2'500}, spend);
    }
};

// Every input of `tx` verifies against the output of `parent` it spends.
void expect_spends(const bitcoin::Transaction& tx, const bitcoin::Transaction& parent) {
    for (size_t i = 0; i < tx.inputs.size(); ++i) {
        ASSERT_EQ(tx.inputs[i].prevout.txid, bitcoin::txid(parent));
        const auto& prev = parent.outputs.at(tx.inputs[i].prevout.index);
        EXPECT_EQ(bitcoin::verify_input(tx, i, prev.script_pubkey, prev.value,
                                        bitcoin::kStandardScriptFlags, nullptr),
                  bitcoin::ScriptError::kOk)
            << "input " << i;
    }
}

TEST_F(ResolverTest, OurCommitmentGivesToLocalHtlcTransactionsAndTheirSweeps) {
    auto close = local_commitment_close(*pair.a.channel, pair.a.secrets);
    ASSERT_TRUE(close);
    const bitcoin::Transaction& commitment = close->commitment_tx;
    const Hash256 known[] = {preimage_of(2)};
    auto r = resolve(pair.a, commitment, known);
    ASSERT_TRUE(r) << r.error().code;
    EXPECT_EQ(r->kind, FundingSpendKind::kLocalCommitment);
    EXPECT_EQ(r->commitment_number, pair.a.channel->local_commit->number);
    EXPECT_TRUE(r->unresolved.empty());
    std::map<ResolutionKind, int> kinds;
    std::map<Hash256, bitcoin::Transaction> by_txid{{bitcoin::txid(commitment), commitment}};
    for (const Resolution& x : r->to_broadcast) {
        ++kinds[x.kind];
        by_txid[bitcoin::txid(x.tx)] = x.tx;
    }
    EXPECT_EQ(kinds[ResolutionKind::kToLocalSweep], 1);
    EXPECT_EQ(kinds[ResolutionKind::kHtlcTimeout], 1);
    EXPECT_EQ(kinds[ResolutionKind::kHtlcSuccess], 1);
    EXPECT_EQ(kinds[ResolutionKind::kSecondStageSweep], 2);
    const uint32_t confirmed = 505;
    for (const Resolution& x : r->to_broadcast) {
        ASSERT_TRUE(by_txid.count(x.parent_txid));
        expect_spends(x.tx, by_txid.at(x.parent_txid));
        for (const auto& out : x.tx.outputs) {
            if (x.kind != ResolutionKind::kHtlcTimeout && x.kind != ResolutionKind::kHtlcSuccess) {
                EXPECT_EQ(out.script_pubkey, sweep_to);
            }
        }
        switch (x.kind) {
            case ResolutionKind::kToLocalSweep:
            case ResolutionKind::kSecondStageSweep:
                // B's to_self_delay (100) binds A's outputs.
                EXPECT_EQ(x.csv, 100);
                EXPECT_EQ(earliest_height(x, confirmed), confirmed + 100);
                break;
            case ResolutionKind::kHtlcTimeout:
                EXPECT_EQ(x.cltv, 510u);
                EXPECT_EQ(earliest_height(x, confirmed), 511u);  // lock_time < height
                EXPECT_EQ(earliest_height(x, 520), 521u);
                break;
            case ResolutionKind::kHtlcSuccess:
                EXPECT_EQ(x.cltv, 0u);
                EXPECT_EQ(earliest_height(x, confirmed), confirmed + 1);
                break;
            case ResolutionKind::kJustice:
            case ResolutionKind::kToRemoteSweep:
            case ResolutionKind::kClaimHtlcTimeout:
            case ResolutionKind::kClaimHtlcSuccess:
            case ResolutionKind::kRevokedHtlcSweep:
                ADD_FAILURE() << "not for our own commitment";
                break;
        }
    }
    // Without the preimage the received HTLC's output is left (the remote times it out).
    auto blind = resolve(pair.a, commitment);
    ASSERT_TRUE(blind);
    EXPECT_EQ(blind->to_broadcast.size(), 3u);
    ASSERT_EQ(blind->unresolved.size(), 1u);
    EXPECT_EQ(close->outputs[blind->unresolved[0]].kind, CommitmentOutputKind::kReceivedHtlc);
    // A preimage of something else does not help.
    const Hash256 wrong[] = {preimage_of(3)};
    EXPECT_EQ(resolve(pair.a, commitment, wrong)->unresolved, blind->unresolved);
}

TEST_F(ResolverTest, TheRemotesCurrentCommitmentGivesOurToRemoteAndHtlcClaims) {
    auto close = local_commitment_close(*pair.a.channel, pair.a.secrets);
    ASSERT_TRUE(close);
    const bitcoin::Transaction& commitment = close->commitment_tx;
    // B without preimages: to_remote at once, B's own HTLC (30,000 sat) back after its
    // expiry; the HTLC A offered stays unresolved (A takes it back after its expiry).
    auto r = resolve(pair.b, commitment);
    ASSERT_TRUE(r) << r.error().code;
    EXPECT_EQ(r->kind, FundingSpendKind::kRemoteCommitment);
    ASSERT_EQ(r->to_broadcast.size(), 2u);
    ASSERT_EQ(r->unresolved.size(), 1u);
    EXPECT_EQ(close->outputs[r->unresolved[0]].kind, CommitmentOutputKind::kOfferedHtlc);
    std::map<ResolutionKind, const Resolution*> by_kind;
    for (const Resolution& x : r->to_broadcast) by_kind[x.kind] = &x;
    ASSERT_TRUE(by_kind.count(ResolutionKind::kToRemoteSweep));
    ASSERT_TRUE(by_kind.count(ResolutionKind::kClaimHtlcTimeout));
    EXPECT_EQ(earliest_height(*by_kind[ResolutionKind::kToRemoteSweep], 600), 601u);
    const Resolution& timeout = *by_kind[ResolutionKind::kClaimHtlcTimeout];
    EXPECT_EQ(timeout.cltv, 512u);
    EXPECT_EQ(timeout.tx.lock_time, 512u);
    EXPECT_EQ(earliest_height(timeout, 505), 513u);
    for (const Resolution& x : r->to_broadcast) expect_spends(x.tx, commitment);
    // One block early, the same claim fails the script (CHECKLOCKTIMEVERIFY).
    bitcoin::Transaction early = timeout.tx;
    early.lock_time = 511;
    const auto& prev = commitment.outputs[early.inputs[0].prevout.index];
    EXPECT_NE(bitcoin::verify_input(early, 0, prev.script_pubkey, prev.value,
                                    bitcoin::kStandardScriptFlags, nullptr),
              bitcoin::ScriptError::kOk);
    // With the preimage of A's HTLC, B claims it too, at once.
    const Hash256 known[] = {preimage_of(1)};
    auto all = resolve(pair.b, commitment, known);
    ASSERT_TRUE(all);
    EXPECT_TRUE(all->unresolved.empty());
    ASSERT_EQ(all->to_broadcast.size(), 3u);
    for (const Resolution& x : all->to_broadcast) {
        expect_spends(x.tx, commitment);
        if (x.kind == ResolutionKind::kClaimHtlcSuccess) {
            EXPECT_EQ(earliest_height(x, 505), 506u);
            EXPECT_EQ(x.tx.outputs[0].script_pubkey, sweep_to);
        }
    }
}

// Two more HTLCs of one payment hash from A: each HTLC transaction names the HTLC it spends
// by its offerer's id, on either side's view of A's commitment (the hub fails back exactly
// the payer HTLC of the one it took back).
TEST_F(ResolverTest, EachHtlcTransactionNamesItsHtlc) {
    const Hash256 hash = crypto::sha256(preimage_of(7));
    for (const uint32_t expiry : {520u, 530u}) {
        ASSERT_TRUE(pair.take(pair.a, add_htlc(*pair.a.channel, Msats{20'000'000}, hash, expiry, kOnion, kHeight),
                              pair.to_b));
    }
    ASSERT_TRUE(pair.flush()) << pair.last_error;
    auto close = local_commitment_close(*pair.a.channel, pair.a.secrets);
    ASSERT_TRUE(close);
    const Hash256 known[] = {preimage_of(2)};
    auto ours = resolve(pair.a, close->commitment_tx, known);
    ASSERT_TRUE(ours) << ours.error().code;
    std::map<uint32_t, uint64_t> timeout_ids;  // by lock time
    for (const Resolution& x : ours->to_broadcast) {
        if (x.kind == ResolutionKind::kHtlcTimeout) timeout_ids[x.cltv] = x.htlc_id.value();
        if (x.kind == ResolutionKind::kHtlcSuccess) {
            EXPECT_EQ(x.htlc_id, std::optional<uint64_t>{0});  // B's HTLC 0
        }
        if (x.kind == ResolutionKind::kToLocalSweep || x.kind == ResolutionKind::kSecondStageSweep) {
            EXPECT_FALSE(x.htlc_id.has_value());
        }
    }
    EXPECT_EQ(timeout_ids, (std::map<uint32_t, uint64_t>{{510, 0}, {520, 1}, {530, 2}}));
    // B's claims from A's commitment: its own HTLC 0 back, A's HTLCs 1 and 2 with the preimage.
    const Hash256 preimages[] = {preimage_of(7)};
    auto theirs = resolve(pair.b, close->commitment_tx, preimages);
    ASSERT_TRUE(theirs) << theirs.error().code;
    std::multiset<uint64_t> claimed;
    for (const Resolution& x : theirs->to_broadcast) {
        if (x.kind == ResolutionKind::kClaimHtlcTimeout) {
            EXPECT_EQ(x.htlc_id, std::optional<uint64_t>{0});
        }
        if (x.kind == ResolutionKind::kClaimHtlcSuccess) claimed.insert(x.htlc_id.value());
    }
    EXPECT_EQ(claimed, (std::multiset<uint64_t>{1, 2}));
}

TEST_F(ResolverTest, ARevokedCommitmentOfEitherSideIsPunishedWhole) {
    auto old_a = local_commitment_close(*pair.a.channel, pair.a.secrets);
    auto old_b = local_commitment_close(*pair.b.channel, pair.b.secrets);
    ASSERT_TRUE(old_a && old_b);
    ASSERT_TRUE(pair.take(pair.b, fulfill_htlc(*pair.b.channel, 0, preimage_of(1)), pair.to_a));
    ASSERT_TRUE(pair.flush()) << pair.last_error;
    for (int cheater = 0; cheater < 2; ++cheater) {
        const bitcoin::Transaction& revoked =
            cheater == 0 ? old_a->commitment_tx : old_b->commitment_tx;
        const Node& honest = cheater == 0 ? pair.b : pair.a;
        auto r = resolve(honest, revoked);
        ASSERT_TRUE(r) << r.error().code;
        EXPECT_EQ(r->kind, FundingSpendKind::kRevokedCommitment);
        ASSERT_EQ(r->to_broadcast.size(), 2u);
        EXPECT_EQ(r->to_broadcast[0].kind, ResolutionKind::kJustice);
        EXPECT_EQ(r->to_broadcast[1].kind, ResolutionKind::kToRemoteSweep);
        // to_local and both HTLC outputs in one tx, the fourth output is our to_remote.
        EXPECT_EQ(r->to_broadcast[0].tx.inputs.size(), 3u);
        EXPECT_EQ(earliest_height(r->to_broadcast[0], 700), 701u);
        for (const Resolution& x : r->to_broadcast) expect_spends(x.tx, revoked);
        // Without the stored HTLCs: to_local alone, with the secret from the shachain.
        auto bare = resolve(honest, revoked, {}, false);
        ASSERT_TRUE(bare) << bare.error().code;
        EXPECT_EQ(bare->kind, FundingSpendKind::kRevokedCommitment);
        ASSERT_EQ(bare->to_broadcast.size(), 2u);
        EXPECT_EQ(bare->to_broadcast[0].tx.inputs.size(), 1u);
        expect_spends(bare->to_broadcast[0].tx, revoked);
        // The cheater's own view of its old commitment: its numbers are from the same space
        // as the remote's, but nothing opens with its revocation key nor pays it: unknown.
        const Node& cheat = cheater == 0 ? pair.a : pair.b;
        auto own = resolve(cheat, revoked);
        ASSERT_TRUE(own) << own.error().code;
        EXPECT_EQ(own->kind, FundingSpendKind::kUnknown);
        EXPECT_TRUE(own->to_broadcast.empty());
    }
}

// The justice tx signals BIP-125 and, rebuilt at a higher feerate (channel/fee_bump.h), takes
// the same outputs to the same script for a fee of exactly that feerate on its weight with
// 73-byte signatures, enough over the first one's for BIP-125's incremental relay fee.
TEST_F(ResolverTest, TheJusticeTxRebuiltAtAHigherFeerateReplacesTheFirst) {
    auto old_a = local_commitment_close(*pair.a.channel, pair.a.secrets);
    ASSERT_TRUE(old_a);
    ASSERT_TRUE(pair.take(pair.b, fulfill_htlc(*pair.b.channel, 0, preimage_of(1)), pair.to_a));
    ASSERT_TRUE(pair.flush()) << pair.last_error;
    const bitcoin::Transaction& revoked = old_a->commitment_tx;
    const auto revoked_lists = revocations(pair.b);
    const auto justice_at = [&](uint32_t feerate) {
        auto r = resolve_funding_spend(
            ResolverInputs{*pair.b.channel, pair.b.secrets, revoked_lists, {}, sweep_to, feerate}, revoked);
        EXPECT_TRUE(r && r->to_broadcast.at(0).kind == ResolutionKind::kJustice);
        return r->to_broadcast.at(0).tx;
    };
    const bitcoin::Transaction first = justice_at(2'500);
    const bitcoin::Transaction bumped = justice_at(5'000);
    ASSERT_EQ(first.inputs.size(), 3u);
    ASSERT_EQ(bumped.inputs.size(), 3u);
    int64_t taken = 0;
    for (size_t i = 0; i < first.inputs.size(); ++i) {
        EXPECT_EQ(bumped.inputs[i].prevout, first.inputs[i].prevout);
        EXPECT_EQ(first.inputs[i].sequence, kRbfSequence);
        EXPECT_EQ(bumped.inputs[i].sequence, kRbfSequence);
        taken += revoked.outputs.at(first.inputs[i].prevout.index).value.value();
    }
    expect_spends(bumped, revoked);
    // The weight the fee is computed on: every signature at its longest (73 bytes).
    bitcoin::Transaction longest = bumped;
    for (auto& in : longest.inputs) in.witness.at(0) = Bytes(73, 0);
    const int64_t weight = static_cast<int64_t>(bitcoin::weight(longest));
    ASSERT_EQ(first.outputs.size(), 1u);
    ASSERT_EQ(bumped.outputs.size(), 1u);
    EXPECT_EQ(bumped.outputs[0].script_pubkey, sweep_to);
    EXPECT_EQ(first.outputs[0].value.value(), taken - 2'500 * weight / 1000);
    EXPECT_EQ(bumped.outputs[0].value.value(), taken - 5'000 * weight / 1000);
    const int64_t more = first.outputs[0].value.value() - bumped.outputs[0].value.value();
    EXPECT_GE(more, static_cast<int64_t>(bitcoin::vsize(bumped)));  // 1 sat/vB of its own size
    EXPECT_NE(bitcoin::txid(bumped), bitcoin::txid(first));
}

// The cheater's HTLC-success and then HTLC-timeout of its revoked commitment get in first:
// the justice tx is rebuilt without the outputs they spent, and their outputs (to_local
// scripts of the revoked commitment's keys) are taken at once with the revocation key.
TEST_F(ResolverTest, TheCheatersHtlcTransactionsOfARevokedCommitmentAreSweptToo) {
    auto old = local_commitment_close(*pair.a.channel, pair.a.secrets);
    ASSERT_TRUE(old);
    ASSERT_TRUE(pair.take(pair.b, fulfill_htlc(*pair.b.channel, 0, preimage_of(1)), pair.to_a));
    ASSERT_TRUE(pair.flush()) << pair.last_error;
    const bitcoin::Transaction& revoked = old->commitment_tx;
    // A's HTLC txs of its old commitment: B's HTLC (A knows its preimage), A's own.
    std::vector<bitcoin::Transaction> cheats;
    for (size_t i = 0; i < old->htlc_txs.size(); ++i) {
        auto tx = old->htlc_txs[i].kind == CommitmentOutputKind::kOfferedHtlc
                      ? signed_htlc_timeout_tx(*old, i)
                      : signed_htlc_success_tx(*old, i, preimage_of(2));
        ASSERT_TRUE(tx) << tx.error().code;
        expect_spends(*tx, revoked);
        cheats.push_back(*tx);
    }
    ASSERT_EQ(cheats.size(), 2u);
    const auto revoked_htlc_txs = [&](std::span<const bitcoin::Transaction> txs) {
        const auto stored = revocations(pair.b);
        return resolve_revoked_htlc_txs(
            ResolverInputs{*pair.b.channel, pair.b.secrets, stored, {}, sweep_to, 2'500}, revoked,
            txs);
    };
    const auto amount_in = [&](const bitcoin::Transaction& tx, const bitcoin::Transaction& parent) {
        int64_t sum = 0;
        for (const auto& in : tx.inputs) sum += parent.outputs.at(in.prevout.index).value.value();
        return sum;
    };
    const int64_t to_local_and_htlcs =
        amount_in(resolve(pair.b, revoked)->to_broadcast.at(0).tx, revoked);
    for (size_t seen = 1; seen <= cheats.size(); ++seen) {
        const std::span<const bitcoin::Transaction> taken(cheats.data(), seen);
        auto r = revoked_htlc_txs(taken);
        ASSERT_TRUE(r) << r.error().code;
        EXPECT_EQ(r->kind, FundingSpendKind::kRevokedCommitment);
        ASSERT_EQ(r->to_broadcast.size(), 1 + seen);
        const Resolution& justice = r->to_broadcast[0];
        EXPECT_EQ(justice.kind, ResolutionKind::kJustice);
        EXPECT_EQ(justice.tx.inputs.size(), 3 - seen);  // to_local and what is left
        expect_spends(justice.tx, revoked);
        int64_t taken_in = amount_in(justice.tx, revoked);
        for (size_t k = 0; k < seen; ++k) {
            const Resolution& sweep = r->to_broadcast[1 + k];
            EXPECT_EQ(sweep.kind, ResolutionKind::kRevokedHtlcSweep);
            EXPECT_EQ(sweep.parent_txid, bitcoin::txid(cheats[k]));
            EXPECT_EQ(sweep.csv, 0);  // long before the cheater's delay
            EXPECT_EQ(earliest_height(sweep, 700), 701u);
            EXPECT_EQ(sweep.tx.outputs.at(0).script_pubkey, sweep_to);
            expect_spends(sweep.tx, cheats[k]);
            for (const auto& in : justice.tx.inputs) {
                EXPECT_NE(in.prevout, cheats[k].inputs[0].prevout);
            }
            // The cheater's own path needs the delay: its sequence is not 100 here.
            EXPECT_EQ(sweep.tx.inputs.at(0).sequence, 0xffffffffu);
            taken_in += revoked.outputs[cheats[k].inputs[0].prevout.index].value.value();
        }
        // Every output the first justice tx would have taken, now or through its HTLC tx.
        EXPECT_EQ(taken_in, to_local_and_htlcs);
    }
    // Not the remote's revoked commitment, or not its HTLC tx.
    auto current = local_commitment_close(*pair.a.channel, pair.a.secrets);
    ASSERT_TRUE(current);
    const auto stored = revocations(pair.b);
    const ResolverInputs in{*pair.b.channel, pair.b.secrets, stored, {}, sweep_to, 2'500};
    auto not_revoked = resolve_revoked_htlc_txs(in, current->commitment_tx, cheats);
    ASSERT_FALSE(not_revoked);
    EXPECT_EQ(not_revoked.error().code, "channel_not_revoked_commitment");
    const bitcoin::Transaction unrelated[] = {current->commitment_tx};
    auto not_htlc = resolve_revoked_htlc_txs(in, revoked, unrelated);
    ASSERT_FALSE(not_htlc);
    EXPECT_EQ(not_htlc.error().code, "channel_not_an_htlc_tx");
}

TEST_F(ResolverTest, CooperativeCloseUnknownSpendsAndNonSpends) {
    auto close = local_commitment_close(*pair.a.channel, pair.a.secrets);
    ASSERT_TRUE(close);
    // A tx that does not touch the funding output.
    bitcoin::Transaction other = close->commitment_tx;
    other.inputs[0].prevout.index += 1;
    auto none = resolve(pair.a, other);
    ASSERT_FALSE(none);
    EXPECT_EQ(none.error().code, "channel_not_a_funding_spend");
    // A funding spend that is no commitment of ours (no commitment number in it).
    bitcoin::Transaction strange = close->commitment_tx;
    strange.lock_time = 0;
    auto unknown = resolve(pair.a, strange);
    ASSERT_TRUE(unknown);
    EXPECT_EQ(unknown->kind, FundingSpendKind::kUnknown);
    EXPECT_TRUE(unknown->to_broadcast.empty());
    // Our numbers but other contents (a forgery, or a state we lost): nothing we can sign.
    bitcoin::Transaction future = close->commitment_tx;
    future.outputs[0].value = bitcoin::Sats{future.outputs[0].value.value() - 1};
    auto lost = resolve(pair.b, future);
    ASSERT_TRUE(lost);
    EXPECT_EQ(lost->kind, FundingSpendKind::kUnknown);

    // The cooperative close: nothing to do.
    ASSERT_TRUE(pair.take(pair.b, fulfill_htlc(*pair.b.channel, 0, preimage_of(1)), pair.to_a));
    ASSERT_TRUE(pair.take(pair.a, fulfill_htlc(*pair.a.channel, 0, preimage_of(2)), pair.to_b));
    ASSERT_TRUE(pair.flush()) << pair.last_error;
    ASSERT_TRUE(pair.take(pair.a, shutdown(*pair.a.channel, pair.a.secrets), pair.to_b));
    ASSERT_TRUE(pair.flush()) << pair.last_error;
    ASSERT_TRUE(pair.a.channel->closing_tx);
    for (const Node* n : {&pair.a, &pair.b}) {
        auto coop = resolve(*n, *pair.a.channel->closing_tx);
        ASSERT_TRUE(coop);
        EXPECT_EQ(coop->kind, FundingSpendKind::kCooperativeClose);
        EXPECT_TRUE(coop->to_broadcast.empty());
    }
}

TEST(EarliestHeight, IsTheLaterOfTheRelativeAndAbsoluteLocks) {
    Resolution r;
    EXPECT_EQ(earliest_height(r, 100), 101u);  // at least the block after the parent's
    r.csv = 144;
    EXPECT_EQ(earliest_height(r, 100), 244u);
    r.csv = 0;
    r.cltv = 300;
    EXPECT_EQ(earliest_height(r, 100), 301u);
    EXPECT_EQ(earliest_height(r, 400), 401u);
}

}  // namespace
}  // namespace datt::channel
