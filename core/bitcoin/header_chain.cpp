#include "bitcoin/header_chain.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <limits>
#include <string>

#include "bitcoin/display_hash.h"
#include "bitcoin/target.h"
#include "util/byte_reader.h"
#include "util/byte_writer.h"

namespace datt::bitcoin {
namespace {

constexpr uint8_t kStateFormatVersion = 1;

std::string hex32(uint32_t value) {
    char text[11];
    std::snprintf(text, sizeof text, "0x%08x", value);
    return text;
}

uint32_t expected_time_count(uint32_t height) {
    return static_cast<uint32_t>(std::min<uint64_t>(kMedianTimeSpan, uint64_t{height} + 1));
}

uint32_t pow_limit_bits(const Network& network) {
    return encode_compact(network.pow_limit);
}

bool at_interval_start(const Network& network, uint32_t height) {
    return height % static_cast<uint64_t>(network.interval()) == 0;
}

Error checkpoint_invalid(std::string why) {
    return make_error("checkpoint_invalid", std::move(why));
}

}  // namespace

uint32_t retarget_bits(const Network& network, uint32_t last_bits, int64_t first_time,
                       int64_t last_time) {
    switch (network.retarget_rule) {
        case RetargetRule::kNone:
            return last_bits;
        case RetargetRule::kEveryInterval:
        case RetargetRule::kEveryIntervalWithMinDifficulty:
            break;
    }
    const int64_t timespan = network.target_timespan;
    const int64_t actual = std::clamp(last_time - first_time, timespan / 4, timespan * 4);
    // Core multiplies by a 32-bit word, modulo 2^256: the clamp keeps `actual` below 2^32,
    // and the targets of real networks are small enough that nothing wraps.
    Uint256 target = decode_compact(last_bits).value;
    target *= static_cast<uint32_t>(actual);
    target /= Uint256(static_cast<uint64_t>(timespan));
    if (target > network.pow_limit) target = network.pow_limit;
    return encode_compact(target);
}

uint32_t next_required_bits(const Network& network, const HeaderChainState& state, uint32_t time) {
    const HeaderCheckpoint& tip = state.tip();
    const uint32_t tip_time = tip.recent_times.back();
    if (!at_interval_start(network, tip.height + 1)) {
        switch (network.retarget_rule) {
            case RetargetRule::kEveryIntervalWithMinDifficulty:
                // A header more than twice the spacing after its parent may be at the limit;
                // any other must carry the last regular (walked-back) bits.
                if (int64_t{time} > int64_t{tip_time} + 2 * network.target_spacing) {
                    return pow_limit_bits(network);
                }
                return tip.last_regular_bits;
            case RetargetRule::kEveryInterval:
            case RetargetRule::kNone:
                return tip.bits;
        }
    }
    return retarget_bits(network, tip.bits, tip.period_start_time, tip_time);
}

HeaderChainState HeaderChainState::genesis(const Network& network) {
    HeaderChainState state;
    state.genesis_hash_ = network.genesis_hash;
    HeaderCheckpoint& tip = state.tip_;
    tip.height = 0;
    tip.hash = network.genesis_hash;
    tip.bits = network.genesis.bits;
    tip.recent_times = {network.genesis.time};
    tip.period_start_time = network.genesis.time;
    tip.last_regular_bits = network.genesis.bits;
    auto target = target_from_bits(network.genesis.bits, network.pow_limit);
    tip.chain_work = target.ok() ? work_from_target(*target) : Uint256{};
    return state;
}

Result<HeaderChainState> HeaderChainState::from_checkpoint(const Network& network,
                                                           const HeaderCheckpoint& checkpoint) {
    if (checkpoint.height == std::numeric_limits<uint32_t>::max()) {
        return checkpoint_invalid("height 2^32 - 1 leaves no room for a successor");
    }
    if (checkpoint.recent_times.size() != expected_time_count(checkpoint.height)) {
        return checkpoint_invalid(
            "a checkpoint at height " + std::to_string(checkpoint.height) + " carries " +
            std::to_string(expected_time_count(checkpoint.height)) + " recent times, not " +
            std::to_string(checkpoint.recent_times.size()));
    }
    if (checkpoint.height == 0 && checkpoint.hash != network.genesis_hash) {
        return checkpoint_invalid("height 0 is the genesis block, " +
                                  to_display_hex(network.genesis_hash));
    }
    for (uint32_t bits : {checkpoint.bits, checkpoint.last_regular_bits}) {
        auto target = target_from_bits(bits, network.pow_limit);
        if (!target.ok()) return checkpoint_invalid(target.error().message);
    }
    if (at_interval_start(network, checkpoint.height) &&
        checkpoint.period_start_time != checkpoint.recent_times.back()) {
        return checkpoint_invalid("at an interval start the period start time is the tip's time");
    }
    HeaderChainState state;
    state.genesis_hash_ = network.genesis_hash;
    state.tip_ = checkpoint;
    return state;
}

uint32_t HeaderChainState::median_time_past() const {
    std::array<uint32_t, kMedianTimeSpan> times{};
    const size_t count = tip_.recent_times.size();
    std::copy(tip_.recent_times.begin(), tip_.recent_times.end(), times.begin());
    std::sort(times.begin(), times.begin() + static_cast<std::ptrdiff_t>(count));
    return times[count / 2];
}

Status HeaderChainState::accept(const Network& network, const BlockHeader& header,
                                std::optional<int64_t> now, WorkCache& cache) {
    if (tip_.height == std::numeric_limits<uint32_t>::max()) {
        return make_error("height_overflow", "the chain is at height 2^32 - 1");
    }
    const uint32_t height = tip_.height + 1;
    if (header.prev_block != tip_.hash) {
        return make_error("bad_linkage", "prev_block " + to_display_hex(header.prev_block) +
                                             " is not the tip " + to_display_hex(tip_.hash));
    }
    const Hash256 hash = block_hash(header);
    if (auto pow = check_proof_of_work(hash, header.bits, network.pow_limit); !pow.ok()) {
        return pow.error();
    }
    if (const uint32_t expected = next_required_bits(network, *this, header.time);
        header.bits != expected) {
        return make_error("bad_bits", "bits " + hex32(header.bits) +
                                          " where the network requires " + hex32(expected));
    }
    if (const uint32_t median = median_time_past(); header.time <= median) {
        return make_error("time_too_old", "time " + std::to_string(header.time) +
                                              " is not after the median time past " +
                                              std::to_string(median));
    }
    if (now && int64_t{header.time} > *now + kMaxFutureBlockTime) {
        return make_error("time_too_new", "time " + std::to_string(header.time) +
                                              " is more than 2 hours ahead of " +
                                              std::to_string(*now));
    }
    if ((header.version < 2 && height >= network.bip34_height) ||
        (header.version < 3 && height >= network.bip66_height) ||
        (header.version < 4 && height >= network.bip65_height)) {
        return make_error("bad_version", "version " + hex32(static_cast<uint32_t>(header.version)) +
                                             " is obsolete at height " + std::to_string(height));
    }
    if (cache.work.is_zero() || cache.bits != header.bits) {
        // The target is valid: check_proof_of_work decoded it above.
        cache.bits = header.bits;
        cache.work = work_from_target(decode_compact(header.bits).value);
    }
    const auto work = Uint256::checked_add(tip_.chain_work, cache.work);
    if (!work) return make_error("chain_work_overflow", "the chain work passes 2^256 - 1");

    // Everything checked: move the tip.
    tip_.height = height;
    tip_.hash = hash;
    tip_.bits = header.bits;
    if (tip_.recent_times.size() == kMedianTimeSpan) {
        tip_.recent_times.erase(tip_.recent_times.begin());
    }
    tip_.recent_times.push_back(header.time);
    if (at_interval_start(network, height)) tip_.period_start_time = header.time;
    if (at_interval_start(network, height) || header.bits != pow_limit_bits(network)) {
        tip_.last_regular_bits = header.bits;
    }
    tip_.chain_work = *work;
    return Ok{};
}

HeaderChainUpdate extend_header_chain(const Network& network, const HeaderChainState& state,
                                      std::span<const BlockHeader> headers,
                                      std::optional<int64_t> now) {
    HeaderChainUpdate update{state, 0, std::nullopt};
    if (state.genesis_hash_ != network.genesis_hash) {
        if (!headers.empty()) {
            update.failure = HeaderChainFailure{
                0, state.height() + 1,
                make_error("wrong_network", "the chain state is not a " + network.name + " chain")};
        }
        return update;
    }
    HeaderChainState::WorkCache cache;
    for (const BlockHeader& header : headers) {
        const uint32_t height = update.state.height() + 1;
        if (auto accepted = update.state.accept(network, header, now, cache); !accepted.ok()) {
            update.failure = HeaderChainFailure{update.accepted, height, accepted.error()};
            break;
        }
        ++update.accepted;
    }
    return update;
}

Bytes HeaderChainState::serialize() const {
    ByteWriter writer(1 + 32 + 4 + 32 + 4 + 4 + 4 + 32 + 1 + 4 * kMedianTimeSpan);
    writer.write_u8(kStateFormatVersion)
        .write_bytes(genesis_hash_)
        .write_u32_le(tip_.height)
        .write_bytes(tip_.hash)
        .write_u32_le(tip_.bits)
        .write_u32_le(tip_.period_start_time)
        .write_u32_le(tip_.last_regular_bits)
        .write_bytes(tip_.chain_work.to_le_bytes())
        .write_u8(static_cast<uint8_t>(tip_.recent_times.size()));
    for (uint32_t time : tip_.recent_times) writer.write_u32_le(time);
    return std::move(writer).take();
}

Result<HeaderChainState> HeaderChainState::parse(const Network& network, ByteSpan bytes) {
    ByteReader reader(bytes);
    auto format = reader.read_u8();
    if (!format.ok()) return format.error();
    if (*format != kStateFormatVersion) {
        return make_error("state_bad_format_version",
                          "unknown chain state format " + std::to_string(*format));
    }
    auto genesis_hash = reader.read_array<32>();
    if (!genesis_hash.ok()) return genesis_hash.error();
    if (*genesis_hash != network.genesis_hash) {
        return make_error("wrong_network", "the chain state is not a " + network.name + " chain");
    }
    HeaderCheckpoint checkpoint;
    auto height = reader.read_u32_le();
    if (!height.ok()) return height.error();
    auto hash = reader.read_array<32>();
    if (!hash.ok()) return hash.error();
    auto bits = reader.read_u32_le();
    if (!bits.ok()) return bits.error();
    auto period_start_time = reader.read_u32_le();
    if (!period_start_time.ok()) return period_start_time.error();
    auto last_regular_bits = reader.read_u32_le();
    if (!last_regular_bits.ok()) return last_regular_bits.error();
    auto chain_work = reader.read_array<32>();
    if (!chain_work.ok()) return chain_work.error();
    auto time_count = reader.read_u8();
    if (!time_count.ok()) return time_count.error();
    checkpoint.height = *height;
    checkpoint.hash = *hash;
    checkpoint.bits = *bits;
    checkpoint.period_start_time = *period_start_time;
    checkpoint.last_regular_bits = *last_regular_bits;
    checkpoint.chain_work = Uint256::from_le_bytes(*chain_work);
    if (*time_count != expected_time_count(checkpoint.height)) {
        return make_error("state_wrong_time_count",
                          "a state at height " + std::to_string(checkpoint.height) + " holds " +
                              std::to_string(expected_time_count(checkpoint.height)) +
                              " recent times, not " + std::to_string(*time_count));
    }
    for (uint8_t i = 0; i < *time_count; ++i) {
        auto time = reader.read_u32_le();
        if (!time.ok()) return time.error();
        checkpoint.recent_times.push_back(*time);
    }
    if (auto end = reader.expect_end(); !end.ok()) return end.error();
    return from_checkpoint(network, checkpoint);
}

}  // namespace datt::bitcoin
