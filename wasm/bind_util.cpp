// core/util for JavaScript: the strict hex codec, for moving between the two forms the API
// uses (wasm/README.md "Hex or bytes").
#include <emscripten/bind.h>

#include "convert.h"
#include "util/hex.h"

namespace datt::wasm {
namespace {

// Codes: wrong_type, too_large, invalid_utf8, hex_odd_length, hex_invalid_char.
val hex_to_bytes(val text) {
    auto hex = text_argument(text, "hex");
    if (!hex) return fail(hex.error());
    if (hex->size() > 2 * kMaxBytesArgument) return fail(make_error("too_large", "hex is too long"));
    auto bytes = from_hex(*hex);
    if (!bytes) return fail(bytes.error());
    return ok(bytes_value(*bytes));
}

// Lowercase hex. Codes: wrong_type, too_large.
val bytes_to_hex(val input) {
    auto bytes = bytes_argument(input, "bytes");
    if (!bytes) return fail(bytes.error());
    return ok(val(to_hex(*bytes)));
}

}  // namespace

EMSCRIPTEN_BINDINGS(datt_util) {
    emscripten::function("hexToBytes", &hex_to_bytes);
    emscripten::function("bytesToHex", &bytes_to_hex);
}

}  // namespace datt::wasm
