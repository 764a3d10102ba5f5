#include "event/canonical.h"

#include "crypto/sha256.h"
#include "util/hex.h"
#include "util/json_string.h"

namespace datt::event {

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
            append_json_string(out, draft.tags[t][v]);
        }
        out += ']';
    }
    out += "],";
    append_json_string(out, draft.content);
    out += ']';
    return out;
}

Hash256 compute_id(const ByteArray<32>& pubkey, const Draft& draft) {
    return crypto::sha256(as_bytes(canonical_serialization(pubkey, draft)));
}

}  // namespace datt::event
