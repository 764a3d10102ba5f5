// The inputs every benchmark shares: fixed keys and a typical Datt comment.
#pragma once

#include <array>
#include <cstdint>
#include <string>

#include "crypto/secp256k1.h"
#include "event/event.h"
#include "event/kind.h"

namespace datt::bench {

inline crypto::SecretKey sample_secret_key() {
    std::array<uint8_t, 32> bytes{};
    for (size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<uint8_t>(0x40 + i);
    return *crypto::SecretKey::from_bytes(bytes);
}

// A NIP-22 comment (kind 1111) replying inside a community thread: 5 tags and a short
// sentence; 306 bytes of canonical serialization (what the id hashes) and 559 bytes of wire
// JSON once id, pubkey and sig are added. bench/wasm_bench.mjs uses the same event.
inline event::Draft sample_comment() {
    return event::Draft{1735689600,
                        event::kinds::kComment,
                        {{"e", "5c83da77af1dec6d7289834998ad7aafbd9e2191396d75ec3cc27f5a77226f36"},
                         {"K", "1111"},
                         {"k", "1111"},
                         {"p", "f7234bd4c1394dda46d09f35bd384dd30cc552ad5541990f98844fb06676e9ca"},
                         {"t", "bitcoin"}},
                        "Agreed: keep the core pure."};
}

}  // namespace datt::bench
