// chain::ForkProof::parse (core/chain/fork_proof.h) on untrusted text, as a client reads the
// content of a kind 4560 event from a relay.
//
// Invariants checked:
//   - failures carry a documented code;
//   - an accepted proof holds two valid events of one author and one chain that conflict
//     (same seq with different ids, or adjacent seqs with a broken prev), in canonical order;
//   - verify_fork_proof agrees in both argument orders, and make() gives an equal proof;
//   - to_json() parses back to an equal proof and is its own fixed point.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "chain/fork_proof.h"
#include "check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    namespace chain = datt::chain;
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    auto proof = chain::ForkProof::parse(text);
    if (!proof) {
        DATT_FUZZ_CHECK(datt::fuzz::is_one_of(
            proof.error().code,
            {"fork_not_chained", "fork_author_mismatch", "fork_chain_mismatch", "fork_same_event",
             "fork_not_conflicting", "fork_proof_json", "fork_proof_event"}));
        return 0;
    }
    const auto first = chain::ChainLink::of(proof->first());
    const auto second = chain::ChainLink::of(proof->second());
    DATT_FUZZ_CHECK(first && second && *first && *second);
    const chain::ChainLink& a = **first;
    const chain::ChainLink& b = **second;
    DATT_FUZZ_CHECK(a.author() == b.author() && a.chain() == b.chain() && a.id() != b.id());
    DATT_FUZZ_CHECK(proof->seq() == a.seq() && proof->chain() == a.chain());
    if (proof->shape() == chain::ForkShape::kSamePosition) {
        DATT_FUZZ_CHECK(a.seq() == b.seq() && a.id() < b.id());
    } else {
        DATT_FUZZ_CHECK(b.seq() == a.seq() + 1 && *b.prev() != a.id());
    }
    DATT_FUZZ_CHECK(chain::verify_fork_proof(proof->first(), proof->second()).ok());
    DATT_FUZZ_CHECK(chain::verify_fork_proof(proof->second(), proof->first()).ok());
    auto made = chain::ForkProof::make(proof->second(), proof->first());
    DATT_FUZZ_CHECK(made && *made == *proof);
    const std::string json = proof->to_json();
    auto again = chain::ForkProof::parse(json);
    DATT_FUZZ_CHECK(again && *again == *proof && again->to_json() == json);
    return 0;
}
