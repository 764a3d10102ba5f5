// The pure parts of the hub funding channels to clients: the wallet (hub_wallet.h) on
// payments and funding, the request's policy (open_policy.h) and the request frame's codec.
#include <gtest/gtest.h>

#include "bitcoin/interpreter.h"
#include "bitcoin/network.h"
#include "bitcoin/script_flags.h"
#include "bitcoin/script_templates.h"
#include "channel/channel_frame.h"
#include "crypto/secp256k1.h"
#include "hub/hub_wallet.h"
#include "hub/open_policy.h"

namespace datt::relay::hub {
namespace {

using bitcoin::Sats;

Hash256 filled(uint8_t fill) {
    Hash256 out{};
    out.fill(fill);
    return out;
}

const bitcoin::Network& regtest() {
    static const bitcoin::Network network = bitcoin::network_by_name("bcoin-regtest").value();
    return network;
}

// A transaction paying `value` to each script (inputs from nowhere: the wallet reads outputs).
PaymentSeen paying(const std::vector<std::pair<bitcoin::Script, int64_t>>& outputs, uint8_t tag,
                   std::optional<uint32_t> height) {
    bitcoin::Transaction tx;
    tx.version = 2;
    tx.inputs.push_back({bitcoin::OutPoint{filled(tag), 0}, {}, 0xffffffff, {}});
    for (const auto& [script, value] : outputs) tx.outputs.push_back({Sats{value}, script});
    return {bitcoin::txid(tx), tx, height};
}

// A P2WSH script (a channel's 2-of-2 output has this shape).
bitcoin::Script p2wsh() {
    bitcoin::Script script(34, 0x11);
    script[0] = 0x00;
    script[1] = 0x20;
    return script;
}

struct Funded {
    HubWallet wallet;
    std::vector<bitcoin::Script> scripts;
};

// A fresh wallet with two confirmed deposits of 300,000 and 200,000 sats.
Funded funded_wallet() {
    auto wallet = HubWallet::make(regtest(), {}, filled(0x5e), 440);
    EXPECT_TRUE(wallet.ok());
    auto scripts = wallet->new_scripts();
    EXPECT_EQ(scripts.size(), 2 * HubWallet::kGap);  // both chains' windows
    for (auto height : {std::optional<uint32_t>{}, std::optional<uint32_t>{441}}) {
        wallet->on_payment(paying({{scripts[0], 300'000}}, 1, height));
        wallet->on_payment(paying({{scripts[1], 200'000}}, 2, height));
    }
    return {std::move(*wallet), std::move(scripts)};
}

TEST(HubWalletTest, AFreshWalletStoresItsSeedAndWatchesBothChains) {
    auto wallet = HubWallet::make(regtest(), {}, filled(0x5e), 440);
    ASSERT_TRUE(wallet.ok()) << wallet.error().message;
    auto commands = wallet->take_commands();
    ASSERT_EQ(commands.size(), 1u);
    const auto* seed = std::get_if<PutHubWalletSeed>(&commands[0]);
    ASSERT_NE(seed, nullptr);
    EXPECT_EQ(seed->seed, filled(0x5e));
    EXPECT_EQ(seed->birth_height, 440u);
    EXPECT_TRUE(wallet->take_commands().empty());
    EXPECT_EQ(wallet->deposit_address().rfind("rb1q", 0), 0u);  // bcoin regtest P2WPKH

    // The same seed from its row: the same addresses, nothing to store.
    StoreReader::StoredWallet stored;
    stored.seed = Bytes(32, 0x5e);
    stored.birth_height = 440;
    auto again = HubWallet::make(regtest(), stored, filled(0x77), 999);
    ASSERT_TRUE(again.ok());
    EXPECT_TRUE(again->take_commands().empty());
    EXPECT_EQ(again->birth_height(), 440u);
    EXPECT_EQ(again->deposit_address(), wallet->deposit_address());

    stored.seed = Bytes(31, 0x5e);
    EXPECT_EQ(HubWallet::make(regtest(), stored, filled(0x77), 999).error().code, "hub_wallet_seed");
}

TEST(HubWalletTest, PaymentsBecomeCoinsAndConfirm) {
    auto wallet = HubWallet::make(regtest(), {}, filled(0x5e), 440);
    ASSERT_TRUE(wallet.ok());
    const auto scripts = wallet->new_scripts();
    const std::string first_address = wallet->deposit_address();
    const auto mempool = paying({{scripts[0], 120'000}, {bitcoin::Script{0x6a}, 0}}, 1, std::nullopt);
    auto commands = wallet->on_payment(mempool);
    ASSERT_EQ(commands.size(), 1u);
    const auto& coin = std::get<PutHubWalletCoin>(commands[0]);
    EXPECT_EQ(coin.vout, 0u);
    EXPECT_EQ(coin.value, 120'000);
    EXPECT_EQ(coin.height, 0u);
    EXPECT_EQ(wallet->balance().unconfirmed_sats, 120'000);
    EXPECT_EQ(wallet->balance().confirmed_sats, 0);
    EXPECT_NE(wallet->deposit_address(), first_address);  // index 0 is used now
    EXPECT_TRUE(wallet->on_payment(mempool).empty());     // seen again: nothing new

    auto mined = mempool;
    mined.height = 445;
    commands = wallet->on_payment(mined);
    ASSERT_EQ(commands.size(), 1u);
    EXPECT_EQ(std::get<PutHubWalletCoin>(commands[0]).height, 445u);
    EXPECT_EQ(wallet->balance().confirmed_sats, 120'000);
    EXPECT_EQ(wallet->balance().unconfirmed_sats, 0);
    EXPECT_TRUE(wallet->on_payment(mempool).empty());  // a mined coin seen in a mempool: unchanged

    // A payment to no watched script is not a coin.
    EXPECT_TRUE(wallet->on_payment(paying({{bitcoin::Script(22, 0x00), 5'000}}, 3, 446)).empty());
    // Using index 0 moved the receive window one on: one new script to watch.
    EXPECT_EQ(wallet->new_scripts().size(), 1u);
}

TEST(HubWalletTest, FundsAChannelOutputWithSignedInputsAndNeverSpendsACoinTwice) {
    auto [wallet, scripts] = funded_wallet();
    const bitcoin::TxOut channel_output{Sats{250'000}, p2wsh()};
    auto funding = wallet.fund(channel_output, bitcoin::wallet::FeeRate::sat_per_vb(10), 441, filled(1));
    ASSERT_TRUE(funding.ok()) << funding.error().message;
    EXPECT_EQ(funding->tx.outputs[funding->output_index], channel_output);
    // Every input is a wallet coin, signed: the interpreter accepts it.
    for (size_t i = 0; i < funding->tx.inputs.size(); ++i) {
        const auto& prev = funding->tx.inputs[i].prevout;
        const bool first = prev.txid == paying({{scripts[0], 300'000}}, 1, 441).txid;
        EXPECT_EQ(bitcoin::verify_input(funding->tx, i, first ? scripts[0] : scripts[1],
                                        Sats{first ? 300'000 : 200'000}, bitcoin::kStandardScriptFlags, nullptr),
                  bitcoin::ScriptError::kOk);
    }
    const WalletBalance after = wallet.balance();
    EXPECT_EQ(after.confirmed_sats + after.spent_sats, 500'000);
    EXPECT_GE(after.spent_sats, 250'000);

    // A second request for more than is left is refused: the reserved coins are not offered.
    auto second = wallet.fund(channel_output, bitcoin::wallet::FeeRate::sat_per_vb(10), 441, filled(2));
    ASSERT_FALSE(second.ok());
    EXPECT_EQ(second.error().code, "hub_wallet_empty");

    // Given up before broadcast: the coins are free again, the change is forgotten.
    auto released = wallet.release(funding->txid);
    EXPECT_FALSE(released.empty());
    EXPECT_EQ(wallet.balance().confirmed_sats, 500'000);
    EXPECT_EQ(wallet.balance().spent_sats, 0);
    EXPECT_EQ(wallet.balance().unconfirmed_sats, 0);
    EXPECT_TRUE(wallet.fund(channel_output, bitcoin::wallet::FeeRate::sat_per_vb(10), 441, filled(3)).ok());
}

// Each close gets a receive address of its own, recorded (next_receive) before it is sent;
// the deposit address and the watched window move past it, a payment to it is a coin, and
// a wallet made again from the stored rows never gives it out again.
TEST(HubWalletTest, CloseScriptsAreFreshWatchedAndStored) {
    auto wallet = HubWallet::make(regtest(), {}, filled(0x5e), 440);
    ASSERT_TRUE(wallet.ok());
    const auto window = wallet->new_scripts();
    const std::string deposit = wallet->deposit_address();
    auto first = wallet->close_script();
    auto second = wallet->close_script();
    ASSERT_TRUE(first.ok() && second.ok());
    EXPECT_NE(first->script, second->script);
    EXPECT_EQ(first->script, window[0]);  // receive index 0: the deposit address shown before
    EXPECT_EQ(second->script, window[1]);
    EXPECT_EQ(std::get<PutHubWalletNextReceive>(first->command).next, 1u);
    EXPECT_EQ(std::get<PutHubWalletNextReceive>(second->command).next, 2u);
    EXPECT_NE(wallet->deposit_address(), deposit);  // never one a close was given
    EXPECT_EQ(wallet->new_scripts().size(), 2u);    // the window moved two on

    const auto close = paying({{second->script, 48'000}}, 9, 450);
    auto commands = wallet->on_payment(close);
    ASSERT_EQ(commands.size(), 1u);
    EXPECT_EQ(std::get<PutHubWalletCoin>(commands[0]).index, 1u);
    EXPECT_EQ(wallet->balance().confirmed_sats, 48'000);

    StoreReader::StoredWallet stored;
    stored.seed = Bytes(32, 0x5e);
    stored.birth_height = 440;
    stored.next_receive = 2;
    auto again = HubWallet::make(regtest(), stored, filled(0x77), 999);
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(again->deposit_address(), wallet->deposit_address());
    auto third = again->close_script();
    ASSERT_TRUE(third.ok());
    EXPECT_NE(third->script, first->script);
    EXPECT_NE(third->script, second->script);
    EXPECT_EQ(std::get<PutHubWalletNextReceive>(third->command).next, 3u);
    EXPECT_EQ(again->new_scripts().size(), 2 * HubWallet::kGap + 3);  // indexes 0..22 and the change window
}

// A withdrawal: the amount exactly (change back to the wallet), or everything into one
// output less the fee; clear codes for too much and for dust; a refusal by the node frees
// the coins the node still has and forgets those spent elsewhere.
TEST(HubWalletTest, WithdrawsAnAmountOrEverythingAndAReleaseForgetsCoinsSpentElsewhere) {
    auto [wallet, scripts] = funded_wallet();
    const bitcoin::Script to = bitcoin::p2wpkh_script(crypto::pubkey(*crypto::SecretKey::from_bytes(filled(7))));
    const auto rate = bitcoin::wallet::FeeRate::sat_per_vb(2);
    EXPECT_EQ(wallet.withdraw(to, Sats{500'001}, rate, 441, filled(1)).error().code, "hub_wallet_empty");
    EXPECT_EQ(wallet.withdraw(to, Sats{100}, rate, 441, filled(1)).error().code, "wallet_dust_output");

    auto some = wallet.withdraw(to, Sats{60'000}, rate, 441, filled(1));
    ASSERT_TRUE(some.ok()) << some.error().message;
    EXPECT_EQ(some->tx.outputs[some->output_index], (bitcoin::TxOut{Sats{60'000}, to}));
    int64_t in = 0, out = 0;
    for (const auto& input : some->tx.inputs) in += input.prevout.txid == paying({{scripts[0], 300'000}}, 1, 441).txid ? 300'000 : 200'000;
    for (const auto& output : some->tx.outputs) out += output.value.value();
    EXPECT_EQ(in - out, some->fee_sats);
    EXPECT_GE(some->fee_sats, 2 * 100);
    EXPECT_EQ(wallet.balance().confirmed_sats, 500'000 - in);

    // The node refused it and no longer has its first input: that coin is forgotten, the
    // others are free again, its change is gone.
    const auto inputs = wallet.spent_by(some->txid);
    ASSERT_FALSE(inputs.empty());
    const auto gone = inputs.front();
    const int64_t gone_value = gone.txid == paying({{scripts[0], 300'000}}, 1, 441).txid ? 300'000 : 200'000;
    wallet.release(some->txid, {gone});
    EXPECT_EQ(wallet.balance().confirmed_sats, 500'000 - gone_value);
    EXPECT_EQ(wallet.balance().unconfirmed_sats, 0);
    EXPECT_EQ(wallet.balance().spent_sats, 0);

    auto all = wallet.withdraw(to, std::nullopt, rate, 441, filled(2));
    ASSERT_TRUE(all.ok()) << all.error().message;
    ASSERT_EQ(all->tx.outputs.size(), 1u);
    EXPECT_EQ(all->tx.outputs[0].value.value() + all->fee_sats, 500'000 - gone_value);
    EXPECT_EQ(wallet.balance().confirmed_sats, 0);
    EXPECT_EQ(wallet.withdraw(to, std::nullopt, rate, 441, filled(3)).error().code, "hub_wallet_empty");
}

TEST(HubWalletTest, UnconfirmedCoinsDoNotFund) {
    auto wallet = HubWallet::make(regtest(), {}, filled(0x5e), 440);
    ASSERT_TRUE(wallet.ok());
    const auto scripts = wallet->new_scripts();
    wallet->on_payment(paying({{scripts[0], 900'000}}, 1, std::nullopt));
    auto funding = wallet->fund({Sats{100'000}, p2wsh()}, bitcoin::wallet::FeeRate::sat_per_vb(10),
                                441, filled(1));
    ASSERT_FALSE(funding.ok());
    EXPECT_EQ(funding.error().code, "hub_wallet_empty");
}

TEST(HubOpenTest, PolicyRefusesWithClearCodes) {
    Config config;
    config.hub_min_funding_sats = 20'000;
    config.hub_open_max_sats = 500'000;
    config.hub_open_max_per_client = 1;
    const OpenPolicy policy = open_policy(config);
    EXPECT_TRUE(check_open_request(policy, Sats{200'000}, 0, Sats{200'000}).ok());
    EXPECT_TRUE(check_open_request(policy, Sats{500'000}, 0, Sats{900'000}).ok());
    EXPECT_EQ(check_open_request(policy, Sats{500'001}, 0, Sats{900'000}).error().code, "hub_open_amount");
    EXPECT_EQ(check_open_request(policy, Sats{19'999}, 0, Sats{900'000}).error().code, "hub_open_amount");
    EXPECT_EQ(check_open_request(policy, Sats{200'000}, 1, Sats{900'000}).error().code, "hub_open_too_many");
    EXPECT_EQ(check_open_request(policy, Sats{200'000}, 0, Sats{199'999}).error().code, "hub_wallet_empty");
    EXPECT_EQ(check_open_request(policy, Sats{200'000}, 0, Sats{-5}).error().code, "hub_wallet_empty");
    config.hub_open_max_per_client = 0;  // never
    EXPECT_EQ(check_open_request(open_policy(config), Sats{200'000}, 0, Sats{900'000}).error().code,
              "hub_open_too_many");
}

// A client is an address: IPv4 as it is, IPv6 by its /64 (one subscriber's network).
TEST(HubOpenTest, AClientIsAnAddressOrAnIpv6Slash64) {
    EXPECT_EQ(client_of("127.0.0.1"), "127.0.0.1");
    EXPECT_NE(client_of("127.0.0.1"), client_of("127.0.0.2"));
    EXPECT_EQ(client_of("2001:db8:1:2:3:4:5:6"), "2001:db8:1:2::/64");
    EXPECT_EQ(client_of("2001:db8:1:2::9"), client_of("2001:db8:1:2:ffff:0:0:1"));
    EXPECT_NE(client_of("2001:db8:1:2::9"), client_of("2001:db8:1:3::9"));
    EXPECT_EQ(client_of("::1"), "::/64");
    EXPECT_EQ(client_of("unknown"), "unknown");
}

TEST(HubOpenTest, TheRequestFrameRoundTripsAndIsTheConnections) {
    const Bytes bytes = channel::frame_bytes(channel::HubOpenRequest{{}, Sats{250'000}, {}});
    auto frame = channel::parse_frame(bytes);
    ASSERT_TRUE(frame.ok()) << frame.error().message;
    const auto* request = std::get_if<channel::HubOpenRequest>(&frame->message());
    ASSERT_NE(request, nullptr);
    EXPECT_EQ(request->funding_satoshis, Sats{250'000});
    EXPECT_EQ(frame->channel_id(), channel::ChannelId{});
    EXPECT_EQ(channel::frame_bytes(frame->message()), bytes);
    Bytes nonzero = bytes;
    nonzero[1] = nonzero[35] = 1;  // the envelope's channel_id and the message's
    EXPECT_EQ(channel::parse_frame(nonzero).error().code, "wire_nonzero_channel_id");
    Bytes truncated(bytes.begin(), bytes.end() - 1);
    EXPECT_FALSE(channel::parse_frame(truncated).ok());
}

}  // namespace
}  // namespace datt::relay::hub
