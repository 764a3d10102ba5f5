#include "event/event.h"

#include "crypto/secp256k1.h"
#include "event/canonical.h"
#include "event/event_reader.h"
#include "util/hex.h"
#include "util/json_string.h"
#include "util/utf8.h"

namespace datt::event {
namespace {

template <size_t N>
Result<ByteArray<N>> lower_hex_field(const std::string& text, const char* name) {
    if (!is_lower_hex(text, 2 * N)) {
        return make_error("bad_hex", std::string(name) + " must be " + std::to_string(2 * N) +
                                         " lowercase hex characters");
    }
    return from_hex_fixed<N>(text);
}

Status check_ranges(const Draft& draft, const Limits& limits) {
    if (draft.created_at < limits.min_created_at || draft.created_at > limits.max_created_at) {
        return make_error("created_at_range", "created_at " + std::to_string(draft.created_at) +
                                                  " is outside the accepted window");
    }
    if (draft.content.size() > limits.max_content_bytes) {
        return make_error("content_too_large",
                          "content exceeds " + std::to_string(limits.max_content_bytes) + " bytes");
    }
    if (draft.tags.size() > limits.max_tags) {
        return make_error("too_many_tags", "more than " + std::to_string(limits.max_tags) + " tags");
    }
    for (const Tag& tag : draft.tags) {
        if (tag.size() > limits.max_tag_values) {
            return make_error("tag_too_large", "a tag has more than " +
                                                   std::to_string(limits.max_tag_values) +
                                                   " values");
        }
        for (const std::string& value : tag) {
            if (value.size() > limits.max_tag_value_bytes) {
                return make_error("tag_too_large", "a tag value exceeds " +
                                                       std::to_string(limits.max_tag_value_bytes) +
                                                       " bytes");
            }
        }
    }
    return Ok{};
}

const char* first_missing(const RawEvent& raw, bool need_signature_fields) {
    if (need_signature_fields && !raw.id) return "id";
    if (need_signature_fields && !raw.pubkey) return "pubkey";
    if (!raw.created_at) return "created_at";
    if (!raw.kind) return "kind";
    if (!raw.tags) return "tags";
    if (!raw.content) return "content";
    if (need_signature_fields && !raw.sig) return "sig";
    return nullptr;
}

Draft draft_of(RawEvent& raw) {
    return Draft{*raw.created_at, static_cast<Kind>(*raw.kind), std::move(*raw.tags),
                 std::move(*raw.content)};
}

}  // namespace

Status check_draft(const Draft& draft, const Limits& limits) {
    if (auto ranges = check_ranges(draft, limits); !ranges) return ranges.error();
    if (!is_valid_utf8(draft.content)) {
        return make_error("invalid_utf8", "content is not valid UTF-8");
    }
    for (const Tag& tag : draft.tags) {
        for (const std::string& value : tag) {
            if (!is_valid_utf8(value)) return make_error("invalid_utf8", "a tag is not valid UTF-8");
        }
    }
    return Ok{};
}

Result<Draft> parse_draft(std::string_view json, const Limits& limits) {
    auto raw = read_raw_event(json, limits);
    if (!raw) return raw.error();
    if (const char* missing = first_missing(*raw, false)) {
        return make_error("missing_field", std::string("missing member \"") + missing + "\"");
    }
    return draft_of(*raw);
}

Result<Event> Event::parse(std::string_view json, const Limits& limits) {
    return parse_with(json, limits, nullptr);
}

Result<Event> Event::parse(std::string_view json, const Limits& limits,
                           crypto::XOnlyKeyCache& keys) {
    return parse_with(json, limits, &keys);
}

Result<Event> Event::parse_with(std::string_view json, const Limits& limits,
                                crypto::XOnlyKeyCache* keys) {
    auto raw = read_raw_event(json, limits);
    if (!raw) return raw.error();
    if (const char* missing = first_missing(*raw, true)) {
        return make_error("missing_field", std::string("missing member \"") + missing + "\"");
    }
    auto id = lower_hex_field<32>(*raw->id, "id");
    if (!id) return id.error();
    auto pubkey = lower_hex_field<32>(*raw->pubkey, "pubkey");
    if (!pubkey) return pubkey.error();
    auto sig = lower_hex_field<64>(*raw->sig, "sig");
    if (!sig) return sig.error();
    auto xonly = keys ? keys->parse(*pubkey) : crypto::XOnlyPubKey::parse(*pubkey);
    if (!xonly) return make_error("bad_pubkey", "pubkey is not a valid secp256k1 x-only key");

    Event event;
    event.id_ = *id;
    event.pubkey_ = *pubkey;
    event.sig_ = *sig;
    Draft draft = draft_of(*raw);
    if (compute_id(event.pubkey_, draft) != event.id_) {
        return make_error("id_mismatch", "id is not the hash of the event's canonical form");
    }
    if (!crypto::schnorr_verify(*xonly, event.id_, event.sig_)) {
        return make_error("bad_signature", "signature does not verify");
    }
    event.created_at_ = draft.created_at;
    event.kind_ = draft.kind;
    event.tags_ = std::move(draft.tags);
    event.content_ = std::move(draft.content);
    return event;
}

Result<Event> Event::sign(const Draft& draft, const crypto::SecretKey& key,
                          std::span<const uint8_t, 32> aux_rand, const Limits& limits) {
    if (auto valid = check_draft(draft, limits); !valid) return valid.error();
    Event event;
    const crypto::KeyPair keypair(key);  // one point multiplication for pubkey and signature
    event.pubkey_ = keypair.xonly_pubkey().bytes();
    event.id_ = compute_id(event.pubkey_, draft);
    event.sig_ = keypair.schnorr_sign(event.id_, aux_rand);
    event.created_at_ = draft.created_at;
    event.kind_ = draft.kind;
    event.tags_ = draft.tags;
    event.content_ = draft.content;
    return event;
}

std::optional<std::string_view> tag_value(const Tags& tags, std::string_view name) {
    for (const Tag& tag : tags) {
        if (tag.size() >= 2 && tag[0] == name) return tag[1];
    }
    return std::nullopt;
}

std::optional<std::string_view> Event::tag_value(std::string_view name) const {
    return event::tag_value(tags_, name);
}

std::string Event::to_json() const {
    std::string out;
    out.reserve(300 + content_.size());
    out += "{\"id\":\"";
    out += to_hex(id_);
    out += "\",\"pubkey\":\"";
    out += to_hex(pubkey_);
    out += "\",\"created_at\":";
    out += std::to_string(created_at_);
    out += ",\"kind\":";
    out += std::to_string(kind_);
    out += ",\"tags\":[";
    for (size_t t = 0; t < tags_.size(); ++t) {
        if (t) out += ',';
        out += '[';
        for (size_t v = 0; v < tags_[t].size(); ++v) {
            if (v) out += ',';
            append_json_string(out, tags_[t][v]);
        }
        out += ']';
    }
    out += "],\"content\":";
    append_json_string(out, content_);
    out += ",\"sig\":\"";
    out += to_hex(sig_);
    out += "\"}";
    return out;
}

}  // namespace datt::event
