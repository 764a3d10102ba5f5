// Temporary: SHA256(SHA256(x)) composed from core/crypto's SHA-256 until the crypto module's
// own crypto::sha256d lands; then every caller switches to it and this file goes.
#pragma once

#include "crypto/sha256.h"
#include "util/bytes.h"

namespace datt::bitcoin::detail {

inline Hash256 sha256d(ByteSpan data) {
    return crypto::sha256(crypto::sha256(data));
}

}  // namespace datt::bitcoin::detail
