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

std::vector<Hash256> Shachain::stored_secrets() const {
    std::vector<Hash256> out;
    for (size_t b = 0; b < used_; ++b) out.push_back(known_[b].secret);
    return out;
}

namespace {

// The smallest index >= last whose lowest set bit is `position` (48: index 0), or nullopt
// when no index in [last, 2^48 - 1] has it: the index in-order inserts left at `position`.
std::optional<uint64_t> index_at_position(uint64_t last, size_t position) {
    if (position == 48) return last == 0 ? std::optional<uint64_t>{0} : std::nullopt;
    const uint64_t step = uint64_t{1} << position;
    uint64_t multiple = (last + step - 1) >> position;  // ceil(last / 2^position)
    if (multiple % 2 == 0) ++multiple;
    const uint64_t index = multiple << position;
    if (index > kMaxCommitmentIndex) return std::nullopt;
    return index;
}

}  // namespace

Result<Shachain> Shachain::restore(std::optional<uint64_t> last_index,
                                   const std::vector<Hash256>& secrets) {
    Shachain chain;
    if (!last_index) {
        if (!secrets.empty()) {
            return make_error("shachain_bad_stored_count", "secrets stored without an index");
        }
        return chain;
    }
    if (*last_index > kMaxCommitmentIndex) {
        return make_error("shachain_index_out_of_range", "a per-commitment index has 48 bits");
    }
    size_t used = 0;
    for (size_t b = 0; b < kPositions; ++b) {
        if (index_at_position(*last_index, b)) used = b + 1;
    }
    if (secrets.size() != used) {
        return make_error("shachain_bad_stored_count",
                          "the stored secrets do not match the last index");
    }
    for (size_t b = 0; b < used; ++b) {
        const auto index = index_at_position(*last_index, b);
        if (!index) {
            return make_error("shachain_bad_stored_count", "a position cannot have been filled");
        }
        chain.known_[b] = Entry{*index, secrets[b]};
    }
    // insert()'s check, for the entries still stored: a secret derives every lower-position
    // secret that was inserted before it (a larger index); later ones it cannot derive.
    for (size_t b = 0; b < used; ++b) {
        for (size_t lower = 0; lower < b; ++lower) {
            if (chain.known_[lower].index < chain.known_[b].index) continue;
            if (derive_secret_from(secrets[b], static_cast<int>(b), chain.known_[lower].index) !=
                chain.known_[lower].secret) {
                return make_error("shachain_secret_mismatch",
                                  "a stored secret does not derive the ones below it");
            }
        }
    }
    chain.used_ = used;
    chain.last_index_ = last_index;
    return chain;
}

bool Shachain::operator==(const Shachain& other) const {
    if (used_ != other.used_ || last_index_ != other.last_index_) return false;
    for (size_t b = 0; b < used_; ++b) {
        if (known_[b].index != other.known_[b].index || known_[b].secret != other.known_[b].secret)
            return false;
    }
    return true;
}

}  // namespace datt::channel
