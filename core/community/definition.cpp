#include "community/definition.h"

#include <algorithm>

#include "util/hex.h"

namespace datt::community {
namespace {

// Canonical decimal (no sign, no leading zero) of at most `max_digits` digits.
std::optional<int64_t> parse_decimal(std::string_view text, size_t max_digits) {
    if (text.empty() || text.size() > max_digits || (text.size() > 1 && text[0] == '0')) {
        return std::nullopt;
    }
    int64_t value = 0;
    for (char c : text) {
        if (c < '0' || c > '9') return std::nullopt;
        value = value * 10 + (c - '0');
    }
    return value;
}

}  // namespace

Result<Definition> Definition::parse(const event::Event& event) {
    if (event.kind() != kDefinitionKind) {
        return make_error("community_wrong_kind", "a community definition is kind 34550");
    }
    Definition definition;
    definition.address_ = *event::address_of(event);
    bool seen_pow = false;
    for (const event::Tag& tag : event.tags()) {
        if (tag.empty()) continue;
        if (tag[0] == "p" && tag.size() >= 4 && tag[3] == "moderator" && is_lower_hex(tag[1], 64)) {
            const ByteArray<32> moderator = *from_hex_fixed<32>(tag[1]);
            if (moderator != definition.owner()) definition.moderators_.push_back(moderator);
        } else if (tag[0] == "pow") {
            const std::optional<int64_t> bits =
                tag.size() == 2 ? parse_decimal(tag[1], 3) : std::nullopt;
            if (seen_pow || !bits || *bits > 256) {
                return make_error("community_pow_invalid", "pow is [\"pow\", <0..256>], once");
            }
            seen_pow = true;
            definition.pow_difficulty_ = static_cast<int>(*bits);
        } else if (tag[0] == "origin") {
            const std::optional<event::Address> origin =
                tag.size() == 3 ? event::parse_address(tag[1]) : std::nullopt;
            const std::optional<int64_t> cutoff =
                tag.size() == 3 ? parse_decimal(tag[2], 18) : std::nullopt;
            if (definition.forked_from_ || !origin || origin->kind != kDefinitionKind || !cutoff ||
                *origin == definition.address_) {
                return make_error("community_fork_invalid",
                                  "origin is [\"origin\", \"34550:<owner>:<d>\", <cutoff>], once");
            }
            definition.forked_from_ = ForkOrigin{*origin, *cutoff};
        }
    }
    std::sort(definition.moderators_.begin(), definition.moderators_.end());
    definition.moderators_.erase(
        std::unique(definition.moderators_.begin(), definition.moderators_.end()),
        definition.moderators_.end());
    return definition;
}

bool names_community(const event::Event& event, const event::Address& address) {
    for (const event::Tag& tag : event.tags()) {
        if (tag.size() < 2 || (tag[0] != "A" && tag[0] != "a")) continue;
        const std::optional<event::Address> named = event::parse_address(tag[1]);
        if (named && *named == address) return true;
    }
    return false;
}

}  // namespace datt::community
