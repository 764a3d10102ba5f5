// Content chain rules (core/chain): the tag, the per-chain state (extension, gaps, pending,
// forks, bounded memory), multi-device use, fork proofs and deletion inside a chain.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "chain/chain_state.h"
#include "chain/chain_tag.h"
#include "chain/fork_proof.h"
#include "chain/tombstone.h"
#include "chain_signer.h"
#include "util/hex.h"

namespace datt::chain {
namespace {

using testing::Device;
using testing::link_of;

const std::string kId(32, 'a');
const std::string kPrev(64, 'b');

TEST(ChainTag, ParsesAndRoundTrips) {
    auto genesis = ChainTag::parse({"chain", kId, "0"});
    ASSERT_TRUE(genesis.ok());
    EXPECT_EQ(genesis->seq(), 0u);
    EXPECT_FALSE(genesis->prev().has_value());
    EXPECT_EQ(genesis->to_tag(), (event::Tag{"chain", kId, "0"}));

    auto later = ChainTag::parse({"chain", kId, "9007199254740991", kPrev});
    ASSERT_TRUE(later.ok());
    EXPECT_EQ(later->seq(), kMaxSeq);
    EXPECT_EQ(to_hex(*later->prev()), kPrev);
    EXPECT_EQ(later->to_tag(), (event::Tag{"chain", kId, "9007199254740991", kPrev}));
    EXPECT_EQ(*ChainTag::parse(later->to_tag()), *later);
}

TEST(ChainTag, RefusesMalformedTags) {
    const std::vector<std::pair<event::Tag, std::string>> cases = {
        {{"chain", kId}, "chain_tag_malformed"},
        {{"chain", kId, "1", kPrev, "x"}, "chain_tag_malformed"},
        {{"chains", kId, "0"}, "chain_tag_malformed"},
        {{"chain", std::string(32, 'A'), "0"}, "chain_id_invalid"},
        {{"chain", std::string(31, 'a'), "0"}, "chain_id_invalid"},
        {{"chain", kId, "01", kPrev}, "chain_seq_invalid"},
        {{"chain", kId, "-1"}, "chain_seq_invalid"},
        {{"chain", kId, "+1", kPrev}, "chain_seq_invalid"},
        {{"chain", kId, ""}, "chain_seq_invalid"},
        {{"chain", kId, "9007199254740992", kPrev}, "chain_seq_invalid"},
        {{"chain", kId, "0", kPrev}, "chain_prev_invalid"},
        {{"chain", kId, "1"}, "chain_prev_invalid"},
        {{"chain", kId, "1", std::string(64, 'B')}, "chain_prev_invalid"},
    };
    for (const auto& [tag, code] : cases) {
        auto parsed = ChainTag::parse(tag);
        ASSERT_FALSE(parsed.ok()) << tag[2];
        EXPECT_EQ(parsed.error().code, code) << tag[2];
    }
    EXPECT_EQ(ChainTag::make(testing::chain_id(1), 1, std::nullopt).error().code,
              "chain_prev_invalid");
    EXPECT_EQ(ChainTag::make(testing::chain_id(1), kMaxSeq + 1, Hash256{}).error().code,
              "chain_seq_invalid");
}

TEST(ChainLink, ClassifiesEvents) {
    const event::Event plain = testing::sign(1, {1'700'000'000, 1111, {}, "no chain"});
    auto unchained = ChainLink::of(plain);
    ASSERT_TRUE(unchained.ok());
    EXPECT_FALSE(unchained->has_value());

    Device device(1, 1);
    const event::Event first = device.post("hello");
    const ChainLink link = link_of(first);
    EXPECT_EQ(link.author(), first.pubkey());
    EXPECT_EQ(link.id(), first.id());
    EXPECT_EQ(link.chain(), device.chain());
    EXPECT_EQ(link.seq(), 0u);

    const event::Tag tag = testing::chain_tag(device.chain(), 0, std::nullopt);
    const event::Event twice = testing::sign(1, {1'700'000'000, 1111, {tag, tag}, ""});
    EXPECT_EQ(ChainLink::of(twice).error().code, "chain_tag_duplicate");
    const event::Event profile = testing::sign(1, {1'700'000'000, 0, {tag}, "{}"});
    EXPECT_EQ(ChainLink::of(profile).error().code, "chain_kind_not_chained");
    const event::Event bad = testing::sign(1, {1'700'000'000, 1111, {{"chain", "x", "0"}}, ""});
    EXPECT_EQ(ChainLink::of(bad).error().code, "chain_id_invalid");
}

// Applies events in order, expecting success, and returns the outcomes.
std::vector<Outcome> apply_all(ChainState& state, const std::vector<event::Event>& events) {
    std::vector<Outcome> outcomes;
    for (const event::Event& event : events) {
        auto step = apply_link(state, link_of(event), std::nullopt);
        EXPECT_TRUE(step.ok()) << (step.ok() ? "" : step.error().code);
        outcomes.push_back(step->outcome);
        state = step->state;
    }
    return outcomes;
}

TEST(ChainState, ExtendsInOrder) {
    Device device(1, 1);
    std::vector<event::Event> events;
    for (int i = 0; i < 4; ++i) events.push_back(device.post("post " + std::to_string(i)));
    ChainState state = empty_chain(events[0].pubkey(), device.chain());
    EXPECT_EQ(apply_all(state, events), std::vector<Outcome>(4, Outcome::kExtended));
    ASSERT_TRUE(state.head);
    EXPECT_EQ(state.head->seq, 3u);
    EXPECT_EQ(state.head->id, events[3].id());
    EXPECT_EQ(*state.head->prev, events[2].id());
    EXPECT_TRUE(state.pending.empty());
    EXPECT_TRUE(gaps(state).empty());
}

TEST(ChainState, KeepsEventsAfterAGapPendingAndLinksThemWhenItCloses) {
    Device device(1, 1);
    std::vector<event::Event> e;
    for (int i = 0; i < 5; ++i) e.push_back(device.post("post " + std::to_string(i)));
    ChainState state = empty_chain(e[0].pubkey(), device.chain());
    EXPECT_EQ(apply_all(state, {e[0], e[2], e[4]}),
              (std::vector<Outcome>{Outcome::kExtended, Outcome::kPending, Outcome::kPending}));
    EXPECT_EQ(state.head->seq, 0u);  // pending events never become the head
    EXPECT_EQ(gaps(state), (std::vector<SeqRange>{{1, 1}, {3, 3}}));
    EXPECT_EQ(missing_count(state), 2u);

    auto step = apply_link(state, link_of(e[1]), std::nullopt);
    ASSERT_TRUE(step.ok());
    EXPECT_EQ(step->outcome, Outcome::kExtended);
    ASSERT_EQ(step->linked.size(), 2u);  // e1 and the pending e2 behind it
    EXPECT_EQ(step->linked[0].id, e[1].id());
    EXPECT_EQ(step->linked[1].id, e[2].id());
    state = step->state;
    EXPECT_EQ(state.head->seq, 2u);
    EXPECT_EQ(gaps(state), (std::vector<SeqRange>{{3, 3}}));

    step = apply_link(state, link_of(e[3]), std::nullopt);
    ASSERT_TRUE(step.ok());
    EXPECT_EQ(step->linked.size(), 2u);
    EXPECT_EQ(step->state.head->id, e[4].id());
    EXPECT_TRUE(step->state.pending.empty());
    EXPECT_EQ(missing_count(step->state), 0u);
}

TEST(ChainState, WithoutTheFirstEventNothingIsTheHead) {
    Device device(1, 1);
    std::vector<event::Event> e;
    for (int i = 0; i < 6; ++i) e.push_back(device.post("p"));
    ChainState state = empty_chain(e[0].pubkey(), device.chain());
    EXPECT_EQ(apply_all(state, {e[5]}), std::vector<Outcome>{Outcome::kPending});
    EXPECT_FALSE(state.head);
    EXPECT_EQ(gaps(state), (std::vector<SeqRange>{{0, 4}}));
    EXPECT_EQ(missing_count(state), 5u);
}

TEST(ChainState, SeesDuplicatesAtTheHeadBelowItAndWhilePending) {
    Device device(1, 1);
    std::vector<event::Event> e;
    for (int i = 0; i < 4; ++i) e.push_back(device.post("p"));
    ChainState state = empty_chain(e[0].pubkey(), device.chain());
    apply_all(state, {e[0], e[1], e[3]});
    const ChainState before = state;
    EXPECT_EQ(apply_link(state, link_of(e[1]), std::nullopt)->outcome, Outcome::kDuplicate);
    EXPECT_EQ(apply_link(state, link_of(e[3]), std::nullopt)->outcome, Outcome::kDuplicate);
    auto below = apply_link(state, link_of(e[0]), e[0].id());
    EXPECT_EQ(below->outcome, Outcome::kDuplicate);
    EXPECT_EQ(below->state, before);
}

TEST(ChainState, DetectsAnotherEventAtTheSamePosition) {
    Device device(1, 1);
    Device clone(1, 1);  // the same chain id restored on a second device: the misuse
    const event::Event a0 = device.post("a0");
    const event::Event a1 = device.post("a1");
    const event::Event b0 = clone.post("b0");
    const event::Event b1 = clone.post("b1");
    ChainState state = empty_chain(a0.pubkey(), device.chain());
    apply_all(state, {a0, a1});
    const ChainState before = state;

    auto below = apply_link(state, link_of(b0), a0.id());
    ASSERT_TRUE(below.ok());
    EXPECT_EQ(below->outcome, Outcome::kFork);
    EXPECT_EQ(*below->fork, (ForkEvidence{ForkShape::kSamePosition, 0, a0.id()}));
    EXPECT_EQ(below->state, before);  // the first event seen keeps its place

    // b1 sits at the head's position (seq 1) with another id.
    auto same = apply_link(state, link_of(b1), std::nullopt);
    EXPECT_EQ(same->outcome, Outcome::kFork);
    EXPECT_EQ(*same->fork, (ForkEvidence{ForkShape::kSamePosition, 1, a1.id()}));

    // Below the head the state keeps no ids: the shell must pass the stored one.
    auto missing = apply_link(state, link_of(b0), std::nullopt);
    ASSERT_FALSE(missing.ok());
    EXPECT_EQ(missing.error().code, "occupant_required");
}

TEST(ChainState, DetectsABrokenLinkOnEitherSide) {
    Device device(1, 1);
    Device clone(1, 1);
    std::vector<event::Event> a, b;
    for (int i = 0; i < 4; ++i) a.push_back(device.post(std::string("a") + std::to_string(i)));
    for (int i = 0; i < 4; ++i) b.push_back(clone.post(std::string("b") + std::to_string(i)));
    const ByteArray<32> author = a[0].pubkey();

    // b2 after a0 a1: its prev is b1, not the head a1.
    ChainState state = empty_chain(author, device.chain());
    apply_all(state, {a[0], a[1]});
    auto after_head = apply_link(state, link_of(b[2]), std::nullopt);
    EXPECT_EQ(after_head->outcome, Outcome::kFork);
    EXPECT_EQ(*after_head->fork, (ForkEvidence{ForkShape::kBrokenLink, 1, a[1].id()}));

    // Among pending entries: a2 pending, then b3 (prev b2) after it.
    state = empty_chain(author, device.chain());
    apply_all(state, {a[0], a[2]});
    auto after_pending = apply_link(state, link_of(b[3]), std::nullopt);
    EXPECT_EQ(*after_pending->fork, (ForkEvidence{ForkShape::kBrokenLink, 2, a[2].id()}));

    // The successor arrived first: a3 pending, then b2 (a3's prev is a2).
    state = empty_chain(author, device.chain());
    apply_all(state, {a[0], a[3]});
    auto before_pending = apply_link(state, link_of(b[2]), std::nullopt);
    EXPECT_EQ(*before_pending->fork, (ForkEvidence{ForkShape::kBrokenLink, 3, a[3].id()}));
    // b0 at the head's position (a0, seq 0).
    EXPECT_EQ(apply_link(state, link_of(b[0]), std::nullopt)->fork->other_id, a[0].id());
}

TEST(ChainState, BoundsPendingEntries) {
    Device device(1, 1);
    std::vector<event::Event> e;
    for (int i = 0; i < 5; ++i) e.push_back(device.post("p"));
    ChainState state = empty_chain(e[0].pubkey(), device.chain());
    const ChainLimits limits{2};
    for (int i : {2, 3}) state = apply_link(state, link_of(e[i]), std::nullopt, limits)->state;
    const ChainState full = state;
    auto refused = apply_link(state, link_of(e[4]), std::nullopt, limits);
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.error().code, "pending_full");
    EXPECT_EQ(state, full);
    // Extending is never refused: it frees pending entries.
    auto head = apply_link(state, link_of(e[0]), std::nullopt, limits);
    EXPECT_EQ(head->outcome, Outcome::kExtended);
    EXPECT_EQ(head->state.pending.size(), 2u);
}

TEST(ChainState, RefusesLinksOfAnotherChain) {
    Device mine(1, 1);
    Device other_device(1, 2);
    Device other_author(2, 1);
    ChainState state = empty_chain(mine.post("x").pubkey(), mine.chain());
    EXPECT_EQ(apply_link(state, link_of(other_device.post("y")), std::nullopt).error().code,
              "chain_mismatch");
    EXPECT_EQ(apply_link(state, link_of(other_author.post("z")), std::nullopt).error().code,
              "chain_mismatch");
}

// One account on two browsers, each posting offline, then syncing in any order: two chains,
// each linear, no fork, and no fork proof can be made across them.
TEST(ChainState, TwoDevicesOfOneAccountNeverFork) {
    Device laptop(7, 1);
    Device phone(7, 2);
    std::vector<event::Event> all;
    for (int i = 0; i < 6; ++i) {
        all.push_back(laptop.post("laptop " + std::to_string(i)));
        all.push_back(phone.post("phone " + std::to_string(i)));
    }
    std::mt19937 random(14);
    for (int round = 0; round < 20; ++round) {
        std::shuffle(all.begin(), all.end(), random);
        std::map<ChainId, ChainState> chains;
        for (const event::Event& event : all) {
            const ChainLink link = link_of(event);
            auto found = chains.try_emplace(link.chain(), empty_chain(link.author(), link.chain()));
            auto step = apply_link(found.first->second, link, std::nullopt);
            ASSERT_TRUE(step.ok());
            ASSERT_NE(step->outcome, Outcome::kFork);
            found.first->second = step->state;
        }
        ASSERT_EQ(chains.size(), 2u);
        for (const auto& [id, state] : chains) {
            EXPECT_EQ(state.head->seq, 5u);
            EXPECT_TRUE(state.pending.empty());
        }
    }
    const event::Event l0 = Device(7, 1).post("laptop 0");
    const event::Event p0 = Device(7, 2).post("phone 0");
    EXPECT_EQ(verify_fork_proof(l0, p0).error().code, "fork_chain_mismatch");
}

struct Fork {
    event::Event a1, b1, a2, b2;
};

Fork make_fork() {
    Device device(3, 9);
    Device clone(3, 9);
    device.post("a0");
    clone.post("b0");
    const event::Event a1 = device.post("a1");
    const event::Event b1 = clone.post("b1");
    return {a1, b1, device.post("a2"), clone.post("b2")};
}

TEST(ForkProof, AnyoneVerifiesBothShapesInEitherOrder) {
    const Fork f = make_fork();
    auto same = ForkProof::make(f.a1, f.b1);
    ASSERT_TRUE(same.ok());
    EXPECT_EQ(same->shape(), ForkShape::kSamePosition);
    EXPECT_EQ(same->seq(), 1u);
    EXPECT_EQ(same->author(), f.a1.pubkey());
    EXPECT_EQ(*ForkProof::make(f.b1, f.a1), *same);  // canonical order
    EXPECT_TRUE(verify_fork_proof(f.b1, f.a1).ok());
    EXPECT_LT(same->first().id(), same->second().id());

    auto broken = ForkProof::make(f.b2, f.a1);  // b2's prev is b1, not a1
    ASSERT_TRUE(broken.ok());
    EXPECT_EQ(broken->shape(), ForkShape::kBrokenLink);
    EXPECT_EQ(broken->first(), f.a1);
    EXPECT_EQ(broken->seq(), 1u);
}

TEST(ForkProof, RefusesPairsThatAreNoFork) {
    const Fork f = make_fork();
    EXPECT_EQ(verify_fork_proof(f.a1, f.a2).error().code, "fork_not_conflicting");  // linked
    EXPECT_EQ(verify_fork_proof(f.a1, f.a1).error().code, "fork_same_event");
    Device far(3, 9);
    for (int i = 0; i < 3; ++i) far.post("x");
    EXPECT_EQ(verify_fork_proof(f.a1, far.post("seq 3")).error().code, "fork_not_conflicting");
    Device stranger(4, 9);
    stranger.post("s0");
    EXPECT_EQ(verify_fork_proof(f.a1, stranger.post("s1")).error().code, "fork_author_mismatch");
    const event::Event plain = testing::sign(3, {1'700'000'000, 1111, {}, "no chain"});
    EXPECT_EQ(verify_fork_proof(f.a1, plain).error().code, "fork_not_chained");
}

TEST(ForkProof, EncodingRoundTripsAndTamperingIsRefused) {
    const Fork f = make_fork();
    const ForkProof proof = *ForkProof::make(f.a1, f.b1);
    const std::string json = proof.to_json();
    EXPECT_EQ(json, "[" + proof.first().to_json() + "," + proof.second().to_json() + "]");
    auto parsed = ForkProof::parse(json);
    ASSERT_TRUE(parsed.ok());
    EXPECT_EQ(*parsed, proof);
    EXPECT_EQ(parsed->to_json(), json);
    auto spaced = ForkProof::parse(" [ " + f.b1.to_json() + " ,\n" + f.a1.to_json() + " ] ");
    ASSERT_TRUE(spaced.ok());
    EXPECT_EQ(*spaced, proof);

    // Tampered content: the id no longer matches.
    std::string tampered = json;
    const size_t content = tampered.find("\"a1\"");
    ASSERT_NE(content, std::string::npos);
    tampered.replace(content, 4, "\"a9\"");
    auto refused = ForkProof::parse(tampered);
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.error().code, "fork_proof_event");
    EXPECT_NE(refused.error().message.find("id_mismatch"), std::string::npos);

    // A signature of another event.
    std::string resigned = json;
    const std::string sig_a = to_hex(f.a1.sig());
    const std::string sig_b = to_hex(f.b1.sig());
    const size_t at = resigned.find(sig_a);
    ASSERT_NE(at, std::string::npos);
    resigned.replace(at, sig_a.size(), sig_b);
    auto bad_sig = ForkProof::parse(resigned);
    ASSERT_FALSE(bad_sig.ok());
    EXPECT_NE(bad_sig.error().message.find("bad_signature"), std::string::npos);

    // A consistent pair is no proof, however well encoded.
    EXPECT_EQ(ForkProof::parse("[" + f.a1.to_json() + "," + f.a2.to_json() + "]").error().code,
              "fork_not_conflicting");
    for (const std::string& text :
         {std::string(""), std::string("[]"), "[" + f.a1.to_json() + "]",
          "[" + f.a1.to_json() + "," + f.b1.to_json() + "]x",
          "[" + f.a1.to_json() + "," + f.b1.to_json() + "," + f.a2.to_json() + "]",
          "{" + f.a1.to_json() + "}"}) {
        EXPECT_EQ(ForkProof::parse(text).error().code, "fork_proof_json") << text.substr(0, 20);
    }
}

TEST(ForkProof, IsPublishedAsKind4560) {
    const Fork f = make_fork();
    const ForkProof proof = *ForkProof::make(f.a1, f.b1);
    event::Limits limits;
    limits.max_content_bytes = limits.max_json_bytes;
    const std::array<uint8_t, 32> aux{};
    auto published =
        event::Event::sign(proof.to_draft(1'700'000'500), testing::key(50), aux, limits);
    ASSERT_TRUE(published.ok());
    EXPECT_EQ(published->kind(), kForkProofKind);
    EXPECT_EQ(published->tag_value("p"), to_hex(f.a1.pubkey()));
    EXPECT_EQ(published->tags()[1], (event::Tag{"fork", proof.chain().to_hex(), "1"}));
    auto read = ForkProof::of_event(*published, limits);
    ASSERT_TRUE(read.ok());
    EXPECT_EQ(*read, proof);
    EXPECT_EQ(ForkProof::of_event(f.a1).error().code, "fork_proof_kind");
}

TEST(Tombstone, DeletionIsALaterEntryThatKeepsTheIdAndPlace) {
    Device device(5, 5);
    const event::Event e0 = device.post("to be deleted");
    const event::Event e1 = device.post("kept");
    const event::Event deletion = device.sign_next(
        event::kinds::kDeletion, {{"e", to_hex(e0.id())}, {"k", "1111"}}, "", 1'700'000'100);
    auto tombstone = tombstone_of(e0, deletion);
    ASSERT_TRUE(tombstone.ok());
    EXPECT_EQ(tombstone->entry, (ChainEntry{0, e0.id(), std::nullopt}));
    EXPECT_EQ(tombstone->deleted_by, deletion.id());
    EXPECT_EQ(tombstone->kind, e0.kind());

    // The chain still links through the tombstone: the next event names its id.
    ChainState state = empty_chain(e0.pubkey(), device.chain());
    state.head = tombstone->entry;
    auto next = apply_link(state, link_of(e1), std::nullopt);
    EXPECT_EQ(next->outcome, Outcome::kExtended);
    EXPECT_EQ(apply_link(next->state, link_of(deletion), std::nullopt)->outcome,
              Outcome::kExtended);
}

TEST(Tombstone, RefusesDeletionsThatDoNotCoverOrComeBefore) {
    Device device(5, 5);
    const event::Event e0 = device.post("first");
    const event::Event early_deletion =
        device.sign_next(event::kinds::kDeletion, {{"e", to_hex(Hash256{})}}, "", 1'700'000'100);
    const event::Event e2 = device.post("after the deletion");
    // A deletion at seq 1 cannot delete the event at seq 2 of its own chain.
    const event::Event names_e2 =
        testing::sign(5, {1'700'000'200,
                          5,
                          {{"e", to_hex(e2.id())}, testing::chain_tag(device.chain(), 1, e0.id())},
                          ""});
    EXPECT_EQ(tombstone_of(e2, names_e2).error().code, "tombstone_not_later");
    EXPECT_EQ(tombstone_of(e0, early_deletion).error().code, "tombstone_not_covered");

    Device stranger(6, 5);
    const event::Event foreign = stranger.sign_next(5, {{"e", to_hex(e0.id())}}, "", 1'700'000'300);
    EXPECT_EQ(tombstone_of(e0, foreign).error().code, "tombstone_not_covered");

    const event::Event unchained =
        testing::sign(5, {1'700'000'300, 5, {{"e", to_hex(e0.id())}}, ""});
    EXPECT_EQ(tombstone_of(e0, unchained).error().code, "tombstone_not_chained");

    // From the author's other device any seq will do.
    Device phone(5, 6);
    const event::Event from_phone = phone.sign_next(5, {{"e", to_hex(e2.id())}}, "", 1'700'000'400);
    EXPECT_TRUE(tombstone_of(e2, from_phone).ok());
}

}  // namespace
}  // namespace datt::chain
