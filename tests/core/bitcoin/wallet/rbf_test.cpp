// BIP-125 fee bumping: the payees stay as they were, the change pays first, coins are added
// when it cannot, and the replacement meets rules 3 and 4 (absolute fee >= the original's
// plus the incremental relay fee on its own vsize) and the new rate, on its signed size.
#include "bitcoin/wallet/rbf.h"

#include <gtest/gtest.h>

#include "bitcoin/script_templates.h"
#include "bitcoin/wallet/tx_builder.h"
#include "wallet_fixture.h"

namespace datt::bitcoin::wallet {
namespace {

using testing::change_script;
using testing::coin;
using testing::sum_inputs;
using testing::sum_outputs;
using testing::test_account;
using testing::verify_all;

const TxOut kPayee{Sats{70'000}, p2wpkh_script(Hash160{0x33})};
const TxOut kSecondPayee{Sats{20'000}, p2wsh_script(Hash256{0x44})};

UnsignedTransaction original_payment(std::vector<WalletCoin> coins, uint32_t sat_per_vb,
                                     std::vector<TxOut> payees = {kPayee, kSecondPayee}) {
    PaymentRequest request;
    request.payees = std::move(payees);
    request.coins = std::move(coins);
    request.fee_rate = FeeRate::sat_per_vb(sat_per_vb);
    request.change_script = change_script(0);
    request.lock_time = 500;
    request.random_seed.fill(3);
    auto u = build_payment(request);
    EXPECT_TRUE(u.ok()) << u.error().message;
    return std::move(u).value();
}

std::vector<TxOut> payees_of(const UnsignedTransaction& u) {
    std::vector<TxOut> out = u.tx.outputs;
    if (u.change_output) out.erase(out.begin() + *u.change_output);
    return out;
}

// Rules 3 and 4 and the rate, checked on the signed replacement; inputs = outputs + fee; the
// original's inputs first, in order; the interpreter accepts every input.
void expect_valid_replacement(const UnsignedTransaction& original,
                              const UnsignedTransaction& bumped, FeeRate rate) {
    const Transaction signed_tx = sign_wallet_transaction(test_account(), bumped).value();
    EXPECT_EQ(verify_all(signed_tx, bumped.inputs), "");
    const uint64_t size = vsize(signed_tx);
    EXPECT_GE(bumped.fee, original.fee);                                               // rule 3
    EXPECT_GE(bumped.fee.value() - original.fee.value(), static_cast<int64_t>(size));  // rule 4
    EXPECT_GE(bumped.fee, *rate.fee_for_vsize(size));
    EXPECT_EQ(*sum_outputs(bumped.tx).checked_add(bumped.fee), sum_inputs(bumped.inputs));
    EXPECT_EQ(payees_of(bumped), payees_of(original));
    ASSERT_GE(bumped.inputs.size(), original.inputs.size());
    for (size_t i = 0; i < original.inputs.size(); ++i)
        EXPECT_EQ(bumped.inputs[i], original.inputs[i]);
    for (const TxIn& in : bumped.tx.inputs) EXPECT_LE(in.sequence, 0xfffffffdu);  // rule 1
    EXPECT_EQ(bumped.tx.lock_time, original.tx.lock_time);
    if (bumped.change_output) {
        EXPECT_GE(bumped.tx.outputs[*bumped.change_output].value, Sats{294});
    }
}

BumpRequest bump_of(const UnsignedTransaction& original, uint32_t sat_per_vb,
                    std::vector<WalletCoin> coins = {}) {
    BumpRequest request;
    request.original = original;
    request.fee_rate = FeeRate::sat_per_vb(sat_per_vb);
    request.coins = std::move(coins);
    request.change_script = change_script(1);
    request.random_seed.fill(4);
    return request;
}

TEST(Rbf, TheChangePaysTheHigherFee) {
    const UnsignedTransaction original = original_payment({coin(200'000, 1, 1)}, 2);
    ASSERT_TRUE(original.change_output);
    auto bumped = bump_fee(bump_of(original, 12));
    ASSERT_TRUE(bumped.ok()) << bumped.error().message;
    expect_valid_replacement(original, *bumped, FeeRate::sat_per_vb(12));
    // Same inputs and outputs, the change at its place with its script, smaller by the
    // difference in fees.
    EXPECT_EQ(bumped->inputs, original.inputs);
    ASSERT_EQ(bumped->change_output, original.change_output);
    const TxOut& old_change = original.tx.outputs[*original.change_output];
    const TxOut& new_change = bumped->tx.outputs[*bumped->change_output];
    EXPECT_EQ(new_change.script_pubkey, old_change.script_pubkey);
    EXPECT_EQ(new_change.value.value(),
              old_change.value.value() - (bumped->fee.value() - original.fee.value()));
    // The same transaction shape: the fee is exactly 12 sat/vB on the same size.
    EXPECT_EQ(bumped->max_weight, original.max_weight);
    EXPECT_EQ(bumped->fee, *FeeRate::sat_per_vb(12).fee_for_vsize(original.max_vsize()));
}

TEST(Rbf, RuleFourDecidesWhenTheNewRateIsBarelyHigher) {
    // From 10 to 10 sat/vB: only rule 4 forces an increase, of 1 sat/vB on the new size.
    const UnsignedTransaction original = original_payment({coin(200'000, 1, 1)}, 10);
    auto bumped = bump_fee(bump_of(original, 10));
    ASSERT_TRUE(bumped.ok());
    expect_valid_replacement(original, *bumped, FeeRate::sat_per_vb(10));
    EXPECT_EQ(bumped->fee.value(),
              original.fee.value() + static_cast<int64_t>(bumped->max_vsize()));
}

TEST(Rbf, AddsCoinsWhenTheChangeCannotPay) {
    // 70,000 + 20,000 paid from 91,000: about 500 sats of change at 1 sat/vB.
    const UnsignedTransaction original = original_payment({coin(91'000, 1, 1)}, 1);
    ASSERT_TRUE(original.change_output);
    EXPECT_LT(original.tx.outputs[*original.change_output].value, Sats{1'000});
    // 30 sat/vB on ~172 vB needs ~5,000 sats: a second coin must come in.
    auto short_of_coins = bump_fee(bump_of(original, 30));
    ASSERT_FALSE(short_of_coins.ok());
    EXPECT_EQ(short_of_coins.error().code, "wallet_insufficient_funds");
    auto bumped = bump_fee(bump_of(original, 30, {coin(50'000, 7, 7), coin(40'000, 8, 8)}));
    ASSERT_TRUE(bumped.ok()) << bumped.error().message;
    expect_valid_replacement(original, *bumped, FeeRate::sat_per_vb(30));
    EXPECT_GT(bumped->inputs.size(), original.inputs.size());
    // The change keeps the original change script.
    ASSERT_TRUE(bumped->change_output);
    EXPECT_EQ(bumped->tx.outputs[*bumped->change_output].script_pubkey, change_script(0));
}

TEST(Rbf, DropsTheChangeIntoFeesWhenItWouldBeDust) {
    // Change of a few hundred sats; the bump eats all but a dust remainder.
    const UnsignedTransaction original = original_payment({coin(91'000, 1, 1)}, 1);
    ASSERT_TRUE(original.change_output);
    const int64_t change = original.tx.outputs[*original.change_output].value.value();
    // Find a rate at which the change falls below 294 but the fee is still covered without
    // it: the replacement then has no change and pays everything left as fee.
    for (uint32_t rate = 2; rate < 10; ++rate) {
        auto bumped = bump_fee(bump_of(original, rate));
        if (!bumped.ok()) {
            EXPECT_EQ(bumped.error().code, "wallet_insufficient_funds");
            continue;
        }
        expect_valid_replacement(original, *bumped, FeeRate::sat_per_vb(rate));
        if (!bumped->change_output) {
            EXPECT_EQ(bumped->fee.value(), original.fee.value() + change);
            return;
        }
    }
    FAIL() << "no rate dropped the change";
}

TEST(Rbf, AnOriginalWithoutChangeGetsNewChange) {
    // An exact payment (no change), then a bump that needs a new coin: the new change goes
    // to the request's change script.
    const UnsignedTransaction original =
        original_payment({coin(90'180, 1, 1)}, 1);  // 180 over: 153 vB of fee, no room for change
    ASSERT_FALSE(original.change_output);
    auto bumped = bump_fee(bump_of(original, 5, {coin(500'000, 9, 9)}));
    ASSERT_TRUE(bumped.ok()) << bumped.error().message;
    expect_valid_replacement(original, *bumped, FeeRate::sat_per_vb(5));
    ASSERT_TRUE(bumped->change_output);
    EXPECT_EQ(bumped->tx.outputs[*bumped->change_output].script_pubkey, change_script(1));
}

TEST(Rbf, RefusesWhatCannotReplace) {
    const UnsignedTransaction original = original_payment({coin(200'000, 1, 1)}, 2);
    UnsignedTransaction final_seq = original;
    final_seq.tx.inputs[0].sequence = 0xfffffffe;
    EXPECT_EQ(bump_fee(bump_of(final_seq, 5)).error().code, "wallet_not_replaceable");
    BumpRequest slow = bump_of(original, 5);
    slow.fee_rate = FeeRate::msat_per_vb(500);
    EXPECT_EQ(bump_fee(slow).error().code, "wallet_fee_rate_too_low");
    // A coin the original already spends cannot be added again.
    EXPECT_EQ(bump_fee(bump_of(original, 5, {coin(200'000, 1, 1)})).error().code,
              "wallet_duplicate_coin");
    // All the money there is, and a coin more to pay the higher fee: more than MAX_MONEY in.
    const UnsignedTransaction everything =
        original_payment({coin(kMaxMoney.value(), 5, 5)}, 1,
                         {TxOut{Sats{kMaxMoney.value() - 1'000}, p2wpkh_script(Hash160{0x33})}});
    EXPECT_EQ(bump_fee(bump_of(everything, 50, {coin(100'000, 6, 6)})).error().code,
              "wallet_bad_amount");
    UnsignedTransaction inconsistent = original;
    inconsistent.fee = Sats{1};
    EXPECT_EQ(bump_fee(bump_of(inconsistent, 5)).error().code, "wallet_unsigned_mismatch");
}

}  // namespace
}  // namespace datt::bitcoin::wallet
