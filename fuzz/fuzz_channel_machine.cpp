// Two channel state machines (channel/channel_machine.h) driven by fuzzer-chosen commands,
// with every message through the wire codec and every state through the stored format
// (tests/support/channel_pair.h). The input is a list of commands, one byte each (some
// followed by an argument byte); message delivery, duplication and connection drops are
// commands too.
//
// Invariants checked:
//   - nothing crashes; a duplicated message is refused or changes nothing; a message
//     delivered before the one queued ahead of it (tried on the side) does not crash;
//   - an in-order message from the honest peer is never refused, except by the limit
//     checks that BOLT-2 lets the two sides see differently while updates cross (reserve,
//     fee, HTLC count, in-flight value): the run then stops, as a node would fail the channel;
//   - a dropped connection followed by channel_reestablish loses nothing: once both sides
//     are quiet they agree (each one's commitment is the mirror of the other's, the remote
//     commitment each holds is the other's local one) and the balances plus HTLCs add up to
//     the funding amount in msat;
//   - after a cooperative close both hold the same closing transaction.
#include <cstddef>
#include <cstdint>
#include <algorithm>
#include <string>
#include <tuple>

#include "channel/channel_state_codec.h"
#include "check.h"
#include "support/channel_pair.h"

using namespace datt;
using namespace datt::channel;
using datt::channel::testing::ChannelPair;
using datt::channel::testing::Node;

namespace {

Hash256 preimage(bool from_a, uint64_t id) {
    Hash256 out{};
    out[0] = from_a ? 0xa0 : 0xb0;
    for (int i = 0; i < 8; ++i) out[1 + i] = static_cast<uint8_t>(id >> (8 * i));
    return out;
}

bool limit_code(const std::string& error) {
    for (const char* code : {"channel_insufficient_funds", "channel_too_many_htlcs",
                             "channel_htlc_in_flight_too_high"}) {
        if (error.rfind(code, 0) == 0) return true;
    }
    return false;
}

uint64_t total(const BalanceSpec& spec) {
    uint64_t sum = spec.to_local.value() + spec.to_remote.value();
    for (const HtlcEntry& h : spec.htlcs) sum += h.amount.value();
    return sum;
}

BalanceSpec mirror(const BalanceSpec& spec) {
    BalanceSpec out{spec.to_remote, spec.to_local, spec.htlcs};
    for (HtlcEntry& h : out.htlcs) {
        h.direction = h.direction == HtlcDirection::kOffered ? HtlcDirection::kReceived
                                                             : HtlcDirection::kOffered;
    }
    return out;
}

bool same_htlcs(BalanceSpec a, BalanceSpec b) {
    const auto order = [](const HtlcEntry& x, const HtlcEntry& y) {
        return std::tie(x.direction, x.id) < std::tie(y.direction, y.id);
    };
    std::sort(a.htlcs.begin(), a.htlcs.end(), order);
    std::sort(b.htlcs.begin(), b.htlcs.end(), order);
    return a == b;
}

// A local command whose refusal must leave the node unchanged.
void command(ChannelPair& pair, Node& node, std::deque<Bytes>& out, const Result<Step>& step) {
    if (step) {
        DATT_FUZZ_CHECK(pair.apply(node, step.value(), out));
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size > 400) return 0;  // each command may sign: keep one input fast
    static const ChannelPair opened = [] {
        ChannelPair pair;
        DATT_FUZZ_CHECK(pair.open());
        return pair;
    }();
    ChannelPair pair = opened;
    const ByteArray<kOnionPacketSize> onion{};
    size_t i = 0;
    const auto arg = [&]() -> uint8_t { return i < size ? data[i++] : 0; };
    bool failed = false;
    while (i < size && !failed) {
        const uint8_t op = data[i++] % 14;
        const bool on_a = op % 2 == 0;
        Node& node = on_a ? pair.a : pair.b;
        auto& out = on_a ? pair.to_b : pair.to_a;
        switch (op) {
            case 0:
            case 1: {  // add: amount from one byte, 10,000 msat .. 255 * 2^16 * 10 msat
                const uint8_t a = arg();
                const uint64_t msat = 10'000 + uint64_t{a} * a * 5'000;
                const uint64_t id = node.channel->local_next_htlc_id;
                command(pair, node, out,
                        add_htlc(*node.channel, bitcoin::Msats{msat},
                                 crypto::sha256(preimage(on_a, id)), 700'000, onion, 0));
                break;
            }
            case 2:
            case 3: {  // fulfill (the other side's HTLC id from a byte)
                const uint64_t id = arg() % 16;
                command(pair, node, out, fulfill_htlc(*node.channel, id, preimage(!on_a, id)));
                break;
            }
            case 4:
            case 5: {  // fail
                const uint64_t id = arg() % 16;
                command(pair, node, out, fail_htlc(*node.channel, id, Bytes{1}));
                break;
            }
            case 6:
            case 7: {  // deliver one message to the other side
                auto& queue = on_a ? pair.to_b : pair.to_a;
                if (queue.empty()) break;
                if (!(on_a ? pair.deliver_to_b() : pair.deliver_to_a())) {
                    DATT_FUZZ_CHECK(limit_code(pair.last_error));
                    failed = true;
                }
                break;
            }
            case 8:
            case 9: {  // deliver the next message twice; out of order, the one after it
                Node& receiver = on_a ? pair.b : pair.a;
                auto& queue = on_a ? pair.to_b : pair.to_a;
                if (queue.empty()) break;
                if (queue.size() > 1) {
                    // Out of order (tried on the side, never applied): refused or not, no crash.
                    const auto later = parse_message(queue[1]);
                    DATT_FUZZ_CHECK(later);
                    (void)receive(*receiver.channel, receiver.secrets, *later);
                }
                const Bytes bytes = queue.front();
                if (!(on_a ? pair.deliver_to_b() : pair.deliver_to_a())) {
                    DATT_FUZZ_CHECK(limit_code(pair.last_error));
                    failed = true;
                    break;
                }
                // The duplicate: refused, or a no-op (a repeated channel_ready).
                const Bytes before = serialize_channel_state(*receiver.channel);
                auto dup = receive(*receiver.channel, receiver.secrets, *parse_message(bytes));
                if (dup) {
                    DATT_FUZZ_CHECK(dup->to_send.empty());
                    DATT_FUZZ_CHECK(serialize_channel_state(dup->channel) == before);
                }
                break;
            }
            case 10:
            case 11:  // sign
                command(pair, node, out, sign_commitment(*node.channel, node.secrets));
                break;
            case 12:  // the connection drops and comes back
                if (!pair.reconnect()) {
                    DATT_FUZZ_CHECK(limit_code(pair.last_error));
                    failed = true;
                }
                break;
            case 13:  // shutdown (either side, by a byte)
                if (arg() % 2 == 0) {
                    command(pair, pair.a, pair.to_b, shutdown(*pair.a.channel, pair.a.secrets));
                } else {
                    command(pair, pair.b, pair.to_a, shutdown(*pair.b.channel, pair.b.secrets));
                }
                break;
        }
    }
    if (failed) return 0;
    if (!pair.flush()) {
        DATT_FUZZ_CHECK(limit_code(pair.last_error));
        return 0;
    }
    const Channel& a = *pair.a.channel;
    const Channel& b = *pair.b.channel;
    const uint64_t funding_msat = 1'000'000'000;
    DATT_FUZZ_CHECK(total(a.local_commit->spec) == funding_msat);
    DATT_FUZZ_CHECK(total(b.local_commit->spec) == funding_msat);
    DATT_FUZZ_CHECK(same_htlcs(a.local_commit->spec, mirror(b.local_commit->spec)));
    DATT_FUZZ_CHECK(same_htlcs(a.remote_commit->spec, b.local_commit->spec));
    DATT_FUZZ_CHECK(same_htlcs(b.remote_commit->spec, a.local_commit->spec));
    DATT_FUZZ_CHECK(a.phase == b.phase);
    if (a.phase == ChannelPhase::kClosed) DATT_FUZZ_CHECK(*a.closing_tx == *b.closing_tx);
    return 0;
}
