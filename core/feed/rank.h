// Feed ranking: the orders reddit popularised, as a pure function so every client that
// holds the same items and votes computes the same order.
//
// Formulas (origin: reddit's open-source ranking, r2/r2/lib/db/_sorts.pyx, 2015):
//   hot:           s = ups - downs; order = log10(max(|s|, 1)); sign = s>0 ? 1 : s<0 ? -1 : 0;
//                  seconds = created_at - 1134028003; hot = sign*order + seconds/45000.0
//                  (reddit also rounds to 7 decimals; we do not: rounding only turns
//                  near-ties into ties).
//                  Datt adds the verified tip sats t (only tips core/tip verified, each
//                  payment once): + log10(1 + t/1000). 1,000 sats weigh like doubling the
//                  vote score, each further factor of ten in sats adds one (a vote score ten
//                  times larger); the log bounds what money can buy (docs/protocol.md).
//   controversial: 0 if ups <= 0 or downs <= 0; otherwise magnitude = ups + downs,
//                  balance = downs > ups ? ups/downs : downs/ups, value = magnitude^balance.
//   best:          Wilson score interval lower bound with z = 1.281551565545 (80%, reddit's
//                  comment sort "confidence"): n = ups + downs (0 -> 0); p = ups/n;
//                  (p + z^2/(2n) - z*sqrt((p(1-p) + z^2/(4n))/n)) / (1 + z^2/n).
//   top:           score (ups - downs) descending.
//   new:           created_at descending.
// Ties: hot and new -> newer first, then lowest id; top, controversial and best -> higher
// score, then newer, then lowest id. Ids compare as bytes (= as lowercase hex strings).
//
// Determinism contract: the ORDER is what clients must agree on, not the float values.
// Scores are computed in double with the same operations everywhere, but std::log10,
// std::pow and std::sqrt may differ in the last ulp between glibc (native) and
// emscripten's musl (wasm); only items whose scores are within an ulp could swap (hot,
// controversial). sqrt is correctly rounded by IEEE 754, so best matches exactly.
// Negative vote counts (never produced by tally_votes) are treated as 0.
#pragma once

#include <cstdint>
#include <vector>

#include "feed/vote.h"
#include "util/bytes.h"

namespace datt::feed {

enum class Sort { kHot, kNew, kTop, kControversial, kBest };

struct Item {
    Hash256 id{};
    int64_t created_at = 0;
    Tally votes;
    int64_t tip_sats = 0;  // verified tip sats (hot only); negative counts as 0
};

// Reddit's hot score with Datt's tip term (see the formula above).
double hot_score(const Tally& votes, int64_t created_at, int64_t tip_sats = 0);
// The tip term alone: log10(1 + max(tip_sats, 0) / 1000).
double tip_weight(int64_t tip_sats);
// Reddit's controversy: large when many votes are split evenly.
double controversy(const Tally& votes);
// Lower bound of the Wilson score interval for the share of up votes, z = 1.281551565545.
double wilson_lower_bound(const Tally& votes);

// Item ids in display order. `top_window_seconds` applies to kTop only: when > 0, only
// items with created_at >= now - top_window_seconds are kept (0 or less = all time).
// `now` is passed in because core reads no clock.
std::vector<Hash256> rank(std::vector<Item> items, Sort sort, int64_t now,
                          int64_t top_window_seconds = 0);

}  // namespace datt::feed
