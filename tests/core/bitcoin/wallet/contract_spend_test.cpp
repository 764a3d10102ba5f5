// Contract spends: a 2-of-2 P2WSH funding output (funded by a wallet payment) spent with both
// signatures, CLTV and CSV timelocked spends, and both branches of the hash lock. Each
// signed transaction is checked by the interpreter with the standard flags, fails when its
// lock is not yet met, and pays at least its fee rate on its signed vsize.
#include "bitcoin/wallet/contract_spend.h"

#include <gtest/gtest.h>

#include "bitcoin/script_templates.h"
#include "bitcoin/wallet/tx_builder.h"
#include "crypto/sha256.h"
#include "util/hex.h"
#include "wallet_fixture.h"

namespace datt::bitcoin::wallet {
namespace {

using testing::coin;
using testing::test_account;
using testing::verify_all;

crypto::SecretKey secret(uint8_t b) {
    std::array<uint8_t, 32> bytes{};
    bytes[0] = 0x11;
    bytes[31] = b;
    return *crypto::SecretKey::from_bytes(bytes);
}

InputDescription contract_input(SpendKind kind, Script witness_script, int64_t value = 100'000) {
    InputDescription input;
    input.outpoint.txid.fill(0xab);
    input.outpoint.index = 1;
    input.value = Sats{value};
    input.kind = kind;
    input.script_pubkey = p2wsh_script_for(witness_script);
    input.witness_script = std::move(witness_script);
    return input;
}

const Script kDestination = p2wpkh_script(Hash160{0x07});

UnsignedTransaction build(const InputDescription& input, uint32_t sat_per_vb = 2,
                          uint32_t lock_time = 0) {
    auto u = build_contract_spend(
        ContractSpendRequest{input, kDestination, FeeRate::sat_per_vb(sat_per_vb), lock_time});
    EXPECT_TRUE(u.ok()) << u.error().code << ": " << u.error().message;
    return std::move(u).value();
}

void expect_fee_rules(const UnsignedTransaction& u, const Transaction& signed_tx, uint32_t rate) {
    EXPECT_LE(weight(signed_tx), u.max_weight);
    EXPECT_GE(u.fee, *FeeRate::sat_per_vb(rate).fee_for_vsize(vsize(signed_tx)));
    EXPECT_EQ(*u.tx.outputs[0].value.checked_add(u.fee), u.inputs[0].value);
}

TEST(ContractSpend, TwoOfTwoFundedByTheWalletAndSpentWithBothSignatures) {
    const crypto::SecretKey a = secret(1), b = secret(2);
    const Script funding = funding_2of2_script(crypto::pubkey(a), crypto::pubkey(b));

    // The wallet funds the channel: a payment to the P2WSH of the funding script.
    PaymentRequest request;
    request.payees = {TxOut{Sats{250'000}, p2wsh_script_for(funding)}};
    request.coins = {coin(180'000, 1, 1), coin(120'000, 2, 2)};
    request.fee_rate = FeeRate::sat_per_vb(2);
    request.change_script = testing::change_script(0);
    auto funding_tx = build_payment(request);
    ASSERT_TRUE(funding_tx.ok()) << funding_tx.error().message;
    auto signed_funding = sign_wallet_transaction(test_account(), *funding_tx);
    ASSERT_TRUE(signed_funding.ok());
    EXPECT_EQ(verify_all(*signed_funding, funding_tx->inputs), "");
    uint32_t funding_index = 0;
    while (signed_funding->outputs[funding_index].script_pubkey != p2wsh_script_for(funding))
        ++funding_index;

    // Spending it: each party signs; the witness puts the signatures in the keys' order
    // whichever order they come in.
    InputDescription input = contract_input(SpendKind::kMultisig2of2, funding, 250'000);
    input.outpoint = OutPoint{txid(*signed_funding), funding_index};
    const UnsignedTransaction u = build(input);
    EXPECT_EQ(u.tx.inputs[0].sequence, 0xfffffffdu);
    const SighashCache cache = make_sighash_cache(u.tx);
    auto sig_a = sign_input(u.tx, 0, u.inputs[0], a, &cache);
    auto sig_b = sign_input(u.tx, 0, u.inputs[0], b, &cache);
    ASSERT_TRUE(sig_a.ok() && sig_b.ok());
    for (bool swap : {false, true}) {
        const KeySignature first{crypto::pubkey(swap ? b : a), swap ? *sig_b : *sig_a};
        const KeySignature second{crypto::pubkey(swap ? a : b), swap ? *sig_a : *sig_b};
        auto witness = multisig_2of2_witness(u.inputs[0], first, second);
        ASSERT_TRUE(witness.ok()) << witness.error().code;
        ASSERT_EQ(witness->size(), 4u);
        EXPECT_TRUE((*witness)[0].empty());  // NULLDUMMY
        EXPECT_EQ((*witness)[3], funding);
        const Transaction signed_tx = with_witnesses(u, {*witness}).value();
        EXPECT_EQ(verify_all(signed_tx, u.inputs), "");
        expect_fee_rules(u, signed_tx, 2);
    }
    // Signatures in the wrong order fail in the interpreter.
    std::vector<Bytes> reversed = {Bytes{}, *sig_b, *sig_a, funding};
    if (crypto::pubkey(a).compressed() > crypto::pubkey(b).compressed())
        reversed = {Bytes{}, *sig_a, *sig_b, funding};
    EXPECT_NE(verify_all(with_witnesses(u, {reversed}).value(), u.inputs), "");
    // A third key cannot sign, nor be given a place in the witness.
    EXPECT_EQ(sign_input(u.tx, 0, u.inputs[0], secret(3), &cache).error().code,
              "wallet_key_not_in_script");
    EXPECT_EQ(multisig_2of2_witness(u.inputs[0], KeySignature{crypto::pubkey(secret(3)), *sig_a},
                                    KeySignature{crypto::pubkey(b), *sig_b})
                  .error()
                  .code,
              "wallet_key_not_in_script");
    EXPECT_EQ(multisig_2of2_witness(u.inputs[0], KeySignature{crypto::pubkey(a), Bytes{0x30}},
                                    KeySignature{crypto::pubkey(b), *sig_b})
                  .error()
                  .code,
              "wallet_bad_signature");
}

TEST(ContractSpend, CltvSetsTheLockTimeAndFailsBeforeIt) {
    const crypto::SecretKey key = secret(4);
    const UnsignedTransaction u =
        build(contract_input(SpendKind::kTimelock, cltv_script(500'123, crypto::pubkey(key))), 3);
    EXPECT_EQ(u.tx.lock_time, 500'123u);  // a block height (below 500,000,000)
    EXPECT_EQ(u.tx.inputs[0].sequence, 0xfffffffdu);
    auto sig = sign_input(u.tx, 0, u.inputs[0], key, nullptr);
    ASSERT_TRUE(sig.ok());
    const Transaction signed_tx =
        with_witnesses(u, {timelock_witness(u.inputs[0], *sig).value()}).value();
    EXPECT_EQ(verify_all(signed_tx, u.inputs), "");
    expect_fee_rules(u, signed_tx, 3);

    // One block earlier: CHECKLOCKTIMEVERIFY fails (re-signed, so only the lock differs).
    UnsignedTransaction early = u;
    early.tx.lock_time = 500'122;
    auto early_sig = sign_input(early.tx, 0, early.inputs[0], key, nullptr).value();
    const Transaction early_tx =
        with_witnesses(early, {timelock_witness(early.inputs[0], early_sig).value()}).value();
    EXPECT_EQ(verify_all(early_tx, early.inputs), "input 0: UNSATISFIED_LOCKTIME");
}

TEST(ContractSpend, CsvSetsTheSequenceAndVersionAndFailsBeforeIt) {
    const crypto::SecretKey key = secret(5);
    const UnsignedTransaction u =
        build(contract_input(SpendKind::kTimelock, csv_script(144, crypto::pubkey(key)).value()));
    EXPECT_EQ(u.tx.inputs[0].sequence, 144u);
    EXPECT_EQ(u.tx.version, 2u);
    auto sig = sign_input(u.tx, 0, u.inputs[0], key, nullptr).value();
    const Transaction signed_tx =
        with_witnesses(u, {timelock_witness(u.inputs[0], sig).value()}).value();
    EXPECT_EQ(verify_all(signed_tx, u.inputs), "");
    expect_fee_rules(u, signed_tx, 2);

    UnsignedTransaction early = u;
    early.tx.inputs[0].sequence = 143;
    auto early_sig = sign_input(early.tx, 0, early.inputs[0], key, nullptr).value();
    EXPECT_EQ(
        verify_all(
            with_witnesses(early, {timelock_witness(early.inputs[0], early_sig).value()}).value(),
            early.inputs),
        "input 0: UNSATISFIED_LOCKTIME");
    // Version 1 has no relative locks (BIP-68): CSV fails too.
    UnsignedTransaction v1 = u;
    v1.tx.version = 1;
    auto v1_sig = sign_input(v1.tx, 0, v1.inputs[0], key, nullptr).value();
    EXPECT_EQ(
        verify_all(with_witnesses(v1, {timelock_witness(v1.inputs[0], v1_sig).value()}).value(),
                   v1.inputs),
        "input 0: UNSATISFIED_LOCKTIME");
}

TEST(ContractSpend, HashLockPreimageAndTimeoutBranches) {
    const crypto::SecretKey recipient = secret(6), refund = secret(7);
    Hash256 preimage{};
    preimage.fill(0x99);
    const Hash256 payment_hash = crypto::sha256(preimage);
    const Script script =
        hash_lock_script(payment_hash, crypto::pubkey(recipient), 800, crypto::pubkey(refund));

    // The recipient with the preimage, at any time.
    const UnsignedTransaction success = build(contract_input(SpendKind::kHashLockPreimage, script));
    EXPECT_EQ(success.tx.lock_time, 0u);
    auto sig = sign_input(success.tx, 0, success.inputs[0], recipient, nullptr).value();
    auto witness = hash_lock_preimage_witness(success.inputs[0], sig, preimage);
    ASSERT_TRUE(witness.ok());
    const Transaction success_tx = with_witnesses(success, {*witness}).value();
    EXPECT_EQ(verify_all(success_tx, success.inputs), "");
    expect_fee_rules(success, success_tx, 2);
    Hash256 wrong = preimage;
    wrong[0] ^= 1;
    EXPECT_EQ(hash_lock_preimage_witness(success.inputs[0], sig, wrong).error().code,
              "wallet_bad_preimage");
    // The refund key cannot take the preimage branch.
    EXPECT_EQ(sign_input(success.tx, 0, success.inputs[0], refund, nullptr).error().code,
              "wallet_key_not_in_script");

    // The refund key after the timeout.
    const UnsignedTransaction timeout = build(contract_input(SpendKind::kHashLockTimeout, script));
    EXPECT_EQ(timeout.tx.lock_time, 800u);
    auto refund_sig = sign_input(timeout.tx, 0, timeout.inputs[0], refund, nullptr).value();
    const Transaction timeout_tx =
        with_witnesses(timeout, {hash_lock_timeout_witness(timeout.inputs[0], refund_sig).value()})
            .value();
    EXPECT_EQ(verify_all(timeout_tx, timeout.inputs), "");
    expect_fee_rules(timeout, timeout_tx, 2);
    UnsignedTransaction early = timeout;
    early.tx.lock_time = 799;
    auto early_sig = sign_input(early.tx, 0, early.inputs[0], refund, nullptr).value();
    EXPECT_EQ(verify_all(with_witnesses(
                             early, {hash_lock_timeout_witness(early.inputs[0], early_sig).value()})
                             .value(),
                         early.inputs),
              "input 0: UNSATISFIED_LOCKTIME");
}

TEST(ContractSpend, RefusesMismatchedInputsAndDust) {
    const crypto::SecretKey key = secret(8);
    const Script lock = cltv_script(100, crypto::pubkey(key));
    auto code_of = [](const InputDescription& input, uint32_t rate = 2) {
        auto u = build_contract_spend(
            ContractSpendRequest{input, kDestination, FeeRate::sat_per_vb(rate), 0});
        return u.ok() ? std::string("ok") : u.error().code;
    };
    InputDescription wrong_output = contract_input(SpendKind::kTimelock, lock);
    wrong_output.script_pubkey = p2wsh_script_for(Bytes{0x51});
    EXPECT_EQ(code_of(wrong_output), "wallet_input_mismatch");
    EXPECT_EQ(code_of(contract_input(SpendKind::kMultisig2of2, lock)), "wallet_input_mismatch");
    EXPECT_EQ(code_of(contract_input(SpendKind::kHashLockPreimage, lock)), "wallet_input_mismatch");
    InputDescription p2wpkh;
    p2wpkh.kind = SpendKind::kP2wpkh;
    p2wpkh.script_pubkey = p2wpkh_script(crypto::pubkey(key));
    p2wpkh.value = Sats{10'000};
    EXPECT_EQ(code_of(p2wpkh), "wallet_not_contract_input");
    // 1,000 sats at 10 sat/vB: the fee leaves less than 294.
    EXPECT_EQ(code_of(contract_input(SpendKind::kTimelock, lock, 1'000), 10), "wallet_dust_output");
    EXPECT_EQ(code_of(contract_input(SpendKind::kTimelock, lock, 1'000), 1), "ok");
    auto to_op_return = build_contract_spend(
        ContractSpendRequest{contract_input(SpendKind::kTimelock, lock),
                             op_return_script(Bytes{1}).value(), FeeRate::sat_per_vb(1), 0});
    EXPECT_EQ(to_op_return.error().code, "wallet_bad_change_script");
}

}  // namespace
}  // namespace datt::bitcoin::wallet
