// The header-chain validator on chains mined in the test: regtest (Core's and bcoin's), and a
// small "easy testnet" (testnet3's rules with an interval of 8 one-second blocks and a pow
// limit a test can meet) for the retarget and min-difficulty rules. Each rule is broken once
// on purpose and must fail with its code at the right index; valid chains validate the same
// in one call, in pieces, and through a stored-and-reloaded state.
#include "bitcoin/header_chain.h"

#include <gtest/gtest.h>

#include <vector>

#include "bitcoin/display_hash.h"
#include "bitcoin/target.h"
#include "miner.h"

namespace datt::bitcoin {
namespace {

using test::mine;
using test::mine_chain;
using test::next_header;

HeaderChainUpdate extend(const Network& network, const HeaderChainState& state,
                         const std::vector<BlockHeader>& headers,
                         std::optional<int64_t> now = std::nullopt) {
    return extend_header_chain(network, state, headers, now);
}

// The failure's code, or "" when every header was accepted.
std::string code_of(const HeaderChainUpdate& update) {
    return update.failure ? update.failure->error.code : "";
}

TEST(HeaderChainRegtest, AcceptsAMinedChainAndCountsWork) {
    const HeaderChainState genesis = HeaderChainState::genesis(regtest());
    EXPECT_EQ(genesis.height(), 0u);
    EXPECT_EQ(genesis.chain_work(), Uint256(2));  // bcoin's regtest pow.chainwork
    const std::vector<BlockHeader> headers = mine_chain(regtest(), genesis, 300);
    const HeaderChainUpdate update = extend(regtest(), genesis, headers);
    ASSERT_EQ(code_of(update), "");
    EXPECT_EQ(update.accepted, 300u);
    EXPECT_EQ(update.state.height(), 300u);
    EXPECT_EQ(update.state.tip().hash, block_hash(headers.back()));
    EXPECT_EQ(update.state.chain_work(), Uint256(2 * 301));
    EXPECT_EQ(update.state.tip().recent_times.size(), kMedianTimeSpan);
    EXPECT_EQ(update.state.tip().recent_times.back(), headers.back().time);
    // Empty input: nothing changes.
    const HeaderChainUpdate nothing = extend(regtest(), update.state, {});
    EXPECT_EQ(code_of(nothing), "");
    EXPECT_EQ(nothing.state, update.state);
}

TEST(HeaderChainRegtest, IncrementalEqualsBatchEqualsReloaded) {
    const HeaderChainState genesis = HeaderChainState::genesis(regtest());
    const std::vector<BlockHeader> headers = mine_chain(regtest(), genesis, 2100);
    const HeaderChainUpdate batch = extend(regtest(), genesis, headers);
    ASSERT_EQ(code_of(batch), "");

    // In pieces of 1, 7, 2015 (across the 2016 boundary, no retarget on regtest) and the rest,
    // storing and reloading the state between pieces as a client would (IndexedDB).
    HeaderChainState state = genesis;
    size_t done = 0;
    for (size_t piece : {size_t{1}, size_t{7}, size_t{2015}, headers.size() - 2023}) {
        const std::vector<BlockHeader> part(headers.begin() + done, headers.begin() + done + piece);
        const HeaderChainUpdate update = extend(regtest(), state, part);
        ASSERT_EQ(code_of(update), "");
        auto reloaded = HeaderChainState::parse(regtest(), update.state.serialize());
        ASSERT_TRUE(reloaded.ok()) << reloaded.error().code;
        EXPECT_EQ(*reloaded, update.state);
        state = *reloaded;
        done += piece;
    }
    EXPECT_EQ(state, batch.state);
}

TEST(HeaderChainRegtest, EachRuleBrokenFailsWithItsCode) {
    const HeaderChainState genesis = HeaderChainState::genesis(regtest());
    const std::vector<BlockHeader> base = mine_chain(regtest(), genesis, 20);
    const HeaderChainUpdate prefix_update =
        extend(regtest(), genesis, std::vector<BlockHeader>(base.begin(), base.begin() + 12));
    ASSERT_EQ(code_of(prefix_update), "");
    const HeaderChainState& at12 = prefix_update.state;
    const Hash256 tip = at12.tip().hash;
    const uint32_t time = at12.tip().recent_times.back() + 600;

    // Returns the code for base[0..12) + {bad} + base[13..).
    const auto code_with = [&](const BlockHeader& bad, std::optional<int64_t> now = std::nullopt) {
        std::vector<BlockHeader> headers(base.begin(), base.begin() + 12);
        headers.push_back(bad);
        headers.insert(headers.end(), base.begin() + 13, base.end());
        const HeaderChainUpdate update = extend(regtest(), genesis, headers, now);
        EXPECT_EQ(update.accepted, 12u);
        EXPECT_EQ(update.state, at12);
        if (update.failure) {
            EXPECT_EQ(update.failure->index, 12u);
            EXPECT_EQ(update.failure->height, 13u);
            EXPECT_FALSE(update.failure->error.message.empty());
        }
        return code_of(update);
    };

    // Sanity: the untouched header 13 is accepted.
    EXPECT_EQ(code_of(extend(regtest(), at12, {base[12]})), "");

    BlockHeader unlinked = base[12];
    unlinked.prev_block[0] ^= 1;
    EXPECT_EQ(code_with(mine(unlinked, regtest())), "bad_linkage");

    // A nonce whose hash misses the target.
    BlockHeader weak = base[12];
    while (check_proof_of_work(block_hash(weak), weak.bits, regtest().pow_limit).ok()) ++weak.nonce;
    EXPECT_EQ(code_with(weak), "bad_pow");

    // Bits that are no target: negative, zero, overflowing, easier than the pow limit.
    for (uint32_t bits : {0x20800000u | 0x7fffffu, 0x20000000u, 0x23ffffffu, 0x2100ffffu}) {
        BlockHeader invalid = base[12];
        invalid.bits = bits;
        EXPECT_EQ(code_with(invalid), "invalid_bits") << std::hex << bits;
    }

    // A harder target than regtest's, with a hash that meets it: right work, wrong bits.
    EXPECT_EQ(code_with(next_header(regtest(), tip, 13, time, 0x1f7fffff)), "bad_bits");

    // Median time past: the median of the last 11 is not enough, one second more is.
    const uint32_t median = at12.median_time_past();
    EXPECT_EQ(code_with(next_header(regtest(), tip, 13, median, 0x207fffff)), "time_too_old");
    EXPECT_EQ(
        code_of(extend(regtest(), at12, {next_header(regtest(), tip, 13, median + 1, 0x207fffff)})),
        "");

    // Two hours ahead of the caller's clock is the limit.
    const int64_t now = time;
    EXPECT_EQ(code_with(next_header(regtest(), tip, 13, time + 7201, 0x207fffff), now),
              "time_too_new");
    EXPECT_EQ(code_of(extend(regtest(), at12,
                             {next_header(regtest(), tip, 13, time + 7200, 0x207fffff)}, now)),
              "");

    // Core's regtest has BIP-34/65/66 from height 1: version 3 is obsolete.
    EXPECT_EQ(code_with(next_header(regtest(), tip, 13, time, 0x207fffff, 3)), "bad_version");
    EXPECT_EQ(
        code_of(extend(regtest(), at12, {next_header(regtest(), tip, 13, time, 0x207fffff, 4)})),
        "");
}

TEST(HeaderChainRegtest, BcoinRegtestVersionHeights) {
    // bcoin 1.0.2's regtest: BIP-34 never, BIP-66 from 1251, BIP-65 from 1351.
    const HeaderChainState genesis = HeaderChainState::genesis(bcoin_regtest());
    HeaderChainState state = genesis;
    const auto add = [&](uint32_t count, int32_t version) {
        std::vector<BlockHeader> headers;
        HeaderChainState tip = state;
        for (uint32_t i = 0; i < count; ++i) {
            const uint32_t time = tip.tip().recent_times.back() + 600;
            headers.push_back(next_header(bcoin_regtest(), tip.tip().hash, tip.height() + 1, time,
                                          0x207fffff, version));
            tip = extend(bcoin_regtest(), tip, {headers.back()}).state;
        }
        return extend(bcoin_regtest(), state, headers);
    };
    HeaderChainUpdate update = add(1250, 1);  // version 1 is fine until 1250
    ASSERT_EQ(code_of(update), "");
    state = update.state;
    EXPECT_EQ(code_of(add(1, 2)), "bad_version");  // 1251 needs version 3
    update = add(100, 3);
    ASSERT_EQ(code_of(update), "");
    state = update.state;
    EXPECT_EQ(state.height(), 1350u);
    EXPECT_EQ(code_of(add(1, 3)), "bad_version");  // 1351 needs version 4
    EXPECT_EQ(code_of(add(1, 4)), "");
    // Core's regtest refuses version 1 at height 1 already.
    EXPECT_EQ(code_of(extend(regtest(), HeaderChainState::genesis(regtest()),
                             {next_header(regtest(), regtest().genesis_hash, 1,
                                          regtest().genesis.time + 600, 0x207fffff, 1)})),
              "bad_version");
}

TEST(HeaderChainRegtest, ForksCompareByChainWork) {
    const HeaderChainState genesis = HeaderChainState::genesis(regtest());
    const HeaderChainUpdate long_fork =
        extend(regtest(), genesis, mine_chain(regtest(), genesis, 30));
    const HeaderChainUpdate short_fork =
        extend(regtest(), genesis, mine_chain(regtest(), genesis, 29, 601));
    ASSERT_EQ(code_of(long_fork), "");
    ASSERT_EQ(code_of(short_fork), "");
    EXPECT_NE(long_fork.state.tip().hash, short_fork.state.tip().hash);
    EXPECT_GT(long_fork.state.chain_work(), short_fork.state.chain_work());
}

// testnet3's rules at a scale a test can mine: an interval of 8 blocks `spacing` seconds
// apart, a pow limit of 0x2003ffff (about 2^250: one hash in 64 meets it). The retarget
// multiplies by at most 4 * timespan <= 64, so nothing wraps.
Network easy_testnet(int64_t spacing = 1) {
    Network n = testnet3();
    n.name = "easy-testnet";
    n.target_spacing = spacing;
    n.target_timespan = 8 * spacing;
    n.pow_limit = decode_compact(0x2003ffff).value;
    n.genesis.bits = 0x2003ffff;
    n.genesis = mine(n.genesis, n);
    n.genesis_hash = block_hash(n.genesis);
    n.bip34_height = n.bip65_height = n.bip66_height = 0;
    return n;
}

constexpr uint32_t kLimit = 0x2003ffff;
constexpr uint32_t kRegular = 0x2001ffff;  // half the limit's target

TEST(HeaderChainTestnet, MinDifficultyRuleAndWalkBack) {
    const Network net = easy_testnet();
    ASSERT_EQ(net.interval(), 8);
    // A trusted point at height 8 (an interval start) with regular bits.
    const uint32_t t8 = 1'000'000;
    HeaderCheckpoint checkpoint;
    checkpoint.height = 8;
    checkpoint.hash = Hash256{0x42};
    checkpoint.bits = kRegular;
    for (uint32_t i = 0; i < 9; ++i) checkpoint.recent_times.push_back(t8 - 8 + i);
    checkpoint.period_start_time = t8;
    checkpoint.last_regular_bits = kRegular;
    auto start = HeaderChainState::from_checkpoint(net, checkpoint);
    ASSERT_TRUE(start.ok()) << start.error().message;
    HeaderChainState state = *start;

    // Adds one header; expects `code` ("" = accepted).
    const auto step = [&](uint32_t time, uint32_t bits, const std::string& code) {
        const BlockHeader h = next_header(net, state.tip().hash, state.height() + 1, time, bits, 4);
        const HeaderChainUpdate update = extend(net, state, {h});
        EXPECT_EQ(code_of(update), code)
            << "height " << state.height() + 1 << " time " << time << " bits " << std::hex << bits;
        if (code.empty()) state = update.state;
    };
    const auto last_time = [&] { return state.tip().recent_times.back(); };

    step(last_time() + 1, kLimit, "bad_bits");    // prompt: the limit is not allowed
    step(last_time() + 1, kRegular, "");          // 9
    step(last_time() + 2, kLimit, "bad_bits");    // exactly twice the spacing is not "more than"
    step(last_time() + 3, kLimit, "");            // 10: late, min-difficulty
    step(last_time() + 3, kRegular, "bad_bits");  // late: only the limit is expected
    step(last_time() + 1, kLimit, "bad_bits");    // prompt after a min-difficulty block:
    step(last_time() + 1, kRegular, "");          // 11: walks back over 10 to regular bits
    step(last_time() + 3, kLimit, "");            // 12
    step(last_time() + 3, kLimit, "");            // 13
    EXPECT_EQ(state.tip().last_regular_bits, kRegular);
    step(last_time() + 1, kRegular, "");  // 14: walks back over 13 and 12
    step(last_time() + 3, kLimit, "");    // 15: the interval's last block is min-difficulty

    // 16 starts an interval: no min-difficulty exception, and Core retargets from the last
    // block's bits, here the limit's (testnet3's known quirk). Blocks 8..15 took 15 seconds
    // over 7 gaps, against a timespan of 8: the limit's target * 15 / 8 is above the
    // limit, so the limit.
    ASSERT_EQ(int64_t{last_time()} - t8, 1 + 3 + 1 + 3 + 3 + 1 + 3);
    step(last_time() + 1, kRegular, "bad_bits");
    step(last_time() + 1, kLimit, "");
    EXPECT_EQ(state.height(), 16u);
    EXPECT_EQ(state.tip().period_start_time, last_time());
    EXPECT_EQ(state.tip().last_regular_bits, kLimit);  // an interval start always counts
}

TEST(HeaderChainTestnet, RetargetClampAndOffByOne) {
    // Mainnet's rule at the easy scale: 8 blocks of 2 seconds, timespan 16, clamp [4, 64].
    Network net = easy_testnet(2);
    net.retarget_rule = RetargetRule::kEveryInterval;
    const uint32_t t0 = net.genesis.time;
    std::vector<BlockHeader> headers;
    const auto add = [&](uint32_t time, uint32_t bits) {
        const Hash256 prev = headers.empty() ? net.genesis_hash : block_hash(headers.back());
        headers.push_back(
            next_header(net, prev, static_cast<uint32_t>(headers.size() + 1), time, bits, 4));
    };
    // 1..7 as close together as median time past allows: block 7 is 3 seconds after the
    // genesis, below timespan / 4, so the retarget at 8 is clamped to a factor of 1/4.
    for (uint32_t offset : {1u, 2u, 2u, 3u, 3u, 3u, 3u}) add(t0 + offset, kLimit);
    HeaderChainUpdate update = extend(net, HeaderChainState::genesis(net), headers);
    ASSERT_EQ(code_of(update), "") << update.failure->error.message;
    // The limit's target 0x03ffff * 2^232 / 4 = 0xffff.c * 2^232, rounded down in compact
    // form to 0xffff * 2^232: bits 0x2000ffff (worked by hand).
    EXPECT_EQ(next_required_bits(net, update.state, t0 + 4), 0x2000ffffu);
    add(t0 + 4, kLimit);
    EXPECT_EQ(code_of(extend(net, update.state, {headers.back()})), "bad_bits");
    headers.pop_back();

    // 8 comes 100 seconds late (no min-difficulty rule here), then 9..15 every 2 seconds.
    // At 16 Core measures 15's time minus 8's (14 s: 7 gaps, the off-by-one), not 15's
    // minus 7's (114 s, which would clamp to 64): 0xffff * 2^232 * 14 / 16 = 0xdfff2 * 2^228,
    // in compact form 0xdfff * 2^232: bits 0x2000dfff.
    add(t0 + 103, 0x2000ffff);
    for (uint32_t i = 1; i <= 7; ++i) add(t0 + 103 + 2 * i, 0x2000ffff);
    update = extend(net, HeaderChainState::genesis(net), headers);
    ASSERT_EQ(code_of(update), "") << update.failure->error.message;
    EXPECT_EQ(update.state.height(), 15u);
    EXPECT_EQ(update.state.tip().period_start_time, t0 + 103);
    EXPECT_EQ(next_required_bits(net, update.state, t0 + 120), 0x2000dfffu);
    add(t0 + 120, 0x2000dfff);
    EXPECT_EQ(code_of(extend(net, update.state, {headers.back()})), "");
    // The upper clamp: an interval 1000 times too slow only makes the target 4 times easier
    // (0xffff * 4 = 0x3fffc), and never easier than the limit.
    EXPECT_EQ(retarget_bits(net, 0x2000ffff, 0, 16000), 0x2003fffcu);
    EXPECT_EQ(retarget_bits(net, kLimit, 0, 16000), kLimit);
}

TEST(HeaderChainState, CheckpointsAreChecked) {
    HeaderCheckpoint good;
    good.height = 100;
    good.hash = Hash256{1};
    good.bits = 0x207fffff;
    good.recent_times.assign(11, 5000);
    good.period_start_time = 100;
    good.last_regular_bits = 0x207fffff;
    ASSERT_TRUE(HeaderChainState::from_checkpoint(regtest(), good).ok());

    const auto code_for = [](const HeaderCheckpoint& checkpoint) {
        auto state = HeaderChainState::from_checkpoint(regtest(), checkpoint);
        return state.ok() ? std::string() : state.error().code;
    };
    HeaderCheckpoint c = good;
    c.recent_times.pop_back();
    EXPECT_EQ(code_for(c), "checkpoint_invalid");
    c = good;
    c.height = 3;  // needs 4 times
    EXPECT_EQ(code_for(c), "checkpoint_invalid");
    c.recent_times.assign(4, 5000);
    EXPECT_EQ(code_for(c), "");
    c = good;
    c.bits = 0x21008000;  // 2^255: just above regtest's limit
    EXPECT_EQ(code_for(c), "checkpoint_invalid");
    c = good;
    c.last_regular_bits = 0;
    EXPECT_EQ(code_for(c), "checkpoint_invalid");
    c = good;
    c.height = 2016;  // an interval start: the period starts with it
    EXPECT_EQ(code_for(c), "checkpoint_invalid");
    c.period_start_time = 5000;
    EXPECT_EQ(code_for(c), "");
    c = good;
    c.height = 0;
    c.recent_times = {regtest().genesis.time};
    EXPECT_EQ(code_for(c), "checkpoint_invalid");  // height 0 must be the genesis
    c.hash = regtest().genesis_hash;
    c.period_start_time = regtest().genesis.time;
    EXPECT_EQ(code_for(c), "");
    c = good;
    c.height = 0xffffffff;
    EXPECT_EQ(code_for(c), "checkpoint_invalid");

    // The genesis state is the checkpoint form of the genesis block.
    const HeaderChainState genesis = HeaderChainState::genesis(regtest());
    auto same = HeaderChainState::from_checkpoint(regtest(), genesis.tip());
    ASSERT_TRUE(same.ok());
    EXPECT_EQ(*same, genesis);
}

TEST(HeaderChainState, StoredFormIsStrict) {
    const HeaderChainState genesis = HeaderChainState::genesis(regtest());
    const HeaderChainState state =
        extend(regtest(), genesis, mine_chain(regtest(), genesis, 15)).state;
    const Bytes bytes = state.serialize();
    EXPECT_EQ(bytes.size(), 1 + 32 + 4 + 32 + 4 + 4 + 4 + 32 + 1 + 4 * 11u);
    auto parsed = HeaderChainState::parse(regtest(), bytes);
    ASSERT_TRUE(parsed.ok());
    EXPECT_EQ(*parsed, state);
    EXPECT_EQ(parsed->serialize(), bytes);

    for (size_t size = 0; size < bytes.size(); ++size) {
        auto cut = HeaderChainState::parse(regtest(), ByteSpan(bytes).first(size));
        ASSERT_FALSE(cut.ok()) << size;
        EXPECT_EQ(cut.error().code, "truncated") << size;
    }
    Bytes longer = bytes;
    longer.push_back(0);
    EXPECT_EQ(HeaderChainState::parse(regtest(), longer).error().code, "trailing_bytes");
    Bytes format = bytes;
    format[0] = 2;
    EXPECT_EQ(HeaderChainState::parse(regtest(), format).error().code, "state_bad_format_version");
    Bytes count = bytes;
    count[1 + 32 + 4 + 32 + 4 + 4 + 4 + 32] = 10;
    EXPECT_EQ(HeaderChainState::parse(regtest(), count).error().code, "state_wrong_time_count");
    EXPECT_EQ(HeaderChainState::parse(mainnet(), bytes).error().code, "wrong_network");
    // bcoin's regtest is the same chain as Core's: the state is valid for both.
    EXPECT_TRUE(HeaderChainState::parse(bcoin_regtest(), bytes).ok());
}

}  // namespace
}  // namespace datt::bitcoin
