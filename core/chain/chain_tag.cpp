#include "chain/chain_tag.h"

#include <algorithm>

#include "event/kind.h"
#include "util/hex.h"

namespace datt::chain {
namespace {

// Canonical decimal: "0" or a non-zero digit then digits; value <= kMaxSeq.
std::optional<uint64_t> parse_seq(std::string_view text) {
    if (text.empty() || text.size() > 16) return std::nullopt;
    if (text.size() > 1 && text[0] == '0') return std::nullopt;
    uint64_t value = 0;
    for (char c : text) {
        if (c < '0' || c > '9') return std::nullopt;
        value = value * 10 + static_cast<uint64_t>(c - '0');
    }
    if (value > kMaxSeq) return std::nullopt;
    return value;
}

}  // namespace

ChainId ChainId::from_random(std::span<const uint8_t, 16> random) {
    ChainId id;
    std::copy(random.begin(), random.end(), id.bytes.begin());
    return id;
}

std::string ChainId::to_hex() const {
    return datt::to_hex(bytes);
}

Result<ChainTag> ChainTag::parse(const event::Tag& tag) {
    if ((tag.size() != 3 && tag.size() != 4) || tag[0] != kChainTagName) {
        return make_error("chain_tag_malformed", "a chain tag is [\"chain\", id, seq(, prev)]");
    }
    if (!is_lower_hex(tag[1], 32)) {
        return make_error("chain_id_invalid", "the chain id must be 32 lowercase hex characters");
    }
    const std::optional<uint64_t> seq = parse_seq(tag[2]);
    if (!seq) {
        return make_error("chain_seq_invalid", "seq must be canonical decimal in 0..2^53-1");
    }
    ChainTag parsed;
    parsed.chain_.bytes = *from_hex_fixed<16>(tag[1]);
    parsed.seq_ = *seq;
    if (tag.size() == 4) {
        if (!is_lower_hex(tag[3], 64)) {
            return make_error("chain_prev_invalid", "prev must be 64 lowercase hex characters");
        }
        parsed.prev_ = *from_hex_fixed<32>(tag[3]);
    }
    if (parsed.prev_.has_value() != (parsed.seq_ > 0)) {
        return make_error("chain_prev_invalid", "prev is present exactly when seq > 0");
    }
    return parsed;
}

Result<ChainTag> ChainTag::make(const ChainId& chain, uint64_t seq,
                                const std::optional<Hash256>& prev) {
    if (seq > kMaxSeq) return make_error("chain_seq_invalid", "seq exceeds 2^53-1");
    if (prev.has_value() != (seq > 0)) {
        return make_error("chain_prev_invalid", "prev is present exactly when seq > 0");
    }
    ChainTag tag;
    tag.chain_ = chain;
    tag.seq_ = seq;
    tag.prev_ = prev;
    return tag;
}

event::Tag ChainTag::to_tag() const {
    event::Tag tag{std::string(kChainTagName), chain_.to_hex(), std::to_string(seq_)};
    if (prev_) tag.push_back(to_hex(*prev_));
    return tag;
}

Result<std::optional<ChainLink>> ChainLink::of(const event::Event& event) {
    const event::Tag* found = nullptr;
    for (const event::Tag& tag : event.tags()) {
        if (tag.empty() || tag[0] != kChainTagName) continue;
        if (found) return make_error("chain_tag_duplicate", "an event has one chain tag at most");
        found = &tag;
    }
    if (!found) return std::optional<ChainLink>{};
    if (event::storage_class(event.kind()) != event::StorageClass::kRegular) {
        return make_error("chain_kind_not_chained",
                          "only regular kinds are chained (kind " + std::to_string(event.kind()) +
                              " is replaceable, addressable or ephemeral)");
    }
    Result<ChainTag> tag = ChainTag::parse(*found);
    if (!tag) return tag.error();
    ChainLink link(std::move(tag).value());
    link.author_ = event.pubkey();
    link.id_ = event.id();
    link.created_at_ = event.created_at();
    link.kind_ = event.kind();
    return std::optional<ChainLink>(std::move(link));
}

}  // namespace datt::chain
