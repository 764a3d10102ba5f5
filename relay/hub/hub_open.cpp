// The hub's wallet inside the hub (hub_wallet.h holds the wallet itself): made when first
// needed (the operator's /hub/wallet, a client's request; at start when one is stored) once
// the bridge knows a tip, its seed committed before any address is shown; payments to its
// scripts come from the bridge's watch; the operator sees it on /metrics and /hub/wallet.
// And the channels the hub funds from it when a client asks (docs/channels.md "The hub
// opens a channel"): the request checked (open_policy.h), open_channel, then at the client's
// accept_channel the funding tx built and signed, stored with the channel and its coins
// marked spent before funding_created leaves, broadcast once funding_signed is committed.
// A channel whose funding_signed never came (the connection closed, or a restart) is
// forgotten and its coins are free again.
#include <algorithm>

#include <nlohmann/json.hpp>

#include "channel/channel_frame.h"
#include "engine/log.h"
#include "hub/hub.h"
#include "hub/random_seed.h"
#include "util/hex.h"

namespace datt::relay::hub {

void Hub::watch_wallet() {
    if (!chain_ || !options_.network) return;
    chain_->set_payment_listener([this](const PaymentSeen& payment) { post([this, payment] { wallet_payment(payment); }); });
}

void Hub::wallet_tick(Out& out) {
    if (wallet_ || !chain_ || !options_.network || (!stored_wallet_.seed && !wallet_wanted_)) return;
    const uint32_t tip = chain_->tip_height();
    if (tip == 0) return;  // the bridge has not polled yet: the birth height is unknown
    const auto seed = random_seed();
    if (!seed) return;
    auto made = HubWallet::make(*options_.network, stored_wallet_, *seed, tip);
    if (!made) {
        log::error("hub: the wallet cannot be made: " + made.error().code + ": " + made.error().message);
        options_.network.reset();  // no wallet: the hub opens no channel
        return;
    }
    wallet_.emplace(std::move(*made));
    for (const Bytes& raw : stored_wallet_.txs) {
        auto tx = bitcoin::parse_transaction(raw);
        if (!tx) {
            log::error("hub wallet: a stored withdrawal does not parse; left out");
            continue;
        }
        withdrawals_[bitcoin::txid(*tx)] = std::move(*tx);
    }
    stored_wallet_ = {};
    for (WriteCommand& command : wallet_->take_commands()) out.commands.push_back(std::move(command));
    watch_wallet_scripts();
    resume_funding(out);
    resume_withdrawals(out);
    publish_wallet(out);
}

void Hub::watch_wallet_scripts() {
    // From its birth: a deposit made while the relay was down, or to an address the window
    // only now reaches, is found again.
    auto scripts = wallet_->new_scripts();
    if (!scripts.empty()) chain_->watch_scripts(std::move(scripts), std::max<uint32_t>(wallet_->birth_height(), 1));
}

void Hub::wallet_payment(const PaymentSeen& payment) {
    if (!wallet_) return;
    Out out;
    for (WriteCommand& command : wallet_->on_payment(payment)) out.commands.push_back(std::move(command));
    watch_wallet_scripts();
    publish_wallet(out);
    flush(out);
}

void Hub::publish_wallet(Out& out) {
    // Shown once committed: an address is never given out before the seed is on disk.
    out.after.push_back([this, view = std::make_pair(wallet_->deposit_address(), wallet_->balance())] {
        std::lock_guard lock(wallet_mutex_);
        wallet_view_ = view;
    });
}

Bytes Hub::closing_script(Out& out, const Hash256& seed) {
    if (!wallet_ && chain_ && options_.network) {
        wallet_wanted_ = true;
        wallet_tick(out);  // none while the bridge knows no tip yet
    }
    if (!wallet_) return shutdown_script_of(seed);
    auto close = wallet_->close_script();
    if (!close) {
        log::error("hub: no wallet address for a close (" + close.error().code + "); the channel's own key is used");
        return shutdown_script_of(seed);
    }
    out.commands.push_back(std::move(close->command));
    watch_wallet_scripts();
    publish_wallet(out);  // the deposit address moves past it
    return std::move(close->script);
}

std::optional<std::string> Hub::wallet_json() const {
    std::lock_guard lock(wallet_mutex_);
    if (!wallet_view_) {
        wallet_wanted_ = true;  // made at the next tick: ask again
        return std::nullopt;
    }
    const auto& [address, balance] = *wallet_view_;
    return nlohmann::json{{"deposit_address", address},
                          {"confirmed_sats", balance.confirmed_sats},
                          {"unconfirmed_sats", balance.unconfirmed_sats}}
        .dump();
}

std::string Hub::wallet_metrics() const {
    std::lock_guard lock(wallet_mutex_);
    if (!wallet_view_) return {};
    const WalletBalance& balance = wallet_view_->second;
    return "# HELP datt_hub_wallet_sats The hub wallet's unspent coins, by state.\n"
           "# TYPE datt_hub_wallet_sats gauge\n"
           "datt_hub_wallet_sats{state=\"confirmed\"} " +
           std::to_string(balance.confirmed_sats) + "\ndatt_hub_wallet_sats{state=\"unconfirmed\"} " +
           std::to_string(balance.unconfirmed_sats) + "\n";
}

using channel::ChannelId;
using channel::ChannelPhase;

size_t Hub::hub_funded(const std::string& client) const {
    size_t count = 0;
    for (const auto& [conn_id, conn] : conns_) {
        if (conn.client != client) continue;
        for (const auto& [temp, live] : conn.opening) count += live.state.we_are_funder ? 1 : 0;
    }
    for (const auto& [id, live] : channels_) {
        // A funding given up, refused by the node, or never signed has no funding tx left.
        if (live.client == client && live.state.we_are_funder && live.state.phase != ChannelPhase::kClosed &&
            funding_txs_.count(id) && !closed_on_chain(id)) {
            ++count;
        }
    }
    return count;
}

void Hub::open_request(Out& out, ConnectionId from, Conn& conn, const channel::HubOpenRequest& request) {
    const ChannelId none{};
    if (!wallet_) {
        if (!chain_ || !options_.network) {
            return warn(out, from, none, make_error("hub_open_unavailable", "the hub has no wallet"), false);
        }
        wallet_wanted_ = true;  // a new wallet has no coins yet
        return warn(out, from, none, make_error("hub_wallet_empty", "the hub's wallet has no coins yet"), false);
    }
    // A new ask replaces this connection's unanswered one: a client whose accept failed (or
    // who gave up on it) asks again, and the ask it left is not counted.
    std::erase_if(conn.opening, [](const auto& entry) { return entry.second.state.we_are_funder; });
    if (conn.opening.size() + conn.channels.size() >= config_.hub_max_channels) {
        return warn(out, from, none, make_error("hub_too_many_channels", "channel limit of this connection reached"),
                    false);
    }
    // What requests still waiting for accept_channel will take from the confirmed coins.
    int64_t in_flight = 0;
    for (const auto& [id, c] : conns_) {
        for (const auto& [temp, live] : c.opening) {
            if (live.state.we_are_funder) in_flight += live.state.funding_amount.value();
        }
    }
    const bitcoin::Sats available{wallet_->balance().confirmed_sats - in_flight};
    if (auto ok = check_open_request(open_policy(config_), request.funding_satoshis, hub_funded(conn.client), available); !ok) {
        return warn(out, from, none, ok.error(), false);
    }
    const auto seed = random_seed();
    const auto temp = random_seed();
    if (!seed || !temp) return warn(out, from, none, make_error("hub_random", "no random bytes"), false);
    auto secrets = channel::ChannelSecrets::from_seed(*seed);
    if (!secrets) return warn(out, from, none, secrets.error(), false);
    const Bytes script = closing_script(out, *seed);
    const channel::AcceptPolicy ours = accept_policy(config_, options_.chain_hash, script);
    channel::OpenParams params{options_.chain_hash, *temp,        request.funding_satoshis, bitcoin::Msats{0},
                               kOpenFeeratePerKw,   ours.config,  script,                   ours.closing_fees};
    auto step = channel::open_channel(*secrets, params);
    if (!step) return warn(out, from, none, step.error(), false);
    Live live{std::move(step->channel), std::move(*secrets), *seed, from, false, false, false, false, std::nullopt, {}, {}, conn.client};
    for (const channel::Message& m : step->to_send) out.frames.emplace_back(from, channel::frame_bytes(m));
    conn.opening.emplace(*temp, std::move(live));
}

void Hub::accepted(Out& out, ConnectionId from, Conn& conn, const channel::AcceptChannel& accept) {
    const ChannelId& temp = accept.temporary_channel_id;
    auto found = conn.opening.find(temp);
    if (found == conn.opening.end() || !found->second.state.we_are_funder) {
        return warn(out, from, temp, make_error("hub_unknown_channel", "no channel the hub opens with this id"), true);
    }
    Live live = std::move(found->second);
    conn.opening.erase(found);
    auto step = channel::receive(live.state, live.secrets, channel::Message{accept});
    if (!step) return warn(out, from, temp, step.error(), true);
    const channel::FundingNeeded* needed = nullptr;
    for (const auto& event : step->events) {
        if (const auto* n = std::get_if<channel::FundingNeeded>(&event)) needed = n;
    }
    if (!needed) return warn(out, from, temp, make_error("hub_open_failed", "accept_channel asked for no funding"), true);
    const auto random = random_seed();
    if (!random) return warn(out, from, temp, make_error("hub_random", "no random bytes"), true);
    auto funding = wallet_->fund(needed->output, bitcoin::wallet::FeeRate::sat_per_vb(kOpenFundingSatPerVb),
                                 chain_->tip_height(), *random);
    if (!funding) return warn(out, from, temp, funding.error(), true);
    auto created = channel::funding_created(step->channel, live.secrets,
                                            bitcoin::OutPoint{funding->txid, funding->output_index});
    if (!created) {
        for (WriteCommand& command : wallet_->release(funding->txid)) out.commands.push_back(std::move(command));
        return warn(out, from, temp, created.error(), true);
    }
    const ChannelId id = created->channel.channel_id;
    live.state = std::move(step->channel);
    live.stored = true;
    auto [it, inserted] = channels_.emplace(id, std::move(live));
    conn.channels.insert(id);
    conn.proven.insert(id);  // opened on this connection
    // The coins, the signed funding tx and the channel are committed before funding_created
    // leaves (flush: frames go from the commit's callback).
    for (WriteCommand& command : funding->commands) out.commands.push_back(std::move(command));
    out.commands.push_back(PutHubFundingTx{id, bitcoin::serialize(funding->tx)});
    funding_txs_[id] = std::move(funding->tx);
    apply(out, it->second, created);
    out.dirty.insert(id);
    watch_funding(it->second);
    publish_wallet(out);
}

void Hub::broadcast_funding(Out& out, const ChannelId& id) {
    auto found = funding_txs_.find(id);
    if (found == funding_txs_.end() || !chain_) return;
    // After the commit of funding_signed's state: the client can close from then on.
    out.after.push_back([this, id, raw = bitcoin::serialize(found->second)] {
        chain_->broadcast(raw, [this, id](const Result<BroadcastVerdict>& verdict) {
            if (!verdict || !verdict->accepted) {
                log::warn("hub channel " + to_hex(id) + ": funding tx not accepted: " +
                          (verdict ? verdict->reason : verdict.error().message));
            }
            if (verdict && !verdict->accepted) post([this, id] { funding_refused(id); });
        });
    });
}

void Hub::funding_refused(const ChannelId& id) {
    auto tx = funding_txs_.find(id);
    if (tx == funding_txs_.end()) return;
    // Its coins back to the wallet (those the node still has); the channel stays, unfunded
    // (the client may close it or give up), and the transaction is not broadcast again.
    release_refused(tx->second, [this, id](Out& out, bool undone) {
        if (!undone) return;
        funding_txs_.erase(id);
        out.commands.push_back(DeleteHubFundingTx{id});
        log::warn("hub channel " + to_hex(id) + ": its funding tx was refused; its coins are released");
    });
}

void Hub::give_up_funding(Out& out, Live& live) {
    auto tx = funding_txs_.find(live.state.channel_id);
    if (tx != funding_txs_.end()) {
        if (wallet_) {
            for (WriteCommand& command : wallet_->release(bitcoin::txid(tx->second))) out.commands.push_back(std::move(command));
            publish_wallet(out);
        }
        funding_txs_.erase(tx);
    }
    out.commands.push_back(DeleteHubFundingTx{live.state.channel_id});
    forget(out, live, make_error("hub_open_abandoned", "funding_signed never came: the channel is forgotten"));
}

void Hub::resume_funding(Out& out) {
    std::vector<ChannelId> abandoned;
    for (auto& [id, live] : channels_) {
        if (!live.state.we_are_funder) continue;
        if (live.state.phase == ChannelPhase::kAwaitingFundingSigned) {
            abandoned.push_back(id);
        } else if (!live.funding_seen) {
            broadcast_funding(out, id);  // again: the node may have dropped it
        }
    }
    for (const ChannelId& id : abandoned) give_up_funding(out, channels_.at(id));
}

}  // namespace datt::relay::hub
