// Fork proofs: two events signed by one author that cannot both belong to one chain. Both
// carry the author's signature, so the pair proves equivocation to anyone, with no trust in
// the relay that reports it.
//
// Two shapes (chain_state.h ForkShape), in one chain id of one author:
//   same position  both events have the same seq and different ids;
//   broken link    the second has seq = first's seq + 1 and its prev is not the first's id.
// The pair is kept in a canonical order (lower seq first; at one seq, lower id first), so one
// fork has one encoding.
//
// Encoding (docs/protocol.md "Fork proofs"): the JSON array of the two events' compact wire
// JSON, "[<first>,<second>]", carried as the content of a kind 4560 event that anyone (a
// relay, a client) signs, tagged ["p", <author>] and ["fork", <chain id>, <first's seq>] so
// `{"kinds":[4560],"#p":[<author>]}` finds the proofs against an author. Two large events
// can exceed the default 64 KiB content limit (event/limits.h): whoever signs or accepts
// kind 4560 events allows content up to 2 * max_json_bytes for them.
//
// Error codes:
//   fork_not_chained      an event has no valid chain tag (or a bad one)
//   fork_author_mismatch  the events have different authors
//   fork_chain_mismatch   the events are in different chains
//   fork_same_event       the two events are one event
//   fork_not_conflicting  neither shape above holds (the pair is consistent)
//   fork_proof_json       the encoding is not "[<event>,<event>]" (size, syntax)
//   fork_proof_event      an embedded event does not parse (message carries its code:
//                         a tampered event fails with id_mismatch or bad_signature)
//   fork_proof_kind       (of_event) the event is not kind 4560
#pragma once

#include <string>
#include <string_view>

#include "chain/chain_state.h"
#include "chain/chain_tag.h"
#include "event/event.h"
#include "util/result.h"

namespace datt::chain {

inline constexpr event::Kind kForkProofKind = 4560;

class ForkProof {
  public:
    // Checks that `a` and `b` are a fork (either order).
    [[nodiscard]] static Result<ForkProof> make(const event::Event& a, const event::Event& b);
    // Parses the encoding and checks the fork (verify_fork_proof on untrusted text).
    [[nodiscard]] static Result<ForkProof> parse(std::string_view json,
                                                 const event::Limits& limits = {});
    // The proof carried by a kind 4560 event.
    [[nodiscard]] static Result<ForkProof> of_event(const event::Event& proof_event,
                                                    const event::Limits& limits = {});

    const event::Event& first() const { return first_; }
    const event::Event& second() const { return second_; }
    ForkShape shape() const { return shape_; }
    const ByteArray<32>& author() const { return first_.pubkey(); }
    const ChainId& chain() const { return chain_; }
    uint64_t seq() const { return seq_; }  // the first event's seq

    // "[<first>,<second>]"; parse() of it gives back an equal proof.
    std::string to_json() const;
    // The unsigned kind 4560 event that publishes this proof.
    event::Draft to_draft(int64_t created_at) const;

    friend bool operator==(const ForkProof&, const ForkProof&) = default;

  private:
    ForkProof(event::Event first, event::Event second)
        : first_(std::move(first)), second_(std::move(second)) {}
    event::Event first_;
    event::Event second_;
    ForkShape shape_ = ForkShape::kSamePosition;
    ChainId chain_{};
    uint64_t seq_ = 0;
};

// Anyone's check: Ok when the two events prove a fork (codes as ForkProof::make).
[[nodiscard]] Status verify_fork_proof(const event::Event& a, const event::Event& b);

}  // namespace datt::chain
