// BIP-32 extended key serialization ("xpub..."/"xprv..." strings).
//
// The 78-byte payload, then Base58Check:
//   [0..4)   version, big-endian (Versions::public_version or private_version)
//   [4]      depth
//   [5..9)   parent fingerprint
//   [9..13)  child number, big-endian
//   [13..45) chain code
//   [45..78) key: 0x00 || 32-byte secret key, or a 33-byte compressed public key
#pragma once

#include <string>
#include <string_view>

#include "bip32/extended_key.h"
#include "util/result.h"

namespace datt::bip32 {

// Uses versions.private_version for a private key, public_version for a public one.
// The result of a private key is a secret: wipe it when done.
std::string encode(const ExtendedKey& key, Versions versions);

// Parses and validates a serialized key for the given network's versions. Every key that
// BIP-32 test vector 5 lists is rejected, each reason with its own code:
//   "bip32_bad_base58"             not Base58 (a character outside the alphabet);
//   "bip32_bad_checksum"           the Base58Check checksum does not match;
//   "bip32_bad_length"             the payload is not 78 bytes (or the text is far too
//                                  short or long to hold one);
//   "bip32_unknown_version"        neither of `versions` (another network's keys too);
//   "bip32_public_version_with_private_key"  public version, key data 0x00 || k;
//   "bip32_private_version_with_public_key"  private version, key data 02/03 || x;
//   "bip32_bad_public_key_prefix"  public version, key data not starting 02 or 03;
//   "bip32_bad_private_key_prefix" private version, key data not starting 00;
//   "bip32_zero_depth_parent_fingerprint"  depth 0 with a non-zero parent fingerprint;
//   "bip32_zero_depth_child_number"        depth 0 with a non-zero child number;
//   "bip32_bad_public_key"         02/03 || x where x is not on the curve;
//   "bip32_bad_private_key"        the secret key is 0 or not below the curve order.
[[nodiscard]] Result<ExtendedKey> decode(std::string_view text, Versions versions);

}  // namespace datt::bip32
