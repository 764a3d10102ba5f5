#include "sync/reconciler.h"

#include <algorithm>
#include <cassert>
#include <optional>
#include <set>
#include <utility>
#include <variant>

#include "sync/limits.h"
#include "sync/message.h"

namespace datt::sync {
namespace {

// Appends the ranges that split [lower, upper) of `set`, the last one closed by `upper_bound`.
void split_range(const ItemSet& set, size_t lower, size_t upper, const Bound& upper_bound,
                 MessageWriter& out) {
    const size_t count = upper - lower;
    if (count < 2 * kBuckets) {
        out.write_id_list(upper_bound, set.items().subspan(lower, count));
        return;
    }
    const size_t per_bucket = count / kBuckets;
    const size_t buckets_with_extra = count % kBuckets;
    size_t begin = lower;
    for (size_t bucket = 0; bucket < kBuckets; ++bucket) {
        const size_t end = begin + per_bucket + (bucket < buckets_with_extra ? 1 : 0);
        const Bound bound = end == upper ? upper_bound : Bound::between(set[end - 1], set[end]);
        out.write_fingerprint(bound, set.fingerprint(begin, end));
        begin = end;
    }
}

// The initiator's view of an IdList: which of our ids in the range the responder lacks
// (have), and which of its ids we lack (need), each reported once, need in message order.
void diff_id_list(std::span<const Item> ours, const IdListView& theirs, std::vector<Hash256>& have,
                  std::vector<Hash256>& need) {
    std::vector<Hash256> sorted(theirs.size());
    for (size_t i = 0; i < sorted.size(); ++i) sorted[i] = theirs[i];
    std::sort(sorted.begin(), sorted.end());
    sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
    // reported[i]: sorted[i] is known to both sides, or already listed in need.
    std::vector<bool> reported(sorted.size(), false);
    const auto position = [&](const Hash256& id) -> std::optional<size_t> {
        const auto it = std::lower_bound(sorted.begin(), sorted.end(), id);
        if (it == sorted.end() || *it != id) return std::nullopt;
        return static_cast<size_t>(it - sorted.begin());
    };
    for (const Item& item : ours) {
        if (const auto index = position(item.id)) {
            reported[*index] = true;
        } else {
            have.push_back(item.id);
        }
    }
    for (size_t i = 0; i < theirs.size(); ++i) {
        const Hash256 id = theirs[i];
        const size_t index = *position(id);
        if (!reported[index]) {
            reported[index] = true;
            need.push_back(id);
        }
    }
}

Status validate(ByteSpan message) {
    auto reader = MessageReader::open(message);
    if (!reader) return reader.error();
    while (!reader->at_end()) {
        auto range = reader->next();
        if (!range) return range.error();
    }
    return Ok{};
}

}  // namespace

Bytes initial_message(const ItemSet& set) {
    MessageWriter out;
    split_range(set, 0, set.size(), Bound::infinity(), out);
    return std::move(out).take();
}

Result<ReconcileOutput> reconcile_message(const ItemSet& set, uint64_t frame_size_limit, Role role,
                                          ByteSpan message) {
    if (auto limits = check_limits({.frame_size_limit = frame_size_limit}); !limits) {
        return limits.error();
    }
    if (auto valid = validate(message); !valid) return valid.error();
    const auto too_big = [&](size_t bytes) {
        return frame_size_limit != 0 && bytes > frame_size_limit - kFrameSizeMargin;
    };

    ReconcileOutput output;
    MessageWriter reply;
    auto reader = MessageReader::open(message);
    size_t prev_index = 0;  // where the range being read starts in `set`
    Bound prev_bound;       // and the bound it starts at
    bool skip_pending = false;
    while (!reader->at_end()) {
        auto range = reader->next();
        assert(range.ok());  // validated above
        // This range's answer; it joins the reply only if the reply stays within the limit.
        MessageWriter answer = MessageWriter::continuing(reply);
        const auto write_pending_skip = [&] {
            if (skip_pending) {
                skip_pending = false;
                answer.write_skip(prev_bound);
            }
        };
        const size_t lower = prev_index;
        size_t upper = set.lower_bound(prev_index, range->upper);

        if (std::holds_alternative<Skip>(range->payload)) {
            skip_pending = true;
        } else if (const auto* theirs = std::get_if<Fingerprint>(&range->payload)) {
            if (*theirs == set.fingerprint(lower, upper)) {
                skip_pending = true;
            } else {
                write_pending_skip();
                split_range(set, lower, upper, range->upper, answer);
            }
        } else {
            const auto& their_ids = std::get<IdListView>(range->payload);
            if (role == Role::initiator) {
                skip_pending = true;
                diff_id_list(set.items().subspan(lower, upper - lower), their_ids, output.have,
                             output.need);
            } else {
                write_pending_skip();
                // Our ids in the range, as many as the frame size limit lets in.
                Bound end_bound = range->upper;
                size_t end = lower;
                for (; end < upper; ++end) {
                    if (too_big(reply.size() + (end - lower) * kIdSize)) {
                        end_bound = Bound::at_item(set[end]);
                        break;
                    }
                }
                upper = end;  // the rest of the range goes into the closing fingerprint
                answer.write_id_list(end_bound, set.items().subspan(lower, end - lower));
                reply.append(answer);
                answer = MessageWriter::continuing(reply);
            }
        }

        if (too_big(reply.size() + answer.size())) {
            reply.write_fingerprint(Bound::infinity(), set.fingerprint(upper, set.size()));
            break;
        }
        reply.append(answer);
        prev_index = upper;
        prev_bound = range->upper;
    }
    // A peer lists each id once (its ranges are disjoint), but a hostile one could repeat
    // an id in two ranges: report it once. `have` cannot repeat: our ranges are disjoint.
    if (!output.need.empty()) {
        std::set<Hash256> seen;
        std::erase_if(output.need, [&](const Hash256& id) { return !seen.insert(id).second; });
    }
    output.reply = std::move(reply).take();
    return output;
}

}  // namespace datt::sync
