#include "io.h"

#include <iostream>

namespace datt::cli {

int usage_error(const std::string& message) {
    std::cerr << "datt: " << message << "\n(try 'datt --help')\n";
    return 2;
}

int fail(const Error& error) {
    std::cerr << "datt: " << error.code << ": " << error.message << "\n";
    return 1;
}

Result<std::string> read_stdin() {
    std::string text;
    char buffer[65536];
    while (std::cin.read(buffer, sizeof buffer) || std::cin.gcount() > 0) {
        text.append(buffer, static_cast<size_t>(std::cin.gcount()));
        if (text.size() > kMaxStdinBytes) {
            return make_error("too_large", "standard input exceeds 1 MiB");
        }
    }
    return text;
}

std::string trim(std::string text) {
    const char* space = " \t\r\n";
    size_t start = text.find_first_not_of(space);
    if (start == std::string::npos) return "";
    size_t end = text.find_last_not_of(space);
    return text.substr(start, end - start + 1);
}

bool option_value(const Args& args, size_t& i, const char* name, std::string& value) {
    if (args[i] != name || i + 1 >= args.size()) return false;
    value = args[++i];
    return true;
}

}  // namespace datt::cli
