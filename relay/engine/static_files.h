// Static files for the web app and the wasm package, held in memory: read once at startup,
// so the network thread serves them without touching the disk.
//
// load() walks a folder: every regular file under it, and every file symlink whose target
// resolves inside it (symlinked folders are not entered). A file over kMaxFileBytes, or
// past `max_total_bytes` for the whole folder, is left out (load() says how many), as is
// anything past kMaxEntries. Files that appear or change after startup are not seen until
// the relay restarts.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

namespace datt::relay {

struct StaticFile {
    std::string content_type;
    std::string body;
};

class StaticFiles {
  public:
    static constexpr size_t kMaxFileBytes = 64ull << 20;
    static constexpr size_t kMaxTotalBytes = 256ull << 20;
    static constexpr size_t kMaxEntries = 100'000;

    // "" loads nothing (no folder configured).
    static StaticFiles load(const std::string& root, size_t max_total_bytes = kMaxTotalBytes);

    // The file at `url_path`, or nullptr: missing, a folder without index.html, or a path
    // that tries to leave the folder (".." or "." segments, encoded or not, "//", NUL bytes,
    // backslashes, bad %-escapes). "/" and folder paths serve their index.html; a query or
    // fragment is ignored.
    const StaticFile* find(std::string_view url_path) const;

    size_t files() const { return files_.size(); }
    size_t bytes() const { return bytes_; }
    size_t left_out() const { return left_out_; }

  private:
    std::unordered_map<std::string, StaticFile> files_;  // by path relative to the root
    std::unordered_set<std::string> folders_;            // relative; "" is the root
    size_t bytes_ = 0;
    size_t left_out_ = 0;
};

std::string content_type_for(std::string_view path);

}  // namespace datt::relay
