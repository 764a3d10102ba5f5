// NIP-13 proof of work: the difficulty of an event is the number of leading zero bits of
// its id; the miner varies the `nonce` tag ["nonce", <nonce>, <target difficulty>] and
// recomputes the id. The third entry commits to the target, so an event mined for a lower
// target that got lucky can be refused (NIP-13).
//
// meets_difficulty(event, n): the id has >= n leading zero bits, and a committed target, when
// present, is >= n. An event with no committed target is judged by its id alone (other
// clients may omit the target).
//
// mine_step() tries a range of nonces on an unsigned template and stops at the first id with
// enough zero bits, so a shell runs it in slices in a worker, reporting progress and
// honouring a cancel between slices. The nonce tag is the template's last tag (an existing
// `nonce` tag is dropped first), and the canonical serialization before the nonce digits is
// hashed once per call (a copied SHA-256 state per try).
//
// Error codes: pow_difficulty_range (difficulty outside 0..256).
#pragma once

#include <cstdint>
#include <optional>

#include "event/event.h"
#include "util/bytes.h"
#include "util/result.h"

namespace datt::event {

inline constexpr int kMaxDifficulty = 256;

// Leading zero bits of an id, 0..256.
int leading_zero_bits(const Hash256& id);

// The committed target of the first `nonce` tag: its third entry as canonical decimal in
// 0..256; nullopt when absent or not such a number.
std::optional<int> committed_target(const Tags& tags);

bool meets_difficulty(const Event& event, int difficulty);

struct MineStep {
    std::optional<Draft> found;  // the template with the winning nonce tag, if found
    Hash256 id{};                // its id (when found)
    uint64_t tried = 0;          // nonces hashed in this call
    uint64_t next_nonce = 0;     // where the next call starts
};

// Tries nonces first_nonce .. first_nonce+count-1 (stopping at the first success).
[[nodiscard]] Result<MineStep> mine_step(const ByteArray<32>& pubkey, const Draft& draft_template,
                                         int difficulty, uint64_t first_nonce, uint64_t count);

}  // namespace datt::event
