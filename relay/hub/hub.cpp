#include "hub/hub.h"

#include <algorithm>
#include <chrono>
#include <future>
#include <utility>

#include "bitcoin/script_templates.h"
#include "channel/channel_frame.h"
#include "channel/channel_state_codec.h"
#include "channel/funding_check.h"
#include "channel/hub_attach.h"
#include "crypto/sha256.h"
#include "engine/log.h"
#include "hub/random_seed.h"
#include "util/hex.h"

namespace datt::relay::hub {

using channel::Channel;
using channel::ChannelId;
using channel::Message;

namespace {

constexpr size_t kMaxQueuedTasks = 100'000;
constexpr auto kTick = std::chrono::milliseconds(100);

Hash256 tagged(const Hash256& seed, std::string_view tag) {
    Bytes data(seed.begin(), seed.end());
    data.insert(data.end(), tag.begin(), tag.end());
    return crypto::sha256(data);
}


template <size_t N>
std::optional<ByteArray<N>> array_of(const Bytes& bytes) {
    if (bytes.size() != N) return std::nullopt;
    ByteArray<N> out;
    std::copy(bytes.begin(), bytes.end(), out.begin());
    return out;
}

Bytes reason_of(const Error& error) {
    const std::string text = error.code + ": " + error.message;
    return Bytes(text.begin(), text.end());
}

}  // namespace

Bytes shutdown_script_of(const Hash256& seed) {
    const auto key = crypto::SecretKey::from_bytes(tagged(seed, "datt hub shutdown"));
    // A zero or out-of-range hash has chance 2^-128: fall back to the funding key's script.
    if (!key) return bitcoin::p2wpkh_script(channel::ChannelSecrets::from_seed(seed)->funding_pubkey());
    return bitcoin::p2wpkh_script(crypto::pubkey(*key));
}

channel::AcceptPolicy accept_policy(const Config& config, const Hash256& chain_hash,
                                    const Bytes& shutdown_script) {
    channel::AcceptPolicy policy;
    policy.chain_hash = chain_hash;
    // What the client may do on the hub's side: HTLCs from 1 msat, at most 30 at once, a
    // reserve of 1,000 sat (the hub keeps a margin above the client's dust limit).
    policy.config = channel::ChannelConfig{bitcoin::Sats{546}, bitcoin::Msats{UINT64_MAX / 2},
                                           bitcoin::Sats{1'000}, bitcoin::Msats{1}, 144,
                                           static_cast<uint16_t>(std::min<size_t>(config.hub_max_pending_htlcs, 483))};
    policy.minimum_depth = config.hub_minimum_depth;
    policy.min_funding = bitcoin::Sats{config.hub_min_funding_sats};
    policy.max_funding = bitcoin::Sats{config.hub_max_funding_sats};
    policy.min_feerate_per_kw = channel::kFloorFeeratePerKw;
    policy.max_feerate_per_kw = 100'000;
    policy.max_to_self_delay = 2016;
    policy.shutdown_script = shutdown_script;
    policy.closing_fees = channel::ClosingFeeRange{bitcoin::Sats{200}, bitcoin::Sats{20'000}};
    return policy;
}

Result<std::unique_ptr<Hub>> Hub::make(const Config& config, HubOptions options, StoreReader& reader,
                                       WriteSink writes, BitcoinService* chain, Outbox& outbox) {
    if (auto ok = channel::check_hub_fees({bitcoin::Msats{config.hub_base_fee_msat}, config.hub_fee_ppm}); !ok) {
        return make_error("config", ok.error().message);
    }
    if (config.hub_minimum_depth > 0 && !chain) {
        return make_error("config", "the hub needs the Bitcoin bridge to count confirmations");
    }
    if (!options.now) {
        options.now = [] {
            return std::chrono::duration_cast<std::chrono::seconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                .count();
        };
    }
    std::unique_ptr<Hub> hub(new Hub(config, std::move(options), std::move(writes), chain, outbox));

    auto rows = reader.hub_channels();
    if (!rows) return rows.error();
    for (const StoreReader::StoredChannel& row : *rows) {
        const std::string name = "hub channel " + to_hex(row.channel_id);
        const auto id = array_of<32>(row.channel_id);
        const auto seed = array_of<32>(row.seed);
        if (!id || !seed) {
            log::error(name + ": id or seed is not 32 bytes; left out");
            continue;
        }
        auto state = channel::parse_channel_state(row.state);
        if (!state) {
            log::error(name + ": " + state.error().code + ": " + state.error().message + "; left out");
            continue;
        }
        auto secrets = channel::ChannelSecrets::from_seed(*seed);
        if (!secrets || state->channel_id != *id ||
            !(secrets->funding_pubkey() == state->local_funding_pubkey)) {
            log::error(name + ": the state does not belong to this row; left out");
            continue;
        }
        // The connection is gone: our unsigned updates come back to be sent again.
        channel::Step step = channel::peer_disconnected(*state);
        Live live{std::move(step.channel), std::move(*secrets), *seed, std::nullopt, true, false, false, false, std::nullopt, {}, {}, {}};
        for (const auto& event : step.events) {
            if (const auto* dropped = std::get_if<channel::UpdatesDropped>(&event)) live.dropped = dropped->updates;
        }
        hub->channels_.emplace(*id, std::move(live));
        ++hub->loaded_;
    }
    auto wallet = reader.hub_wallet();
    if (!wallet) return wallet.error();
    hub->stored_wallet_ = std::move(*wallet);
    auto funding_txs = reader.hub_funding_txs();
    if (!funding_txs) return funding_txs.error();
    for (const StoreReader::StoredFundingTx& row : *funding_txs) {
        const auto id = array_of<32>(row.channel_id);
        auto tx = bitcoin::parse_transaction(row.tx);
        if (!id || !tx) {
            log::error("hub funding tx " + to_hex(row.channel_id) + ": does not parse; left out");
            continue;
        }
        hub->funding_txs_.emplace(*id, std::move(*tx));
    }
    auto forwards = reader.hub_forwards();
    if (!forwards) return forwards.error();
    for (const StoreReader::StoredForward& row : *forwards) {
        const auto in = array_of<32>(row.in_channel);
        const auto out = array_of<32>(row.out_channel);
        const auto hash = array_of<32>(row.payment_hash);
        std::optional<Hash256> preimage;
        if (row.preimage) preimage = array_of<32>(*row.preimage);
        if (!in || !out || !hash || (row.preimage && !preimage) || row.out_amount_msat <= 0 ||
            row.in_cltv < 0 || row.in_cltv > UINT32_MAX || row.out_cltv < 0 || row.out_cltv > UINT32_MAX ||
            (row.out_htlc && *row.out_htlc < 0)) {
            log::error("hub forward of " + to_hex(row.in_channel) + " is malformed; left out");
            continue;
        }
        HubForward f;
        f.in_channel = *in;
        f.in_htlc = row.in_htlc;
        f.payment_hash = *hash;
        f.in_cltv = static_cast<uint32_t>(row.in_cltv);
        f.out_channel = *out;
        f.out_amount_msat = static_cast<uint64_t>(row.out_amount_msat);
        f.out_cltv = static_cast<uint32_t>(row.out_cltv);
        f.deadline = row.deadline;
        if (row.out_htlc) f.out_htlc = static_cast<uint64_t>(*row.out_htlc);
        f.preimage = preimage;
        f.failed = row.failed != 0;
        hub->forwards_[{f.in_channel, f.in_htlc}] = f;
    }
    auto requests = reader.hub_receipt_requests();
    if (!requests) return requests.error();
    for (const StoreReader::StoredReceiptRequest& row : *requests) {
        const std::string name = "hub receipt request of " + to_hex(row.in_channel) + "/" + std::to_string(row.in_htlc);
        const auto in = array_of<32>(row.in_channel);
        auto found = in ? hub->forwards_.find({*in, row.in_htlc}) : hub->forwards_.end();
        if (found == hub->forwards_.end()) {
            log::error(name + ": no stored forward; left out");
            continue;
        }
        const HubForward& forward = found->second;
        if (forward.preimage || forward.failed) continue;  // published with the preimage, or none
        // Checked again: the stored bytes are untrusted. The payment goes on without a receipt.
        auto fields = stored_receipt_fields(row.onion, forward.payment_hash, bitcoin::Msats{forward.out_amount_msat});
        if (!fields) {
            log::error(name + ": " + fields.error().code + ": " + fields.error().message +
                       "; the payment goes on without a receipt");
            continue;
        }
        hub->receipts_[found->first] = std::move(*fields);
    }
    for (auto& [id, live] : hub->channels_) hub->unoffer_dropped(live);
    auto records = reader.hub_onchain();
    if (!records) return records.error();
    for (const StoreReader::StoredOnchain& row : *records) {
        const auto id = array_of<32>(row.channel_id);
        auto record = parse_onchain_record(row.record);
        if (!id || !record) {
            log::error("hub on-chain record of " + to_hex(row.channel_id) + " is malformed; left out");
            continue;
        }
        hub->onchain_[*id] = std::move(*record);
    }
    auto revoked = reader.hub_revoked();
    if (!revoked) return revoked.error();
    for (const StoreReader::StoredRevoked& row : *revoked) {
        const auto id = array_of<32>(row.channel_id);
        auto parsed = parse_revoked_commitment(row.revoked);
        if (!id || !parsed) {
            log::error("hub revoked commitment of " + to_hex(row.channel_id) + " is malformed; left out");
            continue;
        }
        hub->revoked_[*id].push_back(std::move(*parsed));
    }
    auto force_closes = reader.hub_force_closes();
    if (!force_closes) return force_closes.error();
    for (const StoreReader::StoredForceClose& row : *force_closes) hub->load_force_close(row);
    return hub;
}

Hub::Hub(const Config& config, HubOptions options, WriteSink writes, BitcoinService* chain, Outbox& outbox)
    : config_(config),
      policy_{{bitcoin::Msats{config.hub_base_fee_msat}, config.hub_fee_ppm},
              config.hub_cltv_delta,
              config.hub_hold_margin_blocks,
              config.hub_hold_seconds},
      deadlines_{config.hub_offered_grace_blocks, config.hub_fulfilled_margin_blocks},
      options_(std::move(options)),
      writes_(std::move(writes)),
      chain_(chain),
      outbox_(outbox) {}

Hub::~Hub() { stop(); }

void Hub::start() {
    watch_chain();
    watch_wallet();
    thread_ = std::thread([this] { run(); });
}

void Hub::stop() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
}

void Hub::post(std::function<void()> task) {
    {
        std::lock_guard lock(mutex_);
        if (stopping_ || tasks_.size() >= kMaxQueuedTasks) return;
        tasks_.push_back(std::move(task));
    }
    wake_.notify_one();
}

void Hub::on_frame(ConnectionId from, const std::string& remote_ip, std::string bytes) {
    bool full = false;
    {
        std::lock_guard lock(mutex_);
        full = tasks_.size() >= kMaxQueuedTasks;
    }
    if (full) {
        outbox_.close(from, CloseCode::kPolicyViolation, "hub busy");
        return;
    }
    post([this, from, client = client_of(remote_ip), bytes = std::move(bytes)] { frame(from, client, bytes); });
}

void Hub::connection_closed(ConnectionId id) {
    post([this, id] { closed(id); });
}

void Hub::run() {
    auto next_tick = std::chrono::steady_clock::now();
    for (;;) {
        std::deque<std::function<void()>> batch;
        {
            std::unique_lock lock(mutex_);
            wake_.wait_until(lock, next_tick, [&] { return stopping_ || !tasks_.empty(); });
            if (stopping_) return;
            batch.swap(tasks_);
        }
        for (auto& task : batch) {
            if (!failed_) task();
        }
        if (std::chrono::steady_clock::now() >= next_tick) {
            if (!failed_) tick();
            next_tick = std::chrono::steady_clock::now() + kTick;
        }
        // One commitment per channel and one commit for every input of this pass (group
        // commit): their frames go out after it.
        if (!failed_) {
            sign_pending();
            commit_group();
        }
    }
}

void Hub::flush(Out& out) {
    // Joins the group: committed with the other inputs of this pass of run() (commit_group).
    group_.dirty.insert(out.dirty.begin(), out.dirty.end());
    for (WriteCommand& command : out.commands) group_.commands.push_back(std::move(command));
    for (auto& frame : out.frames) group_.frames.push_back(std::move(frame));
    for (auto& action : out.after) group_.after.push_back(std::move(action));
    out = Out{};
}

void Hub::commit_group() {
    // Each channel the pass changed is stored once, as the pass left it.
    for (const ChannelId& id : group_.dirty) {
        auto found = channels_.find(id);
        if (found == channels_.end() || !found->second.stored) continue;
        group_.commands.push_back(
            PutChannelState{id, found->second.seed, channel::serialize_channel_state(found->second.state)});
    }
    if (group_.commands.empty() && group_.frames.empty() && group_.after.empty()) return;
    auto frames = std::make_shared<std::vector<std::pair<ConnectionId, Bytes>>>(std::move(group_.frames));
    auto after = std::make_shared<std::vector<std::function<void()>>>(std::move(group_.after));
    WriteHub write{std::move(group_.commands), [this, frames, after](bool committed) {
                       if (!committed) {
                           failed_ = true;
                           log::error("hub: a state commit failed; the hub stops taking input (restart the relay)");
                           return;
                       }
                       for (auto& [to, bytes] : *frames) {
                           outbox_.send_binary(to, std::make_shared<const std::string>(bytes.begin(), bytes.end()));
                       }
                       for (auto& action : *after) action();
                   }};
    group_ = Group{};
    if (!writes_(std::move(write))) {
        failed_ = true;
        log::error("hub: the writer refused a state commit; the hub stops taking input");
    }
}

void Hub::warn(Out& out, ConnectionId to, const ChannelId& id, const Error& error, bool fatal) {
    out.frames.emplace_back(to, channel::frame_bytes(channel::ErrorMessage{!fatal, id, reason_of(error), {}}));
}

void Hub::warn_moved(Out& out, ConnectionId to, const ChannelId& id) {
    warn(out, to, id,
         make_error("hub_channel_moved", "a newer connection attached this channel; this one no longer drives it"),
         false);
}

void Hub::detach_closed(Out& out, Live& live, const ChannelId& id, const std::string& why) {
    if (!live.conn) return;
    warn(out, *live.conn, id, make_error("hub_channel_closed_onchain", why), true);
    auto conn = conns_.find(*live.conn);
    if (conn != conns_.end()) conn->second.channels.erase(id);
    live.conn.reset();
    live.state = channel::peer_disconnected(live.state).channel;
    out.dirty.insert(id);
}

void Hub::frame(ConnectionId from, const std::string& client, const std::string& bytes) {
    auto [it, fresh] = conns_.try_emplace(from, config_.hub_messages_per_second);
    Conn& conn = it->second;
    if (fresh) conn.client = client;
    Out out;
    if (!conn.rate.take(static_cast<double>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                                std::chrono::steady_clock::now().time_since_epoch())
                                                .count()) /
                        1000.0)) {
        warn(out, from, {}, make_error("hub_rate_limited", "too many channel frames; closing"), false);
        flush(out);
        outbox_.close(from, CloseCode::kPolicyViolation, "too many channel frames");
        return;
    }
    const ByteSpan span(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
    auto parsed = channel::parse_frame(span);
    if (!parsed) {
        warn(out, from, {}, parsed.error(), false);
        return flush(out);
    }
    const ChannelId& id = parsed->channel_id();
    const Message& message = parsed->message();
    if (const auto* m = std::get_if<channel::OpenChannel>(&message)) {
        open(out, from, conn, *m);
    } else if (const auto* m = std::get_if<channel::FundingCreated>(&message)) {
        funding(out, from, conn, *m);
    } else if (const auto* m = std::get_if<channel::ChannelReestablish>(&message)) {
        reestablish(out, from, conn, *m);
    } else if (std::holds_alternative<channel::HubChallengeRequest>(message)) {
        challenge(out, from, conn);
    } else if (const auto* m = std::get_if<channel::ChannelAttach>(&message)) {
        attach(out, from, conn, *m);
    } else if (const auto* m = std::get_if<channel::HubOpenRequest>(&message)) {
        open_request(out, from, conn, *m);
    } else if (const auto* m = std::get_if<channel::AcceptChannel>(&message)) {
        accepted(out, from, conn, *m);
    } else if (std::holds_alternative<channel::HubChallenge>(message)) {
        warn(out, from, id, make_error("hub_unexpected_message", "hub_challenge is the hub's to send"), false);
    } else {
        auto found = channels_.find(id);
        if (conn.moved.count(id)) {
            warn_moved(out, from, id);
            return flush(out);
        }
        if (found == channels_.end() || found->second.conn != from) {
            warn(out, from, id, make_error("hub_unknown_channel",
                                           "no channel with this id on this connection (send channel_reestablish first)"),
                 false);
            return flush(out);
        }
        Live& live = found->second;
        if (std::holds_alternative<channel::UpdateAddHtlc>(message) &&
            pending_htlcs(conn) >= config_.hub_max_pending_htlcs) {
            warn(out, from, id, make_error("hub_too_many_htlcs", "too many HTLCs pending on this connection"), true);
            return flush(out);
        }
        if (apply(out, live, channel::receive(live.state, live.secrets, message))) {
            out.dirty.insert(id);
        }
    }
    flush(out);
}

void Hub::open(Out& out, ConnectionId from, Conn& conn, const channel::OpenChannel& open) {
    const ChannelId& temp = open.temporary_channel_id;
    if (conn.opening.size() + conn.channels.size() >= config_.hub_max_channels || conn.opening.count(temp)) {
        return warn(out, from, temp, make_error("hub_too_many_channels", "channel limit of this connection reached"),
                    true);
    }
    const auto seed = random_seed();
    if (!seed) return warn(out, from, temp, make_error("hub_random", "no random bytes"), true);
    auto secrets = channel::ChannelSecrets::from_seed(*seed);
    if (!secrets) return warn(out, from, temp, secrets.error(), true);
    // Checked first with the channel's own key: an open_channel refused takes no wallet address.
    auto step = channel::accept_channel(*secrets, accept_policy(config_, options_.chain_hash, shutdown_script_of(*seed)),
                                        open);
    if (!step) return warn(out, from, temp, step.error(), true);
    step = channel::accept_channel(*secrets, accept_policy(config_, options_.chain_hash, closing_script(out, *seed)), open);
    if (!step) return warn(out, from, temp, step.error(), true);
    Live live{std::move(step->channel), std::move(*secrets), *seed, from, false, false, false, false, std::nullopt, {}, {}, {}};
    for (const Message& m : step->to_send) out.frames.emplace_back(from, channel::frame_bytes(m));
    conn.opening.emplace(temp, std::move(live));
}

void Hub::funding(Out& out, ConnectionId from, Conn& conn, const channel::FundingCreated& created) {
    auto found = conn.opening.find(created.temporary_channel_id);
    if (found == conn.opening.end()) {
        return warn(out, from, created.temporary_channel_id,
                    make_error("hub_unknown_channel", "no channel being opened with this temporary id"), true);
    }
    Live& opening = found->second;
    auto step = channel::receive(opening.state, opening.secrets, channel::Message{created});
    if (!step) {
        warn(out, from, created.temporary_channel_id, step.error(), true);
        conn.opening.erase(found);
        return;
    }
    const ChannelId id = step->channel.channel_id;
    if (channels_.count(id)) {
        warn(out, from, created.temporary_channel_id,
             make_error("hub_duplicate_channel", "a channel with this funding outpoint exists"), true);
        conn.opening.erase(found);
        return;
    }
    Live live = std::move(opening);
    conn.opening.erase(found);
    live.stored = true;
    auto [it, inserted] = channels_.emplace(id, std::move(live));
    conn.channels.insert(id);
    conn.proven.insert(id);  // the funder on this connection: it signed the first commitment
    // funding_signed goes out only once the channel's row is committed (flush).
    apply(out, it->second, step);
    out.dirty.insert(id);
    watch_funding(it->second);
    maybe_ready(out, it->second);
}

// One challenge per connection, drawn once: asking again gets the same one.
void Hub::challenge(Out& out, ConnectionId from, Conn& conn) {
    if (!conn.challenge) {
        conn.challenge = random_seed();
        if (!conn.challenge) return warn(out, from, {}, make_error("hub_random", "no random bytes"), false);
    }
    out.frames.emplace_back(from, channel::frame_bytes(channel::HubChallenge{{}, *conn.challenge, {}}));
}

// Proves the connection owns a channel; nothing changes in the channel itself, so a wrong
// proof (a stranger, a signature from another connection) leaves it free for its owner.
void Hub::attach(Out& out, ConnectionId from, Conn& conn, const channel::ChannelAttach& msg) {
    auto found = channels_.find(msg.channel_id);
    if (found == channels_.end()) {
        return warn(out, from, msg.channel_id, make_error("hub_unknown_channel", "the hub has no such channel"), false);
    }
    if (!conn.challenge) {
        return warn(out, from, msg.channel_id,
                    make_error("hub_attach_no_challenge", "ask for this connection's challenge first"), false);
    }
    if (!conn.proven.count(msg.channel_id) && conn.proven.size() >= config_.hub_max_channels) {
        return warn(out, from, msg.channel_id,
                    make_error("hub_too_many_channels", "channel limit of this connection reached"), false);
    }
    if (auto ok = channel::verify_channel_attach(found->second.state, *conn.challenge, msg); !ok) {
        return warn(out, from, msg.channel_id, ok.error(), false);
    }
    take_channel(out, from, found->second);
    if (!channels_.count(msg.channel_id)) {
        return warn(out, from, msg.channel_id,
                    make_error("hub_unknown_channel", "the hub forgot this channel: funding_signed never came"),
                    false);
    }
    conn.proven.insert(msg.channel_id);
    conn.moved.erase(msg.channel_id);
}

void Hub::take_channel(Out& out, ConnectionId to, Live& live) {
    const ChannelId id = live.state.channel_id;
    for (auto& [conn_id, other] : conns_) {
        if (conn_id != to && other.proven.erase(id)) other.moved.insert(id);
    }
    if (!live.conn || *live.conn == to) return;
    log::info("hub channel " + to_hex(id) + ": attached by a newer connection; the old one loses it");
    disconnect(out, live);  // may forget the channel: `live` is then gone
}

void Hub::reestablish(Out& out, ConnectionId from, Conn& conn, const channel::ChannelReestablish& msg) {
    auto found = channels_.find(msg.channel_id);
    if (found == channels_.end()) {
        return warn(out, from, msg.channel_id, make_error("hub_unknown_channel", "the hub has no such channel"), false);
    }
    if (conn.moved.count(msg.channel_id)) return warn_moved(out, from, msg.channel_id);
    if (!conn.proven.count(msg.channel_id)) {
        return warn(out, from, msg.channel_id,
                    make_error("hub_attach_required", "send channel_attach for this channel first"), false);
    }
    Live& live = found->second;
    if (live.refused) {
        return warn(out, from, msg.channel_id,
                    make_error("hub_funding_mismatch", "the funding output does not pay this channel"), true);
    }
    if (closed_on_chain(msg.channel_id)) {
        return warn(out, from, msg.channel_id,
                    make_error("hub_channel_closed_onchain", "the channel's funding output was spent on chain"), true);
    }
    // A proof is held by one connection at a time (take_channel): a channel attached
    // elsewhere is not proven here.
    if (!live.conn) {
        if (conn.opening.size() + conn.channels.size() >= config_.hub_max_channels) {
            return warn(out, from, msg.channel_id,
                        make_error("hub_too_many_channels", "channel limit of this connection reached"), false);
        }
        if (live.state.link == channel::LinkState::kConnected) {
            // Attached to nobody but marked connected cannot happen (closed() disconnects).
            live.state = channel::peer_disconnected(live.state).channel;
        }
        auto ours = channel::peer_connected(live.state, live.secrets);
        if (!ours) return warn(out, from, msg.channel_id, ours.error(), true);
        live.conn = from;
        conn.channels.insert(msg.channel_id);
        apply(out, live, ours);
    }
    auto step = channel::receive(live.state, live.secrets, Message{msg});
    if (!apply(out, live, step)) {
        // Numbers or a secret that do not fit (a stranger, or lost state on either side):
        // the channel is detached again and stays as it is (item 4 closes it on chain).
        live.state = channel::peer_disconnected(live.state).channel;
        live.conn.reset();
        conn.channels.erase(msg.channel_id);
        out.dirty.insert(msg.channel_id);
        return;
    }
    out.dirty.insert(msg.channel_id);
    resume(out, live);
}

// After reestablish: our dropped updates again, channel_ready if due, then held payments.
void Hub::resume(Out& out, Live& live) {
    const ChannelId id = live.state.channel_id;
    std::vector<channel::Update> dropped;
    dropped.swap(live.dropped);
    for (const channel::Update& update : dropped) {
        if (const auto* add = std::get_if<channel::UpdateAddHtlc>(&update)) {
            apply(out, live, channel::add_htlc(live.state, add->amount_msat, add->payment_hash, add->cltv_expiry,
                                               add->onion_routing_packet, chain_ ? chain_->tip_height() : 0));
        } else if (const auto* fulfill = std::get_if<channel::UpdateFulfillHtlc>(&update)) {
            apply(out, live, channel::fulfill_htlc(live.state, fulfill->id, fulfill->payment_preimage));
        } else {
            const auto& fail = std::get<channel::UpdateFailHtlc>(update);
            apply(out, live, channel::fail_htlc(live.state, fail.id, fail.reason));
        }
    }
    maybe_ready(out, live);
    // By key: offer and settle may end forwards (erase them) as they go.
    std::vector<std::pair<ChannelId, uint64_t>> keys;
    for (const auto& [key, forward] : forwards_) {
        if (forward.out_channel == id || forward.in_channel == id) keys.push_back(key);
    }
    for (const auto& key : keys) {
        auto found = forwards_.find(key);
        if (found != forwards_.end() && found->second.out_channel == id) offer(out, found->second);
        found = forwards_.find(key);
        if (found != forwards_.end() && found->second.in_channel == id) settle(out, found->second);
    }
    out.dirty.insert(id);
}

void Hub::closed(ConnectionId id) {
    auto found = conns_.find(id);
    if (found == conns_.end()) return;
    Out out;
    for (const ChannelId& channel_id : std::set<ChannelId>(found->second.channels)) {
        auto live = channels_.find(channel_id);
        if (live != channels_.end()) disconnect(out, live->second);
    }
    conns_.erase(found);  // channels being opened are forgotten (BOLT-2)
    flush(out);
}

void Hub::disconnect(Out& out, Live& live) {
    const ChannelId id = live.state.channel_id;
    if (live.state.phase == channel::ChannelPhase::kAwaitingFundingSigned) {
        return give_up_funding(out, live);  // BOLT-2: forgotten before funding_signed
    }
    if (live.conn) {
        auto conn = conns_.find(*live.conn);
        if (conn != conns_.end()) conn->second.channels.erase(id);
    }
    channel::Step step = channel::peer_disconnected(live.state);
    live.state = std::move(step.channel);
    live.conn.reset();
    for (const auto& event : step.events) {
        if (const auto* dropped = std::get_if<channel::UpdatesDropped>(&event)) {
            live.dropped.insert(live.dropped.end(), dropped->updates.begin(), dropped->updates.end());
        }
    }
    for (HubForward* forward : unoffer_dropped(live)) out.commands.push_back(PutHubForward{*forward});
    out.dirty.insert(id);
}

bool Hub::apply(Out& out, Live& live, const Result<channel::Step>& step) {
    const ChannelId id = live.state.channel_id == ChannelId{} ? live.state.temporary_channel_id : live.state.channel_id;
    if (!step) {
        if (live.conn) warn(out, *live.conn, id, step.error(), true);
        return false;
    }
    live.state = step->channel;
    for (const Message& m : step->to_send) {
        if (live.conn) out.frames.emplace_back(*live.conn, channel::frame_bytes(m));
    }
    out.dirty.insert(live.state.channel_id);
    for (const auto& event : step->events) on_event(out, live, event);
    // Signed once at the end of the pass (sign_pending), with every update the pass made.
    if (live.conn && channel::has_changes_to_sign(live.state)) to_sign_.insert(live.state.channel_id);
    return true;
}

// One commitment_signed per channel per pass, for all the updates the pass made on it
// (BOLT-2 lets one commitment cover many updates); its frame follows theirs in the group.
void Hub::sign_pending() {
    Out out;
    for (const ChannelId& id : std::exchange(to_sign_, {})) {
        auto found = channels_.find(id);
        if (found == channels_.end()) continue;
        Live& live = found->second;
        if (live.conn && channel::has_changes_to_sign(live.state)) {
            apply(out, live, channel::sign_commitment(live.state, live.secrets));
        }
    }
    flush(out);
}

void Hub::on_event(Out& out, Live& live, const channel::ChannelEvent& event) {
    const ChannelId id = live.state.channel_id;
    if (const auto* received = std::get_if<channel::HtlcReceived>(&event)) {
        const uint32_t height = chain_ ? chain_->tip_height() : 0;
        auto plan = plan_forward(policy_, id, received->add, height);
        if (plan && !channels_.count(plan->out_channel)) {
            plan = make_error("hub_unknown_payee", "the hub has no channel with this id");
        }
        if (!plan) {
            apply(out, live, channel::fail_htlc(live.state, received->add.id, reason_of(plan.error())));
            return;
        }
        HubForward forward;
        forward.in_channel = id;
        forward.in_htlc = received->add.id;
        forward.payment_hash = received->add.payment_hash;
        forward.in_cltv = received->add.cltv_expiry;
        forward.out_channel = plan->out_channel;
        forward.out_amount_msat = plan->out_amount.value();
        forward.out_cltv = plan->out_cltv;
        forward.deadline = hold_deadline(policy_, options_.now());
        HubForward& stored = forwards_[{id, forward.in_htlc}] = forward;
        out.commands.push_back(PutHubForward{stored});
        if (plan->receipt) {
            receipts_[{id, forward.in_htlc}] = std::move(*plan->receipt);
            const auto& onion = received->add.onion_routing_packet;
            out.commands.push_back(PutHubReceiptRequest{id, forward.in_htlc, Bytes(onion.begin(), onion.end())});
        }
        offer(out, stored);
    } else if (const auto* fulfilled = std::get_if<channel::HtlcFulfilled>(&event)) {
        for (auto& [key, forward] : forwards_) {
            if (forward.out_channel == id && forward.out_htlc == fulfilled->id && !forward.preimage) {
                forward.preimage = fulfilled->payment_preimage;
                out.commands.push_back(PutHubForward{forward});
                publish_receipt(out, forward);
                settle(out, forward);
                break;
            }
        }
    } else if (const auto* failed = std::get_if<channel::HtlcFailed>(&event)) {
        for (auto& [key, forward] : forwards_) {
            if (forward.out_channel == id && forward.out_htlc == failed->id && !forward.preimage) {
                forward.failed = true;
                receipts_.erase({forward.in_channel, forward.in_htlc});
                out.commands.push_back(PutHubForward{forward});
                settle(out, forward);
                break;
            }
        }
    } else if (const auto* dropped = std::get_if<channel::UpdatesDropped>(&event)) {
        live.dropped.insert(live.dropped.end(), dropped->updates.begin(), dropped->updates.end());
    } else if (std::holds_alternative<channel::ChannelOperational>(event)) {
        std::vector<std::pair<ChannelId, uint64_t>> keys;
        for (const auto& [key, forward] : forwards_) {
            if (forward.out_channel == id) keys.push_back(key);
        }
        for (const auto& key : keys) {
            auto found = forwards_.find(key);
            if (found != forwards_.end()) offer(out, found->second);
        }
    } else if (const auto* closed = std::get_if<channel::ChannelClosed>(&event)) {
        broadcast_closing(out, closed->closing_tx);
    } else if (std::holds_alternative<channel::FundingMayBroadcast>(event)) {
        broadcast_funding(out, id);
    } else if (const auto* revoked = std::get_if<channel::RemoteCommitmentRevoked>(&event)) {
        // Kept when it held HTLCs (else the shachain has all the justice tx needs).
        if (!revoked->spec.htlcs.empty()) {
            revoked_[id].push_back(*revoked);
            out.commands.push_back(PutHubRevoked{id, revoked->number, serialize_revoked_commitment(*revoked)});
        }
    }
    // FundingNeeded is handled where the hub funds (accepted, hub_open.cpp).
}

// A payment offered to a payee whose connection dropped before the HTLC was committed: the
// add is gone (peer_disconnected rolled its id back), so the payment is held again (and may
// be failed back at its deadline) instead of being sent again blindly.
std::vector<HubForward*> Hub::unoffer_dropped(Live& live) {
    std::vector<HubForward*> changed;
    std::vector<channel::Update> keep;
    for (const channel::Update& update : live.dropped) {
        const auto* add = std::get_if<channel::UpdateAddHtlc>(&update);
        HubForward* match = nullptr;
        if (add) {
            for (auto& [key, forward] : forwards_) {
                if (forward.out_channel == live.state.channel_id && forward.out_htlc == add->id) match = &forward;
            }
        }
        if (match) {
            match->out_htlc.reset();
            changed.push_back(match);
        } else {
            keep.push_back(update);
        }
    }
    live.dropped = std::move(keep);
    return changed;
}

bool Hub::usable(const Live& live) const {
    return !live.refused && live.conn.has_value() && channel::can_update(live.state) &&
           !closed_on_chain(live.state.channel_id);
}

// Offers a held payment to its payee when the payee's channel can take it.
void Hub::offer(Out& out, HubForward& forward) {
    if (forward.out_htlc || forward.failed || forward.preimage) return;
    auto found = channels_.find(forward.out_channel);
    if (found == channels_.end()) {
        forward.failed = true;
        out.commands.push_back(PutHubForward{forward});
        return settle(out, forward);
    }
    Live& payee = found->second;
    if (!usable(payee)) return;  // held: the tick fails it back at its deadline
    ForwardPlan plan{forward.out_channel, bitcoin::Msats{forward.out_amount_msat}, forward.out_cltv, {}};
    auto step = channel::add_htlc(payee.state, plan.out_amount, forward.payment_hash, forward.out_cltv,
                                  payee_onion(plan), chain_ ? chain_->tip_height() : 0);
    if (!step) {
        log::info("hub: cannot offer a payment: " + step.error().code);
        forward.failed = true;
        out.commands.push_back(PutHubForward{forward});
        return settle(out, forward);
    }
    forward.out_htlc = step->channel.local_next_htlc_id - 1;
    out.commands.push_back(PutHubForward{forward});
    apply(out, payee, step);
}

// The payee released the preimage: the receipt the payer asked for commits with it (in the
// same batch as the forward's preimage).
void Hub::publish_receipt(Out& out, const HubForward& forward) {
    auto found = receipts_.find({forward.in_channel, forward.in_htlc});
    if (found == receipts_.end()) return;
    receipt::ReceiptFields fields = std::move(found->second);
    receipts_.erase(found);
    fields.preimage = *forward.preimage;
    out.commands.push_back(PutHubReceipt{receipt::receipt_template(fields, options_.now())});
}

// Settles an incoming HTLC whose outgoing one ended, when the payer's channel can take it.
void Hub::settle(Out& out, HubForward& forward) {
    if (!forward.preimage && !forward.failed) return;
    auto found = channels_.find(forward.in_channel);
    if (found == channels_.end() || !found->second.conn ||
        found->second.state.link != channel::LinkState::kConnected) {
        return;  // the payer is away: settled when it comes back (resume)
    }
    Live& payer = found->second;
    Result<channel::Step> step =
        forward.preimage
            ? channel::fulfill_htlc(payer.state, forward.in_htlc, *forward.preimage)
            : channel::fail_htlc(payer.state, forward.in_htlc,
                                 reason_of(make_error("hub_payee_failed", "the payee did not take the payment")));
    const std::pair<ChannelId, uint64_t> key{forward.in_channel, forward.in_htlc};
    if (!apply(out, payer, step)) return;
    // The settlement is in the payer's channel state now (sent again after a reconnect):
    // the forward is done.
    out.commands.push_back(DeleteHubForward{key.first, key.second});
    forwards_.erase(key);
    receipts_.erase(key);  // a failed forward publishes none
}

// channel_ready when due: at once with hub_minimum_depth 0 (no chain: the funding is
// trusted, for tests), else once the bridge showed the funding output checked and deep
// enough (funding_checked). Asked whether or not the client is attached, so a wrong or
// never-broadcast funding is found without it.
void Hub::maybe_ready(Out& out, Live& live) {
    if (live.state.phase != channel::ChannelPhase::kOpen || live.state.channel_ready_sent || live.refused) return;
    const bool attached = live.conn && live.state.link == channel::LinkState::kConnected;
    if (config_.hub_minimum_depth == 0) {
        if (attached) apply(out, live, channel::send_channel_ready(live.state, live.secrets));
        return;
    }
    const auto now = std::chrono::steady_clock::now();
    if (live.checking || !chain_ || now < live.next_check) return;
    live.checking = true;
    live.next_check = now + std::chrono::seconds(1);
    const ChannelId id = live.state.channel_id;
    chain_->unspent_output(live.state.funding_outpoint.txid, live.state.funding_outpoint.index,
                           [this, id](Result<std::optional<ChainOutput>> reply) {
                               post([this, id, reply = std::move(reply)] { funding_checked(id, reply); });
                           });
}

void Hub::funding_checked(const ChannelId& id, const Result<std::optional<ChainOutput>>& reply) {
    auto found = channels_.find(id);
    if (found == channels_.end()) return;
    Live& live = found->second;
    live.checking = false;
    if (!reply) {
        log::debug("hub channel " + to_hex(id) + ": funding check: " + reply.error().code);
        return;  // asked again next second
    }
    if (live.refused || live.state.channel_ready_sent) return;
    Out out;
    const uint32_t tip = chain_->tip_height();
    const std::optional<ChainOutput>& output = *reply;
    if (output) {
        live.funding_seen = true;
        if (auto ok = channel::check_funding_output(live.state, output->value, output->script_pubkey); !ok) {
            live.refused = true;
            log::warn("hub channel " + to_hex(id) + ": " + ok.error().message + "; the channel is refused");
            if (live.conn) warn(out, *live.conn, id, make_error("hub_funding_mismatch", ok.error().message), true);
            return flush(out);
        }
        note_funding_height(out, live, output->confirmations);
        if (output->confirmations >= config_.hub_minimum_depth) {
            if (live.conn && live.state.link == channel::LinkState::kConnected) {
                apply(out, live, channel::send_channel_ready(live.state, live.secrets));
            }
            return flush(out);
        }
    }
    // Unconfirmed or unseen: count the blocks (from a known tip: 0 is "not polled yet").
    if (tip == 0) return;
    if (!live.waiting_since) live.waiting_since = tip;
    if (!live.funding_seen && tip - *live.waiting_since >= config_.hub_funding_timeout_blocks) {
        forget(out, live,
               make_error("hub_funding_timeout", "the funding output was not seen in " +
                                                     std::to_string(config_.hub_funding_timeout_blocks) +
                                                     " blocks; the hub forgets the channel"));
    }
    flush(out);
}

// Drops a channel whose funding never appeared (nothing of it is on chain): its row goes.
void Hub::forget(Out& out, Live& live, const Error& why) {
    const ChannelId id = live.state.channel_id;
    log::warn("hub channel " + to_hex(id) + ": " + why.message);
    if (live.conn) {
        warn(out, *live.conn, id, why, true);
        auto conn = conns_.find(*live.conn);
        if (conn != conns_.end()) {
            conn->second.channels.erase(id);
            conn->second.proven.erase(id);
        }
    }
    out.commands.push_back(DeleteChannelState{id});
    out.dirty.erase(id);
    channels_.erase(id);  // `live` is gone from here on
}

void Hub::tick() {
    Out out;
    const int64_t now = options_.now();
    const uint32_t height = chain_ ? chain_->tip_height() : 0;
    std::vector<std::pair<ChannelId, uint64_t>> due;
    for (auto& [key, forward] : forwards_) {
        if (!forward.out_htlc && !forward.failed && !forward.preimage &&
            must_fail_back(policy_, forward.deadline, forward.in_cltv, now, height)) {
            due.push_back(key);
        }
    }
    for (const auto& key : due) {
        auto found = forwards_.find(key);
        if (found == forwards_.end()) continue;
        found->second.failed = true;
        out.commands.push_back(PutHubForward{found->second});
        settle(out, found->second);
    }
    for (auto& [id, live] : channels_) maybe_ready(out, live);
    chain_tick(out);
    wallet_tick(out);
    flush(out);
}

size_t Hub::pending_htlcs(const Conn& conn) const {
    size_t count = 0;
    for (const ChannelId& id : conn.channels) {
        auto found = channels_.find(id);
        if (found == channels_.end()) continue;
        const Channel& c = found->second.state;
        if (c.local_commit) count += c.local_commit->spec.htlcs.size();
        for (const auto& u : c.remote_proposed) count += std::holds_alternative<channel::UpdateAddHtlc>(u) ? 1 : 0;
    }
    return count;
}

std::optional<Channel> Hub::channel(const ChannelId& id) {
    auto promise = std::make_shared<std::promise<std::optional<Channel>>>();
    auto future = promise->get_future();
    post([this, id, promise] {
        auto found = channels_.find(id);
        promise->set_value(found == channels_.end() ? std::nullopt : std::optional<Channel>(found->second.state));
    });
    if (future.wait_for(std::chrono::seconds(10)) != std::future_status::ready) return std::nullopt;
    return future.get();
}

size_t Hub::pending_forwards() {
    auto promise = std::make_shared<std::promise<size_t>>();
    auto future = promise->get_future();
    post([this, promise] { promise->set_value(forwards_.size()); });
    if (future.wait_for(std::chrono::seconds(10)) != std::future_status::ready) return SIZE_MAX;
    return future.get();
}

}  // namespace datt::relay::hub
