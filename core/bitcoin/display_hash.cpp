#include "bitcoin/display_hash.h"

#include <algorithm>

#include "util/hex.h"

namespace datt::bitcoin {

std::string to_display_hex(const Hash256& hash) {
    Hash256 reversed = hash;
    std::reverse(reversed.begin(), reversed.end());
    return to_hex(reversed);
}

Result<Hash256> from_display_hex(std::string_view hex) {
    auto bytes = from_hex_fixed<32>(hex);
    if (!bytes.ok()) return bytes.error();
    std::reverse(bytes->begin(), bytes->end());
    return *bytes;
}

}  // namespace datt::bitcoin
