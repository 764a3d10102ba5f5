// A stdio harness that runs the real core/channel code for tests/bitcoin/channel_onchain
// .test.mjs, which feeds what it prints to a real bcoin regtest node: two channel machines
// (tests/support/channel_pair.h, every message through the wire codec, every state through
// the stored format) funded by a real regtest coin, HTLCs added and settled, and the
// transactions each on-chain path needs.
//
// One JSON object per input line, one JSON object per output line:
//   {"cmd":"coin"}  -> {"script": hex}  the P2WPKH script the test mines coins to
//   {"cmd":"scenario","name":N,"coin":{"txid":display hex,"vout":n,"value":sats},
//    "height":tip height}  -> {"funding":TX, ...what scenario N needs (below)}
// A TX is {"hex","txid" (display order),"outputs":[{"value":sats,"script":hex}]}.
// Scenarios (A is the funder; A's to_local waits B's to_self_delay, 100 blocks; B's waits
// A's, 144 blocks; feerate 2,500 sat/kw):
//   coop          A pays B 7,000,500 msat, then A's shutdown: "closing", "a_msat", "b_msat"
//   force_close   the same payment, then A's commitment: "commitment", "to_local_sweep" (A's,
//                 after "delay"), "to_remote_sweep" (B's, at once), "a_msat", "b_msat"
//   htlcs         A offers 40,000,000 msat (cltv_expiry height+10) and B offers 30,000,000
//                 msat to A, both committed; A's commitment, "htlc_timeout" and its
//                 "timeout_sweep", "htlc_success" (A knows B's preimage) and its
//                 "success_sweep", "cltv_expiry", "delay"
//   revoked_a / revoked_b   the cheater's commitment with both HTLCs above, revoked by a
//                 later fulfill: "revoked", the other side's "justice" and "to_remote_sweep"
// Errors print {"error":code,"message":...} and the harness goes on with the next line.
#include <cstdint>
#include <iostream>
#include <string>

#include <nlohmann/json.hpp>

#include "bitcoin/display_hash.h"
#include "bitcoin/sign.h"
#include "channel/onchain_sweeps.h"
#include "crypto/sha256.h"
#include "support/channel_pair.h"
#include "util/hex.h"

namespace {

using namespace datt;
using namespace datt::channel;
using bitcoin::Msats;
using bitcoin::Sats;
using json = nlohmann::json;
using testing::ChannelPair;
using testing::filled;
using testing::p2wpkh_of;

constexpr uint32_t kFeerate = 2'500;
constexpr int64_t kFundingFee = 2'000;  // the funding tx's own fee (about 13 sat/vB)
const ByteArray<kOnionPacketSize> kOnion{};

struct Failure {
    std::string code;
    std::string message;
};

template <class T>
T take(Result<T> result) {
    if (!result) throw Failure{result.error().code, result.error().message};
    return std::move(result).value();
}

void check(bool ok, const ChannelPair& pair) {
    if (!ok) throw Failure{"harness_pair_failed", pair.last_error};
}

crypto::SecretKey coin_key() { return crypto::SecretKey::from_bytes(filled(0x51)).value(); }
bitcoin::Script sweep_script_a() { return p2wpkh_of(0x41); }
bitcoin::Script sweep_script_b() { return p2wpkh_of(0x42); }

Hash256 preimage_of(uint64_t n) {
    Hash256 out{};
    for (int i = 0; i < 8; ++i) out[i] = static_cast<uint8_t>(n >> (8 * i));
    out[31] = 0xbb;
    return out;
}

json tx_json(const bitcoin::Transaction& tx) {
    json outputs = json::array();
    for (const auto& o : tx.outputs) {
        outputs.push_back({{"value", o.value.value()}, {"script", to_hex(o.script_pubkey)}});
    }
    return {{"hex", to_hex(bitcoin::serialize(tx))},
            {"txid", bitcoin::to_display_hex(bitcoin::txid(tx))},
            {"outputs", outputs}};
}

// The pair, funded by the coin: the funding tx spends it, its change goes back to the coin's
// script, and its P2WPKH input is signed after the open (a segwit txid does not cover it).
ChannelPair open_pair(const json& coin) {
    const Hash256 txid = take(bitcoin::from_display_hex(coin.at("txid").get<std::string>()));
    const Sats value{coin.at("value").get<int64_t>()};
    testing::PairConfig config;
    config.funding_input = bitcoin::TxIn{{txid, coin.at("vout").get<uint32_t>()}, {}, 0xfffffffd, {}};
    const int64_t change = value.value() - config.funding.value() - kFundingFee;
    if (change < 1'000) throw Failure{"harness_coin_too_small", "the coin cannot fund the channel"};
    config.funding_change =
        bitcoin::TxOut{Sats{change}, bitcoin::p2wpkh_script(crypto::pubkey(coin_key()))};
    ChannelPair pair;
    check(pair.open(config), pair);
    pair.funding_tx.inputs[0].witness = take(bitcoin::sign_p2wpkh_input(
        pair.funding_tx, 0, value, coin_key(), bitcoin::kSighashAll, nullptr));
    return pair;
}

bool add(ChannelPair& pair, testing::Node& from, std::deque<Bytes>& out, Msats amount, uint64_t n,
         uint32_t cltv_expiry, uint32_t height) {
    return pair.take(from,
                     add_htlc(*from.channel, amount, crypto::sha256(preimage_of(n)), cltv_expiry,
                              kOnion, height),
                     out);
}

// A pays B 7,000,500 msat (added, fulfilled, settled on both commitments).
void settled_payment(ChannelPair& pair, uint32_t height) {
    check(add(pair, pair.a, pair.to_b, Msats{7'000'500}, 1, height + 40, height), pair);
    check(pair.flush(), pair);
    check(pair.take(pair.b, fulfill_htlc(*pair.b.channel, 0, preimage_of(1)), pair.to_a), pair);
    check(pair.flush(), pair);
}

// Both HTLCs committed, unsettled: A -> B 40,000,000 msat (preimage 11), B -> A 30,000,000
// msat (preimage 12).
void two_htlcs(ChannelPair& pair, uint32_t height) {
    check(add(pair, pair.a, pair.to_b, Msats{40'000'000}, 11, height + 10, height), pair);
    check(add(pair, pair.b, pair.to_a, Msats{30'000'000}, 12, height + 12, height), pair);
    check(pair.flush(), pair);
}

size_t output_of_kind(const LocalCommitmentClose& close, CommitmentOutputKind kind) {
    for (size_t i = 0; i < close.outputs.size(); ++i) {
        if (close.outputs[i].kind == kind) return i;
    }
    throw Failure{"harness_no_output", "the commitment has no such output"};
}

size_t htlc_tx_of_kind(const LocalCommitmentClose& close, CommitmentOutputKind kind) {
    for (size_t i = 0; i < close.htlc_txs.size(); ++i) {
        if (close.htlc_txs[i].kind == kind) return i;
    }
    throw Failure{"harness_no_htlc_tx", "the commitment has no such HTLC"};
}

json balances(const ChannelPair& pair) {
    const BalanceSpec& spec = pair.a.channel->local_commit->spec;
    return {{"a_msat", spec.to_local.value()}, {"b_msat", spec.to_remote.value()}};
}

// A sweep of output 0 of an HTLC transaction (a to_local-style output) after the delay.
bitcoin::Transaction second_stage_sweep(const LocalCommitmentClose& close,
                                        const bitcoin::Transaction& htlc_tx) {
    return take(build_delayed_sweep({bitcoin::txid(htlc_tx), 0}, htlc_tx.outputs[0].value,
                                    close.to_local_script, close.local_delayed_key,
                                    close.spec.to_self_delay, sweep_script_a(), kFeerate));
}

json scenario(const std::string& name, const json& coin, uint32_t height) {
    ChannelPair pair = open_pair(coin);
    json out{{"funding", tx_json(pair.funding_tx)}};
    if (name == "coop") {
        settled_payment(pair, height);
        out.update(balances(pair));
        check(pair.take(pair.a, shutdown(*pair.a.channel, pair.a.secrets), pair.to_b), pair);
        check(pair.flush(), pair);
        if (!pair.a.channel->closing_tx || pair.a.channel->closing_tx != pair.b.channel->closing_tx) {
            throw Failure{"harness_no_close", "the two sides did not agree on a closing tx"};
        }
        out["closing"] = tx_json(*pair.a.channel->closing_tx);
        return out;
    }
    if (name == "force_close") {
        settled_payment(pair, height);
        out.update(balances(pair));
        const auto close = take(local_commitment_close(*pair.a.channel, pair.a.secrets));
        const Hash256 txid = bitcoin::txid(close.commitment_tx);
        const auto local = static_cast<uint32_t>(output_of_kind(close, CommitmentOutputKind::kToLocal));
        const auto remote =
            static_cast<uint32_t>(output_of_kind(close, CommitmentOutputKind::kToRemote));
        out["commitment"] = tx_json(close.commitment_tx);
        out["delay"] = close.spec.to_self_delay;
        out["to_local_sweep"] = tx_json(take(build_delayed_sweep(
            {txid, local}, close.commitment_tx.outputs[local].value, close.to_local_script,
            close.local_delayed_key, close.spec.to_self_delay, sweep_script_a(), kFeerate)));
        out["to_remote_sweep"] = tx_json(take(build_to_remote_sweep(
            {txid, remote}, close.commitment_tx.outputs[remote],
            pair.b.secrets.payment_basepoint_secret, sweep_script_b(), kFeerate)));
        return out;
    }
    if (name == "htlcs") {
        two_htlcs(pair, height);
        const auto close = take(local_commitment_close(*pair.a.channel, pair.a.secrets));
        out["commitment"] = tx_json(close.commitment_tx);
        out["delay"] = close.spec.to_self_delay;
        out["cltv_expiry"] = height + 10;
        const auto timeout = take(
            signed_htlc_timeout_tx(close, htlc_tx_of_kind(close, CommitmentOutputKind::kOfferedHtlc)));
        const auto success = take(signed_htlc_success_tx(
            close, htlc_tx_of_kind(close, CommitmentOutputKind::kReceivedHtlc), preimage_of(12)));
        out["htlc_timeout"] = tx_json(timeout);
        out["timeout_sweep"] = tx_json(second_stage_sweep(close, timeout));
        out["htlc_success"] = tx_json(success);
        out["success_sweep"] = tx_json(second_stage_sweep(close, success));
        return out;
    }
    if (name == "revoked_a" || name == "revoked_b") {
        const bool a_cheats = name == "revoked_a";
        two_htlcs(pair, height);
        testing::Node& cheater = a_cheats ? pair.a : pair.b;
        testing::Node& honest = a_cheats ? pair.b : pair.a;
        const auto old = take(local_commitment_close(*cheater.channel, cheater.secrets));
        const uint64_t old_number = cheater.channel->local_commit->number;
        // B fulfills A's HTLC: both commitments move on and the old ones are revoked.
        check(pair.take(pair.b, fulfill_htlc(*pair.b.channel, 0, preimage_of(11)), pair.to_a), pair);
        check(pair.flush(), pair);
        const RemoteCommitmentRevoked* revoked = nullptr;
        for (const auto& e : honest.events) {
            if (const auto* r = std::get_if<RemoteCommitmentRevoked>(&e); r && r->number == old_number) {
                revoked = r;
            }
        }
        if (!revoked) throw Failure{"harness_not_revoked", "no revocation of the old commitment"};
        const bitcoin::Script to = a_cheats ? sweep_script_b() : sweep_script_a();
        const auto params = take(justice_params(*honest.channel, honest.secrets, *revoked,
                                                old.commitment_tx, to, kFeerate));
        out["revoked"] = tx_json(old.commitment_tx);
        out["justice"] = tx_json(take(build_justice_tx(params)));
        const auto remote = static_cast<uint32_t>(output_of_kind(old, CommitmentOutputKind::kToRemote));
        out["to_remote_sweep"] = tx_json(take(build_to_remote_sweep(
            {bitcoin::txid(old.commitment_tx), remote}, old.commitment_tx.outputs[remote],
            honest.secrets.payment_basepoint_secret, to, kFeerate)));
        return out;
    }
    throw Failure{"harness_unknown_scenario", name};
}

json handle(const json& request) {
    const std::string cmd = request.at("cmd").get<std::string>();
    if (cmd == "coin") {
        return {{"script", to_hex(bitcoin::p2wpkh_script(crypto::pubkey(coin_key())))}};
    }
    if (cmd == "scenario") {
        return scenario(request.at("name").get<std::string>(), request.at("coin"),
                        request.at("height").get<uint32_t>());
    }
    throw Failure{"harness_unknown_command", cmd};
}

}  // namespace

int main() {
    std::string line;
    while (std::getline(std::cin, line)) {
        json reply;
        try {
            reply = handle(json::parse(line));
        } catch (const Failure& f) {
            reply = {{"error", f.code}, {"message", f.message}};
        } catch (const json::exception& e) {
            reply = {{"error", "harness_bad_request"}, {"message", e.what()}};
        }
        std::cout << reply.dump() << std::endl;
    }
    return 0;
}
