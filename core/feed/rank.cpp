#include "feed/rank.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "event/time_id.h"

namespace datt::feed {
namespace {

// reddit's epoch for hot: 2005-12-08T07:46:43Z.
constexpr int64_t kHotEpoch = 1134028003;
constexpr double kHotSecondsPerDecade = 45000.0;  // 12.5 hours per factor of 10 in score
constexpr double kWilsonZ = 1.281551565545;       // 80% confidence
constexpr double kTipSatsPerUnit = 1000.0;        // tip_weight = log10(1 + sats / 1000)

Tally non_negative(const Tally& votes) {
    return Tally{std::max<int64_t>(votes.ups, 0), std::max<int64_t>(votes.downs, 0)};
}

// One sort key for every order; fields a sort does not use stay 0. Compared in this order:
// real desc, score desc, then the feed order (event::supersedes: created_at desc, id asc). Scores stay integers so that counts
// above 2^53 still compare exactly.
struct Key {
    double real = 0;
    int64_t score = 0;
    int64_t created_at = 0;
    Hash256 id{};
};

bool before(const Key& a, const Key& b) {
    if (a.real != b.real) return a.real > b.real;
    if (a.score != b.score) return a.score > b.score;
    return event::supersedes({a.created_at, a.id}, {b.created_at, b.id});
}

Key key_of(const Item& item, Sort sort) {
    Key key{.created_at = item.created_at, .id = item.id};
    const int64_t score = non_negative(item.votes).score();
    switch (sort) {
        case Sort::kHot:
            key.real = hot_score(item.votes, item.created_at, item.tip_sats);
            break;
        case Sort::kNew:
            break;
        case Sort::kTop:
            key.score = score;
            break;
        case Sort::kControversial:
            key.real = controversy(item.votes);
            key.score = score;
            break;
        case Sort::kBest:
            key.real = wilson_lower_bound(item.votes);
            key.score = score;
            break;
    }
    return key;
}

}  // namespace

double tip_weight(int64_t tip_sats) {
    if (tip_sats <= 0) return 0.0;
    return std::log10(1.0 + static_cast<double>(tip_sats) / kTipSatsPerUnit);
}

double hot_score(const Tally& votes, int64_t created_at, int64_t tip_sats) {
    const Tally v = non_negative(votes);
    const int64_t s = v.ups - v.downs;
    const double order = std::log10(std::max(std::abs(static_cast<double>(s)), 1.0));
    const double sign = s > 0 ? 1.0 : s < 0 ? -1.0 : 0.0;
    const double seconds = static_cast<double>(created_at) - static_cast<double>(kHotEpoch);
    return sign * order + tip_weight(tip_sats) + seconds / kHotSecondsPerDecade;
}

double controversy(const Tally& votes) {
    if (votes.ups <= 0 || votes.downs <= 0) return 0.0;
    const double ups = static_cast<double>(votes.ups);
    const double downs = static_cast<double>(votes.downs);
    const double magnitude = ups + downs;
    const double balance = downs > ups ? ups / downs : downs / ups;
    return std::pow(magnitude, balance);
}

double wilson_lower_bound(const Tally& votes) {
    const Tally v = non_negative(votes);
    const double ups = static_cast<double>(v.ups);
    const double n = ups + static_cast<double>(v.downs);
    if (n == 0.0) return 0.0;
    const double z = kWilsonZ;
    const double p = ups / n;
    return (p + z * z / (2 * n) - z * std::sqrt((p * (1 - p) + z * z / (4 * n)) / n)) /
           (1 + z * z / n);
}

std::vector<Hash256> rank(std::vector<Item> items, Sort sort, int64_t now,
                          int64_t top_window_seconds) {
    if (sort == Sort::kTop && top_window_seconds > 0 &&
        now >= std::numeric_limits<int64_t>::min() + top_window_seconds) {
        const int64_t cutoff = now - top_window_seconds;
        std::erase_if(items, [cutoff](const Item& item) { return item.created_at < cutoff; });
    }

    std::vector<Key> keys;
    keys.reserve(items.size());
    for (const Item& item : items) keys.push_back(key_of(item, sort));
    std::sort(keys.begin(), keys.end(), before);
    std::vector<Hash256> ids;
    ids.reserve(keys.size());
    for (const Key& key : keys) ids.push_back(key.id);
    return ids;
}

}  // namespace datt::feed
