// BIP-39 seed derivation: PBKDF2-HMAC-SHA512(mnemonic, "mnemonic" + passphrase, 2048, 64).
#pragma once

#include <string_view>

#include "util/bytes.h"

namespace datt::bip39 {

// Hashes the mnemonic and passphrase bytes exactly as given. BIP-39 defines both as
// UTF-8 NFKD strings; Unicode normalization is not in the core, so callers must
// NFKD-normalize any non-ASCII mnemonic or passphrase first (the JS layer uses
// String.prototype.normalize("NFKD")). The mnemonic is not validated here (BIP-39 lets any
// sentence produce a seed); call check_mnemonic first when it came from a user.
// The seed is secret: the caller wipes it when done.
ByteArray<64> mnemonic_to_seed(std::string_view mnemonic, std::string_view passphrase);

}  // namespace datt::bip39
