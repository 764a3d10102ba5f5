// Static files for the web app and the wasm package, read from folders on disk.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace datt::relay {

struct StaticFile {
    std::string content_type;
    std::string body;
};

// The file at `url_path` under `root`, or nullopt (missing, a folder without index.html,
// or a path that tries to leave `root`: "..", encoded or not, NUL bytes, backslashes).
// "/" and folder paths serve index.html. Files over 64 MiB are not served.
std::optional<StaticFile> read_static_file(const std::string& root, std::string_view url_path);

std::string content_type_for(std::string_view path);

}  // namespace datt::relay
