// verify_tip on a regtest chain mined in the test: a tip transaction in a block, proofs
// from core/bitcoin's partial merkle trees, the client's headers from its store. Every
// verdict: verified with its depth, pending (unconfirmed, shallow, not in the chain after a
// reorganization, broken headers) and each invalid code with the one thing wrong.
#include "tip/verify_tip.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tip_support.h"

namespace datt::tip {
namespace {

using bitcoin::BlockHeader;
using bitcoin::regtest;
using test::kAuthor;
using test::kPayer;

struct Scenario {
    std::string address = test::p2wpkh_address(regtest(), 0x33);
    event::Event payout = test::payout_event(kAuthor, {{"regtest", address}});
    Bytes paid_script = bitcoin::Address::parse(regtest(), address)->script_pubkey();
    bitcoin::Transaction tx =
        test::tip_transaction(paid_script, 21'000, test::target_id(), test::pubkey_of(kPayer));
    Bytes raw = bitcoin::serialize(tx);
    Hash256 txid = bitcoin::txid(tx);
    test::MinedChain chain;

    Scenario() {
        chain.mine(10);
        chain.mine_block_with({txid});
        chain.mine(5);  // six confirmations in all
    }

    // A tip by kPayer claiming (txid, vout, sats) on `network`.
    Tip tip(const Hash256& claimed_txid, uint32_t vout, int64_t sats,
            const bitcoin::Network& network = regtest()) const {
        TipRequest request;
        request.target = test::target_id();
        request.payment = {&network, claimed_txid, vout, bitcoin::Sats(sats)};
        request.created_at = 1700000000;
        auto draft = tip_draft(payout, request);
        EXPECT_TRUE(draft.ok()) << draft.error().code;
        auto parsed = Tip::parse(testing::sign(kPayer, *draft));
        EXPECT_TRUE(parsed.ok()) << parsed.error().code;
        return std::move(parsed).value();
    }
    Tip good_tip() const { return tip(txid, 0, 21'000); }
};

std::string code(const TipVerdict& verdict) {
    return verdict.reason ? verdict.reason->code : "verified";
}

TEST(VerifyTip, VerifiedWithItsDepth) {
    Scenario s;
    const Bytes proof = s.chain.proof(s.txid);
    const auto headers = s.chain.from(s.chain.block_height);
    const TipVerdict verdict =
        verify_tip(regtest(), s.chain.state, s.good_tip(), {s.raw, proof, headers});
    EXPECT_EQ(verdict.status, TipStatus::kVerified) << code(verdict);
    EXPECT_FALSE(verdict.reason.has_value());
    EXPECT_EQ(verdict.confirmations, 6u);
    EXPECT_EQ(verdict.height, 11u);
    EXPECT_EQ(verdict.block_hash, bitcoin::block_hash(s.chain.headers[10]));

    // As deep as asked, and one more than there is.
    EXPECT_EQ(verify_tip(regtest(), s.chain.state, s.good_tip(), {s.raw, proof, headers}, 6).status,
              TipStatus::kVerified);
    const TipVerdict shallow =
        verify_tip(regtest(), s.chain.state, s.good_tip(), {s.raw, proof, headers}, 7);
    EXPECT_EQ(shallow.status, TipStatus::kPending);
    EXPECT_EQ(code(shallow), "tip_too_few_confirmations");
    EXPECT_EQ(shallow.confirmations, 6u);

    // More blocks: deeper.
    s.chain.mine(3);
    const TipVerdict deeper = verify_tip(regtest(), s.chain.state, s.good_tip(),
                                         {s.raw, proof, s.chain.from(s.chain.block_height)});
    EXPECT_EQ(deeper.status, TipStatus::kVerified);
    EXPECT_EQ(deeper.confirmations, 9u);
    EXPECT_EQ(deeper.height, 11u);

    // The transaction in its legacy form (no witness) has the same txid and verifies too.
    bitcoin::Transaction stripped = s.tx;
    stripped.inputs[0].witness.clear();
    EXPECT_EQ(verify_tip(regtest(), s.chain.state, s.good_tip(),
                         {bitcoin::serialize(stripped), proof, s.chain.from(11)})
                  .status,
              TipStatus::kVerified);
}

TEST(VerifyTip, PendingUntilProvenInTheBestChain) {
    Scenario s;
    const Bytes proof = s.chain.proof(s.txid);
    const Tip tip = s.good_tip();

    const TipVerdict unconfirmed =
        verify_tip(regtest(), s.chain.state, tip, {s.raw, std::nullopt, {}});
    EXPECT_EQ(unconfirmed.status, TipStatus::kPending);
    EXPECT_EQ(code(unconfirmed), "tip_unconfirmed");

    // No headers, or headers starting at another height (the store read at the wrong place).
    EXPECT_EQ(code(verify_tip(regtest(), s.chain.state, tip, {s.raw, proof, {}})),
              "tip_not_in_chain");
    EXPECT_EQ(code(verify_tip(regtest(), s.chain.state, tip, {s.raw, proof, s.chain.from(12)})),
              "tip_not_in_chain");
    EXPECT_EQ(code(verify_tip(regtest(), s.chain.state, tip, {s.raw, proof, s.chain.from(10)})),
              "tip_not_in_chain");

    // Headers that stop short of the tip, skip one, or reach a tip the state does not have.
    std::vector<BlockHeader> headers = s.chain.from(11);
    std::vector<BlockHeader> short_of_tip(headers.begin(), headers.end() - 1);
    const TipVerdict broken =
        verify_tip(regtest(), s.chain.state, tip, {s.raw, proof, short_of_tip});
    EXPECT_EQ(broken.status, TipStatus::kPending);
    EXPECT_EQ(code(broken), "tip_chain_broken");
    std::vector<BlockHeader> gap = headers;
    gap.erase(gap.begin() + 2);
    EXPECT_EQ(code(verify_tip(regtest(), s.chain.state, tip, {s.raw, proof, gap})),
              "tip_chain_broken");
    test::MinedChain longer = s.chain;
    longer.mine(1);
    EXPECT_EQ(code(verify_tip(regtest(), s.chain.state, tip, {s.raw, proof, longer.from(11)})),
              "tip_chain_broken");
    // The state is older than the headers: the last one is not its tip.
    EXPECT_EQ(verify_tip(regtest(), longer.state, tip, {s.raw, proof, longer.from(11)}).status,
              TipStatus::kVerified);
}

TEST(VerifyTip, AReorganizationTurnsAVerifiedTipPendingUntilMinedAgain) {
    Scenario s;
    const Bytes proof = s.chain.proof(s.txid);
    const Tip tip = s.good_tip();
    ASSERT_EQ(verify_tip(regtest(), s.chain.state, tip, {s.raw, proof, s.chain.from(11)}).status,
              TipStatus::kVerified);

    // A competing branch from height 10 (the tip's block's parent), longer and without the
    // payment: the client's best chain becomes it (more work).
    test::MinedChain branch;
    branch.extend(std::vector<BlockHeader>(s.chain.headers.begin(), s.chain.headers.begin() + 10));
    branch.extend(bitcoin::test::mine_chain(regtest(), branch.state, 7, 599));
    ASSERT_GT(branch.state.chain_work(), s.chain.state.chain_work());
    const TipVerdict reorged =
        verify_tip(regtest(), branch.state, tip, {s.raw, proof, branch.from(11)});
    EXPECT_EQ(reorged.status, TipStatus::kPending);
    EXPECT_EQ(code(reorged), "tip_not_in_chain");
    // The old block's headers no longer lead to the client's tip either.
    EXPECT_EQ(code(verify_tip(regtest(), branch.state, tip, {s.raw, proof, s.chain.from(11)})),
              "tip_chain_broken");

    // The payment is mined again on the new branch: verified there, with the new block.
    branch.mine_block_with({s.txid});
    branch.mine(1);
    const Bytes new_proof = branch.proof(s.txid);
    const TipVerdict again = verify_tip(regtest(), branch.state, tip,
                                        {s.raw, new_proof, branch.from(branch.block_height)});
    EXPECT_EQ(again.status, TipStatus::kVerified) << code(again);
    EXPECT_EQ(again.height, 18u);
    EXPECT_EQ(again.confirmations, 2u);
    // The old proof names a block that is not on the new branch.
    EXPECT_EQ(code(verify_tip(regtest(), branch.state, tip, {s.raw, proof, branch.from(18)})),
              "tip_not_in_chain");
}

TEST(VerifyTip, EachInvalidClaimHasItsCode) {
    Scenario s;
    const Bytes proof = s.chain.proof(s.txid);
    const auto headers = s.chain.from(11);
    const auto check = [&](const Tip& tip, ByteSpan raw, std::optional<ByteSpan> merkle,
                           const std::string& expected) {
        const TipVerdict verdict =
            verify_tip(regtest(), s.chain.state, tip, {raw, merkle, headers});
        EXPECT_EQ(verdict.status, TipStatus::kInvalid) << expected;
        EXPECT_EQ(code(verdict), expected);
    };

    // A tip on another network than the client's chain; a chain state of another network.
    const event::Event both = test::payout_event(
        kAuthor, {{"regtest", s.address},
                  {"bcoin-regtest", test::p2wpkh_address(bitcoin::bcoin_regtest(), 0x33)}});
    Scenario on_bcoin;
    on_bcoin.payout = both;
    check(on_bcoin.tip(s.txid, 0, 21'000, bitcoin::bcoin_regtest()), s.raw, proof,
          "tip_wrong_network");
    EXPECT_EQ(
        code(verify_tip(bitcoin::mainnet(), s.chain.state, s.good_tip(), {s.raw, proof, headers})),
        "tip_wrong_network");
    EXPECT_EQ(code(verify_tip(regtest(), bitcoin::HeaderChainState::genesis(bitcoin::mainnet()),
                              s.good_tip(), {s.raw, proof, headers})),
              "tip_wrong_network");

    // Bytes that are no transaction; another transaction than the tip names.
    const Bytes garbage{0x01, 0x00, 0x00};
    check(s.good_tip(), garbage, proof, "tip_tx_invalid");
    bitcoin::Transaction other = s.tx;
    other.lock_time = 1;
    check(s.good_tip(), bitcoin::serialize(other), proof, "tip_txid_mismatch");

    // Claims the transaction does not back: output 9, the change output (not the author's),
    // one sat more or less than paid.
    check(s.tip(s.txid, 9, 21'000), s.raw, proof, "tip_vout_out_of_range");
    check(s.tip(s.txid, 2, 50'000), s.raw, proof, "tip_wrong_address");
    check(s.tip(s.txid, 0, 21'001), s.raw, proof, "tip_amount_mismatch");
    check(s.tip(s.txid, 0, 20'999), s.raw, proof, "tip_amount_mismatch");

    // A payment without the commitment, or committing to another target or payer.
    const bitcoin::Transaction bare = test::tip_transaction(
        s.paid_script, 21'000, test::target_id(), test::pubkey_of(kPayer), false);
    check(s.tip(bitcoin::txid(bare), 0, 21'000), bitcoin::serialize(bare), std::nullopt,
          "tip_no_commitment");
    Hash256 other_target = test::target_id();
    other_target[0] ^= 1;
    const bitcoin::Transaction for_other =
        test::tip_transaction(s.paid_script, 21'000, other_target, test::pubkey_of(kPayer));
    check(s.tip(bitcoin::txid(for_other), 0, 21'000), bitcoin::serialize(for_other), std::nullopt,
          "tip_no_commitment");
    const bitcoin::Transaction by_other = test::tip_transaction(
        s.paid_script, 21'000, test::target_id(), test::pubkey_of(test::kStranger));
    check(s.tip(bitcoin::txid(by_other), 0, 21'000), bitcoin::serialize(by_other), std::nullopt,
          "tip_no_commitment");

    // A proof whose root is not its header's, a truncated one, and a valid proof of another
    // transaction of the same block.
    Bytes bad_root = proof;
    bad_root[36] ^= 1;  // the header's merkle root starts at byte 36
    check(s.good_tip(), s.raw, bad_root, "tip_proof_invalid");
    const Bytes cut(proof.begin(), proof.end() - 1);
    check(s.good_tip(), s.raw, cut, "tip_proof_invalid");
    const Bytes other_proof = s.chain.proof(s.chain.block_txids[1]);
    check(s.good_tip(), s.raw, other_proof, "tip_proof_wrong_tx");
}

}  // namespace
}  // namespace datt::tip
