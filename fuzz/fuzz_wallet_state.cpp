// The wallet's stored scan progress (ScanProgress::parse) and the gap-limit state it restores.
//
// Input: 17 bytes of stored progress, then marks of 3 bytes each (a chain byte, an index as
// u16 little-endian).
//
// Invariants checked:
//   - parse accepts exactly the documented layout (17 bytes, version 1, gap 1..1000, next
//     unused indices <= 1,000,000) with the documented codes, and serializes back to the
//     same bytes;
//   - restore refuses another account's progress (wallet_state_wrong_account) and, for this
//     account's, gives back the same progress and watches next_unused + gap per chain;
//   - marks never lower next_unused; a script marks only when it is watched; newly watched
//     scripts were not watched before and are found afterwards under their own paths;
//     watched counts add up; a mark made twice changes nothing the second time; invalid
//     chains give wallet_bad_chain.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "bitcoin/network.h"
#include "bitcoin/wallet/bip84.h"
#include "bitcoin/wallet/gap_limit.h"
#include "check.h"

namespace {

using namespace datt::bitcoin;
using namespace datt::bitcoin::wallet;
using datt::ByteSpan;

const Bip84Account& account() {
    static const Bip84Account a = [] {
        datt::ByteArray<32> seed{};
        seed.fill(0x5e);
        return Bip84Account::from_seed(regtest(), seed, 0).value();
    }();
    return a;
}

uint32_t u32_le(ByteSpan b, size_t at) {
    return static_cast<uint32_t>(b[at]) | static_cast<uint32_t>(b[at + 1]) << 8 |
           static_cast<uint32_t>(b[at + 2]) << 16 | static_cast<uint32_t>(b[at + 3]) << 24;
}

void check_marks(ScanState state, ByteSpan marks) {
    for (size_t at = 0; at + 3 <= marks.size(); at += 3) {
        const auto chain = static_cast<Chain>(marks[at]);
        const uint32_t index =
            (static_cast<uint32_t>(marks[at + 1]) | static_cast<uint32_t>(marks[at + 2]) << 8) %
            128;
        const bool valid_chain = marks[at] <= 1;
        // Alternate between marking by script (when it is watched) and by index.
        const bool by_script = (at / 3) % 2 == 0 && valid_chain;
        auto mark = [&](const ScanState& from) {
            return by_script ? from.mark_used(account().script_pubkey(chain, index).value())
                             : from.mark_index_used(chain, index);
        };
        datt::Result<MarkUsedResult> result = mark(state);
        if (!valid_chain) {
            DATT_FUZZ_CHECK(!result.ok() && result.error().code == "wallet_bad_chain");
            continue;
        }
        DATT_FUZZ_CHECK(result.ok());
        const ScanState& next = result->state;
        for (Chain c : {Chain::kReceive, Chain::kChange}) {
            DATT_FUZZ_CHECK(next.next_unused(c) >= state.next_unused(c));
            DATT_FUZZ_CHECK(next.watched_end(c) == next.next_unused(c) + next.gap_limit());
        }
        DATT_FUZZ_CHECK(next.watched_count() ==
                        state.watched_count() + result->newly_watched.size());
        for (const WatchedScript& w : result->newly_watched) {
            DATT_FUZZ_CHECK(!state.find(w.script_pubkey));
            DATT_FUZZ_CHECK(next.find(w.script_pubkey) == w.path);
        }
        // By script, only a watched script marks anything.
        DATT_FUZZ_CHECK(!by_script ||
                        result->matched.has_value() == (index < state.watched_end(chain)));
        if (result->matched || !by_script) DATT_FUZZ_CHECK(next.highest_used(chain) >= index);
        if (!result->matched && by_script) DATT_FUZZ_CHECK(next.progress() == state.progress());
        auto again = mark(next);
        DATT_FUZZ_CHECK(again.ok() && again->newly_watched.empty());
        DATT_FUZZ_CHECK(again->state.progress() == next.progress());
        state = next;
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const ByteSpan bytes(data, size);
    const ByteSpan stored = bytes.first(std::min(size, kScanProgressSize));
    auto parsed = ScanProgress::parse(stored);
    const bool layout_ok = stored.size() == kScanProgressSize && stored[0] == 1;
    if (!parsed.ok()) {
        DATT_FUZZ_CHECK(datt::fuzz::is_one_of(parsed.error().code,
                                              {"wallet_state_truncated", "wallet_state_bad_version",
                                               "wallet_bad_gap_limit", "wallet_index_limit"}));
        if (layout_ok) {
            const uint32_t gap = u32_le(stored, 5);
            DATT_FUZZ_CHECK(gap == 0 || gap > kMaxGapLimit || u32_le(stored, 9) > kMaxChainIndex ||
                            u32_le(stored, 13) > kMaxChainIndex);
        }
        return 0;
    }
    DATT_FUZZ_CHECK(layout_ok);
    const datt::Bytes again = parsed->serialize();
    DATT_FUZZ_CHECK(again.size() == stored.size() &&
                    std::memcmp(again.data(), stored.data(), stored.size()) == 0);
    // A longer input is not a valid stored progress.
    if (size > kScanProgressSize)
        DATT_FUZZ_CHECK(ScanProgress::parse(bytes).error().code == "wallet_state_trailing_bytes");

    ScanProgress progress = *parsed;
    if (progress.account_fingerprint != account().fingerprint()) {
        auto foreign = ScanState::restore(account(), progress);
        DATT_FUZZ_CHECK(!foreign.ok() && foreign.error().code == "wallet_state_wrong_account");
        progress.account_fingerprint = account().fingerprint();
    }
    // Bounded work: derive at most a few hundred keys per input.
    if (uint64_t{progress.next_unused_receive} + progress.next_unused_change +
            2 * uint64_t{progress.gap_limit} >
        400)
        return 0;
    auto state = ScanState::restore(account(), progress);
    DATT_FUZZ_CHECK(state.ok());
    DATT_FUZZ_CHECK(state->progress() == progress);
    DATT_FUZZ_CHECK(state->watched_count() == uint64_t{progress.next_unused_receive} +
                                                  progress.next_unused_change +
                                                  2 * uint64_t{progress.gap_limit});
    check_marks(*state, bytes.subspan(kScanProgressSize));
    return 0;
}
