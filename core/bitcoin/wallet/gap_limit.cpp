#include "bitcoin/wallet/gap_limit.h"

#include <algorithm>
#include <string>
#include <utility>

#include "util/byte_reader.h"
#include "util/byte_writer.h"

namespace datt::bitcoin::wallet {
namespace {

constexpr uint8_t kScanProgressVersion = 1;

Status check_gap_limit(uint32_t gap_limit) {
    if (gap_limit == 0 || gap_limit > kMaxGapLimit)
        return make_error("wallet_bad_gap_limit", "gap limit " + std::to_string(gap_limit) +
                                                      " is not in 1.." +
                                                      std::to_string(kMaxGapLimit));
    return Ok{};
}

Status check_next_unused(uint32_t next_unused) {
    // next_unused is highest used + 1, and a used index must be below kMaxChainIndex.
    if (next_unused > kMaxChainIndex)
        return make_error("wallet_index_limit", "next unused index " + std::to_string(next_unused) +
                                                    " is above " + std::to_string(kMaxChainIndex));
    return Ok{};
}

}  // namespace

Bytes ScanProgress::serialize() const {
    ByteWriter writer;
    writer.write_u8(kScanProgressVersion)
        .write_bytes(account_fingerprint)
        .write_u32_le(gap_limit)
        .write_u32_le(next_unused_receive)
        .write_u32_le(next_unused_change);
    return std::move(writer).take();
}

Result<ScanProgress> ScanProgress::parse(ByteSpan bytes) {
    if (bytes.size() < kScanProgressSize)
        return make_error("wallet_state_truncated",
                          "scan progress is " + std::to_string(bytes.size()) + " bytes, expected " +
                              std::to_string(kScanProgressSize));
    if (bytes.size() > kScanProgressSize)
        return make_error("wallet_state_trailing_bytes",
                          "scan progress is " + std::to_string(bytes.size()) + " bytes, expected " +
                              std::to_string(kScanProgressSize));
    ByteReader reader(bytes);
    // The length is checked above, so none of these reads can fail.
    const uint8_t version = *reader.read_u8();
    if (version != kScanProgressVersion)
        return make_error("wallet_state_bad_version",
                          "scan progress format " + std::to_string(version) + " is not 1");
    ScanProgress progress;
    progress.account_fingerprint = *reader.read_array<4>();
    progress.gap_limit = *reader.read_u32_le();
    progress.next_unused_receive = *reader.read_u32_le();
    progress.next_unused_change = *reader.read_u32_le();
    if (auto ok = check_gap_limit(progress.gap_limit); !ok) return ok.error();
    if (auto ok = check_next_unused(progress.next_unused_receive); !ok) return ok.error();
    if (auto ok = check_next_unused(progress.next_unused_change); !ok) return ok.error();
    return progress;
}

ScanState::ScanState(Bip84Account account, uint32_t gap_limit)
    : account_(std::move(account)), gap_limit_(gap_limit) {}

Result<ScanState> ScanState::create(const Bip84Account& account, uint32_t gap_limit) {
    ScanProgress progress;
    progress.account_fingerprint = account.fingerprint();
    progress.gap_limit = gap_limit;
    return restore(account, progress);
}

Result<ScanState> ScanState::restore(const Bip84Account& account, const ScanProgress& progress) {
    if (progress.account_fingerprint != account.fingerprint())
        return make_error(
            "wallet_state_wrong_account",
            "the scan state belongs to another account than " + account.account_path());
    if (auto ok = check_gap_limit(progress.gap_limit); !ok) return ok.error();
    if (auto ok = check_next_unused(progress.next_unused_receive); !ok) return ok.error();
    if (auto ok = check_next_unused(progress.next_unused_change); !ok) return ok.error();

    ScanState state(account.watch_only(), progress.gap_limit);
    state.next_unused_[slot(Chain::kReceive)] = progress.next_unused_receive;
    state.next_unused_[slot(Chain::kChange)] = progress.next_unused_change;
    std::vector<WatchedScript> added;
    for (Chain chain : {Chain::kReceive, Chain::kChange})
        if (auto ok = state.extend(chain, added); !ok) return ok.error();
    return state;
}

uint32_t ScanState::next_unused(Chain chain) const {
    return next_unused_[slot(chain)];
}

std::optional<uint32_t> ScanState::highest_used(Chain chain) const {
    const uint32_t next = next_unused(chain);
    if (next == 0) return std::nullopt;
    return next - 1;
}

uint32_t ScanState::watched_end(Chain chain) const {
    return watched_end_[slot(chain)];
}

std::optional<KeyPath> ScanState::find(ByteSpan script_pubkey) const {
    auto it = watched_.find(script_pubkey);
    if (it == watched_.end()) return std::nullopt;
    return it->second;
}

std::vector<WatchedScript> ScanState::watched_scripts() const {
    std::vector<WatchedScript> scripts;
    scripts.reserve(watched_.size());
    for (const auto& [script, path] : watched_) scripts.push_back(WatchedScript{script, path});
    // The map orders by script bytes; shells want a stable, meaningful order.
    std::sort(scripts.begin(), scripts.end(), [](const WatchedScript& a, const WatchedScript& b) {
        if (a.path.chain != b.path.chain) return a.path.chain < b.path.chain;
        return a.path.index < b.path.index;
    });
    return scripts;
}

ScanProgress ScanState::progress() const {
    ScanProgress progress;
    progress.account_fingerprint = account_.fingerprint();
    progress.gap_limit = gap_limit_;
    progress.next_unused_receive = next_unused(Chain::kReceive);
    progress.next_unused_change = next_unused(Chain::kChange);
    return progress;
}

Status ScanState::extend(Chain chain, std::vector<WatchedScript>& added) {
    const size_t s = slot(chain);
    // next_unused <= kMaxChainIndex and gap <= kMaxGapLimit: the sum fits in 32 bits.
    const uint32_t end = next_unused_[s] + gap_limit_;
    for (uint32_t index = watched_end_[s]; index < end; ++index) {
        auto script = account_.script_pubkey(chain, index);
        if (!script) return script.error();
        KeyPath path = account_.key_path(chain, index);
        watched_.emplace(*script, path);
        added.push_back(WatchedScript{std::move(*script), path});
        watched_end_[s] = index + 1;
    }
    return Ok{};
}

Result<MarkUsedResult> ScanState::mark_used(ByteSpan script_pubkey) const {
    std::optional<KeyPath> path = find(script_pubkey);
    if (!path) return MarkUsedResult{*this, std::nullopt, {}};
    auto result = mark_index_used(path->chain, path->index);
    if (!result) return result.error();
    result->matched = path;
    return result;
}

Result<MarkUsedResult> ScanState::mark_index_used(Chain chain, uint32_t index) const {
    if (chain != Chain::kReceive && chain != Chain::kChange)
        return make_error("wallet_bad_chain", "chain " +
                                                  std::to_string(static_cast<uint32_t>(chain)) +
                                                  " is neither 0 (receive) nor 1 (change)");
    if (index >= kMaxChainIndex)
        return make_error(
            "wallet_index_limit",
            "index " + std::to_string(index) + " is not below " + std::to_string(kMaxChainIndex));
    MarkUsedResult result{*this, std::nullopt, {}};
    if (index < next_unused(chain)) return result;
    result.state.next_unused_[slot(chain)] = index + 1;
    if (auto ok = result.state.extend(chain, result.newly_watched); !ok) return ok.error();
    return result;
}

}  // namespace datt::bitcoin::wallet
