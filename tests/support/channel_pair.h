// Two channel state machines wired together through the wire codec, for the tests, the
// fuzz target fuzz_channel_machine and the payment benchmark: every message a step sends is
// serialized, queued, parsed and received on the other side, and (optionally) every new
// state goes through the stored format (serialize -> parse), as a real node commits it.
// Header-only and free of GoogleTest so fuzz/ and bench/ can use it.
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <vector>

#include "bitcoin/script_templates.h"
#include "channel/channel_machine.h"
#include "channel/channel_state_codec.h"
#include "channel/messages.h"
#include "crypto/sha256.h"

namespace datt::channel::testing {

inline Hash256 filled(uint8_t fill) {
    Hash256 out{};
    out.fill(fill);
    return out;
}

inline bitcoin::Script p2wpkh_of(uint8_t fill) {
    return bitcoin::p2wpkh_script(crypto::pubkey(crypto::SecretKey::from_bytes(filled(fill)).value()));
}

struct Node {
    ChannelSecrets secrets;
    std::optional<Channel> channel;
    std::vector<ChannelEvent> events;
};

struct PairConfig {
    bitcoin::Sats funding{1'000'000};
    bitcoin::Msats push{400'000'000};
    uint32_t feerate_per_kw = 2'500;
    ChannelConfig a_config{bitcoin::Sats{546}, bitcoin::Msats{500'000'000}, bitcoin::Sats{10'000},
                           bitcoin::Msats{1'000}, 144, 30};
    ChannelConfig b_config{bitcoin::Sats{600}, bitcoin::Msats{450'000'000}, bitcoin::Sats{10'000},
                           bitcoin::Msats{2'000}, 100, 25};
    bool store_every_state = true;  // round-trip every state through the stored format
    // With store_every_state: false serializes every state (what a node writes) and keeps the
    // machine's value, as the hub does (benchmarks); true also loads it back with the checked
    // parse, as a read from SQLite/IndexedDB would, and checks the round trip (tests).
    bool load_every_state = true;
    // The funding tx's input and change output (tests/core/channel/onchain_harness.cpp
    // spends a real regtest coin); unset: a made-up input and a 5,000-sat change.
    std::optional<bitcoin::TxIn> funding_input;
    std::optional<bitcoin::TxOut> funding_change;
};

class ChannelPair {
  public:
    Node a;  // the funder
    Node b;
    std::deque<Bytes> to_b;  // in flight, in order
    std::deque<Bytes> to_a;
    std::string last_error;  // the code of the last refused step
    size_t delivered = 0;
    size_t reconnects = 0;
    bool store_every_state = true;
    bool load_every_state = true;

    ChannelPair()
        : a{ChannelSecrets::from_seed(filled(0x11)).value(), std::nullopt, {}},
          b{ChannelSecrets::from_seed(filled(0x22)).value(), std::nullopt, {}} {}

    // open_channel .. channel_ready on both sides; false (with last_error) on a failure.
    bool open(const PairConfig& config = {}) {
        store_every_state = config.store_every_state;
        load_every_state = config.load_every_state;
        OpenParams params{filled(0x06), filled(0x07), config.funding, config.push,
                          config.feerate_per_kw, config.a_config, p2wpkh_of(0x31),
                          ClosingFeeRange{bitcoin::Sats{500}, bitcoin::Sats{3'000}}};
        auto opened = open_channel(a.secrets, params);
        if (!take(a, opened, to_b)) return false;
        const auto open_msg = parse_message(to_b.front());
        to_b.pop_front();
        if (!open_msg) return error(open_msg.error());
        AcceptPolicy policy{filled(0x06), config.b_config, 3, bitcoin::Sats{20'000},
                            bitcoin::Sats{100'000'000}, 253, 50'000, 2016, p2wpkh_of(0x32),
                            ClosingFeeRange{bitcoin::Sats{1'000}, bitcoin::Sats{5'000}}};
        auto accepted = accept_channel(b.secrets, policy, std::get<OpenChannel>(*open_msg));
        if (!take(b, accepted, to_a)) return false;
        if (!deliver_to_a()) return false;
        // The funding tx: one input from elsewhere, the 2-of-2 output the funder was asked for.
        const FundingNeeded* needed = nullptr;
        for (const auto& e : a.events) {
            if (const auto* f = std::get_if<FundingNeeded>(&e)) needed = f;
        }
        if (!needed) return error(make_error("test_no_funding_event", "no FundingNeeded"));
        funding_tx.inputs.push_back(config.funding_input.value_or(
            bitcoin::TxIn{{filled(0x99), 0}, {}, 0xfffffffd, {}}));
        funding_tx.outputs.push_back(needed->output);
        funding_tx.outputs.push_back(config.funding_change.value_or(
            bitcoin::TxOut{bitcoin::Sats{5'000}, p2wpkh_of(0x33)}));
        funding_outpoint = bitcoin::OutPoint{bitcoin::txid(funding_tx), 0};
        if (!take(a, funding_created(*a.channel, a.secrets, funding_outpoint), to_b)) return false;
        if (!deliver_to_b() || !deliver_to_a()) return false;
        if (!take(a, send_channel_ready(*a.channel, a.secrets), to_b)) return false;
        if (!take(b, send_channel_ready(*b.channel, b.secrets), to_a)) return false;
        return flush();
    }

    // Applies a step's result to `node`, queuing its messages; false on an error.
    bool take(Node& node, const Result<Step>& step, std::deque<Bytes>& out) {
        if (!step) return error(step.error());
        return apply(node, step.value(), out);
    }

    bool apply(Node& node, const Step& step, std::deque<Bytes>& out) {
        if (store_every_state && !load_every_state) {
            const Bytes stored = serialize_channel_state(step.channel);
            if (stored.empty()) return error(make_error("test_state_empty", "nothing serialized"));
            node.channel = step.channel;
        } else if (store_every_state) {
            const Bytes stored = serialize_channel_state(step.channel);
            auto loaded = parse_channel_state(stored);
            if (!loaded) return error(loaded.error());
            if (serialize_channel_state(*loaded) != stored) {
                return error(make_error("test_state_round_trip", "stored state changed"));
            }
            node.channel = std::move(loaded).value();
        } else {
            node.channel = step.channel;
        }
        node.events.insert(node.events.end(), step.events.begin(), step.events.end());
        for (const Message& m : step.to_send) out.push_back(serialize_message(m));
        return true;
    }

    bool deliver_to_b() { return deliver(b, to_b, to_a); }
    bool deliver_to_a() { return deliver(a, to_a, to_b); }

    // Delivers one queued message: parse, receive, store.
    bool deliver(Node& node, std::deque<Bytes>& in, std::deque<Bytes>& out) {
        const Bytes bytes = in.front();
        in.pop_front();
        ++delivered;
        const auto message = parse_message(bytes);
        if (!message) return error(message.error());
        return take(node, receive(*node.channel, node.secrets, *message), out);
    }

    // Signs whatever either side has pending.
    bool sign_pending() {
        if (has_changes_to_sign(*a.channel)) {
            if (!take(a, sign_commitment(*a.channel, a.secrets), to_b)) return false;
        }
        if (has_changes_to_sign(*b.channel)) {
            if (!take(b, sign_commitment(*b.channel, b.secrets), to_a)) return false;
        }
        return true;
    }

    // Delivers everything, both sides signing as soon as they may, until quiet.
    // `drop_at`: the delivery number (counting from `delivered`) at which the connection
    // drops instead; the pair then reconnects and goes on.
    bool flush(std::optional<size_t> drop_at = std::nullopt) {
        for (int guard = 0; guard < 100'000; ++guard) {
            if (!sign_pending()) return false;
            if (to_a.empty() && to_b.empty()) return true;
            if (drop_at && delivered == *drop_at) {
                drop_at.reset();
                if (!reconnect()) return false;
                continue;
            }
            // Alternate so that both directions make progress interleaved.
            const bool b_first = !to_b.empty() && (to_a.empty() || delivered % 2 == 0);
            if (!(b_first ? deliver_to_b() : deliver_to_a())) return false;
        }
        return error(make_error("test_no_quiescence", "messages never stopped"));
    }

    // Drops the connection (and what was in flight), reconnects and exchanges
    // channel_reestablish; re-sends the updates the disconnect erased.
    bool reconnect() {
        ++reconnects;
        to_a.clear();
        to_b.clear();
        std::vector<Update> a_dropped, b_dropped;
        disconnect(a, a_dropped);
        disconnect(b, b_dropped);
        if (!take(a, peer_connected(*a.channel, a.secrets), to_b)) return false;
        if (!take(b, peer_connected(*b.channel, b.secrets), to_a)) return false;
        if (!deliver_to_b() || !deliver_to_a()) return false;
        return resend(a, a_dropped, to_b) && resend(b, b_dropped, to_a);
    }

    void disconnect(Node& node, std::vector<Update>& dropped) {
        Step step = peer_disconnected(*node.channel);
        for (const auto& e : step.events) {
            if (const auto* d = std::get_if<UpdatesDropped>(&e)) dropped = d->updates;
        }
        step.events.clear();
        std::deque<Bytes> none;
        apply(node, step, none);
    }

    bool resend(Node& node, const std::vector<Update>& updates, std::deque<Bytes>& out) {
        for (const Update& u : updates) {
            Result<Step> step = make_error("", "");
            if (const auto* add = std::get_if<UpdateAddHtlc>(&u)) {
                step = add_htlc(*node.channel, add->amount_msat, add->payment_hash,
                                add->cltv_expiry, add->onion_routing_packet, 0);
            } else if (const auto* f = std::get_if<UpdateFulfillHtlc>(&u)) {
                step = fulfill_htlc(*node.channel, f->id, f->payment_preimage);
            } else {
                const auto& fail = std::get<UpdateFailHtlc>(u);
                step = fail_htlc(*node.channel, fail.id, fail.reason);
            }
            // An HTLC cannot be offered again after a shutdown: the caller fails it
            // upstream instead.
            if (!step && step.error().code == "channel_shutting_down") continue;
            if (!take(node, step, out)) return false;
        }
        return true;
    }

    bool error(const Error& e) {
        last_error = e.code + ": " + e.message;
        return false;
    }

    bitcoin::Transaction funding_tx;
    bitcoin::OutPoint funding_outpoint;
};

}  // namespace datt::channel::testing
