// BOLT-3 "Efficient Per-commitment Secret Storage" (shachain): the per-commitment secrets a
// peer has revealed, in at most 49 entries, from which every revealed secret can be derived.
//
// Secrets arrive in order: index 2^48 - 1 first (commitment 0), then each next one is one
// less (per_commitment_secret.h). A secret goes to position B = the number of trailing zero
// bits of its index (48 for index 0); it can derive every secret whose index agrees with its
// own except in the low B bits. On insert the spec's check runs: the new secret must derive
// the secret kept at every lower position, or the peer has sent a secret that is not from
// the same seed (a channel must then fail: its older states would no longer be punishable).
//
// Error codes:
//   shachain_index_out_of_range  the index has more than 48 bits
//   shachain_out_of_order        not the next index (2^48 - 1 first, then one less each time)
//   shachain_secret_mismatch     the secret does not derive the ones already stored (the
//                                spec's "ERROR"); nothing is changed
//   shachain_unknown_index       derive(): no stored secret can derive that index (it was
//                                never received)
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>

#include "util/bytes.h"
#include "util/result.h"

namespace datt::channel {

class Shachain {
  public:
    static constexpr size_t kPositions = 49;

    // Stores the secret of `index` after the spec's checks.
    [[nodiscard]] Status insert(uint64_t index, const Hash256& secret);

    // The secret of `index`, for any index received so far.
    [[nodiscard]] Result<Hash256> derive(uint64_t index) const;

    // The index of the last secret inserted (the smallest), if any.
    std::optional<uint64_t> last_index() const { return last_index_; }

  private:
    struct Entry {
        uint64_t index = 0;
        Hash256 secret{};
    };
    std::array<Entry, kPositions> known_{};
    // Positions 0 .. used_ - 1 hold a secret: in-order inserts fill them from the bottom.
    size_t used_ = 0;
    std::optional<uint64_t> last_index_;
};

}  // namespace datt::channel
