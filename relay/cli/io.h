// What every `datt` command shares: exit codes, error output, stdin.
//
// Exit codes: 0 success, 1 a failure of the input or the operation (printed as
// "datt: code: message"), 2 a usage error.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "util/result.h"

namespace datt::cli {

using Args = std::vector<std::string>;

// stdin is read whole only up to this; commands that take more read it in pieces.
inline constexpr size_t kMaxStdinBytes = 1 << 20;

int usage_error(const std::string& message);
int fail(const Error& error);

// All of stdin, or too_large beyond kMaxStdinBytes.
[[nodiscard]] Result<std::string> read_stdin();
std::string trim(std::string text);

// "--name value": true and the value when args[i] is `name` and a value follows (i is moved
// to the value); a usage error is reported by the caller when the value is missing.
bool option_value(const Args& args, size_t& i, const char* name, std::string& value);

}  // namespace datt::cli
