#include "chain/fork_proof.h"

#include "util/hex.h"

namespace datt::chain {
namespace {

bool is_json_space(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

size_t skip_space(std::string_view text, size_t at) {
    while (at < text.size() && is_json_space(text[at])) ++at;
    return at;
}

// The end (one past the closing brace) of the JSON object starting at `at`, found by
// matching brackets outside strings; Event::parse validates the object itself.
std::optional<size_t> object_end(std::string_view text, size_t at) {
    if (at >= text.size() || text[at] != '{') return std::nullopt;
    size_t depth = 0;
    bool in_string = false;
    for (size_t i = at; i < text.size(); ++i) {
        const char c = text[i];
        if (in_string) {
            if (c == '\\') {
                ++i;
            } else if (c == '"') {
                in_string = false;
            }
            continue;
        }
        if (c == '"') {
            in_string = true;
        } else if (c == '{' || c == '[') {
            ++depth;
        } else if (c == '}' || c == ']') {
            if (depth == 0) return std::nullopt;
            if (--depth == 0) return i + 1;
        }
    }
    return std::nullopt;
}

Error json_error(std::string message) {
    return make_error("fork_proof_json", std::move(message));
}

}  // namespace

Result<ForkProof> ForkProof::make(const event::Event& a, const event::Event& b) {
    Result<std::optional<ChainLink>> link_a = ChainLink::of(a);
    Result<std::optional<ChainLink>> link_b = ChainLink::of(b);
    if (!link_a || !link_b || !*link_a || !*link_b) {
        return make_error("fork_not_chained", "both events must carry a valid chain tag");
    }
    const ChainLink* x = &**link_a;
    const ChainLink* y = &**link_b;
    if (x->author() != y->author()) {
        return make_error("fork_author_mismatch", "the events have different authors");
    }
    if (x->chain() != y->chain()) {
        return make_error("fork_chain_mismatch", "the events are in different chains");
    }
    if (x->id() == y->id()) return make_error("fork_same_event", "the two events are one event");
    const bool swap = y->seq() < x->seq() || (y->seq() == x->seq() && y->id() < x->id());
    if (swap) std::swap(x, y);
    ForkShape shape;
    if (x->seq() == y->seq()) {
        shape = ForkShape::kSamePosition;
    } else if (y->seq() == x->seq() + 1 && *y->prev() != x->id()) {
        shape = ForkShape::kBrokenLink;
    } else {
        return make_error("fork_not_conflicting", "the two events can belong to one chain");
    }
    ForkProof proof = swap ? ForkProof(b, a) : ForkProof(a, b);
    proof.shape_ = shape;
    proof.chain_ = x->chain();
    proof.seq_ = x->seq();
    return proof;
}

Status verify_fork_proof(const event::Event& a, const event::Event& b) {
    Result<ForkProof> proof = ForkProof::make(a, b);
    if (!proof) return proof.error();
    return Ok{};
}

Result<ForkProof> ForkProof::parse(std::string_view json, const event::Limits& limits) {
    if (json.size() > 2 * limits.max_json_bytes + 16) {
        return json_error("a fork proof holds two events of at most max_json_bytes each");
    }
    size_t at = skip_space(json, 0);
    if (at >= json.size() || json[at] != '[') return json_error("expected [<event>,<event>]");
    std::string_view parts[2];
    at = skip_space(json, at + 1);
    for (int i = 0; i < 2; ++i) {
        const std::optional<size_t> end = object_end(json, at);
        if (!end) return json_error("expected an event object");
        parts[i] = json.substr(at, *end - at);
        at = skip_space(json, *end);
        const char want = i == 0 ? ',' : ']';
        if (at >= json.size() || json[at] != want) return json_error("expected [<event>,<event>]");
        at = skip_space(json, at + 1);
    }
    if (at != json.size()) return json_error("text after the proof");
    Result<event::Event> a = event::Event::parse(parts[0], limits);
    if (!a) return make_error("fork_proof_event", "first event: " + a.error().code);
    Result<event::Event> b = event::Event::parse(parts[1], limits);
    if (!b) return make_error("fork_proof_event", "second event: " + b.error().code);
    return make(*a, *b);
}

Result<ForkProof> ForkProof::of_event(const event::Event& proof_event,
                                      const event::Limits& limits) {
    if (proof_event.kind() != kForkProofKind) {
        return make_error("fork_proof_kind", "a fork proof is published as kind 4560");
    }
    return parse(proof_event.content(), limits);
}

std::string ForkProof::to_json() const {
    const std::string first = first_.to_json();
    const std::string second = second_.to_json();
    std::string out;
    out.reserve(first.size() + second.size() + 3);
    out.append("[").append(first).append(",").append(second).append("]");
    return out;
}

event::Draft ForkProof::to_draft(int64_t created_at) const {
    event::Draft draft;
    draft.created_at = created_at;
    draft.kind = kForkProofKind;
    draft.tags = {{"p", to_hex(author())}, {"fork", chain_.to_hex(), std::to_string(seq_)}};
    draft.content = to_json();
    return draft;
}

}  // namespace datt::chain
