// Wallet payments: built, signed with the BIP-84 keys, and checked by core/bitcoin's own
// interpreter with the standard flags; the fee against the signed transaction's vsize; the
// change and dust rules; every error code; and properties over random requests.
#include "bitcoin/wallet/tx_builder.h"

#include <gtest/gtest.h>

#include <random>
#include <set>

#include "bitcoin/address.h"
#include "bitcoin/script_templates.h"
#include "util/hex.h"
#include "wallet_fixture.h"

namespace datt::bitcoin::wallet {
namespace {

using testing::change_script;
using testing::coin;
using testing::sum_inputs;
using testing::sum_outputs;
using testing::test_account;
using testing::verify_all;

crypto::PubKey key_from_byte(uint8_t b) {
    std::array<uint8_t, 32> bytes{};
    bytes[31] = b;
    return crypto::pubkey(*crypto::SecretKey::from_bytes(bytes));
}

// One of each output type a payment may have.
std::vector<TxOut> every_kind_of_payee() {
    const Hash160 h = *from_hex_fixed<20>("751e76e8199196d454941c45d1b3a323f1433bd6");
    Hash256 w{};
    w.fill(0x22);
    return {
        TxOut{Sats{10'000}, p2pkh_script(h)},
        TxOut{Sats{20'000}, p2sh_script(h)},
        TxOut{Sats{30'000}, p2wpkh_script(h)},
        TxOut{Sats{40'000}, p2wsh_script(w)},
        // A taproot address (BIP-350's P2TR example).
        TxOut{Sats{50'000},
              Address::parse(mainnet(),
                             "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0")
                  .value()
                  .script_pubkey()},
        // A 2-of-2 channel funding output.
        TxOut{Sats{60'000},
              p2wsh_script_for(funding_2of2_script(key_from_byte(1), key_from_byte(2)))},
        TxOut{Sats{0}, op_return_script(as_bytes("datt tip")).value()},
    };
}

PaymentRequest request_for(std::vector<TxOut> payees, std::vector<WalletCoin> coins,
                           uint32_t sat_per_vb = 2) {
    PaymentRequest r;
    r.payees = std::move(payees);
    r.coins = std::move(coins);
    r.fee_rate = FeeRate::sat_per_vb(sat_per_vb);
    r.change_script = change_script(0);
    r.random_seed.fill(0x5a);
    return r;
}

// The signed transaction pays at least the rate on its real vsize, the estimate is an upper
// bound within one byte per signature, and inputs = outputs + fee.
void expect_fee_rules(const UnsignedTransaction& u, const Transaction& signed_tx, FeeRate rate) {
    EXPECT_EQ(txid(signed_tx), txid(u.tx));
    const uint64_t real_weight = weight(signed_tx);
    EXPECT_LE(real_weight, u.max_weight);
    // Signatures are 72 bytes at most, 71 half of the time (a 32-byte R), rarely shorter.
    EXPECT_GE(real_weight + 2 * u.inputs.size(), u.max_weight);
    EXPECT_GE(u.fee, *rate.fee_for_vsize(vsize(signed_tx)));
    EXPECT_EQ(*sum_outputs(u.tx).checked_add(u.fee), sum_inputs(u.inputs));
}

TEST(TxBuilder, PaysEveryKindOfOutputAndTheInterpreterAcceptsTheSignatures) {
    const auto payees = every_kind_of_payee();
    std::vector<WalletCoin> coins;
    for (uint32_t i = 0; i < 6; ++i) coins.push_back(coin(45'000 + 1'000 * i, i, i));
    PaymentRequest request = request_for(payees, coins, 3);
    request.lock_time = 432;
    auto u = build_payment(request);
    ASSERT_TRUE(u.ok()) << u.error().code << ": " << u.error().message;
    EXPECT_TRUE(check_unsigned(*u).ok());

    // Structure: version 2, every input signals RBF, the lock time as asked, payees in order
    // with the change somewhere among them.
    EXPECT_EQ(u->tx.version, 2u);
    EXPECT_EQ(u->tx.lock_time, 432u);
    for (const TxIn& in : u->tx.inputs) EXPECT_EQ(in.sequence, 0xfffffffdu);
    ASSERT_TRUE(u->change_output);
    std::vector<TxOut> without_change = u->tx.outputs;
    const TxOut change = without_change[*u->change_output];
    without_change.erase(without_change.begin() + *u->change_output);
    EXPECT_EQ(without_change, payees);
    EXPECT_EQ(change.script_pubkey, change_script(0));
    EXPECT_GE(change.value, Sats{294});
    for (const InputDescription& in : u->inputs) {
        EXPECT_EQ(in.kind, SpendKind::kP2wpkh);
        ASSERT_TRUE(in.key_path);
        EXPECT_EQ(in.script_pubkey,
                  test_account().script_pubkey(in.key_path->chain, in.key_path->index).value());
    }

    auto signed_tx = sign_wallet_transaction(test_account(), *u);
    ASSERT_TRUE(signed_tx.ok()) << signed_tx.error().code;
    EXPECT_EQ(verify_all(*signed_tx, u->inputs), "");
    expect_fee_rules(*u, *signed_tx, request.fee_rate);
    // It round-trips through the strict parser.
    EXPECT_EQ(parse_transaction(serialize(*signed_tx)).value(), *signed_tx);

    // Tampering is caught by the interpreter: another amount, another output value.
    std::vector<InputDescription> wrong_amount = u->inputs;
    wrong_amount[0].value = *wrong_amount[0].value.checked_add(Sats{1});
    EXPECT_NE(verify_all(*signed_tx, wrong_amount), "");
    Transaction changed = *signed_tx;
    changed.outputs[0].value = Sats{changed.outputs[0].value.value() - 1};
    EXPECT_NE(verify_all(changed, u->inputs), "");
}

// Hand-computed sizes: one P2WPKH input, one P2WPKH payee: 4 x (10 + 41 + 31) + 2 + 108 =
// 438 WU = 110 vB; with a P2WPKH change output, 4 x 31 more = 562 WU = 141 vB.
TEST(TxBuilder, ChangeOnlyWhenItIsNotDust) {
    const TxOut payee{Sats{10'000}, p2wpkh_script(Hash160{})};
    // 10,000 + 141 + 294: change of exactly 294 is kept.
    auto kept = build_payment(request_for({payee}, {coin(10'435, 1)}, 1));
    ASSERT_TRUE(kept.ok()) << kept.error().message;
    ASSERT_TRUE(kept->change_output);
    EXPECT_EQ(kept->tx.outputs[*kept->change_output].value, Sats{294});
    EXPECT_EQ(kept->fee, Sats{141});
    EXPECT_EQ(kept->max_vsize(), 141u);
    // One sat less: 293 would be dust, so it goes to fees (434 = 110 vB x 1 + 324).
    auto dropped = build_payment(request_for({payee}, {coin(10'434, 1)}, 1));
    ASSERT_TRUE(dropped.ok());
    EXPECT_FALSE(dropped->change_output);
    EXPECT_EQ(dropped->tx.outputs.size(), 1u);
    EXPECT_EQ(dropped->fee, Sats{434});
    EXPECT_EQ(dropped->max_vsize(), 110u);
    // Exactly enough without change: 10,110.
    auto exact = build_payment(request_for({payee}, {coin(10'110, 1)}, 1));
    ASSERT_TRUE(exact.ok());
    EXPECT_EQ(exact->fee, Sats{110});
    // One sat short.
    auto short_one = build_payment(request_for({payee}, {coin(10'109, 1)}, 1));
    ASSERT_FALSE(short_one.ok());
    EXPECT_EQ(short_one.error().code, "wallet_insufficient_funds");
    for (const auto* u : {&kept, &dropped, &exact}) {
        auto signed_tx = sign_wallet_transaction(test_account(), u->value());
        ASSERT_TRUE(signed_tx.ok());
        EXPECT_EQ(verify_all(*signed_tx, u->value().inputs), "");
        expect_fee_rules(u->value(), *signed_tx, FeeRate::sat_per_vb(1));
    }
}

TEST(TxBuilder, FractionalRatesRoundTheFeeUp) {
    // 1.5 sat/vB x 141 vB = 211.5: 212 is paid.
    const TxOut payee{Sats{10'000}, p2wpkh_script(Hash160{})};
    PaymentRequest request = request_for({payee}, {coin(100'000, 9)});
    request.fee_rate = FeeRate::msat_per_vb(1'500);
    auto u = build_payment(request);
    ASSERT_TRUE(u.ok());
    ASSERT_TRUE(u->change_output);
    EXPECT_EQ(u->fee, Sats{212});
    EXPECT_EQ(u->tx.outputs[*u->change_output].value, Sats{100'000 - 10'000 - 212});
}

TEST(TxBuilder, TheSeedDecidesOrderAndOnlyTheSeed) {
    std::vector<WalletCoin> coins;
    for (uint32_t i = 0; i < 12; ++i) coins.push_back(coin(30'000, i, i));
    const std::vector<TxOut> payees = {TxOut{Sats{100'000}, p2wpkh_script(Hash160{})},
                                       TxOut{Sats{50'000}, p2wpkh_script(Hash160{0x01})}};
    std::set<uint32_t> change_positions;
    std::set<std::string> input_orders;  // the coins' tags, in input order
    for (uint8_t seed = 0; seed < 24; ++seed) {
        PaymentRequest request = request_for(payees, coins);
        request.random_seed.fill(seed);
        auto a = build_payment(request).value();
        auto b = build_payment(request).value();
        EXPECT_EQ(a, b);
        if (a.change_output) change_positions.insert(*a.change_output);
        std::string order;
        for (const auto& in : a.inputs) order += static_cast<char>(in.outpoint.txid[0]);
        input_orders.insert(order);
    }
    EXPECT_EQ(change_positions.size(), 3u);  // before, between and after the two payees
    EXPECT_GT(input_orders.size(), 10u);
}

TEST(TxBuilder, RefusesWhatNodesWouldNotRelay) {
    const std::vector<WalletCoin> coins = {coin(100'000, 1)};
    const TxOut good{Sats{10'000}, p2wpkh_script(Hash160{})};
    auto code_of = [](const PaymentRequest& r) {
        auto u = build_payment(r);
        return u.ok() ? std::string("ok") : u.error().code;
    };
    EXPECT_EQ(code_of(request_for({}, coins)), "wallet_no_payees");
    PaymentRequest slow = request_for({good}, coins);
    slow.fee_rate = FeeRate::msat_per_vb(999);
    EXPECT_EQ(code_of(slow), "wallet_fee_rate_too_low");
    EXPECT_EQ(code_of(request_for({TxOut{Sats{293}, p2wpkh_script(Hash160{})}}, coins)),
              "wallet_dust_output");
    EXPECT_EQ(code_of(request_for({TxOut{Sats{294}, p2wpkh_script(Hash160{})}}, coins)), "ok");
    EXPECT_EQ(code_of(request_for({TxOut{Sats{545}, p2pkh_script(Hash160{})}}, coins)),
              "wallet_dust_output");
    EXPECT_EQ(code_of(request_for({TxOut{Sats{10'000}, Bytes{0x51, 0x52}}}, coins)),
              "wallet_nonstandard_output");
    const Script op_return = op_return_script(as_bytes("x")).value();
    EXPECT_EQ(code_of(request_for({good, TxOut{Sats{1}, op_return}}, coins)),
              "wallet_op_return_value");
    EXPECT_EQ(
        code_of(request_for({good, TxOut{Sats{0}, op_return}, TxOut{Sats{0}, op_return}}, coins)),
        "wallet_multiple_op_return");
    EXPECT_EQ(code_of(request_for({TxOut{Sats{-1}, p2wpkh_script(Hash160{})}}, coins)),
              "wallet_bad_amount");
    EXPECT_EQ(code_of(request_for({good}, {coin(100'000, 1), coin(5'000, 1)})),
              "wallet_duplicate_coin");
    PaymentRequest bad_change = request_for({good}, coins);
    bad_change.change_script = op_return;
    EXPECT_EQ(code_of(bad_change), "wallet_bad_change_script");
    // A coin whose script is not P2WPKH.
    WalletCoin foreign = coin(100'000, 2);
    foreign.script_pubkey = p2pkh_script(Hash160{});
    EXPECT_EQ(code_of(request_for({good}, {foreign})), "wallet_input_mismatch");
    // 400,000 WU is the standard limit: 1,500 small coins cannot fit in one transaction.
    std::vector<WalletCoin> crumbs;
    for (uint32_t i = 0; i < 1'500; ++i) crumbs.push_back(coin(1'000, 1'000 + i, i));
    // (1,380,000 needs about 1,481 inputs of 932 sats effective: 402,832 WU of inputs.)
    EXPECT_EQ(code_of(request_for({TxOut{Sats{1'380'000}, p2wpkh_script(Hash160{})}}, crumbs, 1)),
              "wallet_tx_too_large");
    // Shortfall in the message, from the hand-computed sizes above (110 vB at 1 sat/vB).
    auto short_tx = build_payment(
        request_for({TxOut{Sats{10'000}, p2wpkh_script(Hash160{})}}, {coin(9'000, 3)}, 1));
    ASSERT_FALSE(short_tx.ok());
    EXPECT_EQ(short_tx.error().code, "wallet_insufficient_funds");
    EXPECT_NE(short_tx.error().message.find("short by"), std::string::npos);
}

TEST(TxBuilder, SigningChecksThePathsAgainstTheScripts) {
    auto u = build_payment(
                 request_for({TxOut{Sats{10'000}, p2wpkh_script(Hash160{})}}, {coin(50'000, 1, 3)}))
                 .value();
    UnsignedTransaction wrong_path = u;
    wrong_path.inputs[0].key_path->index = 4;
    EXPECT_EQ(sign_wallet_transaction(test_account(), wrong_path).error().code,
              "wallet_key_not_in_script");
    UnsignedTransaction no_path = u;
    no_path.inputs[0].key_path.reset();
    EXPECT_EQ(sign_wallet_transaction(test_account(), no_path).error().code,
              "wallet_not_wallet_input");
    EXPECT_EQ(sign_wallet_transaction(test_account().watch_only(), u).error().code,
              "wallet_watch_only");
    UnsignedTransaction bad_fee = u;
    bad_fee.fee = Sats{bad_fee.fee.value() + 1};
    EXPECT_EQ(sign_wallet_transaction(test_account(), bad_fee).error().code,
              "wallet_unsigned_mismatch");
}

// Random pools, payees and rates: every built transaction balances, pays at least its rate
// on the signed vsize, has no dust change, and passes the interpreter.
TEST(TxBuilder, PropertiesOverRandomPayments) {
    std::mt19937_64 rng(8400);
    int built = 0, with_change = 0, without_change = 0;
    for (int round = 0; round < 150; ++round) {
        std::vector<WalletCoin> coins;
        const size_t n = 1 + rng() % 12;
        for (size_t i = 0; i < n; ++i)
            coins.push_back(coin(2'000 + static_cast<int64_t>(rng() % 300'000),
                                 static_cast<uint32_t>(round * 100 + i),
                                 static_cast<uint32_t>(rng() % 64)));
        std::vector<TxOut> payees;
        const size_t m = 1 + rng() % 3;
        for (size_t i = 0; i < m; ++i) {
            Hash160 h{};
            h[0] = static_cast<uint8_t>(i);
            payees.push_back(
                TxOut{Sats{294 + static_cast<int64_t>(rng() % 400'000)}, p2wpkh_script(h)});
        }
        PaymentRequest request = request_for(payees, coins, 1);
        request.fee_rate = FeeRate::msat_per_vb(1'000 + rng() % 50'000);
        for (auto& b : request.random_seed) b = static_cast<uint8_t>(rng());
        auto u = build_payment(request);
        if (!u.ok()) {
            ASSERT_EQ(u.error().code, "wallet_insufficient_funds") << u.error().message;
            continue;
        }
        ++built;
        auto signed_tx = sign_wallet_transaction(test_account(), *u);
        ASSERT_TRUE(signed_tx.ok());
        ASSERT_EQ(verify_all(*signed_tx, u->inputs), "");
        expect_fee_rules(*u, *signed_tx, request.fee_rate);
        if (u->change_output) {
            ++with_change;
            ASSERT_GE(u->tx.outputs[*u->change_output].value, Sats{294});
        } else {
            ++without_change;
            // Without change, what went to fees beyond the rate is less than a change output
            // and its dust threshold would have needed.
            const Sats needed = *request.fee_rate.fee_for_vsize(u->max_vsize());
            const Sats change_cost = *request.fee_rate.fee_for_vsize(31);
            ASSERT_LT(u->fee.value() - needed.value(), change_cost.value() + 294);
        }
    }
    EXPECT_GT(built, 50);
    EXPECT_GT(with_change, 20);
    EXPECT_GT(without_change, 0);
}

}  // namespace
}  // namespace datt::bitcoin::wallet
