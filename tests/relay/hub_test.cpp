// The hub in process: the real Relay (its writer, real SQLite), the real Hub, and clients
// that are core/channel machines talking to it in binary frames through the ServerHandler
// calls the network layer makes (RecordingOutbox instead of sockets). Each test checks
// balances exactly in msat on all three sides and the hub's stored state.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <atomic>
#include <functional>
#include <mutex>
#include <thread>

#include "bitcoin/script_templates.h"
#include "channel/channel_frame.h"
#include "channel/channel_state_codec.h"
#include "channel/hop_payload.h"
#include "channel/hub_attach.h"
#include "channel/hub_fees.h"
#include "crypto/sha256.h"
#include "engine_support.h"
#include "hub/hub.h"
#include "invoice/encode.h"
#include "receipt/receipt.h"
#include "receipt/receipt_request.h"
#include "receipt/verify_receipt.h"

namespace datt::relay::test {
namespace {

using bitcoin::Msats;
using bitcoin::Sats;
using channel::Channel;
using channel::ChannelId;
using channel::Message;

Hash256 filled(uint8_t fill) {
    Hash256 out{};
    out.fill(fill);
    return out;
}

const Hash256 kChain = filled(0x06);

Config hub_config(const std::string& database) {
    Config config = generous_config(database);
    config.hub = true;
    config.hub_minimum_depth = 0;  // no bridge here: channel_ready at once
    config.hub_base_fee_msat = 1000;
    config.hub_fee_ppm = 1000;
    config.hub_hold_seconds = 30;
    return config;
}

// The relay, its store and the hub; restartable on the same database file.
class Rig {
  public:
    explicit Rig(Config config) : config_(std::move(config)) { start(); }
    Rig() : Rig(hub_config("")) {}
    ~Rig() { stop(); }

    void start() {
        config_.database = dir_.file("hub.sqlite3");
        auto store = open_sqlite_store(config_.database);
        ASSERT_TRUE(store.ok()) << store.error().message;
        store_ = std::move(store).value();
        relay_ = std::make_unique<Relay>(config_, *store_);
        auto reader = store_->open_reader();
        ASSERT_TRUE(reader.ok());
        relay::hub::HubOptions options;
        options.chain_hash = kChain;
        options.now = [this] {
            ++clock_reads;
            return now.load();
        };
        auto hub = relay::hub::Hub::make(config_, options, **reader,
                                         [this](WriteHub write) { return write_hub(std::move(write)); },
                                         nullptr, outbox);
        ASSERT_TRUE(hub.ok()) << hub.error().message;
        hub_ = std::move(hub).value();
        relay_->attach_channels(hub_.get());
        ASSERT_TRUE(relay_->start(outbox).ok());
        hub_->start();
    }
    // The hub thread stops first (queued input is dropped, as a crash would), then the
    // writer commits what it holds.
    void stop() {
        if (!relay_) return;
        hub_->stop();
        relay_->shutdown();
        hub_.reset();
        relay_.reset();
        store_.reset();
    }
    void restart() {
        stop();
        start();
    }

    // While held, the hub's WriteHubs wait here instead of reaching the writer: nothing is
    // committed, so (the rule under test) none of their frames may be sent.
    void hold_commits() {
        std::lock_guard lock(held_mutex_);
        holding_ = true;
    }
    size_t held_commits() {
        std::lock_guard lock(held_mutex_);
        return held_.size();
    }
    // The held WriteHubs go to the writer in order, and later ones straight through.
    void release_commits() {
        std::vector<WriteHub> held;
        {
            std::lock_guard lock(held_mutex_);
            holding_ = false;
            held = std::exchange(held_, {});
        }
        for (WriteHub& write : held) EXPECT_TRUE(relay_->write_hub(std::move(write)));
    }

    ConnectionId connect() {
        const ConnectionId id = next_id_++;
        EXPECT_TRUE(relay_->on_open(id, "127.0.0.1"));
        return id;
    }
    void disconnect(ConnectionId id) { relay_->on_close(id); }
    void send(ConnectionId id, const Bytes& frame) { relay_->on_binary(id, std::string(frame.begin(), frame.end())); }

    relay::hub::Hub& hub() { return *hub_; }
    const Config& config() const { return config_; }
    // The hub's stored rows as bytes, read from SQLite.
    std::map<ChannelId, Bytes> stored_states() {
        auto reader = store_->open_reader();
        std::map<ChannelId, Bytes> out;
        auto rows = (*reader)->hub_channels();
        EXPECT_TRUE(rows.ok());
        if (!rows) return out;
        for (auto& row : *rows) {
            ChannelId id{};
            std::copy(row.channel_id.begin(), row.channel_id.end(), id.begin());
            out[id] = row.state;
        }
        return out;
    }

    // How many receipt requests SQLite holds (hub_receipt_requests).
    size_t stored_receipt_requests() {
        auto reader = store_->open_reader();
        auto rows = (*reader)->hub_receipt_requests();
        EXPECT_TRUE(rows.ok());
        return rows ? rows->size() : SIZE_MAX;
    }

    // Stored events of one kind, as REQ serves them (JSON).
    std::vector<std::string> stored_events(event::Kind kind) {
        auto reader = store_->open_reader();
        proto::Filter filter;
        filter.kinds = std::vector<event::Kind>{kind};
        auto rows = (*reader)->query(filter, 100);
        EXPECT_TRUE(rows.ok());
        return rows ? *rows : std::vector<std::string>{};
    }

    // Waits (10 s at most) until the hub has read the clock `count` more times: its tick
    // reads it on every pass, so two reads after a change of `now` mean a whole pass saw it.
    bool clock_read(uint64_t count) {
        const uint64_t target = clock_reads.load() + count;
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
        while (clock_reads.load() < target) {
            if (std::chrono::steady_clock::now() > deadline) return false;
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
        }
        return true;
    }

    RecordingOutbox outbox;
    std::atomic<int64_t> now{1'700'000'000};
    std::atomic<uint64_t> clock_reads{0};

  private:
    bool write_hub(WriteHub write) {
        {
            std::lock_guard lock(held_mutex_);
            if (holding_) {
                held_.push_back(std::move(write));
                return true;
            }
        }
        return relay_->write_hub(std::move(write));
    }

    std::mutex held_mutex_;
    bool holding_ = false;
    std::vector<WriteHub> held_;
    TempDir dir_;
    Config config_;
    std::unique_ptr<Store> store_;
    std::unique_ptr<Relay> relay_;
    std::unique_ptr<relay::hub::Hub> hub_;
    ConnectionId next_id_ = 1;
};

// A client: a channel machine (the funder) and the frames the hub sent it.
class Client {
  public:
    Client(Rig& rig, uint8_t seed) : rig_(rig), secrets_(channel::ChannelSecrets::from_seed(filled(seed)).value()), tag_(seed) {}

    ConnectionId conn() const { return conn_; }
    const Channel& channel() const { return *channel_; }
    ChannelId id() const { return channel_->channel_id; }
    std::vector<std::string> errors;  // "code: message" of warning/error frames
    std::optional<Hash256> preimage;  // as payee: released for its hash
    std::vector<channel::ChannelEvent> events;

    void connect() {
        conn_ = rig_.connect();
        read_ = 0;
    }

    void send(const Message& m) { rig_.send(conn_, channel::frame_bytes(m)); }

    bool take(const Result<channel::Step>& step) {
        if (!step) {
            ADD_FAILURE() << "client step: " << step.error().code << ": " << step.error().message;
            return false;
        }
        channel_ = step->channel;
        for (const Message& m : step->to_send) send(m);
        for (const auto& event : step->events) {
            events.push_back(event);
            if (const auto* received = std::get_if<channel::HtlcReceived>(&event)) {
                if (preimage && crypto::sha256(*preimage) == received->add.payment_hash) {
                    take(channel::fulfill_htlc(*channel_, received->add.id, *preimage));
                }
            }
        }
        if (!batching_ && channel::has_changes_to_sign(*channel_)) take(channel::sign_commitment(*channel_, secrets_));
        return true;
    }

    // One frame from the hub, if one arrives within `wait`: received by the machine.
    bool step(std::chrono::milliseconds wait) {
        auto frame = rig_.outbox.binary(conn_, read_, wait);
        if (!frame) return false;
        ++read_;
        auto parsed = channel::parse_frame(ByteSpan(reinterpret_cast<const uint8_t*>(frame->data()), frame->size()));
        EXPECT_TRUE(parsed.ok()) << parsed.error().code;
        if (!parsed) return true;
        if (const auto* error = std::get_if<channel::ErrorMessage>(&parsed->message())) {
            errors.emplace_back(error->data.begin(), error->data.end());
            return true;
        }
        if (const auto* challenge = std::get_if<channel::HubChallenge>(&parsed->message())) {
            challenge_ = challenge->challenge;
            return true;
        }
        take(channel::receive(*channel_, secrets_, parsed->message()));
        return true;
    }

    // open_channel .. channel_ready both ways; `push` msat go to the hub at open.
    void open(Sats funding, Msats push) {
        connect();
        const channel::OpenParams params{kChain, filled(static_cast<uint8_t>(tag_ + 1)), funding, push, 2'500,
                                         channel::ChannelConfig{Sats{546}, Msats{900'000'000'000}, Sats{10'000},
                                                                Msats{1}, 144, 30},
                                         bitcoin::p2wpkh_script(secrets_.funding_pubkey()),
                                         channel::ClosingFeeRange{Sats{500}, Sats{5'000}}};
        ASSERT_TRUE(take(channel::open_channel(secrets_, params)));
        ASSERT_TRUE(step(std::chrono::seconds(10))) << "no accept_channel";
        const channel::FundingNeeded* needed = nullptr;
        for (const auto& e : events) {
            if (const auto* f = std::get_if<channel::FundingNeeded>(&e)) needed = f;
        }
        ASSERT_NE(needed, nullptr) << (errors.empty() ? "" : errors.back());
        bitcoin::Transaction funding_tx;
        funding_tx.inputs.push_back(bitcoin::TxIn{{filled(tag_), 0}, {}, 0xfffffffd, {}});
        funding_tx.outputs.push_back(needed->output);
        ASSERT_TRUE(take(channel::funding_created(*channel_, secrets_, {bitcoin::txid(funding_tx), 0})));
        ASSERT_TRUE(step(std::chrono::seconds(10))) << "no funding_signed";
        ASSERT_TRUE(take(channel::send_channel_ready(*channel_, secrets_)));
        ASSERT_TRUE(step(std::chrono::seconds(10))) << "no channel_ready";
        ASSERT_TRUE(channel::can_update(*channel_)) << (errors.empty() ? "" : errors.back());
    }

    // The connection drops (the client side of it) and comes back: channel_reestablish.
    void reconnect(bool tell_relay = true) {
        if (tell_relay) rig_.disconnect(conn_);
        drop();
        come_back();
    }
    void drop() {
        channel::Step step = channel::peer_disconnected(*channel_);
        channel_ = step.channel;
        for (const auto& e : step.events) {
            if (const auto* d = std::get_if<channel::UpdatesDropped>(&e)) dropped_ = d->updates;
        }
    }
    // A new connection proves the channel (hub_attach.h), then reestablishes it.
    void come_back() {
        connect();
        challenge_.reset();
        send(channel::HubChallengeRequest{});
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
        while (!challenge_ && std::chrono::steady_clock::now() < deadline) step(std::chrono::milliseconds(50));
        ASSERT_TRUE(challenge_.has_value()) << "no hub_challenge";
        auto attach = channel::make_channel_attach(*channel_, secrets_, *challenge_);
        ASSERT_TRUE(attach.ok()) << attach.error().code;
        last_attach = *attach;
        send(*attach);
        take(channel::peer_connected(*channel_, secrets_));
    }
    std::optional<channel::ChannelAttach> last_attach;  // what come_back sent
    const std::optional<Hash256>& challenge() const { return challenge_; }
    // After the peer's channel_reestablish: our dropped updates again.
    void resend() {
        for (const auto& u : dropped_) {
            if (const auto* add = std::get_if<channel::UpdateAddHtlc>(&u)) {
                take(channel::add_htlc(*channel_, add->amount_msat, add->payment_hash, add->cltv_expiry,
                                       add->onion_routing_packet, 0));
            } else if (const auto* f = std::get_if<channel::UpdateFulfillHtlc>(&u)) {
                take(channel::fulfill_htlc(*channel_, f->id, f->payment_preimage));
            }
        }
        dropped_.clear();
    }

    // Pays `amount` to `payee`'s channel through the hub (fee on top, as advertised),
    // asking for a receipt when `receipt` is given (a 0xd3 hop).
    void pay(const ChannelId& payee, Msats amount, const Hash256& hash, uint32_t cltv,
             std::optional<channel::HopReceiptRequest> receipt = std::nullopt) {
        const auto with_fee = channel::amount_with_fee({Msats{rig_.config().hub_base_fee_msat}, rig_.config().hub_fee_ppm},
                                                       amount);
        ASSERT_TRUE(with_fee.ok());
        const auto onion = channel::serialize_hop_payload({false, payee, amount, cltv, std::move(receipt)});
        ASSERT_TRUE(take(channel::add_htlc(*channel_, *with_fee, hash, cltv + rig_.config().hub_cltv_delta, onion, 0)));
    }

    // `count` payments as pay() makes them, their adds sent together under one
    // commitment_signed (as a client tipping several posts at once).
    void pay_together(size_t count, const ChannelId& payee, Msats amount, const Hash256& hash, uint32_t cltv) {
        batching_ = true;
        for (size_t i = 0; i < count; ++i) pay(payee, amount, hash, cltv);
        batching_ = false;
        ASSERT_TRUE(take(channel::sign_commitment(*channel_, secrets_)));
    }

    Msats to_local() const { return channel::current_local_spec(*channel_)->to_local; }
    Msats to_remote() const { return channel::current_local_spec(*channel_)->to_remote; }
    size_t htlcs() const { return channel::current_local_spec(*channel_)->htlcs.size(); }
    bool quiet() const {
        return channel_->local_proposed.empty() && channel_->remote_proposed.empty() && !channel_->remote_next_commit &&
               channel_->local_signed.empty() && channel_->remote_signed.empty() && channel_->local_acked.empty() &&
               channel_->remote_acked.empty();
    }

  private:
    Rig& rig_;
    channel::ChannelSecrets secrets_;
    uint8_t tag_;
    std::optional<Channel> channel_;
    ConnectionId conn_ = 0;
    size_t read_ = 0;
    std::vector<channel::Update> dropped_;
    std::optional<Hash256> challenge_;  // this connection's hub_challenge
    bool batching_ = false;             // take() leaves the signing to the caller
};

// The types of the frames the hub sent to `conn`, from the `from`-th on, in order.
std::vector<channel::MessageType> sent_types(Rig& rig, ConnectionId conn, size_t from) {
    std::vector<channel::MessageType> out;
    for (size_t i = from; i < rig.outbox.binary_count(conn); ++i) {
        const auto frame = rig.outbox.binary(conn, i, std::chrono::milliseconds(0));
        auto parsed = channel::parse_frame(ByteSpan(reinterpret_cast<const uint8_t*>(frame->data()), frame->size()));
        EXPECT_TRUE(parsed.ok());
        if (parsed) out.push_back(channel::message_type(parsed->message()));
    }
    return out;
}

// Runs the clients' side until `done` holds (or 20 s pass).
bool pump(std::vector<Client*> clients, const std::function<bool()>& done) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (std::chrono::steady_clock::now() < deadline) {
        bool any = false;
        for (Client* c : clients) any |= c->step(std::chrono::milliseconds(any ? 0 : 5));
        if (!any && done()) return true;
    }
    return done();
}

struct Balances {
    Msats local, remote;
};
Balances hub_side(Rig& rig, const ChannelId& id) {
    auto state = rig.hub().channel(id);
    EXPECT_TRUE(state.has_value());
    if (!state) return {};
    const auto* spec = channel::current_local_spec(*state);
    EXPECT_TRUE(spec->htlcs.empty());
    return {spec->to_local, spec->to_remote};
}

const Hash256 kPreimage = filled(0x77);
constexpr Msats kAmount{50'000'000};         // 50,000 sat to the payee
constexpr Msats kWithFee{50'000'000 + 51'000};  // + 1,000 + 50,000,000 * 1000 / 1e6
constexpr uint32_t kCltv = 1'000;

// A pays B through the hub: balances everywhere, exact.
void expect_paid(Rig& rig, Client& a, Client& b) {
    EXPECT_EQ(a.to_local(), Msats{1'000'000'000 - kWithFee.value()});
    EXPECT_EQ(a.to_remote(), kWithFee);
    EXPECT_EQ(b.to_local(), Msats{500'000'000 + kAmount.value()});
    EXPECT_EQ(b.to_remote(), Msats{500'000'000 - kAmount.value()});
    const Balances hub_a = hub_side(rig, a.id());
    const Balances hub_b = hub_side(rig, b.id());
    EXPECT_EQ(hub_a.local, kWithFee);
    EXPECT_EQ(hub_a.remote, a.to_local());
    EXPECT_EQ(hub_b.local, Msats{500'000'000 - kAmount.value()});
    EXPECT_EQ(hub_b.remote, b.to_local());
    // The hub's gain is the advertised fee, to the msat.
    EXPECT_EQ(hub_a.local.value() + hub_b.local.value() - 500'000'000, 51'000u);
    EXPECT_EQ(rig.hub().pending_forwards(), 0u);
}

class HubTest : public ::testing::Test {
  protected:
    // A funds 1,000,000 sat; B funds 1,000,000 sat and pushes 500,000 sat to the hub, so
    // the hub can pay B (inbound liquidity bought at open).
    void open_both() {
        a.open(Sats{1'000'000}, Msats{0});
        b.open(Sats{1'000'000}, Msats{500'000'000});
        b.preimage = kPreimage;
    }
    bool settled() {
        return a.htlcs() == 0 && b.htlcs() == 0 && a.quiet() && b.quiet() && a.to_remote().value() > 0;
    }

    Rig rig;
    Client a{rig, 0x11};
    Client b{rig, 0x22};
};

TEST_F(HubTest, PaysThroughTheHubWithTheAdvertisedFee) {
    open_both();
    a.pay(b.id(), kAmount, crypto::sha256(kPreimage), kCltv);
    ASSERT_TRUE(pump({&a, &b}, [&] { return settled(); })) << a.errors.size() << " " << b.errors.size();
    EXPECT_TRUE(a.errors.empty()) << a.errors.front();
    EXPECT_TRUE(b.errors.empty()) << b.errors.front();
    bool fulfilled = false;
    for (const auto& e : a.events) {
        if (const auto* f = std::get_if<channel::HtlcFulfilled>(&e)) fulfilled = f->payment_preimage == kPreimage;
    }
    EXPECT_TRUE(fulfilled) << "A got B's preimage back";
    expect_paid(rig, a, b);

    // What SQLite holds is what the hub holds, and a restart loads it.
    const auto stored = rig.stored_states();
    ASSERT_EQ(stored.size(), 2u);
    for (const ChannelId& id : {a.id(), b.id()}) {
        EXPECT_EQ(stored.at(id), channel::serialize_channel_state(*rig.hub().channel(id)));
    }
    rig.restart();
    EXPECT_EQ(rig.hub().loaded_channels(), 2u);
    a.reconnect(false);
    b.reconnect(false);
    ASSERT_TRUE(pump({&a, &b}, [&] { return a.channel().link == channel::LinkState::kConnected &&
                                          b.channel().link == channel::LinkState::kConnected; }));
    expect_paid(rig, a, b);
    // And the channel goes on: a second payment.
    a.pay(b.id(), kAmount, crypto::sha256(kPreimage), kCltv);
    ASSERT_TRUE(pump({&a, &b}, [&] { return a.htlcs() == 0 && a.quiet() && b.quiet() &&
                                          a.to_remote() == Msats{2 * kWithFee.value()}; }));
    EXPECT_EQ(b.to_local(), Msats{500'000'000 + 2 * kAmount.value()});
}

// The durability rule, with the group commit: while the writer has not committed (the test
// holds the hub's WriteHubs), the hub goes on running inputs in memory but hands no frame to
// the network, and SQLite does not have the state those frames depend on; once committed,
// they go out in order and the payment completes.
TEST_F(HubTest, NoFrameLeavesBeforeItsStateIsCommitted) {
    open_both();
    const auto stored_before = rig.stored_states();
    const size_t frames_to_a = rig.outbox.binary_count(a.conn());
    const size_t frames_to_b = rig.outbox.binary_count(b.conn());
    rig.hold_commits();
    a.pay(b.id(), kAmount, crypto::sha256(kPreimage), kCltv);  // add + commitment_signed
    // The hub has taken both: it signed its own commitment for A (in memory only).
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    std::optional<Channel> hub_a;
    while (std::chrono::steady_clock::now() < deadline) {
        hub_a = rig.hub().channel(a.id());
        if (hub_a && hub_a->remote_next_commit && rig.held_commits() > 0) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    ASSERT_TRUE(hub_a && hub_a->remote_next_commit) << "the hub did not sign A's next commitment";
    ASSERT_GT(rig.held_commits(), 0u);
    // Its revoke_and_ack and commitment_signed exist, yet nothing was sent, and the disk
    // does not have the state they follow from (the hub's commitment for A, signed).
    EXPECT_EQ(rig.outbox.binary_count(a.conn()), frames_to_a);
    EXPECT_EQ(rig.outbox.binary_count(b.conn()), frames_to_b);
    const auto on_disk = channel::parse_channel_state(rig.stored_states().at(a.id()));
    ASSERT_TRUE(on_disk.ok()) << on_disk.error().code;
    EXPECT_FALSE(on_disk->remote_next_commit.has_value());
    rig.release_commits();
    // Committed: the frames follow, and what SQLite holds has moved on from before the
    // payment (A's HTLC is in it).
    ASSERT_TRUE(a.step(std::chrono::seconds(10))) << "no frame after the commit";
    const auto after = channel::parse_channel_state(rig.stored_states().at(a.id()));
    ASSERT_TRUE(after.ok()) << after.error().code;
    EXPECT_GT(after->remote_next_htlc_id, 0u);
    EXPECT_NE(rig.stored_states().at(a.id()), stored_before.at(a.id()));
    ASSERT_TRUE(pump({&a, &b}, [&] { return settled(); }));
    EXPECT_TRUE(a.errors.empty()) << a.errors.front();
    EXPECT_TRUE(b.errors.empty()) << b.errors.front();
    expect_paid(rig, a, b);
}

// Two payments to one payee made in one pass of the hub (A's revoke_and_ack commits both
// incoming HTLCs at once) are offered to B under one commitment_signed: add, add, then one
// signature, not a signature per add (the second would wait for B's revocation of the first).
TEST_F(HubTest, PaymentsOfOnePassShareOneCommitment) {
    open_both();
    const size_t frames_to_b = rig.outbox.binary_count(b.conn());
    a.pay_together(2, b.id(), kAmount, crypto::sha256(kPreimage), kCltv);
    ASSERT_TRUE(pump({&a, &b}, [&] { return a.htlcs() == 0 && b.htlcs() == 0 && a.quiet() && b.quiet() &&
                                          a.to_remote() == Msats{2 * kWithFee.value()}; }));
    EXPECT_TRUE(a.errors.empty()) << a.errors.front();
    EXPECT_TRUE(b.errors.empty()) << b.errors.front();
    EXPECT_EQ(b.to_local(), Msats{500'000'000 + 2 * kAmount.value()});
    EXPECT_EQ(hub_side(rig, b.id()).local, Msats{500'000'000 - 2 * kAmount.value()});
    EXPECT_EQ(rig.hub().pending_forwards(), 0u);

    using channel::MessageType;
    const auto to_b = sent_types(rig, b.conn(), frames_to_b);
    ASSERT_GE(to_b.size(), 3u);
    EXPECT_EQ(to_b[0], MessageType::kUpdateAddHtlc);
    EXPECT_EQ(to_b[1], MessageType::kUpdateAddHtlc);
    EXPECT_EQ(to_b[2], MessageType::kCommitmentSigned);
}

// Runs a statement on the database file directly (the relay stopped), bypassing the store.
void exec_sql(const std::string& path, const std::string& sql) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
    char* message = nullptr;
    EXPECT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &message), SQLITE_OK) << (message ? message : "");
    sqlite3_free(message);
    sqlite3_close(db);
}

// B's post (key 0x0b), B's invoice for kAmount to it, and A's (key 0x0a) receipt request.
struct TipRequest {
    event::Event post;
    channel::HopReceiptRequest request;
};
TipRequest tip_request() {
    const auto author = *crypto::SecretKey::from_bytes(filled(0x0b));
    const auto payer = *crypto::SecretKey::from_bytes(filled(0x0a));
    const std::array<uint8_t, 32> aux{};
    auto post = event::Event::sign(event::Draft{1'700'000'000, 1111, {}, "worth a tip"}, author, aux);
    EXPECT_TRUE(post.ok());
    invoice::InvoiceFields fields;
    fields.currency = invoice::Currency::kRegtest;
    fields.amount = kAmount;
    fields.timestamp = 1'700'000'000;
    fields.payment_hash = crypto::sha256(kPreimage);
    fields.payment_secret = filled(0x0c);
    fields.description = receipt::tip_description(post->id());
    fields.features = *invoice::FeatureBits::from_bits({8, 14});
    auto invoice = invoice::encode_invoice(fields, author);
    EXPECT_TRUE(invoice.ok());
    return {*post,
            {post->id(), crypto::xonly_pubkey(payer).bytes(),
             receipt::sign_receipt_request(payer, fields.payment_hash, post->id(), kAmount, aux), *invoice}};
}

// The receipts the hub stored, parsed and verified against `post`.
std::vector<receipt::VerifiedReceipt> verified_receipts(Rig& rig, const event::Event& post) {
    std::vector<receipt::VerifiedReceipt> out;
    for (const std::string& json : rig.stored_events(receipt::kReceiptKind)) {
        auto event = event::Event::parse(json);
        EXPECT_TRUE(event.ok());
        if (!event) continue;
        auto parsed = receipt::Receipt::parse(*event);
        EXPECT_TRUE(parsed.ok()) << parsed.error().code;
        if (!parsed) continue;
        EXPECT_EQ(parsed->fields().preimage, kPreimage);
        auto verified = receipt::verify_receipt(*parsed, post);
        EXPECT_TRUE(verified.ok()) << verified.error().code;
        if (verified) out.push_back(*verified);
    }
    return out;
}

// A tip to B's post asking for a receipt: the hub checks the request when the HTLC arrives
// (a forged payer signature fails it at once), and stores its signed kind 4571 receipt with
// the preimage; the receipt verifies against the post and survives a restart.
TEST_F(HubTest, PublishesAReceiptThatVerifies) {
    open_both();
    const auto [post, request] = tip_request();
    const auto payer = *crypto::SecretKey::from_bytes(filled(0x0a));

    channel::HopReceiptRequest forged = request;
    forged.payer = crypto::xonly_pubkey(*crypto::SecretKey::from_bytes(filled(0x0d))).bytes();
    a.pay(b.id(), kAmount, crypto::sha256(kPreimage), kCltv, forged);
    ASSERT_TRUE(pump({&a, &b}, [&] { return a.quiet() && a.htlcs() == 0 && b.quiet(); }));
    bool refused = false;
    for (const auto& e : a.events) {
        if (const auto* f = std::get_if<channel::HtlcFailed>(&e)) {
            refused = std::string(f->reason.begin(), f->reason.end()).starts_with("receipt_payer_signature");
        }
    }
    EXPECT_TRUE(refused);
    EXPECT_TRUE(rig.stored_events(receipt::kReceiptKind).empty());

    a.pay(b.id(), kAmount, crypto::sha256(kPreimage), kCltv, request);
    ASSERT_TRUE(pump({&a, &b}, [&] { return settled(); }));
    expect_paid(rig, a, b);
    EXPECT_EQ(rig.stored_receipt_requests(), 0u) << "the request goes with its forward";
    const auto stored = rig.stored_events(receipt::kReceiptKind);
    ASSERT_EQ(stored.size(), 1u);
    auto event = event::Event::parse(stored[0]);
    ASSERT_TRUE(event.ok());
    auto parsed = receipt::Receipt::parse(*event);
    ASSERT_TRUE(parsed.ok()) << parsed.error().code;
    EXPECT_EQ(parsed->fields().preimage, kPreimage);
    auto verified = receipt::verify_receipt(*parsed, post);
    ASSERT_TRUE(verified.ok()) << verified.error().code;
    EXPECT_EQ(verified->payer, crypto::xonly_pubkey(payer).bytes());
    EXPECT_EQ(verified->payee, post.pubkey());
    EXPECT_EQ(verified->amount, kAmount);
    rig.restart();
    EXPECT_EQ(rig.stored_events(receipt::kReceiptKind), stored);
}

// The payer asks for a receipt while the payee is away: the hub holds the payment and
// stores the request with the forward; the relay restarts; the payee comes back and
// fulfils: the receipt is published from the stored request and verifies.
TEST_F(HubTest, PublishesTheReceiptWhenThePayeeFulfilsAfterARestart) {
    open_both();
    const auto [post, request] = tip_request();
    rig.disconnect(b.conn());
    b.drop();
    a.pay(b.id(), kAmount, crypto::sha256(kPreimage), kCltv, request);
    ASSERT_TRUE(pump({&a}, [&] { return a.quiet() && a.htlcs() == 1; }));
    EXPECT_EQ(rig.hub().pending_forwards(), 1u);
    rig.restart();
    EXPECT_EQ(rig.hub().pending_forwards(), 1u);
    EXPECT_EQ(rig.stored_receipt_requests(), 1u);
    EXPECT_TRUE(rig.stored_events(receipt::kReceiptKind).empty());
    a.reconnect(false);
    b.come_back();
    ASSERT_TRUE(pump({&a, &b}, [&] {
        if (a.channel().link == channel::LinkState::kConnected) a.resend();
        if (b.channel().link == channel::LinkState::kConnected) b.resend();
        return settled();
    }));
    expect_paid(rig, a, b);
    const auto receipts = verified_receipts(rig, post);
    ASSERT_EQ(receipts.size(), 1u);
    EXPECT_EQ(receipts[0].payer, request.payer);
    EXPECT_EQ(receipts[0].payee, post.pubkey());
    EXPECT_EQ(receipts[0].amount, kAmount);
    EXPECT_EQ(rig.stored_receipt_requests(), 0u);
}

// A stored request damaged on disk (the payer's signature zeroed, then the onion cut short)
// is refused when the hub loads it: the payment completes without a receipt, nothing aborts.
TEST(HubReceipts, ADamagedStoredReceiptRequestLosesTheReceiptNotThePayment) {
    for (const char* damage : {"CAST(substr(onion, 1, 109) || zeroblob(64) || substr(onion, 174) AS BLOB)",
                               "substr(onion, 1, 100)"}) {
        SCOPED_TRACE(damage);
        Rig rig;
        Client a{rig, 0x11};
        Client b{rig, 0x22};
        a.open(Sats{1'000'000}, Msats{0});
        b.open(Sats{1'000'000}, Msats{500'000'000});
        b.preimage = kPreimage;
        const auto [post, request] = tip_request();
        rig.disconnect(b.conn());
        b.drop();
        a.pay(b.id(), kAmount, crypto::sha256(kPreimage), kCltv, request);
        ASSERT_TRUE(pump({&a}, [&] { return a.quiet() && a.htlcs() == 1; }));
        EXPECT_EQ(rig.hub().pending_forwards(), 1u);
        rig.stop();
        exec_sql(rig.config().database, std::string("UPDATE hub_receipt_requests SET onion = ") + damage);
        rig.start();
        EXPECT_EQ(rig.hub().pending_forwards(), 1u);
        a.reconnect(false);
        b.come_back();
        ASSERT_TRUE(pump({&a, &b}, [&] {
            if (a.channel().link == channel::LinkState::kConnected) a.resend();
            if (b.channel().link == channel::LinkState::kConnected) b.resend();
            return a.htlcs() == 0 && b.htlcs() == 0 && a.quiet() && b.quiet() && a.to_remote().value() > 0;
        }));
        expect_paid(rig, a, b);
        EXPECT_TRUE(rig.stored_events(receipt::kReceiptKind).empty());
        EXPECT_EQ(rig.stored_receipt_requests(), 0u);
    }
}

TEST_F(HubTest, HoldsThePaymentWhileThePayeeIsOffline) {
    open_both();
    rig.disconnect(b.conn());
    b.drop();
    a.pay(b.id(), kAmount, crypto::sha256(kPreimage), kCltv);
    // A's HTLC is committed and held by the hub.
    ASSERT_TRUE(pump({&a}, [&] { return a.quiet() && a.htlcs() == 1; }));
    EXPECT_EQ(rig.hub().pending_forwards(), 1u);
    b.come_back();
    ASSERT_TRUE(pump({&a, &b}, [&] { return settled(); }));
    b.resend();
    expect_paid(rig, a, b);
}

TEST_F(HubTest, FailsBackWhenThePayeeNeverReturns) {
    open_both();
    rig.disconnect(b.conn());
    b.drop();
    a.pay(b.id(), kAmount, crypto::sha256(kPreimage), kCltv);
    // The 30 s hold counts from the hub's HtlcReceived (A's last revoke_and_ack, which A is
    // quiet after sending): the forward must be there before the clock moves.
    ASSERT_TRUE(pump({&a}, [&] { return a.quiet() && a.htlcs() == 1 && rig.hub().pending_forwards() == 1; }));
    rig.now += 29;  // inside the 30 s hold: still held
    ASSERT_TRUE(rig.clock_read(2));
    EXPECT_EQ(a.htlcs(), 1u);
    EXPECT_EQ(rig.hub().pending_forwards(), 1u);
    rig.now += 1;  // the deadline
    ASSERT_TRUE(pump({&a}, [&] { return a.quiet() && a.htlcs() == 0; }));
    bool failed = false;
    for (const auto& e : a.events) {
        if (const auto* f = std::get_if<channel::HtlcFailed>(&e)) {
            failed = std::string(f->reason.begin(), f->reason.end()).starts_with("hub_payee_failed");
        }
    }
    EXPECT_TRUE(failed);
    EXPECT_EQ(a.to_local(), Msats{1'000'000'000});  // every msat back
    EXPECT_EQ(hub_side(rig, a.id()).local, Msats{0});
    EXPECT_EQ(hub_side(rig, b.id()).local, Msats{500'000'000});
    EXPECT_EQ(rig.hub().pending_forwards(), 0u);
}

TEST_F(HubTest, RestartInTheMiddleOfAPaymentLosesNothing) {
    open_both();
    a.pay(b.id(), kAmount, crypto::sha256(kPreimage), kCltv);
    // Only A's side runs: the hub commits A's HTLC and offers it to B, who reads nothing.
    ASSERT_TRUE(pump({&a}, [&] { return a.quiet() && a.htlcs() == 1; }));
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    rig.restart();
    EXPECT_EQ(rig.hub().pending_forwards(), 1u);
    a.reconnect(false);
    b.reconnect(false);
    ASSERT_TRUE(pump({&a, &b}, [&] {
        if (a.channel().link == channel::LinkState::kConnected) a.resend();
        if (b.channel().link == channel::LinkState::kConnected) b.resend();
        return settled();
    }));
    expect_paid(rig, a, b);
}

TEST_F(HubTest, BadFramesGetClearErrorsAndLeaveStoredStateIntact) {
    open_both();
    a.pay(b.id(), kAmount, crypto::sha256(kPreimage), kCltv);
    ASSERT_TRUE(pump({&a, &b}, [&] { return settled(); }));
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    const auto before = rig.stored_states();

    const size_t errors = a.errors.size();
    rig.send(a.conn(), Bytes{1, 2, 3});
    Bytes version = channel::frame_bytes(channel::UpdateFulfillHtlc{a.id(), 0, kPreimage, {}});
    version[0] = 9;
    rig.send(a.conn(), version);
    Bytes mismatch = channel::frame_bytes(channel::UpdateFulfillHtlc{a.id(), 0, kPreimage, {}});
    mismatch[1] ^= 1;
    rig.send(a.conn(), mismatch);
    // Well formed, but the hub offered A no HTLC 7; and a channel that is not A's.
    a.send(channel::UpdateFulfillHtlc{a.id(), 7, kPreimage, {}});
    a.send(channel::UpdateFulfillHtlc{b.id(), 0, kPreimage, {}});
    ASSERT_TRUE(pump({&a}, [&] { return a.errors.size() >= errors + 5; }));
    const std::vector<std::string> codes = {"frame_truncated", "frame_bad_version", "frame_channel_id_mismatch",
                                            "channel_unknown_htlc", "hub_unknown_channel"};
    for (size_t i = 0; i < codes.size(); ++i) {
        EXPECT_TRUE(a.errors[errors + i].starts_with(codes[i] + ": ")) << a.errors[errors + i];
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    EXPECT_EQ(rig.stored_states(), before);
    expect_paid(rig, a, b);
}

// A connection that is not a client's: sends frames, reads the hub's answers.
class Stranger {
  public:
    explicit Stranger(Rig& rig) : rig_(rig), conn_(rig.connect()) {}
    ConnectionId conn() const { return conn_; }
    void send(const Message& m) { rig_.send(conn_, channel::frame_bytes(m)); }
    // The next frame from the hub (fails the test after 10 s).
    Message next() {
        auto frame = rig_.outbox.binary(conn_, read_++, std::chrono::seconds(10));
        EXPECT_TRUE(frame.has_value()) << "no frame from the hub";
        if (!frame) return channel::ErrorMessage{};
        auto parsed = channel::parse_frame(ByteSpan(reinterpret_cast<const uint8_t*>(frame->data()), frame->size()));
        EXPECT_TRUE(parsed.ok());
        return parsed ? parsed->message() : Message{channel::ErrorMessage{}};
    }
    // The code of the next frame, which must be a warning.
    std::string warning() {
        const Message m = next();
        const auto* error = std::get_if<channel::ErrorMessage>(&m);
        if (!error || !error->is_warning) return "(not a warning)";
        const std::string data(error->data.begin(), error->data.end());
        return data.substr(0, data.find(':'));
    }
    Hash256 challenge() {
        send(channel::HubChallengeRequest{});
        const Message m = next();
        const auto* challenge = std::get_if<channel::HubChallenge>(&m);
        EXPECT_NE(challenge, nullptr) << "no hub_challenge";
        return challenge ? challenge->challenge : Hash256{};
    }

  private:
    Rig& rig_;
    ConnectionId conn_;
    size_t read_ = 0;
};

// Who may attach a stored channel to a connection: only the owner of its funding key, with a
// signature over that connection's challenge (docs/protocol.md "Attaching a channel").
TEST_F(HubTest, OnlyTheFundingKeyAttachesAChannel) {
    open_both();
    // A goes away; a stranger knows A's channel_id and the channel's public state.
    rig.disconnect(a.conn());
    a.drop();
    Stranger s(rig);
    const channel::ChannelReestablish reestablish{a.id(), 1, 0, Hash256{}, a.channel().local_basepoints.payment, {}};
    s.send(reestablish);
    EXPECT_EQ(s.warning(), "hub_attach_required");
    // channel_attach needs the connection's challenge first.
    const auto wrong_secrets = channel::ChannelSecrets::from_seed(filled(0x55)).value();
    const auto unchallenged = channel::make_channel_attach(a.channel(), wrong_secrets, filled(0x01));
    ASSERT_TRUE(unchallenged.ok());
    s.send(*unchallenged);
    EXPECT_EQ(s.warning(), "hub_attach_no_challenge");
    // One challenge per connection: asked twice, the same; another connection, another one.
    const Hash256 challenge = s.challenge();
    EXPECT_EQ(s.challenge(), challenge);
    EXPECT_NE(challenge, Hash256{});
    Stranger other(rig);
    EXPECT_NE(other.challenge(), challenge);
    // Signed over the right challenge, but by a key that is not A's funding key.
    const auto forged = channel::make_channel_attach(a.channel(), wrong_secrets, challenge);
    ASSERT_TRUE(forged.ok());
    s.send(*forged);
    EXPECT_EQ(s.warning(), "hub_attach_bad_signature");
    s.send(reestablish);
    EXPECT_EQ(s.warning(), "hub_attach_required");
    // The hub's challenge message is the hub's: a client sending one gets a warning.
    s.send(channel::HubChallenge{{}, challenge, {}});
    EXPECT_EQ(s.warning(), "hub_unexpected_message");
    auto hub_state = rig.hub().channel(a.id());
    ASSERT_TRUE(hub_state.has_value());
    EXPECT_NE(hub_state->link, channel::LinkState::kConnected);

    // The channel stayed free: A comes back, attaches with its key, and pays.
    a.come_back();
    ASSERT_TRUE(pump({&a}, [&] { return a.channel().link == channel::LinkState::kConnected; }))
        << (a.errors.empty() ? "" : a.errors.back());
    EXPECT_TRUE(a.errors.empty()) << a.errors.front();
    ASSERT_TRUE(a.last_attach.has_value());

    // A's own signature, replayed on another connection (another challenge), is refused;
    // so is a copy of A's challenge signature with the challenge of the stranger's.
    s.send(*a.last_attach);
    EXPECT_EQ(s.warning(), "hub_attach_bad_signature");
    s.send(reestablish);
    EXPECT_EQ(s.warning(), "hub_attach_required");
    other.send(*a.last_attach);
    EXPECT_EQ(other.warning(), "hub_attach_bad_signature");

    a.pay(b.id(), kAmount, crypto::sha256(kPreimage), kCltv);
    ASSERT_TRUE(pump({&a, &b}, [&] { return settled(); }));
    EXPECT_TRUE(a.errors.empty()) << a.errors.front();
    expect_paid(rig, a, b);
}

// A page reloads before the hub sees its old WebSocket close: the new connection's
// channel_attach takes the channel from the old one (the latest proof wins), the payment the
// hub had offered on the old connection is offered again after reestablish, and the old
// connection drives the channel no more. A wrong signature moves nothing.
TEST_F(HubTest, ANewerConnectionTakesTheChannelFromAnOpenOne) {
    open_both();
    // A stranger with A's channel_id and its own key, while A is attached: nothing moves.
    Stranger s(rig);
    const auto wrong_secrets = channel::ChannelSecrets::from_seed(filled(0x55)).value();
    const auto forged = channel::make_channel_attach(a.channel(), wrong_secrets, s.challenge());
    ASSERT_TRUE(forged.ok());
    s.send(*forged);
    EXPECT_EQ(s.warning(), "hub_attach_bad_signature");
    s.send(channel::ChannelReestablish{a.id(), 1, 0, Hash256{}, a.channel().local_basepoints.payment, {}});
    EXPECT_EQ(s.warning(), "hub_attach_required");

    // The hub offers A's payment to B, who reads nothing: then B reloads, its old connection
    // still open as far as the relay knows.
    a.pay(b.id(), kAmount, crypto::sha256(kPreimage), kCltv);
    ASSERT_TRUE(pump({&a}, [&] { return a.quiet() && a.htlcs() == 1 && rig.outbox.binary_count(b.conn()) > 3; }));
    const ConnectionId old = b.conn();
    b.drop();
    b.come_back();
    ASSERT_TRUE(pump({&a, &b}, [&] {
        if (b.channel().link == channel::LinkState::kConnected) b.resend();
        return settled();
    })) << (b.errors.empty() ? "" : b.errors.back());
    EXPECT_TRUE(b.errors.empty()) << b.errors.front();
    expect_paid(rig, a, b);

    // The old connection's frames for the channel are refused, and change nothing.
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    const auto stored = rig.stored_states();
    const size_t seen = rig.outbox.binary_count(old);
    rig.send(old, channel::frame_bytes(channel::UpdateFulfillHtlc{b.id(), 0, kPreimage, {}}));
    rig.send(old, channel::frame_bytes(channel::ChannelReestablish{b.id(), 1, 0, Hash256{}, b.channel().local_basepoints.payment, {}}));
    for (size_t i = seen; i < seen + 2; ++i) {
        auto frame = rig.outbox.binary(old, i, std::chrono::seconds(10));
        ASSERT_TRUE(frame.has_value()) << "no answer on the old connection";
        auto parsed = channel::parse_frame(ByteSpan(reinterpret_cast<const uint8_t*>(frame->data()), frame->size()));
        ASSERT_TRUE(parsed.ok());
        const auto* warning = std::get_if<channel::ErrorMessage>(&parsed->message());
        ASSERT_NE(warning, nullptr);
        EXPECT_TRUE(warning->is_warning);
        EXPECT_TRUE(std::string(warning->data.begin(), warning->data.end()).starts_with("hub_channel_moved: "));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    EXPECT_EQ(rig.stored_states(), stored);
    // Its close, when the relay sees it at last, leaves B's channel attached where it is.
    rig.disconnect(old);
    EXPECT_EQ(rig.hub().channel(b.id())->link, channel::LinkState::kConnected);
}

TEST(HubLimits, ChannelsPerConnection) {
    Config config = hub_config("");
    config.hub_max_channels = 1;
    Rig rig(config);
    Client a(rig, 0x11);
    a.open(Sats{1'000'000}, Msats{0});
    // A second open_channel on the same connection is refused, nothing is stored for it.
    const auto secrets = channel::ChannelSecrets::from_seed(filled(0x33)).value();
    auto second = channel::open_channel(
        secrets, {kChain, filled(0x34), Sats{1'000'000}, Msats{0}, 2'500,
                  channel::ChannelConfig{Sats{546}, Msats{900'000'000}, Sats{10'000}, Msats{1}, 144, 30},
                  bitcoin::p2wpkh_script(secrets.funding_pubkey()), {Sats{500}, Sats{5'000}}});
    ASSERT_TRUE(second.ok());
    a.send(second->to_send.front());
    ASSERT_TRUE(pump({&a}, [&] { return !a.errors.empty(); }));
    EXPECT_TRUE(a.errors.back().starts_with("hub_too_many_channels: ")) << a.errors.back();
    EXPECT_EQ(rig.stored_states().size(), 1u);
}

}  // namespace
}  // namespace datt::relay::test
