#include "event/canonical.h"

#include "crypto/sha256.h"
#include "util/hex.h"

namespace datt::event {

void append_canonical_string(std::string& out, std::string_view text) {
    out.push_back('"');
    size_t run_start = 0;
    for (size_t i = 0; i < text.size(); ++i) {
        char escaped;
        switch (text[i]) {
            case '\n': escaped = 'n'; break;
            case '"': escaped = '"'; break;
            case '\\': escaped = '\\'; break;
            case '\r': escaped = 'r'; break;
            case '\t': escaped = 't'; break;
            case '\b': escaped = 'b'; break;
            case '\f': escaped = 'f'; break;
            default: continue;
        }
        out.append(text, run_start, i - run_start);
        out.push_back('\\');
        out.push_back(escaped);
        run_start = i + 1;
    }
    out.append(text, run_start, text.size() - run_start);
    out.push_back('"');
}

std::string canonical_serialization(const ByteArray<32>& pubkey, const Draft& draft) {
    std::string out;
    size_t estimate = 100 + draft.content.size();
    for (const Tag& tag : draft.tags) {
        for (const std::string& value : tag) estimate += value.size() + 3;
    }
    out.reserve(estimate);
    out += "[0,\"";
    out += to_hex(pubkey);
    out += "\",";
    out += std::to_string(draft.created_at);
    out += ',';
    out += std::to_string(draft.kind);
    out += ",[";
    for (size_t t = 0; t < draft.tags.size(); ++t) {
        if (t) out += ',';
        out += '[';
        for (size_t v = 0; v < draft.tags[t].size(); ++v) {
            if (v) out += ',';
            append_canonical_string(out, draft.tags[t][v]);
        }
        out += ']';
    }
    out += "],";
    append_canonical_string(out, draft.content);
    out += ']';
    return out;
}

Hash256 compute_id(const ByteArray<32>& pubkey, const Draft& draft) {
    return crypto::sha256(as_bytes(canonical_serialization(pubkey, draft)));
}

}  // namespace datt::event
