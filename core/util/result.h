// Result<T>: a value or an Error, the error tier used at core API boundaries.
//
// Errors carry a stable machine-readable `code` (snake_case, never reworded once
// shipped: shells and other programs branch on it) and a human `message`.
// Nothing in core throws on bad input; every fallible function returns a Result.
#pragma once

#include <cassert>
#include <string>
#include <utility>
#include <variant>

namespace datt {

struct Error {
    std::string code;     // stable, machine-readable, e.g. "hex_invalid"
    std::string message;  // for people; may change between versions
};

inline Error make_error(std::string code, std::string message) {
    return Error{std::move(code), std::move(message)};
}

template <class T>
class [[nodiscard]] Result {
public:
    Result(T value) : v_(std::in_place_index<0>, std::move(value)) {}
    Result(Error error) : v_(std::in_place_index<1>, std::move(error)) {}

    bool ok() const { return v_.index() == 0; }
    explicit operator bool() const { return ok(); }

    // Calling value() on an error (or error() on a value) is a bug in the caller.
    T& value() & { assert(ok()); return std::get<0>(v_); }
    const T& value() const& { assert(ok()); return std::get<0>(v_); }
    T&& value() && { assert(ok()); return std::get<0>(std::move(v_)); }
    const Error& error() const { assert(!ok()); return std::get<1>(v_); }

    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }
    T& operator*() & { return value(); }
    const T& operator*() const& { return value(); }

private:
    std::variant<T, Error> v_;
};

// Result of an operation that yields nothing but can fail.
struct Ok {};
using Status = Result<Ok>;

}  // namespace datt
