// Datt's ingest rules in the SQLite store (sqlite_store.h "Ingest rules"): content chains
// (extend, pending with gaps, fork refused with a kind 4560 proof committed in the same
// transaction, tombstones keep a deleted event's place), community admission in commit order
// within one batch, and the state kept across reopening and migration from schema 2.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <nlohmann/json.hpp>

#include "chain/chain_tag.h"
#include "chain/fork_proof.h"
#include "event/pow.h"
#include "store/sqlite_store.h"
#include "store_support.h"
#include "util/hex.h"

namespace datt::relay {
namespace {

using event::Event;
using test::sign_event;
using test::test_pubkey;

constexpr int64_t T = 1'700'000'000;

chain::ChainId chain_id(uint8_t n) {
    std::array<uint8_t, 16> bytes{};
    bytes.fill(n);
    return chain::ChainId::from_random(bytes);
}

event::Tag chain_tag(const chain::ChainId& id, uint64_t seq, const std::optional<Hash256>& prev) {
    auto tag = chain::ChainTag::make(id, seq, prev);
    EXPECT_TRUE(tag.ok());
    return tag->to_tag();
}

// Events 0..n-1 of one chain by key `key`.
std::vector<Event> chain_events(int key, const chain::ChainId& id, size_t n, const std::string& label = "e") {
    std::vector<Event> events;
    std::optional<Hash256> prev;
    for (size_t i = 0; i < n; ++i) {
        events.push_back(sign_event(key, T + static_cast<int64_t>(i), 1111, {chain_tag(id, i, prev)},
                                    label + std::to_string(i)));
        prev = events.back().id();
    }
    return events;
}

class StoreChainTest : public ::testing::Test {
  protected:
    void SetUp() override { reopen(); }

    void reopen() {
        reader_.reset();
        store_.reset();
        auto store = open_sqlite_store(path_, {.durable = false});
        ASSERT_TRUE(store.ok()) << store.error().message;
        store_ = std::move(store).value();
        auto reader = store_->open_reader();
        ASSERT_TRUE(reader.ok());
        reader_ = std::move(reader).value();
    }

    std::vector<WriteOutcome> write(const std::vector<Event>& events) {
        auto outcomes = store_->write_batch(events);
        EXPECT_TRUE(outcomes.ok()) << outcomes.error().message;
        return outcomes.ok() ? *outcomes : std::vector<WriteOutcome>{};
    }
    WriteOutcome write_one(const Event& event) { return write({event}).at(0); }

    std::vector<std::string> query(proto::Filter filter) {
        auto result = reader_->query(filter, 500);
        EXPECT_TRUE(result.ok());
        return result.ok() ? *result : std::vector<std::string>{};
    }
    bool stored(const Event& event) {
        proto::Filter filter;
        filter.ids = {event.id()};
        return query(filter).size() == 1;
    }
    std::vector<Event> proofs_against(int key) {
        proto::Filter filter;
        filter.kinds = {chain::kForkProofKind};
        filter.tags.push_back({'p', {to_hex(test_pubkey(key))}});
        std::vector<Event> out;
        for (const std::string& json : query(filter)) {
            event::Limits limits;
            limits.max_content_bytes = limits.max_json_bytes = 1 << 20;
            auto parsed = Event::parse(json, limits);
            EXPECT_TRUE(parsed.ok()) << parsed.error().code;
            if (parsed) out.push_back(*parsed);
        }
        return out;
    }

    test::TempDir dir_;
    std::string path_ = dir_.file("chain.sqlite3");
    std::unique_ptr<Store> store_;
    std::unique_ptr<StoreReader> reader_;
};

TEST_F(StoreChainTest, ExtendsAndKeepsUnchainedEventsAsBefore) {
    const auto events = chain_events(1, chain_id(1), 3);
    for (const WriteOutcome& outcome : write(events)) EXPECT_EQ(outcome.status, WriteStatus::kStored);
    const Event unchained = sign_event(1, T, 1111, {{"t", "x"}}, "plain");
    EXPECT_EQ(write_one(unchained).status, WriteStatus::kStored);
    EXPECT_EQ(write_one(events[1]).status, WriteStatus::kDuplicate);
    for (const Event& event : events) EXPECT_TRUE(stored(event));
}

TEST_F(StoreChainTest, PendingPastAGapThenLinkedWhenTheMissingEventArrives) {
    const auto events = chain_events(1, chain_id(2), 5);
    EXPECT_EQ(write_one(events[0]).status, WriteStatus::kStored);
    WriteOutcome pending = write_one(events[3]);
    EXPECT_EQ(pending.status, WriteStatus::kPending);
    EXPECT_EQ(pending.gaps, (std::vector<chain::SeqRange>{{1, 2}}));
    EXPECT_TRUE(stored(events[3]));
    pending = write_one(events[2]);
    EXPECT_EQ(pending.status, WriteStatus::kPending);
    EXPECT_EQ(pending.gaps, (std::vector<chain::SeqRange>{{1, 1}}));
    // Never the head: the next event after the pending ones is pending too.
    EXPECT_EQ(write_one(events[4]).status, WriteStatus::kPending);
    EXPECT_EQ(write_one(events[1]).status, WriteStatus::kStored);
    // The head is now 4: seq 5 extends.
    const Event next = sign_event(1, T + 9, 1111, {chain_tag(chain_id(2), 5, events[4].id())}, "5");
    EXPECT_EQ(write_one(next).status, WriteStatus::kStored);
}

TEST_F(StoreChainTest, AForkIsRefusedAndItsProofCommittedOncePerPosition) {
    const auto events = chain_events(3, chain_id(3), 2);
    write(events);
    const Event rival = sign_event(3, T + 5, 1111, {chain_tag(chain_id(3), 1, events[0].id())}, "rival");
    const WriteOutcome fork = write_one(rival);
    EXPECT_EQ(fork.status, WriteStatus::kRefused);
    EXPECT_EQ(fork.code, "fork");
    EXPECT_EQ(fork.message.rfind("invalid: fork: ", 0), 0u) << fork.message;
    EXPECT_NE(fork.message.find(to_hex(events[1].id())), std::string::npos);
    ASSERT_TRUE(fork.fork_proof.has_value());
    EXPECT_FALSE(stored(rival));

    const auto proofs = proofs_against(3);
    ASSERT_EQ(proofs.size(), 1u);
    EXPECT_EQ(proofs[0], *fork.fork_proof);
    auto proof = chain::ForkProof::of_event(proofs[0]);
    ASSERT_TRUE(proof.ok()) << proof.error().code;
    EXPECT_EQ(proof->author(), test_pubkey(3));
    EXPECT_EQ(proof->seq(), 1u);
    EXPECT_TRUE((proof->first() == events[1] && proof->second() == rival) ||
                (proof->first() == rival && proof->second() == events[1]));
    EXPECT_NE(proofs[0].pubkey(), test_pubkey(3)) << "signed by the relay's key";

    // A third event at seq 1: refused, no second proof.
    const Event third = sign_event(3, T + 6, 1111, {chain_tag(chain_id(3), 1, events[0].id())}, "third");
    const WriteOutcome again = write_one(third);
    EXPECT_EQ(again.code, "fork");
    EXPECT_FALSE(again.fork_proof.has_value());
    EXPECT_EQ(proofs_against(3).size(), 1u);

    // The relay's key survives reopening: the next proof has the same signer.
    reopen();
    const Event rival0 = sign_event(3, T + 7, 1111, {chain_tag(chain_id(3), 0, std::nullopt)}, "rival 0");
    const WriteOutcome fork0 = write_one(rival0);
    ASSERT_TRUE(fork0.fork_proof.has_value());
    EXPECT_EQ(fork0.fork_proof->pubkey(), proofs[0].pubkey());
}

TEST_F(StoreChainTest, ForkAndBanDecidedInCommitOrderWithinOneBatch) {
    const auto events = chain_events(4, chain_id(4), 1);
    const Event rival = sign_event(4, T + 1, 1111, {chain_tag(chain_id(4), 0, std::nullopt)}, "rival");
    const Event definition = sign_event(5, T, 34550, {{"d", "c"}});
    const std::string address = "34550:" + to_hex(test_pubkey(5)) + ":c";
    const Event post_before = sign_event(6, T + 1, 1111, {{"A", address}}, "before");
    const Event ban = sign_event(5, T + 2, 4556, {{"a", address}, {"p", to_hex(test_pubkey(6))}});
    const Event post_after = sign_event(6, T + 3, 1111, {{"A", address}}, "after");
    const auto outcomes = write({events[0], rival, definition, post_before, ban, post_after});
    ASSERT_EQ(outcomes.size(), 6u);
    EXPECT_EQ(outcomes[0].status, WriteStatus::kStored);
    EXPECT_EQ(outcomes[1].code, "fork");
    EXPECT_EQ(outcomes[3].status, WriteStatus::kStored);
    EXPECT_EQ(outcomes[5].status, WriteStatus::kRefused);
    EXPECT_EQ(outcomes[5].code, "banned");
    EXPECT_EQ(outcomes[5].message, "blocked: you are banned from " + address);

    // The unban lets the author post again; the state is derived from stored events, so it
    // holds after reopening.
    const Event unban = sign_event(5, T + 4, 4557, {{"a", address}, {"p", to_hex(test_pubkey(6))}});
    reopen();
    EXPECT_EQ(write_one(sign_event(6, T + 5, 1111, {{"A", address}}, "still banned")).code, "banned");
    EXPECT_EQ(write_one(unban).status, WriteStatus::kStored);
    EXPECT_EQ(write_one(sign_event(6, T + 6, 1111, {{"A", address}}, "welcome back")).status,
              WriteStatus::kStored);
}

TEST_F(StoreChainTest, ProofOfWorkBelowTheCommunityDifficultyIsRefused) {
    const Event definition = sign_event(7, T, 34550, {{"d", "work"}, {"pow", "6"}});
    const std::string address = "34550:" + to_hex(test_pubkey(7)) + ":work";
    write_one(definition);
    event::Draft draft{T, 1111, {{"A", address}}, "mined"};
    auto mined = event::mine_step(test_pubkey(8), draft, 6, 0, 1'000'000);
    ASSERT_TRUE(mined.ok() && mined->found);
    const Event worked = sign_event(8, T, 1111, mined->found->tags, "mined");
    EXPECT_EQ(write_one(worked).status, WriteStatus::kStored);
    // The same work committed to a lower target is refused.
    event::Tags low = mined->found->tags;
    low.back()[2] = "5";
    for (uint64_t nonce = 0;; ++nonce) {
        low.back()[1] = std::to_string(nonce);
        const Event candidate = sign_event(8, T, 1111, low, "low target");
        if (event::leading_zero_bits(candidate.id()) < 6) continue;
        const WriteOutcome refused = write_one(candidate);
        EXPECT_EQ(refused.code, "pow_too_low");
        EXPECT_EQ(refused.message, "pow: difficulty 6 required");
        break;
    }
}

TEST_F(StoreChainTest, MalformedChainTagsAndFalseProofsAreRefused) {
    const Event bad_seq = sign_event(9, T, 1111, {{"chain", chain_id(9).to_hex(), "01", std::string(64, 'a')}});
    EXPECT_EQ(write_one(bad_seq).code, "chain_seq_invalid");
    const Event on_profile = sign_event(9, T, 0, {chain_tag(chain_id(9), 0, std::nullopt)}, "{}");
    EXPECT_EQ(write_one(on_profile).code, "chain_kind_not_chained");
    const Event false_proof = sign_event(9, T, chain::kForkProofKind, {}, "[1,2]");
    EXPECT_EQ(write_one(false_proof).code, "fork_proof_json");
}

TEST_F(StoreChainTest, ADeletedEventKeepsItsPlaceInTheChain) {
    const auto events = chain_events(10, chain_id(10), 2);
    write(events);
    const Event deletion = sign_event(10, T + 3, 5, {{"e", to_hex(events[1].id())}, chain_tag(chain_id(10), 2, events[1].id())});
    EXPECT_EQ(write_one(deletion).status, WriteStatus::kStored);
    EXPECT_FALSE(stored(events[1]));
    // Seq 3 links through the deleted seq 1 and the deletion at seq 2; a rival at seq 1 is
    // still a fork, though no proof can be made without the deleted event's content.
    const Event next = sign_event(10, T + 4, 1111, {chain_tag(chain_id(10), 3, deletion.id())}, "3");
    EXPECT_EQ(write_one(next).status, WriteStatus::kStored);
    const Event rival = sign_event(10, T + 5, 1111, {chain_tag(chain_id(10), 1, events[0].id())}, "rival");
    const WriteOutcome fork = write_one(rival);
    EXPECT_EQ(fork.code, "fork");
    EXPECT_FALSE(fork.fork_proof.has_value());
}

TEST(StoreChainMigration, ASchemaTwoDatabaseGainsChainTables) {
    test::TempDir dir;
    const std::string path = dir.file("v2.sqlite3");
    const Event kept = sign_event(0, T, 1, {}, "from schema 2");
    {
        auto store = open_sqlite_store(path);
        ASSERT_TRUE(store.ok());
        ASSERT_TRUE((*store)->write_batch(std::vector<Event>{kept}).ok());
    }
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(db,
                           "DROP TABLE chain_entries; DROP TABLE chain_heads; DROP TABLE fork_proofs; "
                           "DROP TABLE relay_key; DROP TABLE time_bounds; DROP TABLE hub_channels; "
                           "DROP TABLE hub_forwards; PRAGMA user_version = 2",
                           nullptr, nullptr, nullptr),
              SQLITE_OK);
    sqlite3_close(db);
    auto store = open_sqlite_store(path);
    ASSERT_TRUE(store.ok()) << store.error().message;
    const auto events = chain_events(1, chain_id(7), 2);
    auto outcomes = (*store)->write_batch(events);
    ASSERT_TRUE(outcomes.ok());
    EXPECT_EQ((*outcomes)[1].status, WriteStatus::kStored);
}

}  // namespace
}  // namespace datt::relay
