#include "engine/static_files.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>

namespace datt::relay {
namespace {

namespace fs = std::filesystem;

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

std::optional<std::string> percent_decode(std::string_view in) {
    std::string out;
    out.reserve(in.size());
    for (size_t i = 0; i < in.size(); ++i) {
        if (in[i] == '%') {
            if (i + 2 >= in.size()) return std::nullopt;
            int hi = hex_value(in[i + 1]), lo = hex_value(in[i + 2]);
            if (hi < 0 || lo < 0) return std::nullopt;
            out.push_back(static_cast<char>(hi << 4 | lo));
            i += 2;
        } else {
            out.push_back(in[i]);
        }
    }
    return out;
}

// The path below the root that a URL path names, or nullopt for anything that could name a
// file outside it. A trailing '/' is kept (it asks for a folder).
std::optional<std::string> relative_path(std::string_view url_path) {
    url_path = url_path.substr(0, url_path.find_first_of("?#"));
    auto decoded = percent_decode(url_path);
    if (!decoded || decoded->empty() || decoded->front() != '/') return std::nullopt;
    if (decoded->find('\0') != std::string::npos || decoded->find('\\') != std::string::npos) {
        return std::nullopt;
    }
    std::string relative = decoded->substr(1);
    for (size_t start = 0; start <= relative.size();) {
        size_t end = relative.find('/', start);
        if (end == std::string::npos) end = relative.size();
        std::string_view segment(relative.data() + start, end - start);
        // An empty segment ("//") would make the rest an absolute path that ignores root.
        if (segment == ".." || segment == "." || (segment.empty() && end < relative.size())) {
            return std::nullopt;
        }
        start = end + 1;
    }
    return relative;
}

bool inside(const fs::path& base, const fs::path& resolved) {
    const auto [base_end, unused] =
        std::mismatch(base.begin(), base.end(), resolved.begin(), resolved.end());
    return base_end == base.end();
}

}  // namespace

std::string content_type_for(std::string_view path) {
    auto ends = [&](std::string_view suffix) { return path.ends_with(suffix); };
    if (ends(".html")) return "text/html; charset=utf-8";
    if (ends(".js") || ends(".mjs")) return "text/javascript; charset=utf-8";
    if (ends(".css")) return "text/css; charset=utf-8";
    if (ends(".wasm")) return "application/wasm";
    if (ends(".json")) return "application/json";
    if (ends(".svg")) return "image/svg+xml";
    if (ends(".png")) return "image/png";
    if (ends(".ico")) return "image/x-icon";
    if (ends(".txt") || ends(".d.ts")) return "text/plain; charset=utf-8";
    return "application/octet-stream";
}

StaticFiles StaticFiles::load(const std::string& root, size_t max_total_bytes) {
    StaticFiles out;
    if (root.empty()) return out;
    std::error_code ec;
    const fs::path base = fs::weakly_canonical(root, ec);
    if (ec || !fs::is_directory(base, ec)) return out;
    out.folders_.insert("");
    fs::recursive_directory_iterator it(base, fs::directory_options::skip_permission_denied, ec);
    size_t entries = 0;
    for (; !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
        if (++entries > kMaxEntries) {
            ++out.left_out_;
            break;
        }
        const fs::directory_entry& entry = *it;
        const std::string relative = entry.path().lexically_relative(base).generic_string();
        std::error_code entry_ec;
        if (entry.is_symlink(entry_ec)) {
            // Served only if it is a file that resolves inside the root.
            const fs::path target = fs::weakly_canonical(entry.path(), entry_ec);
            if (entry_ec || !inside(base, target) || !fs::is_regular_file(target, entry_ec)) continue;
        } else if (entry.is_directory(entry_ec)) {
            out.folders_.insert(relative);
            continue;
        } else if (!entry.is_regular_file(entry_ec)) {
            continue;
        }
        const uintmax_t size = fs::file_size(entry.path(), entry_ec);
        if (entry_ec || size > kMaxFileBytes || out.bytes_ + size > max_total_bytes) {
            ++out.left_out_;
            continue;
        }
        std::ifstream in(entry.path(), std::ios::binary);
        if (!in) {
            ++out.left_out_;
            continue;
        }
        StaticFile file{content_type_for(relative), {}};
        file.body.assign(std::istreambuf_iterator<char>(in), {});
        out.bytes_ += file.body.size();
        out.files_.emplace(relative, std::move(file));
    }
    return out;
}

const StaticFile* StaticFiles::find(std::string_view url_path) const {
    if (folders_.empty()) return nullptr;  // nothing loaded
    std::optional<std::string> relative = relative_path(url_path);
    if (!relative) return nullptr;
    const auto index_of = [&](const std::string& folder) -> const StaticFile* {
        if (!folders_.count(folder)) return nullptr;
        auto index = files_.find(folder.empty() ? "index.html" : folder + "/index.html");
        return index == files_.end() ? nullptr : &index->second;
    };
    if (relative->empty() || relative->back() == '/') {
        if (!relative->empty()) relative->pop_back();
        return index_of(*relative);
    }
    auto file = files_.find(*relative);
    if (file != files_.end()) return &file->second;
    return index_of(*relative);
}

}  // namespace datt::relay
