// The channel module's JSON arguments, each checked for type and range (channel_bad_args):
// shared by bind_channel.cpp and channel_resolve.cpp.
#pragma once

#include <limits>
#include <string>
#include <type_traits>

#include <nlohmann/json.hpp>

#include "convert.h"

namespace datt::wasm {

using nlohmann::json;

inline Error bad_args(const std::string& what) { return make_error("channel_bad_args", what); }

// A member of `args`, its JSON type and range checked here: nlohmann's get<T> throws on a
// wrong type (and the wasm build cannot catch: the throw would abort the module) and narrows
// numbers silently, so neither is used on untrusted input.
template <class T>
inline Result<T> field(const json& args, const char* name) {
    const auto found = args.find(name);
    if (found == args.end()) return bad_args(std::string("missing ") + name);
    const json& v = *found;
    if constexpr (std::is_same_v<T, bool>) {
        if (v.is_boolean()) return v.get_ref<const bool&>();
    } else if constexpr (std::is_same_v<T, std::string>) {
        if (v.is_string()) return v.get_ref<const std::string&>();
    } else if constexpr (std::is_same_v<T, json>) {
        if (v.is_object()) return v;
    } else {
        static_assert(std::is_integral_v<T>);
        if (v.is_number_unsigned()) {
            const uint64_t n = v.get_ref<const json::number_unsigned_t&>();
            if (n <= static_cast<uint64_t>(std::numeric_limits<T>::max())) return static_cast<T>(n);
        } else if (v.is_number_integer()) {
            const int64_t n = v.get_ref<const json::number_integer_t&>();
            if (n >= static_cast<int64_t>(std::numeric_limits<T>::min()) &&
                (n < 0 || static_cast<uint64_t>(n) <= static_cast<uint64_t>(std::numeric_limits<T>::max()))) {
                return static_cast<T>(n);
            }
        }
    }
    return bad_args(std::string("wrong type or out of range: ") + name);
}

inline Result<uint64_t> u64_field(const json& args, const char* name) {
    auto text = field<std::string>(args, name);
    if (!text) return text.error();
    uint64_t value = 0;
    if (text->empty() || text->size() > 20) return bad_args(std::string(name) + " is not a decimal u64");
    for (char c : *text) {
        if (c < '0' || c > '9' || value > (UINT64_MAX - (c - '0')) / 10) {
            return bad_args(std::string(name) + " is not a decimal u64");
        }
        value = value * 10 + static_cast<uint64_t>(c - '0');
    }
    return value;
}

inline Result<Hash256> hex32_field(const json& args, const char* name) {
    auto text = field<std::string>(args, name);
    if (!text) return text.error();
    return hex_argument<32>(*text, name);
}

// A string field, type-checked before reading (no exception path: see field<T>).
inline Result<std::string> text_field(const json& args, const char* name) {
    const auto found = args.find(name);
    if (found == args.end() || !found->is_string()) return bad_args(std::string(name) + " must be a string");
    return found->get<std::string>();
}

}  // namespace datt::wasm
