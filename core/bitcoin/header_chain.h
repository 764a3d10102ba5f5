// A pure header-chain validator for SPV clients: state in, headers in, new state out.
//
// HeaderChainState is what a client keeps (in IndexedDB, a file) about the tip of its best
// header chain: enough to validate the next headers without the ones before it, that is
// the tip's height, hash and bits, the last 11 timestamps (median time past), the time of
// the block that opened the current retarget interval, testnet's walk-back bits, and the
// total chain work. It starts at a network's genesis or at a checkpoint the client trusts,
// and only extend_header_chain() moves it, one valid header at a time, so a state is always
// one a valid chain reached (states are constructible only through these paths).
//
// Each header is checked as Bitcoin Core checks a header it accepts (AcceptBlockHeader,
// CheckBlockHeader, ContextualCheckBlockHeader), in this order:
//   bad_linkage      prev_block is not the hash of the tip
//   invalid_bits     bits is negative, overflows, is zero or above the pow limit (target.h)
//   bad_pow          the header's hash is above its target
//   bad_bits         bits is not what the network's retarget rule requires (network.h):
//                    every interval() blocks the target is scaled by (time of the interval's
//                    last block - time of its first block), which spans interval()-1 gaps
//                    (Core's off-by-one), clamped to [timespan/4, timespan*4]; testnet's
//                    20-minute min-difficulty rule and its walk-back; regtest never changes
//   time_too_old     time is not after the median of the previous 11 timestamps
//   time_too_new     time is more than 2 hours after `now` (only when `now` is given; such a
//                    header may become valid later, as in Core)
//   bad_version      version below 2, 3 or 4 at or after the BIP-34, BIP-66, BIP-65 heights
//   chain_work_overflow  the total work would pass 2^256 - 1 (unreachable with real targets)
//   height_overflow  the chain would pass height 2^32 - 1
//   wrong_network    the state belongs to another network (its genesis differs)
// Validation stops at the first invalid header; the headers before it are kept.
//
// Not checked here: checkpoints and minimum chain work (the client's policy; it compares
// chain_work between candidate chains), signet block signatures (in the coinbase), BIP-94
// (testnet4), and anything inside the blocks.
//
// Other error codes: checkpoint_invalid (from_checkpoint), state_* (parse, below), truncated,
// trailing_bytes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "bitcoin/header.h"
#include "bitcoin/network.h"
#include "bitcoin/uint256.h"
#include "util/bytes.h"
#include "util/result.h"

namespace datt::bitcoin {

inline constexpr size_t kMedianTimeSpan = 11;                // Core's MEDIAN_TIME_SPAN
inline constexpr int64_t kMaxFutureBlockTime = 2 * 60 * 60;  // Core's MAX_FUTURE_BLOCK_TIME

// A trusted point of a chain and what validating its successors needs (for mainnet, values a
// client ships with or takes from a node it trusts once).
struct HeaderCheckpoint {
    uint32_t height = 0;
    Hash256 hash{};     // internal byte order
    uint32_t bits = 0;  // the checkpoint header's bits
    // Times of the last min(11, height + 1) headers up to this one, oldest first.
    std::vector<uint32_t> recent_times;
    // Time of the header at height - height % interval (the current interval's first).
    uint32_t period_start_time = 0;
    // The bits of the last header at or before this one that is at an interval start or not
    // at the pow limit (used by testnet's min-difficulty rule; equal to `bits` elsewhere).
    uint32_t last_regular_bits = 0;
    // Work of every header from genesis to this one; zero when unknown (work is then counted
    // from the checkpoint, which still orders chains grown from the same checkpoint).
    Uint256 chain_work;

    bool operator==(const HeaderCheckpoint&) const = default;
};

struct HeaderChainUpdate;

class HeaderChainState {
  public:
    // The chain holding only the network's genesis block (chain work = its work).
    static HeaderChainState genesis(const Network& network);
    [[nodiscard]] static Result<HeaderChainState> from_checkpoint(
        const Network& network, const HeaderCheckpoint& checkpoint);

    // Binary form for storage (all integers little-endian):
    //   1   format version (1)
    //   32  genesis hash          4  height            32  tip hash
    //   4   tip bits              4  period start time  4  last regular bits
    //   32  chain work (little-endian number)
    //   1   n = number of recent times (min(11, height + 1))   4*n  recent times
    // parse() checks the format and validates the content as from_checkpoint() does.
    // Error codes: state_bad_format_version, state_wrong_time_count, wrong_network,
    // checkpoint_invalid, truncated, trailing_bytes.
    Bytes serialize() const;
    [[nodiscard]] static Result<HeaderChainState> parse(const Network& network, ByteSpan bytes);

    const Hash256& genesis_hash() const { return genesis_hash_; }
    // The tip, in the form from_checkpoint() takes.
    const HeaderCheckpoint& tip() const { return tip_; }
    uint32_t height() const { return tip_.height; }
    const Uint256& chain_work() const { return tip_.chain_work; }
    // Median of the recent times: the next header's time must be above it.
    uint32_t median_time_past() const;

    bool operator==(const HeaderChainState&) const = default;

  private:
    // The work of the last target seen, so a run of headers with the same bits divides once.
    struct WorkCache {
        uint32_t bits = 0;
        Uint256 work;
    };

    HeaderChainState() = default;
    // Validates `header` as the next one and, only when it is valid, moves the tip to it.
    Status accept(const Network& network, const BlockHeader& header, std::optional<int64_t> now,
                  WorkCache& cache);

    friend HeaderChainUpdate extend_header_chain(const Network& network,
                                                 const HeaderChainState& state,
                                                 std::span<const BlockHeader> headers,
                                                 std::optional<int64_t> now);

    Hash256 genesis_hash_{};
    HeaderCheckpoint tip_;
};

struct HeaderChainFailure {
    size_t index = 0;     // position in the headers given
    uint32_t height = 0;  // the height the header would have had
    Error error;
};

struct HeaderChainUpdate {
    HeaderChainState state;  // after the last accepted header
    size_t accepted = 0;     // headers accepted, from the first
    std::optional<HeaderChainFailure> failure;
};

// Validates `headers` as the successors of `state`'s tip, in order. `now` (seconds since
// 1970, from the caller's clock) enables the time_too_new check.
[[nodiscard]] HeaderChainUpdate extend_header_chain(const Network& network,
                                                    const HeaderChainState& state,
                                                    std::span<const BlockHeader> headers,
                                                    std::optional<int64_t> now = std::nullopt);

// The bits a header at state.height() + 1 with time `time` must carry (Core's
// GetNextWorkRequired).
uint32_t next_required_bits(const Network& network, const HeaderChainState& state, uint32_t time);

// Core's CalculateNextWorkRequired: the bits after an interval whose last header has
// `last_bits` and `last_time`, and whose first header has `first_time`.
uint32_t retarget_bits(const Network& network, uint32_t last_bits, int64_t first_time,
                       int64_t last_time);

}  // namespace datt::bitcoin
