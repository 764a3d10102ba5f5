// A stdio harness that runs the real core/channel code for tests/bitcoin/channel_onchain
// .test.mjs, which feeds what it prints to a real bcoin regtest node: two channel machines
// (tests/support/channel_pair.h, every message through the wire codec, every state through
// the stored format) funded by a real regtest coin, HTLCs added and settled, and the
// transactions each on-chain path needs.
//
// One JSON object per input line, one JSON object per output line:
//   {"cmd":"coin"}  -> {"script": hex}  the P2WPKH script the test mines coins to
//   {"cmd":"commitment","state":hex,"seed":hex}  -> TX plus "number" and "htlc_timeouts"
//       (each a TX plus "spends": the commitment output it takes): a channel client's
//       latest commitment signed by both, from its stored state (channel_state_codec.h)
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
//                 "htlc_timeout_sweep", "htlc_success" (A knows B's preimage) and its
//                 "htlc_success_sweep", "to_local_sweep", "cltv_expiry", "delay",
//                 "unresolved_without_preimage" (output indexes)
//   remote_htlcs  the same two HTLCs, A's commitment as B resolves it: "claim_success" (A's
//                 HTLC with its preimage, at once), "claim_timeout" (B's own, after its
//                 "cltv_expiry", height+12), "to_remote_sweep"
//   revoked_a / revoked_b   the cheater's commitment with both HTLCs above, revoked by a
//                 later fulfill: "revoked", the other side's "justice" and "to_remote_sweep"
//   revoked_htlc_txs   A's revoked commitment as in revoked_a, and A's own HTLC txs of it:
//                 "htlc_success" (B's HTLC, A knows the preimage) and "htlc_timeout" (A's,
//                 from "cltv_expiry"); what B's resolver says before ("justice_first") and
//                 once both HTLC txs are seen (resolve_revoked_htlc_txs): "justice"
//                 (to_local alone), "sweep_success" and "sweep_timeout" (their outputs, with
//                 the revocation key), plus B's "to_remote_sweep"; and what B's wasm resolver
//                 needs for the same: "b_state", "b_seed", "b_sweep_script", "b_revoked" (the
//                 web app's records), "feerate_per_kw"
// Every sweep, HTLC tx and justice tx comes from the resolver (chain_resolver.h) run on the
// side that acts, given the commitment as seen on chain; each carries the resolver's "csv",
// "cltv", "parent" (display txid) and "spends" (the parent's outputs).
// Errors print {"error":code,"message":...} and the harness goes on with the next line.
#include <cstdint>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>

#include "bitcoin/display_hash.h"
#include "bitcoin/sign.h"
#include "channel/chain_resolver.h"
#include "channel/channel_state_codec.h"
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

crypto::SecretKey coin_key() {
    return crypto::SecretKey::from_bytes(filled(0x51)).value();
}
bitcoin::Script sweep_script_a() {
    return p2wpkh_of(0x41);
}
bitcoin::Script sweep_script_b() {
    return p2wpkh_of(0x42);
}

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
    config.funding_input =
        bitcoin::TxIn{{txid, coin.at("vout").get<uint32_t>()}, {}, 0xfffffffd, {}};
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

// `cheater`'s commitment with both HTLCs, revoked once B fulfills A's HTLC (both
// commitments move on).
LocalCommitmentClose revoked_commitment(ChannelPair& pair, testing::Node& cheater, uint32_t height) {
    two_htlcs(pair, height);
    auto old = take(local_commitment_close(*cheater.channel, cheater.secrets));
    check(pair.take(pair.b, fulfill_htlc(*pair.b.channel, 0, preimage_of(11)), pair.to_a), pair);
    check(pair.flush(), pair);
    return old;
}

json balances(const ChannelPair& pair) {
    const BalanceSpec& spec = pair.a.channel->local_commit->spec;
    return {{"a_msat", spec.to_local.value()}, {"b_msat", spec.to_remote.value()}};
}

// The records as the web app keeps them (wasm/channel_resolve.h revoked_json's layout).
json revoked_records_json(const std::vector<RemoteCommitmentRevoked>& revoked) {
    json out = json::array();
    for (const RemoteCommitmentRevoked& r : revoked) {
        json htlcs = json::array();
        for (const HtlcEntry& h : r.spec.htlcs) {
            htlcs.push_back({{"offered", h.direction == HtlcDirection::kOffered}, {"id", std::to_string(h.id)},
                             {"amount_msat", std::to_string(h.amount.value())},
                             {"payment_hash", to_hex(h.payment_hash)}, {"cltv_expiry", h.cltv_expiry}});
        }
        out.push_back({{"number", std::to_string(r.number)}, {"secret", to_hex(r.per_commitment_secret)},
                       {"to_local_msat", std::to_string(r.spec.to_local.value())},
                       {"to_remote_msat", std::to_string(r.spec.to_remote.value())}, {"htlcs", htlcs}});
    }
    return out;
}

// What the resolver (chain_resolver.h) says `node` must do about `spend`.
std::vector<RemoteCommitmentRevoked> revocations(const testing::Node& node) {
    std::vector<RemoteCommitmentRevoked> revoked;
    for (const auto& e : node.events) {
        if (const auto* r = std::get_if<RemoteCommitmentRevoked>(&e)) revoked.push_back(*r);
    }
    return revoked;
}

ChainResolution resolve(const testing::Node& node, const bitcoin::Transaction& spend,
                        const bitcoin::Script& sweep_to, std::span<const Hash256> preimages = {}) {
    const std::vector<RemoteCommitmentRevoked> revoked = revocations(node);
    return take(resolve_funding_spend(
        ResolverInputs{*node.channel, node.secrets, revoked, preimages, sweep_to, kFeerate},
        spend));
}

// The one resolution of `kind` (and of that parent when given); its tx with csv and cltv.
json resolution(const ChainResolution& r, ResolutionKind kind,
                const std::optional<Hash256>& parent = std::nullopt) {
    const Resolution* found = nullptr;
    for (const Resolution& x : r.to_broadcast) {
        if (x.kind != kind || (parent && x.parent_txid != *parent)) continue;
        if (found) throw Failure{"harness_two_resolutions", "more than one of a kind"};
        found = &x;
    }
    if (!found) throw Failure{"harness_no_resolution", "the resolver gave none of this kind"};
    json out = tx_json(found->tx);
    out["csv"] = found->csv;
    out["cltv"] = found->cltv;
    out["parent"] = bitcoin::to_display_hex(found->parent_txid);
    json spends = json::array();  // the parent's output indexes it spends
    for (const auto& in : found->tx.inputs) spends.push_back(in.prevout.index);
    out["spends"] = spends;
    return out;
}

json scenario(const std::string& name, const json& coin, uint32_t height) {
    ChannelPair pair = open_pair(coin);
    json out{{"funding", tx_json(pair.funding_tx)}};
    if (name == "coop") {
        settled_payment(pair, height);
        out.update(balances(pair));
        check(pair.take(pair.a, shutdown(*pair.a.channel, pair.a.secrets), pair.to_b), pair);
        check(pair.flush(), pair);
        if (!pair.a.channel->closing_tx ||
            pair.a.channel->closing_tx != pair.b.channel->closing_tx) {
            throw Failure{"harness_no_close", "the two sides did not agree on a closing tx"};
        }
        out["closing"] = tx_json(*pair.a.channel->closing_tx);
        return out;
    }
    if (name == "force_close") {
        settled_payment(pair, height);
        out.update(balances(pair));
        const auto close = take(local_commitment_close(*pair.a.channel, pair.a.secrets));
        out["commitment"] = tx_json(close.commitment_tx);
        out["delay"] = close.spec.to_self_delay;
        const ChainResolution by_a = resolve(pair.a, close.commitment_tx, sweep_script_a());
        const ChainResolution by_b = resolve(pair.b, close.commitment_tx, sweep_script_b());
        if (by_a.kind != FundingSpendKind::kLocalCommitment || by_a.to_broadcast.size() != 1 ||
            by_b.kind != FundingSpendKind::kRemoteCommitment || by_b.to_broadcast.size() != 1) {
            throw Failure{"harness_wrong_resolution", "A: its commitment, B: the remote's"};
        }
        out["to_local_sweep"] = resolution(by_a, ResolutionKind::kToLocalSweep);
        out["to_remote_sweep"] = resolution(by_b, ResolutionKind::kToRemoteSweep);
        return out;
    }
    if (name == "htlcs") {
        two_htlcs(pair, height);
        const auto close = take(local_commitment_close(*pair.a.channel, pair.a.secrets));
        out["commitment"] = tx_json(close.commitment_tx);
        out["delay"] = close.spec.to_self_delay;
        out["cltv_expiry"] = height + 10;
        const Hash256 known[] = {preimage_of(12)};
        const ChainResolution by_a = resolve(pair.a, close.commitment_tx, sweep_script_a(), known);
        if (by_a.kind != FundingSpendKind::kLocalCommitment || by_a.to_broadcast.size() != 5) {
            throw Failure{"harness_wrong_resolution", "to_local, two HTLC txs, two sweeps"};
        }
        out["htlc_timeout"] = resolution(by_a, ResolutionKind::kHtlcTimeout);
        out["htlc_success"] = resolution(by_a, ResolutionKind::kHtlcSuccess);
        for (const char* kind : {"htlc_timeout", "htlc_success"}) {
            const Hash256 parent =
                bitcoin::from_display_hex(out[kind]["txid"].get<std::string>()).value();
            out[std::string(kind) + "_sweep"] =
                resolution(by_a, ResolutionKind::kSecondStageSweep, parent);
        }
        out["to_local_sweep"] = resolution(by_a, ResolutionKind::kToLocalSweep);
        // Without the preimage the received HTLC is left to the remote's timeout.
        const ChainResolution blind = resolve(pair.a, close.commitment_tx, sweep_script_a());
        out["unresolved_without_preimage"] = blind.unresolved;
        return out;
    }
    if (name == "remote_htlcs") {
        two_htlcs(pair, height);
        const auto close = take(local_commitment_close(*pair.a.channel, pair.a.secrets));
        out["commitment"] = tx_json(close.commitment_tx);
        out["cltv_expiry"] = height + 12;
        // B sees A's commitment: B knows the preimage of A's HTLC, and its own comes back
        // after its expiry.
        const Hash256 known[] = {preimage_of(11)};
        const ChainResolution by_b = resolve(pair.b, close.commitment_tx, sweep_script_b(), known);
        if (by_b.kind != FundingSpendKind::kRemoteCommitment || by_b.to_broadcast.size() != 3) {
            throw Failure{"harness_wrong_resolution", "to_remote and two HTLC claims"};
        }
        out["claim_success"] = resolution(by_b, ResolutionKind::kClaimHtlcSuccess);
        out["claim_timeout"] = resolution(by_b, ResolutionKind::kClaimHtlcTimeout);
        out["to_remote_sweep"] = resolution(by_b, ResolutionKind::kToRemoteSweep);
        return out;
    }
    if (name == "revoked_a" || name == "revoked_b") {
        const bool a_cheats = name == "revoked_a";
        testing::Node& honest = a_cheats ? pair.b : pair.a;
        const auto old = revoked_commitment(pair, a_cheats ? pair.a : pair.b, height);
        const uint64_t old_number = old.spec.commitment_number;
        const bitcoin::Script to = a_cheats ? sweep_script_b() : sweep_script_a();
        const ChainResolution by_honest = resolve(honest, old.commitment_tx, to);
        if (by_honest.kind != FundingSpendKind::kRevokedCommitment ||
            by_honest.commitment_number != old_number || by_honest.to_broadcast.size() != 2) {
            throw Failure{"harness_wrong_resolution", "justice and to_remote"};
        }
        out["revoked"] = tx_json(old.commitment_tx);
        out["justice"] = resolution(by_honest, ResolutionKind::kJustice);
        out["to_remote_sweep"] = resolution(by_honest, ResolutionKind::kToRemoteSweep);
        return out;
    }
    if (name == "revoked_htlc_txs") {
        const auto old = revoked_commitment(pair, pair.a, height);
        out["revoked"] = tx_json(old.commitment_tx);
        out["cltv_expiry"] = height + 10;
        std::vector<bitcoin::Transaction> cheats;  // success first: it needs no lock
        for (const auto kind : {CommitmentOutputKind::kReceivedHtlc, CommitmentOutputKind::kOfferedHtlc}) {
            for (size_t i = 0; i < old.htlc_txs.size(); ++i) {
                if (old.htlc_txs[i].kind != kind) continue;
                cheats.push_back(take(kind == CommitmentOutputKind::kOfferedHtlc
                                          ? signed_htlc_timeout_tx(old, i)
                                          : signed_htlc_success_tx(old, i, preimage_of(12))));
            }
        }
        if (cheats.size() != 2) throw Failure{"harness_wrong_htlcs", "two HTLC txs expected"};
        out["htlc_success"] = tx_json(cheats[0]);
        out["htlc_timeout"] = tx_json(cheats[1]);
        const ChainResolution first = resolve(pair.b, old.commitment_tx, sweep_script_b());
        out["justice_first"] = resolution(first, ResolutionKind::kJustice);
        out["to_remote_sweep"] = resolution(first, ResolutionKind::kToRemoteSweep);
        const std::vector<RemoteCommitmentRevoked> revoked = revocations(pair.b);
        const ChainResolution after = take(resolve_revoked_htlc_txs(
            ResolverInputs{*pair.b.channel, pair.b.secrets, revoked, {}, sweep_script_b(), kFeerate},
            old.commitment_tx, cheats));
        out["justice"] = resolution(after, ResolutionKind::kJustice);
        out["sweep_success"] =
            resolution(after, ResolutionKind::kRevokedHtlcSweep, bitcoin::txid(cheats[0]));
        out["sweep_timeout"] =
            resolution(after, ResolutionKind::kRevokedHtlcSweep, bitcoin::txid(cheats[1]));
        // What the web app's wasm resolver needs to do the same as B (tests/web).
        out["b_state"] = to_hex(serialize_channel_state(*pair.b.channel));
        out["b_seed"] = to_hex(filled(0x22));
        out["b_sweep_script"] = to_hex(sweep_script_b());
        out["b_revoked"] = revoked_records_json(revoked);
        out["feerate_per_kw"] = kFeerate;
        return out;
    }
    throw Failure{"harness_unknown_scenario", name};
}

json handle(const json& request) {
    const std::string cmd = request.at("cmd").get<std::string>();
    if (cmd == "coin") {
        return {{"script", to_hex(bitcoin::p2wpkh_script(crypto::pubkey(coin_key())))}};
    }
    if (cmd == "commitment") {
        // A channel client's own latest commitment, signed by both, from its stored state and
        // seed (what the wasm client cannot build): for tests/relay/hub_onchain.test.mjs.
        const Bytes state = take(from_hex(request.at("state").get<std::string>()));
        const Bytes seed_bytes = take(from_hex(request.at("seed").get<std::string>()));
        if (seed_bytes.size() != 32) throw Failure{"harness_bad_request", "seed: 32 bytes"};
        Hash256 seed{};
        std::copy(seed_bytes.begin(), seed_bytes.end(), seed.begin());
        const Channel channel = take(parse_channel_state(state));
        const ChannelSecrets secrets = take(ChannelSecrets::from_seed(seed));
        const auto close = take(local_commitment_close(channel, secrets));
        json out = tx_json(close.commitment_tx);
        out["number"] = channel.local_commit->number;
        // Its HTLC-timeouts (what a cheater broadcasts after the expiry of an HTLC it offered).
        out["htlc_timeouts"] = json::array();
        for (size_t i = 0; i < close.htlc_txs.size(); ++i) {
            if (close.htlc_txs[i].kind != CommitmentOutputKind::kOfferedHtlc) continue;
            json timeout = tx_json(take(signed_htlc_timeout_tx(close, i)));
            timeout["spends"] = close.htlc_txs[i].tx.inputs[0].prevout.index;
            out["htlc_timeouts"].push_back(timeout);
        }
        return out;
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
