// core/chain for JavaScript (datt.chain): chain tags, the chain-state reducer the web app
// keeps per (author, chain id) in IndexedDB, and fork proofs. Events cross as JSON text and
// go through Event::parse (verified). Chain states cross as plain objects that survive
// structured cloning: {author, chain, head: entry | null, pending: [entry]}, an entry being
// {seq, id, prev} (seq a Number <= 2^53-1, ids lowercase hex, prev null at seq 0); a state
// read back from storage is checked as untrusted (chain_state_invalid).
#include <emscripten/bind.h>

#include "chain/chain_state.h"
#include "chain/chain_tag.h"
#include "chain/fork_proof.h"
#include "convert.h"
#include "event/event.h"
#include "util/hex.h"

namespace datt::wasm {
namespace {

using namespace ::datt::chain;

// A state can hold no more pending entries than the reducer allows (ChainLimits).
constexpr size_t kMaxPending = ChainLimits{}.max_pending;

Error invalid_state(const std::string& why) {
    return make_error("chain_state_invalid", "chain state: " + why);
}

Result<ChainId> chain_id_argument(const val& value) {
    if (!value.isString()) return make_error("chain_id_invalid", "chain must be 32 lowercase hex characters");
    const std::string text = value.as<std::string>();
    if (!is_lower_hex(text, 32)) {
        return make_error("chain_id_invalid", "chain must be 32 lowercase hex characters");
    }
    ChainId id;
    id.bytes = *from_hex_fixed<16>(text);
    return id;
}

Result<uint64_t> seq_argument(const val& value) {
    auto seq = safe_integer_argument(value, "seq");
    if (!seq || *seq < 0) return make_error("chain_seq_invalid", "seq must be an integer from 0 to 2^53-1");
    return static_cast<uint64_t>(*seq);
}

Result<std::optional<Hash256>> prev_argument(const val& value) {
    if (is_absent(value)) return std::optional<Hash256>{};
    auto prev = hex32_argument(value, "prev");
    if (!prev) return prev.error();
    return std::optional<Hash256>(*prev);
}

val entry_value(const ChainEntry& entry) {
    val out = val::object();
    out.set("seq", static_cast<double>(entry.seq));
    out.set("id", to_hex(entry.id));
    out.set("prev", entry.prev ? val(to_hex(*entry.prev)) : val::null());
    return out;
}

Result<ChainEntry> entry_argument(const val& value) {
    if (!is_plain_object(value)) return invalid_state("an entry must be {seq, id, prev}");
    ChainEntry entry;
    auto seq = seq_argument(value["seq"]);
    if (!seq) return invalid_state(seq.error().message);
    auto id = hex32_argument(value["id"], "id");
    if (!id) return invalid_state(id.error().message);
    auto prev = prev_argument(value["prev"]);
    if (!prev) return invalid_state(prev.error().message);
    if (prev->has_value() != (*seq > 0)) return invalid_state("prev must be present exactly when seq > 0");
    entry.seq = *seq;
    entry.id = *id;
    entry.prev = *prev;
    return entry;
}

val state_value(const ChainState& state) {
    val out = val::object();
    out.set("author", to_hex(state.author));
    out.set("chain", state.chain.to_hex());
    out.set("head", state.head ? entry_value(*state.head) : val::null());
    val pending = val::array();
    for (const ChainEntry& entry : state.pending) pending.call<void>("push", entry_value(entry));
    out.set("pending", pending);
    return out;
}

// The invariants apply_link relies on (chain_state.h), checked on what JavaScript kept.
Result<ChainState> state_argument(const val& value) {
    if (!is_plain_object(value)) return invalid_state("must be {author, chain, head, pending}");
    auto author = hex32_argument(value["author"], "author");
    if (!author) return invalid_state(author.error().message);
    auto chain = chain_id_argument(value["chain"]);
    if (!chain) return invalid_state(chain.error().message);
    ChainState state = empty_chain(*author, *chain);
    if (!is_absent(value["head"])) {
        auto head = entry_argument(value["head"]);
        if (!head) return head.error();
        state.head = *head;
    }
    const val pending = value["pending"];
    if (!pending.isArray()) return invalid_state("pending must be an array");
    const size_t count = pending["length"].as<size_t>();
    if (count > kMaxPending) return invalid_state("more pending entries than the limit");
    for (size_t i = 0; i < count; ++i) {
        auto entry = entry_argument(pending[i]);
        if (!entry) return entry.error();
        // Pending means past a gap: beyond next_seq, and ascending.
        const uint64_t floor = state.pending.empty() ? state.next_seq() : state.pending.back().seq;
        if (entry->seq <= floor) {
            return invalid_state("pending entries must be ascending and beyond the head's next seq");
        }
        state.pending.push_back(*entry);
    }
    return state;
}

val link_value(const ChainLink& link) {
    val out = val::object();
    out.set("author", to_hex(link.author()));
    out.set("id", to_hex(link.id()));
    out.set("chain", link.chain().to_hex());
    out.set("seq", static_cast<double>(link.seq()));
    out.set("prev", link.prev() ? val(to_hex(*link.prev())) : val::null());
    out.set("created_at", static_cast<double>(link.created_at()));
    out.set("kind", link.kind());
    return out;
}

val gaps_value(const ChainState& state) {
    val out = val::array();
    for (const SeqRange& range : gaps(state)) {
        val gap = val::object();
        gap.set("first", static_cast<double>(range.first));
        gap.set("last", static_cast<double>(range.last));
        out.call<void>("push", gap);
    }
    return out;
}

// ---- bound functions ----

// A chain id from 16 random bytes (datt.mjs draws them).
val chain_id_from_random(val random) {
    auto bytes = fixed_bytes_argument<16>(random, "random");
    if (!bytes) return fail(bytes.error());
    return ok(val(ChainId::from_random(*bytes).to_hex()));
}

// A tag (array of strings) -> {chain, seq, prev}.
val parse_chain_tag(val tag) {
    if (!tag.isArray()) return fail(make_error("chain_tag_malformed", "a tag must be an array of strings"));
    const size_t size = tag["length"].as<size_t>();
    if (size > 8) return fail(make_error("chain_tag_malformed", "a chain tag has 3 or 4 strings"));
    event::Tag strings;
    for (size_t i = 0; i < size; ++i) {
        auto text = text_argument(tag[i], "tag value");
        if (!text) return fail(make_error("chain_tag_malformed", text.error().message));
        strings.push_back(std::move(*text));
    }
    auto parsed = ChainTag::parse(strings);
    if (!parsed) return fail(parsed.error());
    val out = val::object();
    out.set("chain", parsed->chain().to_hex());
    out.set("seq", static_cast<double>(parsed->seq()));
    out.set("prev", parsed->prev() ? val(to_hex(*parsed->prev())) : val::null());
    return ok(out);
}

// The tag for (chain, seq, prev): ChainTag::make's checks.
val make_chain_tag(val chain, val seq, val prev) {
    auto id = chain_id_argument(chain);
    if (!id) return fail(id.error());
    auto position = seq_argument(seq);
    if (!position) return fail(position.error());
    auto previous = prev_argument(prev);
    if (!previous) return fail(previous.error());
    auto tag = ChainTag::make(*id, *position, *previous);
    if (!tag) return fail(tag.error());
    val out = val::array();
    for (const std::string& s : tag->to_tag()) out.call<void>("push", s);
    return ok(out);
}

// An event's place in its chain, or null when it is unchained (verified; chain_* codes).
val link_of(std::string event_json) {
    auto parsed = event::Event::parse(event_json);
    if (!parsed) return fail(parsed.error());
    auto link = ChainLink::of(*parsed);
    if (!link) return fail(link.error());
    return ok(*link ? link_value(**link) : val::null());
}

val empty_state(val author, val chain) {
    auto pubkey = hex32_argument(author, "author");
    if (!pubkey) return fail(pubkey.error());
    auto id = chain_id_argument(chain);
    if (!id) return fail(id.error());
    return ok(state_value(empty_chain(*pubkey, *id)));
}

// The reducer: (state, event, id stored at the event's seq or null) ->
// {state, outcome, fork, linked, gaps, missing}.
val apply_chain_link(val state, std::string event_json, val stored_at_seq) {
    auto current = state_argument(state);
    if (!current) return fail(current.error());
    auto parsed = event::Event::parse(event_json);
    if (!parsed) return fail(parsed.error());
    auto link = ChainLink::of(*parsed);
    if (!link) return fail(link.error());
    if (!*link) return fail(make_error("chain_unchained", "the event has no chain tag"));
    auto stored = prev_argument(stored_at_seq);
    if (!stored) return fail(stored.error());
    auto step = apply_link(std::move(*current), **link, *stored);
    if (!step) return fail(step.error());
    static const char* const kOutcomes[] = {"extended", "duplicate", "pending", "fork"};
    const char* outcome = "duplicate";
    switch (step->outcome) {
        case Outcome::kExtended: outcome = kOutcomes[0]; break;
        case Outcome::kDuplicate: outcome = kOutcomes[1]; break;
        case Outcome::kPending: outcome = kOutcomes[2]; break;
        case Outcome::kFork: outcome = kOutcomes[3]; break;
    }
    val out = val::object();
    out.set("state", state_value(step->state));
    out.set("outcome", std::string(outcome));
    if (step->fork) {
        val fork = val::object();
        fork.set("shape", std::string(step->fork->shape == ForkShape::kSamePosition ? "same_position"
                                                                                 : "broken_link"));
        fork.set("otherSeq", static_cast<double>(step->fork->other_seq));
        fork.set("otherId", to_hex(step->fork->other_id));
        out.set("fork", fork);
    } else {
        out.set("fork", val::null());
    }
    val linked = val::array();
    for (const ChainEntry& entry : step->linked) linked.call<void>("push", entry_value(entry));
    out.set("linked", linked);
    out.set("gaps", gaps_value(step->state));
    out.set("missing", static_cast<double>(missing_count(step->state)));
    return ok(out);
}

val state_gaps(val state) {
    auto current = state_argument(state);
    if (!current) return fail(current.error());
    val out = val::object();
    out.set("gaps", gaps_value(*current));
    out.set("missing", static_cast<double>(missing_count(*current)));
    return ok(out);
}

val proof_value(const ForkProof& proof) {
    val out = val::object();
    out.set("author", to_hex(proof.author()));
    out.set("chain", proof.chain().to_hex());
    out.set("seq", static_cast<double>(proof.seq()));
    out.set("shape", std::string(proof.shape() == ForkShape::kSamePosition ? "same_position" : "broken_link"));
    out.set("first", proof.first().to_json());
    out.set("second", proof.second().to_json());
    out.set("encoding", proof.to_json());
    return out;
}

// Two events -> the proof they make (fork_* codes when they do not).
val make_fork_proof(std::string a_json, std::string b_json) {
    auto a = event::Event::parse(a_json);
    if (!a) return fail(a.error());
    auto b = event::Event::parse(b_json);
    if (!b) return fail(b.error());
    auto proof = ForkProof::make(*a, *b);
    return proof ? ok(proof_value(*proof)) : fail(proof.error());
}

// A proof's encoding, or a kind 4560 event carrying one, checked.
val parse_fork_proof(std::string json, bool is_event) {
    if (is_event) {
        event::Limits limits;
        limits.max_content_bytes = 2 * limits.max_json_bytes + 16;
        limits.max_json_bytes = 3 * limits.max_json_bytes;
        auto parsed = event::Event::parse(json, limits);
        if (!parsed) return fail(parsed.error());
        auto proof = ForkProof::of_event(*parsed);
        return proof ? ok(proof_value(*proof)) : fail(proof.error());
    }
    auto proof = ForkProof::parse(json);
    return proof ? ok(proof_value(*proof)) : fail(proof.error());
}

}  // namespace

EMSCRIPTEN_BINDINGS(datt_chain) {
    emscripten::function("chainIdFromRandom", &chain_id_from_random);
    emscripten::function("chainParseTag", &parse_chain_tag);
    emscripten::function("chainMakeTag", &make_chain_tag);
    emscripten::function("chainLinkOf", &link_of);
    emscripten::function("chainEmptyState", &empty_state);
    emscripten::function("chainApply", &apply_chain_link);
    emscripten::function("chainGaps", &state_gaps);
    emscripten::function("chainMakeForkProof", &make_fork_proof);
    emscripten::function("chainParseForkProof", &parse_fork_proof);
}

}  // namespace datt::wasm
