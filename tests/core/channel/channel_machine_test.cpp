// The BOLT-2 state machine between two real machines (tests/support/channel_pair.h): every
// message goes through the wire codec and every state through the stored format. Covers
// the open, 1,000 random add/fulfill/fail rounds with balances checked in msat, refusal of
// out-of-order, duplicated and replayed messages, wrong signatures, preimages, ids and
// limits, reestablish after a drop at every message of a payment, the cooperative close
// and the justice transaction (both checked with the script interpreter).
#include <gtest/gtest.h>

#include <map>
#include <random>

#include "bitcoin/interpreter.h"
#include "bitcoin/script_flags.h"
#include "bitcoin/script_templates.h"
#include "channel/channel_commitments.h"
#include "channel/closing_tx.h"
#include "channel/onchain_sweeps.h"
#include "channel/per_commitment_secret.h"
#include "support/channel_pair.h"

namespace datt::channel {
namespace {

using bitcoin::Msats;
using bitcoin::Sats;
using testing::ChannelPair;
using testing::Node;
using testing::filled;

const ByteArray<kOnionPacketSize> kOnion{};
constexpr uint32_t kCltv = 700'000;

Hash256 preimage_of(uint64_t n) {
    Hash256 out{};
    for (int i = 0; i < 8; ++i) out[i] = static_cast<uint8_t>(n >> (8 * i));
    out[31] = 0xaa;
    return out;
}
Hash256 hash_of(const Hash256& preimage) { return crypto::sha256(preimage); }

Msats htlc_total(const BalanceSpec& spec) {
    Msats total{0};
    for (const auto& h : spec.htlcs) total = *total.checked_add(h.amount);
    return total;
}

// Sum invariant and agreement: both sides' current commitments mirror each other.
void expect_agree(const ChannelPair& pair, Msats funding_msat) {
    const Channel& a = *pair.a.channel;
    const Channel& b = *pair.b.channel;
    const BalanceSpec& sa = a.local_commit->spec;
    const BalanceSpec& sb = b.local_commit->spec;
    EXPECT_EQ(sa.to_local.value() + sa.to_remote.value() + htlc_total(sa).value(),
              funding_msat.value());
    EXPECT_EQ(sa.to_local, sb.to_remote);
    EXPECT_EQ(sa.to_remote, sb.to_local);
    EXPECT_EQ(sa.htlcs.size(), sb.htlcs.size());
    EXPECT_EQ(a.remote_commit->spec, sb);
    EXPECT_EQ(b.remote_commit->spec, sa);
}

template <class T>
size_t count_events(const Node& n) {
    size_t c = 0;
    for (const auto& e : n.events) c += std::holds_alternative<T>(e) ? 1 : 0;
    return c;
}

// The funded pair, and a payment A -> B of `amount` with preimage `n`.
struct PaymentFixture : ::testing::Test {
    ChannelPair pair;
    void SetUp() override { ASSERT_TRUE(pair.open()) << pair.last_error; }

    bool add(Node& from, std::deque<Bytes>& out, Msats amount, uint64_t n) {
        return pair.take(from, add_htlc(*from.channel, amount, hash_of(preimage_of(n)), kCltv,
                                        kOnion, 600'000),
                         out);
    }
};

TEST_F(PaymentFixture, OpenGivesBothTheFirstCommitmentAndChannelOperational) {
    const Channel& a = *pair.a.channel;
    const Channel& b = *pair.b.channel;
    EXPECT_EQ(a.phase, ChannelPhase::kOpen);
    EXPECT_EQ(b.phase, ChannelPhase::kOpen);
    EXPECT_EQ(a.channel_id, channel_id_of(pair.funding_outpoint));
    EXPECT_EQ(a.channel_id, b.channel_id);
    EXPECT_EQ(a.local_commit->spec.to_local, Msats{600'000'000});
    EXPECT_EQ(a.local_commit->spec.to_remote, Msats{400'000'000});
    expect_agree(pair, Msats{1'000'000'000});
    EXPECT_EQ(count_events<FundingMayBroadcast>(pair.a), 1u);
    EXPECT_EQ(count_events<ChannelOperational>(pair.a), 1u);
    EXPECT_EQ(count_events<ChannelOperational>(pair.b), 1u);
    EXPECT_TRUE(can_update(a));
    // The funding output A was asked for is the 2-of-2 of both funding keys.
    EXPECT_EQ(pair.funding_tx.outputs[0].script_pubkey,
              bitcoin::p2wsh_script_for(funding_script(a)));
    // B's signature makes A's first commitment spend the funding output.
    auto close = local_commitment_close(a, pair.a.secrets);
    ASSERT_TRUE(close) << close.error().code;
    EXPECT_EQ(bitcoin::verify_input(close->commitment_tx, 0, pair.funding_tx.outputs[0].script_pubkey,
                                    Sats{1'000'000}, bitcoin::kStandardScriptFlags, nullptr),
              bitcoin::ScriptError::kOk);
}

TEST_F(PaymentFixture, OneFulfilledPaymentMovesTheAmountExactly) {
    ASSERT_TRUE(add(pair.a, pair.to_b, Msats{12'345'678}, 1));
    ASSERT_TRUE(pair.flush()) << pair.last_error;
    ASSERT_EQ(count_events<HtlcReceived>(pair.b), 1u);
    EXPECT_EQ(pair.a.channel->local_commit->spec.htlcs.size(), 1u);
    ASSERT_TRUE(pair.take(pair.b, fulfill_htlc(*pair.b.channel, 0, preimage_of(1)), pair.to_a));
    ASSERT_TRUE(pair.flush()) << pair.last_error;
    EXPECT_EQ(count_events<HtlcFulfilled>(pair.a), 1u);
    EXPECT_EQ(pair.a.channel->local_commit->spec.to_local, Msats{600'000'000 - 12'345'678});
    EXPECT_EQ(pair.b.channel->local_commit->spec.to_local, Msats{400'000'000 + 12'345'678});
    EXPECT_TRUE(pair.a.channel->local_commit->spec.htlcs.empty());
    expect_agree(pair, Msats{1'000'000'000});
    // One commitment of each side per half of the payment: 0 -> 1 -> 2.
    EXPECT_EQ(pair.a.channel->local_commit->number, 2u);
    EXPECT_EQ(pair.b.channel->remote_commit->number, 2u);
}

TEST_F(PaymentFixture, ThousandRandomRoundsKeepExactBalances) {
    std::mt19937_64 rng(1234);
    int64_t a_balance = 600'000'000, b_balance = 400'000'000;  // msat outside HTLCs
    struct Pending {
        bool from_a;
        uint64_t id;
        int64_t amount;
        uint64_t n;
    };
    std::vector<Pending> pending;  // irrevocably committed HTLCs
    uint64_t next_n = 1;
    size_t refused_adds = 0, settled = 0;
    for (int round = 0; round < 1000; ++round) {
        const int ops = 1 + static_cast<int>(rng() % 3);
        for (int op = 0; op < ops; ++op) {
            // Adds while few HTLCs are pending, settles otherwise (each commitment then
            // carries up to about 15 HTLCs and signs every one).
            const uint64_t choice = rng() % 10;
            if ((choice < 5 && pending.size() < 12) || pending.empty()) {
                const bool from_a = rng() % 2 == 0;
                Node& node = from_a ? pair.a : pair.b;
                // Now and then an amount over a limit (in flight, balance, reserve).
                const int64_t amount =
                    2'000 + static_cast<int64_t>(rng() % (rng() % 10 == 0 ? 600'000'000 : 20'000'000));
                const uint64_t n = next_n++;
                const uint64_t id = node.channel->local_next_htlc_id;
                const Bytes before = serialize_channel_state(*node.channel);
                if (add(node, from_a ? pair.to_b : pair.to_a, Msats{static_cast<uint64_t>(amount)},
                        n)) {
                    (from_a ? a_balance : b_balance) -= amount;
                    pending.push_back({from_a, id, amount, n});
                } else {
                    ++refused_adds;  // a limit: the channel is unchanged
                    EXPECT_EQ(serialize_channel_state(*node.channel), before);
                }
            } else {
                // Settle a committed HTLC (only cross-signed ones may be settled: flush first).
                ASSERT_TRUE(pair.flush()) << pair.last_error;
                const size_t i = rng() % pending.size();
                const Pending p = pending[i];
                pending.erase(pending.begin() + static_cast<ptrdiff_t>(i));
                Node& payee = p.from_a ? pair.b : pair.a;
                auto& out = p.from_a ? pair.to_a : pair.to_b;
                if (rng() % 3 != 0) {
                    ASSERT_TRUE(pair.take(payee, fulfill_htlc(*payee.channel, p.id,
                                                              preimage_of(p.n)), out))
                        << pair.last_error;
                    (p.from_a ? b_balance : a_balance) += p.amount;
                } else {
                    ASSERT_TRUE(pair.take(payee, fail_htlc(*payee.channel, p.id, Bytes{1, 2}), out))
                        << pair.last_error;
                    (p.from_a ? a_balance : b_balance) += p.amount;
                }
                ++settled;
            }
            // Deliver a random part of what is in flight, interleaving the two directions.
            for (uint64_t k = rng() % 4; k > 0; --k) {
                if (!pair.to_b.empty() && rng() % 2 == 0) {
                    ASSERT_TRUE(pair.deliver_to_b()) << pair.last_error;
                } else if (!pair.to_a.empty()) {
                    ASSERT_TRUE(pair.deliver_to_a()) << pair.last_error;
                }
            }
        }
        ASSERT_TRUE(pair.flush()) << pair.last_error;
        const BalanceSpec& spec = pair.a.channel->local_commit->spec;
        ASSERT_EQ(spec.to_local.value(), static_cast<uint64_t>(a_balance)) << "round " << round;
        ASSERT_EQ(spec.to_remote.value(), static_cast<uint64_t>(b_balance)) << "round " << round;
        ASSERT_EQ(spec.htlcs.size(), pending.size());
        expect_agree(pair, Msats{1'000'000'000});
        // What the commitment pays out plus its fee and the trimmed HTLCs is the funding.
        auto close = local_commitment_close(*pair.a.channel, pair.a.secrets);
        ASSERT_TRUE(close);
        int64_t outputs = 0;
        for (const auto& o : close->commitment_tx.outputs) outputs += o.value.value();
        EXPECT_LE(outputs, 1'000'000);
        EXPECT_GE(outputs, 1'000'000 - 30'000);  // fee and sub-satoshi/trimmed remainders
    }
    EXPECT_GT(settled, 300u);
    EXPECT_GT(refused_adds, 10u);
}

// The messages of one payment A -> B, in delivery order, with their receiver.
struct Recorded {
    bool to_b;
    Bytes bytes;
};

std::vector<Recorded> record_payment(ChannelPair pair) {
    std::vector<Recorded> out;
    const auto run = [&](auto&& next_step) {
        for (int guard = 0; guard < 100; ++guard) {
            EXPECT_TRUE(pair.sign_pending());
            if (pair.to_a.empty() && pair.to_b.empty()) return;
            const bool b_first = !pair.to_b.empty();
            out.push_back({b_first, b_first ? pair.to_b.front() : pair.to_a.front()});
            EXPECT_TRUE(b_first ? pair.deliver_to_b() : pair.deliver_to_a()) << pair.last_error;
        }
        (void)next_step;
    };
    EXPECT_TRUE(pair.take(pair.a, add_htlc(*pair.a.channel, Msats{5'000'000}, hash_of(preimage_of(7)),
                                           kCltv, kOnion, 0),
                          pair.to_b));
    run(0);
    EXPECT_TRUE(pair.take(pair.b, fulfill_htlc(*pair.b.channel, 0, preimage_of(7)), pair.to_a));
    run(0);
    return out;
}

TEST_F(PaymentFixture, OutOfOrderDuplicatedAndReplayedMessagesAreRefused) {
    const std::vector<Recorded> messages = record_payment(pair);
    ASSERT_EQ(messages.size(), 10u);  // add, (cs, raa) x2, fulfill, (cs, raa) x2
    // Replay the payment step by step; before each step, every other message for the same
    // receiver (earlier ones: duplicates and replays; later ones: out of order) is refused.
    ChannelPair run = pair;
    for (size_t step = 0; step < messages.size(); ++step) {
        if (step == 0) {
            ASSERT_TRUE(run.take(run.a, add_htlc(*run.a.channel, Msats{5'000'000},
                                                 hash_of(preimage_of(7)), kCltv, kOnion, 0),
                                 run.to_b));
        }
        if (step == 5) {
            ASSERT_TRUE(run.take(run.b, fulfill_htlc(*run.b.channel, 0, preimage_of(7)), run.to_a));
        }
        Node& receiver = messages[step].to_b ? run.b : run.a;
        const Bytes before = serialize_channel_state(*receiver.channel);
        for (size_t other = 0; other < messages.size(); ++other) {
            if (other == step || messages[other].to_b != messages[step].to_b) continue;
            if (messages[other].bytes == messages[step].bytes) continue;
            const auto parsed = parse_message(messages[other].bytes);
            ASSERT_TRUE(parsed);
            const auto refused = receive(*receiver.channel, receiver.secrets, *parsed);
            EXPECT_FALSE(refused) << "step " << step << " message " << other;
            EXPECT_EQ(serialize_channel_state(*receiver.channel), before);
        }
        // The expected message itself is what is queued, and is accepted.
        ASSERT_TRUE(run.sign_pending());
        auto& queue = messages[step].to_b ? run.to_b : run.to_a;
        ASSERT_FALSE(queue.empty());
        ASSERT_EQ(queue.front(), messages[step].bytes) << "step " << step;
        ASSERT_TRUE(messages[step].to_b ? run.deliver_to_b() : run.deliver_to_a()) << run.last_error;
        // Delivering the same message a second time is refused.
        const auto again =
            receive(*receiver.channel, receiver.secrets, *parse_message(messages[step].bytes));
        EXPECT_FALSE(again) << "duplicate of step " << step;
    }
    expect_agree(run, Msats{1'000'000'000});
}

// A commitment_signed for B with one HTLC, not yet delivered.
struct CommitmentFixture : PaymentFixture {
    CommitmentSigned pending_commit() {
        EXPECT_TRUE(add(pair.a, pair.to_b, Msats{50'000'000}, 3));
        EXPECT_TRUE(pair.deliver_to_b());
        EXPECT_TRUE(pair.take(pair.a, sign_commitment(*pair.a.channel, pair.a.secrets), pair.to_b));
        return std::get<CommitmentSigned>(parse_message(pair.to_b.front()).value());
    }
    std::string refused_code(const Message& m) {
        auto r = receive(*pair.b.channel, pair.b.secrets, m);
        return r ? "accepted" : r.error().code;
    }
};

TEST_F(CommitmentFixture, WrongSignaturesAreRefused) {
    CommitmentSigned good = pending_commit();
    ASSERT_EQ(good.htlc_signatures.size(), 1u);
    CommitmentSigned bad = good;
    bad.signature = good.htlc_signatures[0];
    EXPECT_EQ(refused_code(bad), "channel_bad_signature");
    bad = good;
    bad.htlc_signatures[0] = good.signature;
    EXPECT_EQ(refused_code(bad), "channel_bad_htlc_signature");
    bad = good;
    bad.htlc_signatures.clear();
    EXPECT_EQ(refused_code(bad), "channel_wrong_htlc_signature_count");
    bad = good;
    bad.channel_id[0] ^= 1;
    EXPECT_EQ(refused_code(bad), "channel_wrong_channel_id");
    EXPECT_EQ(refused_code(good), "accepted");
}

TEST_F(CommitmentFixture, WrongRevocationSecretIsRefused) {
    (void)pending_commit();
    ASSERT_TRUE(pair.deliver_to_b());
    auto raa = std::get<RevokeAndAck>(parse_message(pair.to_a.front()).value());
    RevokeAndAck bad = raa;
    bad.per_commitment_secret[5] ^= 1;
    auto refused = receive(*pair.a.channel, pair.a.secrets, bad);
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().code, "channel_bad_revocation_secret");
    EXPECT_TRUE(receive(*pair.a.channel, pair.a.secrets, raa));
}

TEST_F(PaymentFixture, WrongPreimageIdsAndAmountsAreRefused) {
    ASSERT_TRUE(add(pair.a, pair.to_b, Msats{5'000'000}, 9));
    ASSERT_TRUE(pair.flush());
    const ChannelId id = pair.a.channel->channel_id;
    const auto code = [&](Node& n, const Message& m) {
        auto r = receive(*n.channel, n.secrets, m);
        return r ? std::string("accepted") : r.error().code;
    };
    // Fulfill with the wrong preimage, or for an HTLC that does not exist.
    EXPECT_EQ(code(pair.a, UpdateFulfillHtlc{id, 0, preimage_of(8), {}}), "channel_bad_preimage");
    EXPECT_EQ(code(pair.a, UpdateFulfillHtlc{id, 1, preimage_of(9), {}}), "channel_unknown_htlc");
    EXPECT_EQ(code(pair.a, UpdateFailHtlc{id, 5, {}, {}}), "channel_unknown_htlc");
    // The local commands refuse the same.
    EXPECT_EQ(fulfill_htlc(*pair.b.channel, 0, preimage_of(8)).error().code, "channel_bad_preimage");
    // A second fulfill of one HTLC.
    ASSERT_TRUE(pair.take(pair.b, fulfill_htlc(*pair.b.channel, 0, preimage_of(9)), pair.to_a));
    ASSERT_TRUE(pair.deliver_to_a());
    EXPECT_EQ(code(pair.a, UpdateFulfillHtlc{id, 0, preimage_of(9), {}}),
              "channel_htlc_already_settled");
    EXPECT_EQ(fail_htlc(*pair.b.channel, 0, {}).error().code, "channel_htlc_already_settled");
    ASSERT_TRUE(pair.flush());

    // Adds with a wrong id, under the minimum, over the limits.
    const auto add_msg = [&](uint64_t htlc_id, uint64_t msat, uint32_t cltv = kCltv) {
        return UpdateAddHtlc{id, htlc_id, Msats{msat}, hash_of(preimage_of(1)), cltv, kOnion, {}};
    };
    const uint64_t next = pair.a.channel->local_next_htlc_id;
    EXPECT_EQ(code(pair.b, add_msg(next + 1, 5'000'000)), "channel_wrong_htlc_id");
    EXPECT_EQ(code(pair.b, add_msg(next - 1, 5'000'000)), "channel_wrong_htlc_id");
    EXPECT_EQ(code(pair.b, add_msg(next, 1'000)), "channel_htlc_below_minimum");  // B's min 2,000
    EXPECT_EQ(code(pair.b, add_msg(next, 0)), "channel_htlc_below_minimum");
    EXPECT_EQ(code(pair.b, add_msg(next, 5'000'000, 500'000'000)), "channel_bad_cltv_expiry");
    EXPECT_EQ(code(pair.b, add_msg(next, 450'000'001)), "channel_htlc_in_flight_too_high");
    // B (not the funder) has 405,000 sat; its reserve is 10,000 sat: 395,000,001 msat is over.
    const uint64_t b_balance = pair.b.channel->local_commit->spec.to_local.value();
    EXPECT_EQ(code(pair.a, UpdateAddHtlc{id, pair.b.channel->local_next_htlc_id,
                                         Msats{b_balance - 10'000'000 + 1}, hash_of(preimage_of(1)),
                                         kCltv, kOnion, {}}),
              "channel_insufficient_funds");
    EXPECT_EQ(code(pair.a, UpdateAddHtlc{id, pair.b.channel->local_next_htlc_id,
                                         Msats{b_balance - 10'000'000}, hash_of(preimage_of(1)),
                                         kCltv, kOnion, {}}),
              "accepted");
    // The sender's own checks agree.
    EXPECT_EQ(add_htlc(*pair.a.channel, Msats{450'000'001}, {}, kCltv, kOnion, 0).error().code,
              "channel_htlc_in_flight_too_high");
    EXPECT_EQ(add_htlc(*pair.a.channel, Msats{5'000}, {}, 100, kOnion, 100).error().code,
              "channel_bad_cltv_expiry");
}

TEST_F(PaymentFixture, MaxAcceptedHtlcsIsEnforcedOnBothSides) {
    // B accepts at most 25 HTLCs from A.
    for (uint64_t i = 0; i < 25; ++i) ASSERT_TRUE(add(pair.a, pair.to_b, Msats{100'000}, 100 + i));
    EXPECT_EQ(add_htlc(*pair.a.channel, Msats{100'000}, {}, kCltv, kOnion, 0).error().code,
              "channel_too_many_htlcs");
    ASSERT_TRUE(pair.flush()) << pair.last_error;
    const UpdateAddHtlc extra{pair.a.channel->channel_id, 25, Msats{100'000}, {}, kCltv, kOnion, {}};
    auto refused = receive(*pair.b.channel, pair.b.secrets, extra);
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().code, "channel_too_many_htlcs");
    EXPECT_EQ(pair.b.channel->local_commit->spec.htlcs.size(), 25u);
}

// Drop the connection at every message of a payment: after the reestablish both sides agree
// and the payment completes, no HTLC lost or doubled.
TEST_F(PaymentFixture, ReestablishAfterADropAtEveryMessage) {
    const size_t messages = record_payment(pair).size();
    for (size_t drop = 0; drop < messages; ++drop) {
        ChannelPair run = pair;
        const size_t start = run.delivered;
        ASSERT_TRUE(run.take(run.a, add_htlc(*run.a.channel, Msats{5'000'000},
                                             hash_of(preimage_of(7)), kCltv, kOnion, 0),
                             run.to_b));
        ASSERT_TRUE(run.flush(start + drop)) << "drop " << drop << ": " << run.last_error;
        ASSERT_EQ(count_events<HtlcReceived>(run.b), 1u) << "drop " << drop;
        ASSERT_TRUE(run.take(run.b, fulfill_htlc(*run.b.channel, 0, preimage_of(7)), run.to_a));
        ASSERT_TRUE(run.flush(start + drop)) << "drop " << drop << ": " << run.last_error;
        EXPECT_EQ(run.a.channel->local_commit->spec.to_local, Msats{595'000'000}) << drop;
        EXPECT_EQ(run.b.channel->local_commit->spec.to_local, Msats{405'000'000}) << drop;
        EXPECT_TRUE(run.a.channel->local_commit->spec.htlcs.empty()) << drop;
        EXPECT_GE(count_events<HtlcFulfilled>(run.a), 1u) << drop;
        EXPECT_EQ(run.reconnects, 1u) << drop;
        expect_agree(run, Msats{1'000'000'000});
        // And the channel goes on: a second payment the other way.
        ASSERT_TRUE(add(run.b, run.to_a, Msats{1'000'000}, 8));
        ASSERT_TRUE(run.flush()) << run.last_error;
        EXPECT_EQ(run.a.channel->local_commit->spec.htlcs.size(), 1u);
    }
}

TEST_F(PaymentFixture, ReestablishDetectsLostState) {
    const ChannelPair before = pair;
    ASSERT_TRUE(add(pair.a, pair.to_b, Msats{5'000'000}, 1));
    ASSERT_TRUE(pair.flush());
    ASSERT_TRUE(pair.take(pair.b, fulfill_htlc(*pair.b.channel, 0, preimage_of(1)), pair.to_a));
    ASSERT_TRUE(pair.flush());
    // B comes back with an old state (restored from an old backup); A is current.
    ChannelPair stale = pair;
    stale.b = before.b;
    std::vector<Update> none;
    stale.disconnect(stale.a, none);
    stale.disconnect(stale.b, none);
    ASSERT_TRUE(stale.take(stale.a, peer_connected(*stale.a.channel, stale.a.secrets), stale.to_b));
    ASSERT_TRUE(stale.take(stale.b, peer_connected(*stale.b.channel, stale.b.secrets), stale.to_a));
    // B learns from A's proof that its own state is old: never broadcast it.
    auto b_side = receive(*stale.b.channel, stale.b.secrets, *parse_message(stale.to_b.front()));
    ASSERT_FALSE(b_side);
    EXPECT_EQ(b_side.error().code, "channel_we_are_behind");
    // A sees that B is behind.
    auto a_side = receive(*stale.a.channel, stale.a.secrets, *parse_message(stale.to_a.front()));
    ASSERT_FALSE(a_side);
    EXPECT_EQ(a_side.error().code, "channel_peer_behind");
    // A message other than channel_reestablish before it is refused.
    EXPECT_EQ(receive(*stale.a.channel, stale.a.secrets,
                      UpdateFailHtlc{stale.a.channel->channel_id, 0, {}, {}})
                  .error()
                  .code,
              "channel_not_connected");
}

TEST_F(PaymentFixture, CooperativeCloseGivesOneValidTransaction) {
    ASSERT_TRUE(add(pair.a, pair.to_b, Msats{7'000'500}, 1));
    ASSERT_TRUE(pair.flush());
    // Shutdown with an HTLC pending: closing waits until it is settled.
    ASSERT_TRUE(pair.take(pair.a, shutdown(*pair.a.channel, pair.a.secrets), pair.to_b));
    ASSERT_TRUE(pair.flush()) << pair.last_error;
    EXPECT_FALSE(pair.a.channel->closing_tx);
    EXPECT_EQ(add_htlc(*pair.a.channel, Msats{5'000}, {}, kCltv, kOnion, 0).error().code,
              "channel_shutting_down");
    ASSERT_TRUE(pair.take(pair.b, fulfill_htlc(*pair.b.channel, 0, preimage_of(1)), pair.to_a));
    ASSERT_TRUE(pair.flush()) << pair.last_error;
    ASSERT_EQ(pair.a.channel->phase, ChannelPhase::kClosed);
    ASSERT_EQ(pair.b.channel->phase, ChannelPhase::kClosed);
    const bitcoin::Transaction& tx = *pair.a.channel->closing_tx;
    EXPECT_EQ(tx, *pair.b.channel->closing_tx);
    // A proposed 1,750 (the middle of 500..3,000), inside B's 1,000..5,000: accepted.
    ASSERT_EQ(tx.outputs.size(), 2u);
    int64_t total = 0;
    for (const auto& o : tx.outputs) total += o.value.value();
    // Both balances end in half a satoshi, rounded down: one satoshi goes to the fee.
    EXPECT_EQ(total, 1'000'000 - 1 - 1'750);
    // B's output: 407,000.5 sat rounded down; A pays the fee from 592,999.5 sat.
    EXPECT_EQ(tx.outputs[0].value, Sats{407'000});
    EXPECT_EQ(tx.outputs[0].script_pubkey, testing::p2wpkh_of(0x32));
    EXPECT_EQ(tx.outputs[1].value, Sats{592'999 - 1'750});
    EXPECT_EQ(tx.inputs[0].prevout, pair.funding_outpoint);
    EXPECT_EQ(bitcoin::verify_input(tx, 0, pair.funding_tx.outputs[0].script_pubkey,
                                    Sats{1'000'000}, bitcoin::kStandardScriptFlags, nullptr),
              bitcoin::ScriptError::kOk);
    // A changed byte breaks it.
    bitcoin::Transaction forged = tx;
    forged.outputs[1].value = Sats{forged.outputs[1].value.value() + 1};
    EXPECT_NE(bitcoin::verify_input(forged, 0, pair.funding_tx.outputs[0].script_pubkey,
                                    Sats{1'000'000}, bitcoin::kStandardScriptFlags, nullptr),
              bitcoin::ScriptError::kOk);
    EXPECT_EQ(count_events<ChannelClosed>(pair.a), 1u);
    EXPECT_EQ(count_events<ChannelClosed>(pair.b), 1u);
}

TEST_F(PaymentFixture, CloseSurvivesADropAtEveryMessage) {
    for (size_t drop = 0; drop < 6; ++drop) {
        for (const bool negotiate : {false, true}) {
            ChannelPair run = pair;
            // With A's range under B's, B counters and A accepts: one more message.
            if (negotiate) run.a.channel->local_closing_fees = {Sats{200}, Sats{1'200}};
            const size_t start = run.delivered;
            ASSERT_TRUE(run.take(run.a, shutdown(*run.a.channel, run.a.secrets), run.to_b));
            ASSERT_TRUE(run.flush(start + drop)) << drop << ": " << run.last_error;
            ASSERT_EQ(run.a.channel->phase, ChannelPhase::kClosed) << drop;
            ASSERT_EQ(run.b.channel->phase, ChannelPhase::kClosed) << drop;
            if (drop < 4) {  // 4 or 5 messages
                EXPECT_EQ(run.reconnects, 1u) << drop;
            }
            EXPECT_EQ(*run.a.channel->closing_tx, *run.b.channel->closing_tx) << drop;
            EXPECT_EQ(bitcoin::verify_input(*run.a.channel->closing_tx, 0,
                                            run.funding_tx.outputs[0].script_pubkey,
                                            Sats{1'000'000}, bitcoin::kStandardScriptFlags,
                                            nullptr),
                      bitcoin::ScriptError::kOk);
        }
    }
}

TEST_F(PaymentFixture, ClosingFeeRangesThatDoNotOverlapFail) {
    pair.a.channel->local_closing_fees = ClosingFeeRange{Sats{6'000}, Sats{8'000}};
    ASSERT_TRUE(pair.take(pair.a, shutdown(*pair.a.channel, pair.a.secrets), pair.to_b));
    ASSERT_TRUE(pair.deliver_to_b());  // B replies with shutdown
    ASSERT_TRUE(pair.deliver_to_a());  // A sends closing_signed at 7,000
    ASSERT_FALSE(pair.deliver_to_b());
    EXPECT_NE(pair.last_error.find("channel_closing_fee_out_of_range"), std::string::npos);
}

TEST_F(PaymentFixture, ClosingFeeIsNegotiatedIntoTheOverlap) {
    pair.a.channel->local_closing_fees = ClosingFeeRange{Sats{200}, Sats{1'200}};
    ASSERT_TRUE(pair.take(pair.a, shutdown(*pair.a.channel, pair.a.secrets), pair.to_b));
    ASSERT_TRUE(pair.flush()) << pair.last_error;
    // A proposes 700; B's range starts at 1,000: B counters 1,000, A accepts.
    ASSERT_TRUE(pair.a.channel->closing_tx);
    int64_t total = 0;
    for (const auto& o : pair.a.channel->closing_tx->outputs) total += o.value.value();
    EXPECT_EQ(total, 1'000'000 - 1'000);
    EXPECT_EQ(*pair.a.channel->closing_tx, *pair.b.channel->closing_tx);
}

TEST_F(PaymentFixture, JusticeTransactionSweepsARevokedCommitment) {
    // B's commitment with two HTLCs (one each way) is revoked later.
    ASSERT_TRUE(add(pair.a, pair.to_b, Msats{30'000'000}, 1));
    ASSERT_TRUE(add(pair.b, pair.to_a, Msats{20'000'000}, 2));
    ASSERT_TRUE(pair.flush()) << pair.last_error;
    auto old = local_commitment_close(*pair.b.channel, pair.b.secrets);
    ASSERT_TRUE(old);
    const uint64_t old_number = pair.b.channel->local_commit->number;
    ASSERT_EQ(old->commitment_tx.outputs.size(), 4u);
    ASSERT_TRUE(pair.take(pair.b, fulfill_htlc(*pair.b.channel, 0, preimage_of(1)), pair.to_a));
    ASSERT_TRUE(pair.flush()) << pair.last_error;
    const RemoteCommitmentRevoked* revoked = nullptr;
    for (const auto& e : pair.a.events) {
        if (const auto* r = std::get_if<RemoteCommitmentRevoked>(&e); r && r->number == old_number) {
            revoked = r;
        }
    }
    ASSERT_NE(revoked, nullptr);
    const bitcoin::Script sweep_to = testing::p2wpkh_of(0x41);
    auto params = justice_params(*pair.a.channel, pair.a.secrets, *revoked, old->commitment_tx,
                                 sweep_to, 2'500);
    ASSERT_TRUE(params);
    auto justice = build_justice_tx(*params);
    ASSERT_TRUE(justice) << justice.error().code;
    // to_local and both HTLC outputs (B's to_remote is A's own P2WPKH, not swept here).
    ASSERT_EQ(justice->inputs.size(), 3u);
    int64_t swept = 0;
    for (size_t i = 0; i < justice->inputs.size(); ++i) {
        const auto& prev = old->commitment_tx.outputs[justice->inputs[i].prevout.index];
        swept += prev.value.value();
        EXPECT_EQ(bitcoin::verify_input(*justice, i, prev.script_pubkey, prev.value,
                                        bitcoin::kStandardScriptFlags, nullptr),
                  bitcoin::ScriptError::kOk)
            << "input " << i;
    }
    EXPECT_EQ(justice->outputs.size(), 1u);
    EXPECT_EQ(justice->outputs[0].script_pubkey, sweep_to);
    EXPECT_LT(justice->outputs[0].value.value(), swept);
    EXPECT_GT(justice->outputs[0].value.value(), swept - 10'000);
    // The current commitment is not revoked: A's secret for it is unknown, the old one's
    // secret does not open it.
    auto current = local_commitment_close(*pair.b.channel, pair.b.secrets);
    ASSERT_TRUE(current);
    params->revoked_commitment = current->commitment_tx;
    auto nothing = build_justice_tx(*params);
    ASSERT_FALSE(nothing);
    EXPECT_EQ(nothing.error().code, "channel_nothing_to_sweep");
}

TEST_F(PaymentFixture, UnilateralCloseHtlcTransactionsAndDelayedSweepVerify) {
    ASSERT_TRUE(add(pair.a, pair.to_b, Msats{30'000'000}, 1));
    ASSERT_TRUE(add(pair.b, pair.to_a, Msats{20'000'000}, 2));
    ASSERT_TRUE(pair.flush()) << pair.last_error;
    auto close = local_commitment_close(*pair.a.channel, pair.a.secrets);
    ASSERT_TRUE(close);
    const bitcoin::Transaction& commitment = close->commitment_tx;
    EXPECT_EQ(bitcoin::verify_input(commitment, 0, pair.funding_tx.outputs[0].script_pubkey,
                                    Sats{1'000'000}, bitcoin::kStandardScriptFlags, nullptr),
              bitcoin::ScriptError::kOk);
    ASSERT_EQ(close->htlc_txs.size(), 2u);
    for (size_t i = 0; i < close->htlc_txs.size(); ++i) {
        const HtlcTx& h = close->htlc_txs[i];
        auto tx = h.kind == CommitmentOutputKind::kOfferedHtlc
                      ? signed_htlc_timeout_tx(*close, i)
                      : signed_htlc_success_tx(*close, i, preimage_of(2));
        ASSERT_TRUE(tx);
        const auto& prev = commitment.outputs[tx->inputs[0].prevout.index];
        EXPECT_EQ(bitcoin::verify_input(*tx, 0, prev.script_pubkey, prev.value,
                                        bitcoin::kStandardScriptFlags, nullptr),
                  bitcoin::ScriptError::kOk)
            << "htlc tx " << i;
        if (h.kind == CommitmentOutputKind::kReceivedHtlc) {
            auto wrong = signed_htlc_success_tx(*close, i, preimage_of(3));
            EXPECT_NE(bitcoin::verify_input(*wrong, 0, prev.script_pubkey, prev.value,
                                            bitcoin::kStandardScriptFlags, nullptr),
                      bitcoin::ScriptError::kOk);
        }
    }
    // to_local after B's to_self_delay (100 blocks).
    for (size_t i = 0; i < close->outputs.size(); ++i) {
        if (close->outputs[i].kind != CommitmentOutputKind::kToLocal) continue;
        auto sweep = build_delayed_sweep({bitcoin::txid(commitment), static_cast<uint32_t>(i)},
                                         commitment.outputs[i].value, close->to_local_script,
                                         close->local_delayed_key, 100, testing::p2wpkh_of(0x42),
                                         2'500);
        ASSERT_TRUE(sweep);
        EXPECT_EQ(bitcoin::verify_input(*sweep, 0, commitment.outputs[i].script_pubkey,
                                        commitment.outputs[i].value,
                                        bitcoin::kStandardScriptFlags, nullptr),
                  bitcoin::ScriptError::kOk);
        auto early = build_delayed_sweep({bitcoin::txid(commitment), static_cast<uint32_t>(i)},
                                         commitment.outputs[i].value, close->to_local_script,
                                         close->local_delayed_key, 99, testing::p2wpkh_of(0x42),
                                         2'500);
        EXPECT_NE(bitcoin::verify_input(*early, 0, commitment.outputs[i].script_pubkey,
                                        commitment.outputs[i].value,
                                        bitcoin::kStandardScriptFlags, nullptr),
                  bitcoin::ScriptError::kOk);
    }
}

TEST_F(PaymentFixture, ToRemoteOfACommitmentIsSweptAtOnceByThePeer) {
    auto close = local_commitment_close(*pair.a.channel, pair.a.secrets);
    ASSERT_TRUE(close);
    const bitcoin::Transaction& commitment = close->commitment_tx;
    size_t index = commitment.outputs.size();
    for (size_t i = 0; i < close->outputs.size(); ++i) {
        if (close->outputs[i].kind == CommitmentOutputKind::kToRemote) index = i;
    }
    ASSERT_LT(index, commitment.outputs.size());
    const bitcoin::TxOut& out = commitment.outputs[index];
    const bitcoin::OutPoint at{bitcoin::txid(commitment), static_cast<uint32_t>(index)};
    auto sweep = build_to_remote_sweep(at, out, pair.b.secrets.payment_basepoint_secret,
                                       testing::p2wpkh_of(0x42), 2'500);
    ASSERT_TRUE(sweep) << sweep.error().code;
    EXPECT_EQ(sweep->inputs[0].sequence, 0xffffffffu);  // no delay (static_remotekey)
    EXPECT_EQ(bitcoin::verify_input(*sweep, 0, out.script_pubkey, out.value,
                                    bitcoin::kStandardScriptFlags, nullptr),
              bitcoin::ScriptError::kOk);
    // The fee is the estimate with a 73-byte signature: at least the real weight's.
    const int64_t fee = out.value.value() - sweep->outputs[0].value.value();
    EXPECT_GE(fee, fee_for_weight(2'500, bitcoin::weight(*sweep)).value());
    EXPECT_LE(fee, fee_for_weight(2'500, bitcoin::weight(*sweep) + 3).value());
    // A's own key does not open B's output.
    auto wrong = build_to_remote_sweep(at, out, pair.a.secrets.payment_basepoint_secret,
                                       testing::p2wpkh_of(0x42), 2'500);
    ASSERT_FALSE(wrong);
    EXPECT_EQ(wrong.error().code, "channel_not_our_output");
    // A feerate that eats the output.
    auto dust = build_to_remote_sweep(at, out, pair.b.secrets.payment_basepoint_secret,
                                      testing::p2wpkh_of(0x42), 1'000'000'000);
    ASSERT_FALSE(dust);
    EXPECT_EQ(dust.error().code, "channel_sweep_below_dust");
}

TEST(ClosingTx, OmitsDustAndFailsOnAFeeAboveTheFundersBalance) {
    ClosingTxSpec spec{{filled(1), 0}, Side::kLocal, Msats{10'000'999}, Msats{545'999},
                       testing::p2wpkh_of(1), testing::p2wpkh_of(2), Sats{546}, Sats{1'000}};
    auto tx = build_closing_tx(spec);
    ASSERT_TRUE(tx);
    ASSERT_EQ(tx->outputs.size(), 1u);  // the remote's 545 sat is dust
    EXPECT_EQ(tx->outputs[0].value, Sats{9'000});
    EXPECT_EQ(tx->inputs[0].sequence, 0xffffffffu);
    EXPECT_EQ(tx->lock_time, 0u);
    spec.fee = Sats{10'001};
    EXPECT_EQ(build_closing_tx(spec).error().code, "channel_closing_fee_too_high");
}

TEST_F(PaymentFixture, StoredStateRoundTripsAndRefusesDamage) {
    ASSERT_TRUE(add(pair.a, pair.to_b, Msats{5'000'000}, 1));
    ASSERT_TRUE(pair.deliver_to_b());
    ASSERT_TRUE(pair.take(pair.a, sign_commitment(*pair.a.channel, pair.a.secrets), pair.to_b));
    for (const Channel* c : {&*pair.a.channel, &*pair.b.channel}) {
        const Bytes bytes = serialize_channel_state(*c);
        auto loaded = parse_channel_state(bytes);
        ASSERT_TRUE(loaded) << loaded.error().message;
        EXPECT_EQ(serialize_channel_state(*loaded), bytes);
        // Every truncation is refused with a code, never a crash.
        for (size_t n = 0; n < bytes.size(); n += 7) {
            auto cut = parse_channel_state(ByteSpan(bytes.data(), n));
            EXPECT_FALSE(cut);
        }
        Bytes longer = bytes;
        longer.push_back(0);
        EXPECT_EQ(parse_channel_state(longer).error().code, "channel_state_trailing_bytes");
        Bytes version = bytes;
        version[4] = 3;
        EXPECT_EQ(parse_channel_state(version).error().code, "channel_state_bad_version");
        Bytes magic = bytes;
        magic[0] = 'X';
        EXPECT_EQ(parse_channel_state(magic).error().code, "channel_state_bad_magic");
    }
    // A balance changed in storage no longer adds up to the funding: refused.
    Channel tampered = *pair.a.channel;
    tampered.local_commit->spec.to_local = Msats{tampered.local_commit->spec.to_local.value() + 1};
    EXPECT_EQ(parse_channel_state(serialize_channel_state(tampered)).error().code,
              "channel_state_invalid");
    // The loaded channel goes on exactly as the original.
    ChannelPair copy = pair;
    copy.a.channel = parse_channel_state(serialize_channel_state(*pair.a.channel)).value();
    ASSERT_TRUE(copy.flush()) << copy.last_error;
    ASSERT_TRUE(pair.flush());
    EXPECT_EQ(serialize_channel_state(*copy.a.channel), serialize_channel_state(*pair.a.channel));
}

// `c` in the stored format of version 1, before local_next_point: the version 2 bytes of `c`
// without that point, less its presence flag (the first byte where the bytes with and
// without the point differ), with version byte 1.
Bytes stored_in_version_1(const Channel& c, const crypto::PubKey& some_point) {
    Channel without = c;
    without.local_next_point.reset();
    Channel with = c;
    with.local_next_point = some_point;
    Bytes bytes = serialize_channel_state(without);
    const Bytes other = serialize_channel_state(with);
    const auto flag = std::mismatch(bytes.begin(), bytes.end(), other.begin()).first;
    EXPECT_EQ(*flag, 0);
    bytes.erase(flag);
    bytes[4] = 1;
    return bytes;
}

// Our next per-commitment point is kept in the channel (computed once per commitment), is
// the one the next commitment_signed is checked against, and is stored; a state stored in
// version 1 (without it) still loads and goes on, the point computed from the secrets.
TEST_F(PaymentFixture, OurNextPointIsKeptStoredAndRecomputedForVersion1States) {
    for (uint64_t n = 1; n <= 3; ++n) {
        ASSERT_TRUE(add(pair.a, pair.to_b, Msats{100'000}, n));  // 100 sat, trimmed: no HTLC output
        ASSERT_TRUE(pair.flush()) << pair.last_error;
        for (const Node* node : {&pair.a, &pair.b}) {
            const Channel& c = *node->channel;
            ASSERT_TRUE(c.local_next_point);
            EXPECT_EQ(*c.local_next_point, local_point(node->secrets, c.local_commit->number + 1).value());
            const Channel loaded = parse_channel_state(serialize_channel_state(c)).value();
            EXPECT_EQ(*loaded.local_next_point, *c.local_next_point);
        }
    }
    ASSERT_TRUE(add(pair.a, pair.to_b, Msats{100'000}, 4));
    ASSERT_TRUE(pair.deliver_to_b());
    ASSERT_TRUE(pair.take(pair.a, sign_commitment(*pair.a.channel, pair.a.secrets), pair.to_b));

    // Version 1: loads without the point, serializes back as version 2 of the same channel,
    // and goes on exactly as the original (the point computed when B's commitment_signed
    // comes).
    const crypto::PubKey other_point = pair.b.channel->local_funding_pubkey;
    const Bytes v1 = stored_in_version_1(*pair.b.channel, other_point);
    auto loaded = parse_channel_state(v1);
    ASSERT_TRUE(loaded) << loaded.error().message;
    EXPECT_FALSE(loaded->local_next_point);
    Channel expected = *pair.b.channel;
    expected.local_next_point.reset();
    EXPECT_EQ(serialize_channel_state(*loaded), serialize_channel_state(expected));
    ChannelPair copy = pair;
    copy.b.channel = *loaded;
    ASSERT_TRUE(copy.flush()) << copy.last_error;
    ASSERT_TRUE(pair.flush()) << pair.last_error;
    EXPECT_EQ(serialize_channel_state(*copy.b.channel), serialize_channel_state(*pair.b.channel));
    EXPECT_EQ(count_events<HtlcReceived>(copy.b), count_events<HtlcReceived>(pair.b));

    // The kept point is the one used: another point there and A's next commitment_signed
    // no longer verifies at B.
    ASSERT_TRUE(add(pair.a, pair.to_b, Msats{100'000}, 5));
    ASSERT_TRUE(pair.deliver_to_b());
    Channel wrong = *pair.b.channel;
    wrong.local_next_point = other_point;
    const auto signed_step = sign_commitment(*pair.a.channel, pair.a.secrets);
    ASSERT_TRUE(signed_step);
    const auto& commitment = std::get<CommitmentSigned>(signed_step->to_send.front());
    EXPECT_EQ(receive(wrong, pair.b.secrets, commitment).error().code, "channel_bad_signature");
    EXPECT_TRUE(receive(*pair.b.channel, pair.b.secrets, commitment));

    // Our point before channel_ready is refused in storage (the machine sets it only then).
    Channel early = *pair.b.channel;
    early.channel_ready_sent = false;
    early.channel_ready_received = false;
    EXPECT_EQ(parse_channel_state(serialize_channel_state(early)).error().message,
              "our next point before channel_ready");
}

TEST(Shachain, RestoreGivesBackTheSameStore) {
    Shachain chain;
    const Hash256 seed = filled(0x5c);
    for (uint64_t n = 0; n < 300; ++n) {
        const uint64_t index = commitment_index(n).value();
        ASSERT_TRUE(chain.insert(index, generate_per_commitment_secret(seed, index).value()));
        auto restored = Shachain::restore(chain.last_index(), chain.stored_secrets());
        ASSERT_TRUE(restored) << n;
        EXPECT_TRUE(*restored == chain);
    }
    auto secrets = chain.stored_secrets();
    secrets[1][0] ^= 1;
    EXPECT_EQ(Shachain::restore(chain.last_index(), secrets).error().code,
              "shachain_secret_mismatch");
    secrets.pop_back();
    EXPECT_EQ(Shachain::restore(chain.last_index(), secrets).error().code,
              "shachain_bad_stored_count");
}

}  // namespace
}  // namespace datt::channel
