// BIP-340 tagged hashes: SHA256(SHA256(tag) || SHA256(tag) || data), used by BIP-340
// (challenge, aux, nonce) and BIP-341/342 (TapLeaf, TapBranch, TapTweak, TapSighash).
//
// The 64-byte prefix is exactly one SHA-256 block, so a TaggedHash compresses it once
// when it is made; every hash after that starts from the saved midstate and costs only
// the data's blocks. Keep one per tag for the life of the program:
//
//   static const TaggedHash kTapTweak("TapTweak");
//   auto t = kTapTweak(data);                       // or, in pieces:
//   auto h = kTapTweak.hasher().write(a).write(b).finalize();
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string_view>

#include "crypto/sha256.h"

namespace datt::crypto {

class TaggedHash {
public:
    explicit TaggedHash(std::string_view tag);

    // A SHA-256 state that has absorbed SHA256(tag) || SHA256(tag).
    Sha256 hasher() const { return midstate_; }
    std::array<uint8_t, 32> operator()(std::span<const uint8_t> data) const;

private:
    Sha256 midstate_;
};

// One-off form; computes the tag's midstate each call.
std::array<uint8_t, 32> tagged_hash(std::string_view tag, std::span<const uint8_t> data);

}  // namespace datt::crypto
