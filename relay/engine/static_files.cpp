#include "engine/static_files.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>

namespace datt::relay {
namespace {

constexpr uintmax_t kMaxFileBytes = 64ull << 20;

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

std::optional<StaticFile> read_static_file(const std::string& root, std::string_view url_path) {
    if (root.empty()) return std::nullopt;
    url_path = url_path.substr(0, url_path.find_first_of("?#"));
    auto decoded = percent_decode(url_path);
    if (!decoded || decoded->empty() || decoded->front() != '/') return std::nullopt;
    // Refuse anything that could name a file outside root.
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
    std::filesystem::path path = std::filesystem::path(root) / relative;
    std::error_code ec;
    // Defence in depth: the resolved file must still be inside root.
    const auto base = std::filesystem::weakly_canonical(root, ec);
    const auto resolved = std::filesystem::weakly_canonical(path, ec);
    if (ec) return std::nullopt;
    const auto [root_end, unused] = std::mismatch(base.begin(), base.end(), resolved.begin(), resolved.end());
    if (root_end != base.end()) return std::nullopt;
    if (std::filesystem::is_directory(path, ec)) path /= "index.html";
    if (!std::filesystem::is_regular_file(path, ec)) return std::nullopt;
    if (std::filesystem::file_size(path, ec) > kMaxFileBytes || ec) return std::nullopt;
    std::ifstream in(path, std::ios::binary);
    if (!in) return std::nullopt;
    StaticFile file{content_type_for(path.string()), {}};
    file.body.assign(std::istreambuf_iterator<char>(in), {});
    return file;
}

}  // namespace datt::relay
