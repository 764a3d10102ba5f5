// The stored channel state (channel/channel_state_codec.h) read back from untrusted bytes.
//
// Invariants checked:
//   - a failure carries one of parse_channel_state()'s documented codes;
//   - an accepted input serializes back to exactly the input (a version 1 input: as version
//     2, one absent-point flag more), and parsing that again gives the same bytes;
//   - an accepted state keeps the invariants the machine relies on: its commitments' balances
//     add up to the funding amount, an open channel has both commitments, the queries
//     (current_local_spec, can_update, has_changes_to_sign) answer without crashing, and a
//     disconnect of an open channel gives a state that stores and loads again.
#include <algorithm>
#include <cstddef>
#include <cstdint>

#include "channel/channel_machine.h"
#include "channel/channel_state_codec.h"
#include "check.h"

using namespace datt;
using namespace datt::channel;

namespace {

uint64_t spec_total(const BalanceSpec& spec) {
    uint64_t total = spec.to_local.value() + spec.to_remote.value();
    for (const HtlcEntry& h : spec.htlcs) total += h.amount.value();
    return total;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const ByteSpan input(data, size);
    auto parsed = parse_channel_state(input);
    if (!parsed) {
        const std::string& code = parsed.error().code;
        DATT_FUZZ_CHECK(fuzz::is_one_of(
            code, {"channel_state_bad_magic", "channel_state_bad_version",
                   "channel_state_truncated", "channel_state_trailing_bytes",
                   "channel_state_too_large", "channel_state_invalid",
                   "shachain_index_out_of_range", "shachain_bad_stored_count",
                   "shachain_secret_mismatch"}));
        DATT_FUZZ_CHECK(!parsed.error().message.empty());
        return 0;
    }
    const Channel& c = *parsed;
    const Bytes again = serialize_channel_state(c);
    if (input[4] == 1) {
        // Version 1 (no local_next_point) is written back as version 2: the same bytes but
        // the version and one presence flag 0 for the absent point.
        DATT_FUZZ_CHECK(!c.local_next_point && again.size() == size + 1 && again[4] == 2);
        const auto diff = std::mismatch(input.begin() + 5, input.end(), again.begin() + 5);
        DATT_FUZZ_CHECK(*diff.second == 0 && std::equal(diff.first, input.end(), diff.second + 1));
    } else {
        DATT_FUZZ_CHECK(again == Bytes(input.begin(), input.end()));
    }
    auto reparsed = parse_channel_state(again);
    DATT_FUZZ_CHECK(reparsed);
    DATT_FUZZ_CHECK(serialize_channel_state(*reparsed) == again);

    const uint64_t funding_msat = static_cast<uint64_t>(c.funding_amount.value()) * 1000;
    if (c.local_commit) DATT_FUZZ_CHECK(spec_total(c.local_commit->spec) == funding_msat);
    if (c.remote_commit) DATT_FUZZ_CHECK(spec_total(c.remote_commit->spec) == funding_msat);
    if (c.phase == ChannelPhase::kOpen) {
        DATT_FUZZ_CHECK(c.local_commit && c.remote_commit && c.remote_basepoints);
        DATT_FUZZ_CHECK(current_local_spec(c) == &c.local_commit->spec);
        (void)can_update(c);
        (void)has_changes_to_sign(c);
        const Step down = peer_disconnected(c);
        auto stored = parse_channel_state(serialize_channel_state(down.channel));
        DATT_FUZZ_CHECK(stored);
        DATT_FUZZ_CHECK(stored->link == LinkState::kDisconnected);
    }
    return 0;
}
