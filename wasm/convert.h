// What every bindings file (bind_<module>.cpp) shares: results as values, and checked
// conversions of JavaScript arguments.
//
// Results: every bound function returns {ok: true, value} or {ok: false, code, message}.
// C++ exceptions cannot cross embind in this toolchain (they arrive as bare numbers and skip
// destructors), so errors travel as values and datt.mjs throws them as DattError.
//
// Arguments (see wasm/README.md "Hex or bytes"):
//   - binary data (secret keys, seeds, entropy, raw messages and signatures) is a Uint8Array,
//     copied straight into wasm memory that the caller owns (secrets are wiped after use;
//     no unwiped copy is left in a temporary buffer, as a std::string argument would);
//   - NIP-01 event fields (ids, pubkeys) are the lowercase hex strings of the event format;
//   - objects (votes, rank items, NIP-19 pointers) are read member by member through
//     emscripten::val, each member checked; nothing is re-serialized to JSON;
//   - text is checked for lone UTF-16 surrogates before it becomes UTF-8 (emscripten would
//     silently pair one with the next code unit and change the text).
// Codes: wrong_type (not the JS type asked for), wrong_length (a byte array of the wrong
// size), too_large (beyond a size limit), invalid_utf8 (a lone surrogate), bad_hex.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include <emscripten/val.h>

#include "crypto/secp256k1.h"
#include "util/bytes.h"
#include "util/hex.h"
#include "util/result.h"

namespace datt::wasm {

using emscripten::val;

// Byte arguments larger than this are refused (too_large) before any allocation.
inline constexpr size_t kMaxBytesArgument = 16 * 1024 * 1024;

val ok(val value);
val fail(const Error& error);

// A new JS Uint8Array holding a copy of `bytes`.
val bytes_value(ByteSpan bytes);

bool is_uint8array(const val& value);

// A Uint8Array of at most `max` bytes, copied.
Result<Bytes> bytes_argument(const val& input, const char* name, size_t max = kMaxBytesArgument);

// A Uint8Array of exactly N bytes, copied into the returned array.
template <size_t N>
Result<ByteArray<N>> fixed_bytes_argument(const val& input, const char* name);

// A 32-byte secret key from a Uint8Array; the intermediate copy is wiped.
// Codes: wrong_type, wrong_length, bad_secret_key (zero or not below the curve order).
Result<crypto::SecretKey> secret_key_argument(const val& input);

// A JS string without lone surrogates, as UTF-8.
Result<std::string> text_argument(const val& input, const std::string& name);

// A JS number holding an integer of at most 2^53 in magnitude (NaN, BigInt, strings fail).
Result<int64_t> safe_integer_argument(const val& input, const std::string& name);

// 64 lowercase hex characters (a NIP-01 id or pubkey) as 32 bytes; code bad_hex.
Result<Hash256> hex32_argument(const val& input, const std::string& name);

// N bytes of hex of either case, with from_hex_fixed's codes (hex_wrong_length,
// hex_odd_length, hex_invalid_char) and the argument's name in the message.
template <size_t N>
Result<ByteArray<N>> hex_argument(std::string_view hex, const char* name) {
    auto bytes = from_hex_fixed<N>(hex);
    if (!bytes) return make_error(bytes.error().code, std::string(name) + ": " + bytes.error().message);
    return bytes;
}

// A non-null object that is not an array.
bool is_plain_object(const val& value);

// An absent member: undefined or null.
bool is_absent(const val& value);

// Implementation of the template above: bytes go straight from the Uint8Array into `out`.
void copy_from_uint8array(const val& input, uint8_t* out, size_t size);
Error wrong_length(const char* name, size_t expected, size_t got);
Error not_uint8array(const char* name);

template <size_t N>
Result<ByteArray<N>> fixed_bytes_argument(const val& input, const char* name) {
    if (!is_uint8array(input)) return not_uint8array(name);
    const size_t size = input["length"].as<size_t>();
    if (size != N) return wrong_length(name, N, size);
    ByteArray<N> out{};
    copy_from_uint8array(input, out.data(), N);
    return out;
}

}  // namespace datt::wasm
