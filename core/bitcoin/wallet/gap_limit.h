// Gap-limit scanning: which scripts of a BIP-84 account to watch on the chain.
//
// BIP-44's rule: a wallet watches, on each chain (receive, change), every index up to the
// highest one used plus a gap of unused ones (20 by default); a payment to a watched script
// marks its index used, which moves the window and brings new scripts into view. Restoring
// from a seed this way finds every address another BIP-84 wallet used, as long as it never
// left more than `gap` unused addresses in a row.
//
// ScanState is a plain value: the shell holds it (and stores ScanProgress), hands the
// scripts it watches to the node or relay, and for each script seen paid calls mark_used(),
// which returns the next state and the scripts newly watched. Marking is monotonic and
// idempotent: marking a script again, or one below the highest used, changes nothing
// (reorganisations never "unuse" an index: an address handed out stays watched).
//
// ScanProgress is what is stored, 17 bytes:
//   [0]       format version, 1
//   [1..5)    fingerprint of the account key (BIP-32 HASH160 prefix): the state is that
//             account's and no other's
//   [5..9)    gap limit, u32 little-endian, 1..kMaxGapLimit
//   [9..13)   next unused receive index (highest used + 1; 0 when none), u32 little-endian
//   [13..17)  next unused change index, u32 little-endian
// Indices are bounded by kMaxChainIndex so that restoring a stored state derives at most
// kMaxChainIndex + gap keys per chain.
//
// Error codes:
//   wallet_state_truncated, wallet_state_trailing_bytes   not exactly 17 bytes
//   wallet_state_bad_version    format version other than 1
//   wallet_bad_gap_limit        gap limit 0 or above kMaxGapLimit
//   wallet_index_limit          an index at or above kMaxChainIndex
//   wallet_state_wrong_account  stored for another account (fingerprint)
//   wallet_bad_chain            a chain other than receive or change
// and bip32_invalid_child from derivation (probability ~2^-127 per key).
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <vector>

#include "bitcoin/tx.h"
#include "bitcoin/wallet/bip84.h"
#include "util/bytes.h"
#include "util/result.h"

namespace datt::bitcoin::wallet {

inline constexpr uint32_t kDefaultGapLimit = 20;
inline constexpr uint32_t kMaxGapLimit = 1'000;
// Used indices per chain must stay below this (a million payments to one chain).
inline constexpr uint32_t kMaxChainIndex = 1'000'000;
inline constexpr size_t kScanProgressSize = 17;

// What a shell stores between sessions.
struct ScanProgress {
    ByteArray<4> account_fingerprint{};
    uint32_t gap_limit = kDefaultGapLimit;
    uint32_t next_unused_receive = 0;
    uint32_t next_unused_change = 0;

    Bytes serialize() const;
    // Checks the layout and bounds (not the account: ScanState::restore does).
    [[nodiscard]] static Result<ScanProgress> parse(ByteSpan bytes);
    bool operator==(const ScanProgress&) const = default;
};

struct WatchedScript {
    Script script_pubkey;
    KeyPath path;
    bool operator==(const WatchedScript&) const = default;
};

struct MarkUsedResult;

class ScanState {
  public:
    // Nothing used yet: indices 0..gap-1 of both chains are watched.
    [[nodiscard]] static Result<ScanState> create(const Bip84Account& account,
                                                  uint32_t gap_limit = kDefaultGapLimit);
    // The state `progress` describes, for `account` (its fingerprint must match).
    [[nodiscard]] static Result<ScanState> restore(const Bip84Account& account,
                                                   const ScanProgress& progress);

    uint32_t gap_limit() const { return gap_limit_; }
    // Highest used index + 1, or 0 when none is used: the next fresh address of the chain.
    uint32_t next_unused(Chain chain) const;
    std::optional<uint32_t> highest_used(Chain chain) const;
    // Indices [0, watched_end) of the chain are watched: next_unused + gap.
    uint32_t watched_end(Chain chain) const;

    // The key a watched script belongs to.
    std::optional<KeyPath> find(ByteSpan script_pubkey) const;
    size_t watched_count() const { return watched_.size(); }
    // Every watched script, receive chain first, by index.
    std::vector<WatchedScript> watched_scripts() const;
    ScanProgress progress() const;

    // `script_pubkey` was seen paid. An unknown script changes nothing (matched is empty).
    [[nodiscard]] Result<MarkUsedResult> mark_used(ByteSpan script_pubkey) const;
    // Index `index` of `chain` is used (handed out as change, or known from elsewhere); it
    // need not be watched yet.
    [[nodiscard]] Result<MarkUsedResult> mark_index_used(Chain chain, uint32_t index) const;

  private:
    ScanState(Bip84Account account, uint32_t gap_limit);
    // Watches indices up to next_unused + gap on `chain`; appends what is new.
    Status extend(Chain chain, std::vector<WatchedScript>& added);
    static size_t slot(Chain chain) { return chain == Chain::kReceive ? 0 : 1; }

    // Orders scripts by their bytes; lets find() look a span up without copying it.
    struct ScriptLess {
        using is_transparent = void;
        bool operator()(ByteSpan a, ByteSpan b) const {
            return std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end());
        }
    };

    Bip84Account account_;  // watch-only
    uint32_t gap_limit_;
    std::array<uint32_t, 2> next_unused_{};
    std::array<uint32_t, 2> watched_end_{};
    std::map<Bytes, KeyPath, ScriptLess> watched_;
};

struct MarkUsedResult {
    ScanState state;
    std::optional<KeyPath> matched;            // the key the script belongs to, if any
    std::vector<WatchedScript> newly_watched;  // scripts the shell must start watching
};

}  // namespace datt::bitcoin::wallet
