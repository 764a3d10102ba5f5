#include "channel/shachain.h"

#include "channel/per_commitment_secret.h"

namespace datt::channel {
namespace {

// where_to_put_secret(I) of the spec: the lowest set bit, 48 for I = 0.
size_t position_of(uint64_t index) {
    for (size_t bit = 0; bit < 48; ++bit) {
        if ((index >> bit) & 1) return bit;
    }
    return 48;
}

}  // namespace

Status Shachain::insert(uint64_t index, const Hash256& secret) {
    if (index > kMaxCommitmentIndex) {
        return make_error("shachain_index_out_of_range", "a per-commitment index has 48 bits");
    }
    const uint64_t expected = last_index_ ? *last_index_ - 1 : kMaxCommitmentIndex;
    if ((last_index_ && *last_index_ == 0) || index != expected) {
        return make_error("shachain_out_of_order",
                          "per-commitment secrets must arrive one index lower each time");
    }
    const size_t position = position_of(index);
    // In-order inserts have filled every position below this one.
    for (size_t b = 0; b < position; ++b) {
        if (derive_secret_from(secret, static_cast<int>(position), known_[b].index) !=
            known_[b].secret) {
            return make_error("shachain_secret_mismatch",
                              "the per-commitment secret does not derive the earlier ones");
        }
    }
    known_[position] = Entry{index, secret};
    if (position + 1 > used_) used_ = position + 1;
    last_index_ = index;
    return Ok{};
}

Result<Hash256> Shachain::derive(uint64_t index) const {
    for (size_t b = 0; b < used_; ++b) {
        const uint64_t mask = ~((uint64_t{1} << b) - 1);
        if ((index & mask) == known_[b].index && last_index_ && index >= *last_index_) {
            return derive_secret_from(known_[b].secret, static_cast<int>(b), index);
        }
    }
    return make_error("shachain_unknown_index",
                      "no per-commitment secret received can derive that index");
}

}  // namespace datt::channel
