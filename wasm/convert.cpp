#include "convert.h"

#include <cmath>

#include <emscripten/val.h>

#include "crypto/wipe.h"
#include "util/hex.h"

namespace datt::wasm {

val ok(val value) {
    val out = val::object();
    out.set("ok", true);
    out.set("value", value);
    return out;
}

val fail(const Error& error) {
    val out = val::object();
    out.set("ok", false);
    out.set("code", error.code);
    out.set("message", error.message);
    return out;
}

val bytes_value(ByteSpan bytes) {
    // The view aliases wasm memory; the Uint8Array constructor copies it out.
    return val::global("Uint8Array").new_(emscripten::typed_memory_view(bytes.size(), bytes.data()));
}

bool is_uint8array(const val& value) {
    static const val uint8array = val::global("Uint8Array");
    return value.instanceof(uint8array);
}

Error not_uint8array(const char* name) {
    return make_error("wrong_type", std::string(name) + " must be a Uint8Array");
}

Error wrong_length(const char* name, size_t expected, size_t got) {
    return make_error("wrong_length", std::string(name) + " must be " + std::to_string(expected) +
                                          " bytes, got " + std::to_string(got));
}

void copy_from_uint8array(const val& input, uint8_t* out, size_t size) {
    // Nothing allocates between making the view and filling it, so memory growth cannot
    // detach it.
    val view(emscripten::typed_memory_view(size, out));
    view.call<void>("set", input);
}

Result<Bytes> bytes_argument(const val& input, const char* name, size_t max) {
    if (!is_uint8array(input)) return not_uint8array(name);
    const size_t size = input["length"].as<size_t>();
    if (size > max) {
        return make_error("too_large", std::string(name) + " is larger than " +
                                           std::to_string(max) + " bytes");
    }
    Bytes out(size);
    if (size > 0) copy_from_uint8array(input, out.data(), size);
    return out;
}

Result<crypto::SecretKey> secret_key_argument(const val& input) {
    auto bytes = fixed_bytes_argument<32>(input, "secret key");
    if (!bytes) return bytes.error();
    crypto::WipeOnExit wipe(bytes->data(), bytes->size());
    auto key = crypto::SecretKey::from_bytes(*bytes);
    if (!key) return make_error("bad_secret_key", "secret key is zero or not below the curve order");
    return *key;
}

Result<std::string> text_argument(const val& input, const std::string& name) {
    if (!input.isString()) return make_error("wrong_type", name + " must be a string");
    // A lone surrogate has no UTF-8 form (see convert.h); found before conversion.
    static const val lone_surrogate = val::global("RegExp").new_(
        val("[\\ud800-\\udbff](?![\\udc00-\\udfff])|(?<![\\ud800-\\udbff])[\\udc00-\\udfff]"));
    if (lone_surrogate.call<bool>("test", input)) {
        return make_error("invalid_utf8", name + " contains a lone UTF-16 surrogate");
    }
    return input.as<std::string>();
}

Result<int64_t> safe_integer_argument(const val& input, const std::string& name) {
    constexpr double kMaxSafe = 9007199254740991.0;
    if (!input.isNumber()) return make_error("wrong_type", name + " must be a safe integer");
    const double value = input.as<double>();
    if (!std::isfinite(value) || std::trunc(value) != value || std::fabs(value) > kMaxSafe) {
        return make_error("wrong_type", name + " must be a safe integer");
    }
    return static_cast<int64_t>(value);
}

Result<Hash256> hex32_argument(const val& input, const std::string& name) {
    if (!input.isString()) return make_error("bad_hex", name + " must be 64 lowercase hex characters");
    const std::string text = input.as<std::string>();
    if (!is_lower_hex(text, 64)) {
        return make_error("bad_hex", name + " must be 64 lowercase hex characters");
    }
    return *from_hex_fixed<32>(text);
}

bool is_plain_object(const val& value) {
    static const val array = val::global("Array");
    return !value.isNull() && value.typeOf().as<std::string>() == "object" &&
           !array.call<bool>("isArray", value);
}

bool is_absent(const val& value) {
    return value.isUndefined() || value.isNull();
}

}  // namespace datt::wasm
