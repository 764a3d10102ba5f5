// The fixed item sets fuzz_negentropy reconciles against, shared with make_seeds.cpp so
// that the seeds are real conversations about these sets. Deterministic: ids are SHA-256
// of a counter, a third of the items share one second (bounds need id prefixes there).
#pragma once

#include <cstdint>
#include <vector>

#include "crypto/sha256.h"
#include "sync/item.h"

namespace datt::fuzz {

inline datt::sync::Item negentropy_item(uint32_t n) {
    const uint8_t counter[4] = {uint8_t(n), uint8_t(n >> 8), uint8_t(n >> 16), uint8_t(n >> 24)};
    const uint64_t timestamp = n % 3 == 0 ? 1'700'000'000 : 1'700'000'000 + (n * 7919) % 5000;
    return {timestamp, datt::crypto::sha256(counter)};
}

// The responder's set: items 0..299.
inline std::vector<datt::sync::Item> negentropy_responder_items() {
    std::vector<datt::sync::Item> items;
    for (uint32_t n = 0; n < 300; ++n) items.push_back(negentropy_item(n));
    return items;
}

// The initiator's set: the responder's without every tenth item, plus items 300..339.
inline std::vector<datt::sync::Item> negentropy_initiator_items() {
    std::vector<datt::sync::Item> items;
    for (uint32_t n = 0; n < 340; ++n) {
        if (n < 300 && n % 10 == 0) continue;
        items.push_back(negentropy_item(n));
    }
    return items;
}

}  // namespace datt::fuzz
