// Access to the external conformance vectors in ../shared/vectors (or $DATT_VECTORS_DIR).
//
// The vectors are never copied into this repository. On a user's machine without them a
// vector test skips with a message; under CI (CI=true) a missing file fails the test.
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>

namespace datt::test {

inline std::string vectors_dir() {
    if (const char* env = std::getenv("DATT_VECTORS_DIR"); env && *env) return env;
    return DATT_DEFAULT_VECTORS_DIR;
}

inline bool running_under_ci() {
    const char* ci = std::getenv("CI");
    return ci && std::string(ci) == "true";
}

inline std::optional<std::string> read_vector_file(const std::string& relative_path) {
    std::ifstream in(vectors_dir() + "/" + relative_path, std::ios::binary);
    if (!in) return std::nullopt;
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

}  // namespace datt::test

// Loads a vector file into `var`, or skips (fails under CI) when it is absent.
#define DATT_LOAD_VECTORS(var, relative_path)                                              \
    std::string var;                                                                     \
    do {                                                                                 \
        auto datt_loaded_ = ::datt::test::read_vector_file(relative_path);               \
        if (!datt_loaded_) {                                                             \
            std::string datt_msg_ = "vector file " + ::datt::test::vectors_dir() + "/" + \
                                    (relative_path) +                                    \
                                    " not found (set DATT_VECTORS_DIR)";                 \
            if (::datt::test::running_under_ci()) FAIL() << datt_msg_;                   \
            GTEST_SKIP() << datt_msg_;                                                   \
        }                                                                                \
        var = std::move(*datt_loaded_);                                                  \
    } while (0)
