// Gap-limit scanning: which scripts are watched, in which order they are discovered, how a
// restore finds what was used (and stops at a gap), idempotence, and the stored progress.
#include "bitcoin/wallet/gap_limit.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <vector>

#include "bip39/seed.h"
#include "bitcoin/network.h"
#include "util/hex.h"

namespace datt::bitcoin::wallet {
namespace {

Bip84Account test_account(uint32_t number = 0) {
    const auto seed = bip39::mnemonic_to_seed(
        "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon "
        "about",
        "");
    return Bip84Account::from_seed(regtest(), seed, number).value();
}

Script script_at(const Bip84Account& account, Chain chain, uint32_t index) {
    return account.script_pubkey(chain, index).value();
}

std::vector<uint32_t> indices_of(const std::vector<WatchedScript>& scripts, Chain chain) {
    std::vector<uint32_t> out;
    for (const auto& s : scripts)
        if (s.path.chain == chain) out.push_back(s.path.index);
    return out;
}

std::vector<uint32_t> range(uint32_t begin, uint32_t end) {
    std::vector<uint32_t> out;
    for (uint32_t i = begin; i < end; ++i) out.push_back(i);
    return out;
}

TEST(GapLimit, FreshStateWatchesTheFirstGapOfEachChain) {
    const Bip84Account account = test_account();
    const ScanState state = ScanState::create(account).value();
    EXPECT_EQ(state.gap_limit(), kDefaultGapLimit);
    EXPECT_EQ(state.watched_count(), 40u);
    EXPECT_EQ(state.next_unused(Chain::kReceive), 0u);
    EXPECT_FALSE(state.highest_used(Chain::kReceive));
    EXPECT_EQ(state.watched_end(Chain::kChange), 20u);
    const auto watched = state.watched_scripts();
    ASSERT_EQ(watched.size(), 40u);
    // Receive chain first, by index; each script is the account's own.
    EXPECT_EQ(indices_of(watched, Chain::kReceive), range(0, 20));
    EXPECT_EQ(indices_of(watched, Chain::kChange), range(0, 20));
    EXPECT_EQ(watched.front().path, account.key_path(Chain::kReceive, 0));
    EXPECT_EQ(watched.back().path, account.key_path(Chain::kChange, 19));
    for (const auto& w : watched)
        EXPECT_EQ(w.script_pubkey, script_at(account, w.path.chain, w.path.index));
    EXPECT_EQ(state.find(script_at(account, Chain::kChange, 19)),
              account.key_path(Chain::kChange, 19));
    EXPECT_FALSE(state.find(script_at(account, Chain::kReceive, 20)));
}

TEST(GapLimit, MarkingMovesTheWindowInDiscoveryOrder) {
    const Bip84Account account = test_account();
    ScanState state = ScanState::create(account).value();

    auto first = state.mark_used(script_at(account, Chain::kReceive, 0)).value();
    EXPECT_EQ(first.matched, account.key_path(Chain::kReceive, 0));
    EXPECT_EQ(indices_of(first.newly_watched, Chain::kReceive), std::vector<uint32_t>{20});
    EXPECT_TRUE(indices_of(first.newly_watched, Chain::kChange).empty());
    EXPECT_EQ(first.newly_watched[0].script_pubkey, script_at(account, Chain::kReceive, 20));
    state = first.state;
    EXPECT_EQ(state.highest_used(Chain::kReceive), 0u);
    EXPECT_EQ(state.next_unused(Chain::kReceive), 1u);

    // Skipping ahead inside the window brings in as many new indices as it skipped, in order.
    auto second = state.mark_used(script_at(account, Chain::kReceive, 5)).value();
    EXPECT_EQ(indices_of(second.newly_watched, Chain::kReceive), range(21, 26));
    state = second.state;

    // Below the highest used: nothing new, nothing moves.
    auto lower = state.mark_used(script_at(account, Chain::kReceive, 3)).value();
    EXPECT_EQ(lower.matched, account.key_path(Chain::kReceive, 3));
    EXPECT_TRUE(lower.newly_watched.empty());
    EXPECT_EQ(lower.state.progress(), state.progress());

    // The last watched index moves the window a whole gap.
    auto edge = state.mark_used(script_at(account, Chain::kReceive, 25)).value();
    EXPECT_EQ(indices_of(edge.newly_watched, Chain::kReceive), range(26, 46));
    state = edge.state;
    EXPECT_EQ(state.watched_end(Chain::kReceive), 46u);

    // The change chain has its own window.
    auto change = state.mark_used(script_at(account, Chain::kChange, 2)).value();
    EXPECT_EQ(indices_of(change.newly_watched, Chain::kChange), range(20, 23));
    EXPECT_EQ(change.state.next_unused(Chain::kReceive), 26u);
    EXPECT_EQ(change.state.next_unused(Chain::kChange), 3u);
    EXPECT_EQ(change.state.watched_count(), 46u + 23u);
}

TEST(GapLimit, UnknownScriptsChangeNothing) {
    const ScanState state = ScanState::create(test_account()).value();
    const Bip84Account other = test_account(1);
    auto result = state.mark_used(script_at(other, Chain::kReceive, 0)).value();
    EXPECT_FALSE(result.matched);
    EXPECT_TRUE(result.newly_watched.empty());
    EXPECT_EQ(result.state.progress(), state.progress());
    EXPECT_EQ(result.state.watched_count(), 40u);
    auto garbage = state.mark_used(Bytes{0x6a, 0x01}).value();
    EXPECT_FALSE(garbage.matched);
}

// A restore replays the chain: every payment to a watched script marks it, which may bring
// further payments into view, until nothing changes. Payments separated by fewer than `gap`
// unused addresses are all found; one after a run of `gap` unused addresses is not (BIP-44).
TEST(GapLimit, RestoreFindsEverythingUpToAGapAndStopsThere) {
    const Bip84Account account = test_account();
    const std::vector<uint32_t> found_receive = {0, 1, 2, 15, 34, 54};  // 19 unused before 54
    const uint32_t beyond_gap = 75;                                     // 20 unused before it
    const std::vector<uint32_t> found_change = {0, 19};
    std::vector<Script> chain_outputs;
    for (uint32_t i : found_receive)
        chain_outputs.push_back(script_at(account, Chain::kReceive, i));
    chain_outputs.push_back(script_at(account, Chain::kReceive, beyond_gap));
    for (uint32_t i : found_change) chain_outputs.push_back(script_at(account, Chain::kChange, i));
    // Outputs seen in an order unrelated to their indices, as a chain would show them.
    std::reverse(chain_outputs.begin(), chain_outputs.end());

    ScanState state = ScanState::create(account).value();
    std::set<uint32_t> seen;
    for (bool changed = true; changed;) {
        changed = false;
        for (const Script& output : chain_outputs) {
            auto result = state.mark_used(output).value();
            if (!result.newly_watched.empty()) changed = true;
            if (result.matched && result.matched->chain == Chain::kReceive)
                seen.insert(result.matched->index);
            state = result.state;
        }
    }
    EXPECT_EQ(std::vector<uint32_t>(seen.begin(), seen.end()), found_receive);
    EXPECT_EQ(state.highest_used(Chain::kReceive), 54u);
    EXPECT_EQ(state.watched_end(Chain::kReceive), 75u);  // 55..74 watched, 75 not
    EXPECT_FALSE(state.find(script_at(account, Chain::kReceive, beyond_gap)));
    EXPECT_EQ(state.highest_used(Chain::kChange), 19u);

    // The same with a larger gap finds the last one too.
    ScanState wide = ScanState::create(account, 21).value();
    for (int pass = 0; pass < 10; ++pass)
        for (const Script& output : chain_outputs) wide = wide.mark_used(output).value().state;
    EXPECT_EQ(wide.highest_used(Chain::kReceive), beyond_gap);
}

TEST(GapLimit, MarkingIsIdempotentAndOrderFree) {
    const Bip84Account account = test_account();
    const ScanState start = ScanState::create(account).value();
    const std::vector<Script> used = {
        script_at(account, Chain::kReceive, 7), script_at(account, Chain::kChange, 4),
        script_at(account, Chain::kReceive, 19), script_at(account, Chain::kReceive, 2)};
    ScanState forward = start;
    for (const auto& s : used) forward = forward.mark_used(s).value().state;
    ScanState backward = start;
    for (auto it = used.rbegin(); it != used.rend(); ++it)
        backward = backward.mark_used(*it).value().state;
    EXPECT_EQ(forward.progress(), backward.progress());
    EXPECT_EQ(forward.watched_scripts(), backward.watched_scripts());

    // Seeing every payment again (a rescan, a block seen twice) changes nothing.
    ScanState again = forward;
    for (const auto& s : used) {
        auto result = again.mark_used(s).value();
        EXPECT_TRUE(result.newly_watched.empty());
        EXPECT_TRUE(result.matched);
        again = result.state;
    }
    EXPECT_EQ(again.progress(), forward.progress());
    EXPECT_EQ(again.watched_scripts(), forward.watched_scripts());
    // The original value is untouched by all of this.
    EXPECT_EQ(start.watched_count(), 40u);
    EXPECT_EQ(start.next_unused(Chain::kReceive), 0u);
}

TEST(GapLimit, MarkIndexUsedReachesBeyondTheWindow) {
    const Bip84Account account = test_account();
    const ScanState state = ScanState::create(account, 5).value();
    auto result = state.mark_index_used(Chain::kChange, 12).value();
    EXPECT_FALSE(result.matched);
    EXPECT_EQ(indices_of(result.newly_watched, Chain::kChange), range(5, 18));
    EXPECT_EQ(result.state.find(script_at(account, Chain::kChange, 17)),
              account.key_path(Chain::kChange, 17));
    EXPECT_EQ(state.mark_index_used(Chain::kReceive, kMaxChainIndex).error().code,
              "wallet_index_limit");
    EXPECT_EQ(state.mark_index_used(static_cast<Chain>(7), 0).error().code, "wallet_bad_chain");
    EXPECT_EQ(ScanState::create(account, 0).error().code, "wallet_bad_gap_limit");
    EXPECT_EQ(ScanState::create(account, kMaxGapLimit + 1).error().code, "wallet_bad_gap_limit");
}

TEST(GapLimit, ProgressRoundTripsAndRestoresTheSameWatchedSet) {
    const Bip84Account account = test_account();
    ScanState state = ScanState::create(account, 7).value();
    state = state.mark_index_used(Chain::kReceive, 300).value().state;
    state = state.mark_index_used(Chain::kChange, 0x01020304 & 0xffff).value().state;
    const ScanProgress progress = state.progress();
    const Bytes bytes = progress.serialize();
    // version | fingerprint | gap | next receive | next change, little-endian.
    EXPECT_EQ(to_hex(bytes),
              "01" + to_hex(account.fingerprint()) + "07000000" + "2d010000" + "05030000");
    EXPECT_EQ(ScanProgress::parse(bytes).value(), progress);

    const ScanState restored =
        ScanState::restore(account, ScanProgress::parse(bytes).value()).value();
    EXPECT_EQ(restored.watched_scripts(), state.watched_scripts());
    EXPECT_EQ(restored.progress(), progress);
    // From the watch-only account too: the scripts are public.
    const ScanState watch_restored = ScanState::restore(account.watch_only(), progress).value();
    EXPECT_EQ(watch_restored.watched_scripts(), state.watched_scripts());
}

TEST(GapLimit, StoredProgressIsCheckedStrictly) {
    const Bip84Account account = test_account();
    const Bytes good = ScanState::create(account).value().progress().serialize();
    ASSERT_EQ(good.size(), kScanProgressSize);

    EXPECT_EQ(ScanProgress::parse(ByteSpan(good.data(), 16)).error().code,
              "wallet_state_truncated");
    EXPECT_EQ(ScanProgress::parse({}).error().code, "wallet_state_truncated");
    Bytes longer = good;
    longer.push_back(0);
    EXPECT_EQ(ScanProgress::parse(longer).error().code, "wallet_state_trailing_bytes");
    Bytes version = good;
    version[0] = 2;
    EXPECT_EQ(ScanProgress::parse(version).error().code, "wallet_state_bad_version");
    Bytes gap = good;
    gap[5] = gap[6] = gap[7] = gap[8] = 0;
    EXPECT_EQ(ScanProgress::parse(gap).error().code, "wallet_bad_gap_limit");
    Bytes index = good;
    index[9] = index[10] = index[11] = index[12] = 0xff;
    EXPECT_EQ(ScanProgress::parse(index).error().code, "wallet_index_limit");
    Bytes change_index = good;
    change_index[16] = 0x80;
    EXPECT_EQ(ScanProgress::parse(change_index).error().code, "wallet_index_limit");

    // Another account's progress does not restore into this one.
    const ScanProgress progress = ScanProgress::parse(good).value();
    EXPECT_EQ(ScanState::restore(test_account(1), progress).error().code,
              "wallet_state_wrong_account");
}

}  // namespace
}  // namespace datt::bitcoin::wallet
