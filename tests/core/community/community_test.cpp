// Community consensus (core/community): the definition, the moderation log's actions and
// authority, forks, arrival-order independence and the relay's admit check.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "community/admit.h"
#include "community/definition.h"
#include "community/moderation.h"
#include "community/view.h"
#include "community_signer.h"
#include "util/hex.h"

namespace datt::community {
namespace {

using testing::Community;
using testing::pub;

constexpr uint8_t kOwner = 1, kMod = 2, kAlice = 3, kBob = 4, kCarol = 5;

const Community kCats{kOwner, "cats"};

CommunityView view_of(const Definition& definition, const std::vector<event::Event>& log,
                      const std::vector<event::Event>& items,
                      const std::optional<Definition>& origin = {}) {
    auto view = compute_view(definition, log, items, origin);
    EXPECT_TRUE(view.ok()) << (view.ok() ? "" : view.error().code);
    return std::move(view).value();
}

std::vector<Hash256> ids(std::initializer_list<const event::Event*> events) {
    std::vector<Hash256> out;
    for (const event::Event* e : events) out.push_back(e->id());
    return out;
}

TEST(Definition, ReadsModeratorsPowAndOrigin) {
    const event::Event event = kCats.definition(
        {kMod, kAlice, kMod, kOwner}, {{"p", to_hex(pub(kBob))},
                                       {"p", to_hex(pub(kCarol)), "", "member"},
                                       {"pow", "20"},
                                       {"origin", "34550:" + to_hex(pub(kBob)) + ":dogs", "1700"}});
    auto definition = Definition::parse(event);
    ASSERT_TRUE(definition.ok());
    EXPECT_EQ(definition->owner(), pub(kOwner));
    EXPECT_EQ(definition->address(), kCats.address());
    std::vector<ByteArray<32>> expected{pub(kMod), pub(kAlice)};
    std::sort(expected.begin(), expected.end());
    EXPECT_EQ(definition->moderators(), expected);  // sorted, once, owner and non-moderators out
    EXPECT_EQ(definition->pow_difficulty(), 20);
    ASSERT_TRUE(definition->forked_from());
    EXPECT_EQ(definition->forked_from()->address, (event::Address{34550, pub(kBob), "dogs"}));
    EXPECT_EQ(definition->forked_from()->cutoff, 1700);
    EXPECT_EQ(kCats.parsed({}).pow_difficulty(), 0);
}

TEST(Definition, RefusesBadTags) {
    const std::string other = "34550:" + to_hex(pub(kBob)) + ":dogs";
    const std::vector<std::pair<event::Tags, std::string>> cases = {
        {{{"pow", "257"}}, "community_pow_invalid"},
        {{{"pow", "08"}}, "community_pow_invalid"},
        {{{"pow", "-1"}}, "community_pow_invalid"},
        {{{"pow", "8"}, {"pow", "8"}}, "community_pow_invalid"},
        {{{"origin", other}}, "community_fork_invalid"},
        {{{"origin", other, "x"}}, "community_fork_invalid"},
        {{{"origin", "1111:" + to_hex(pub(kBob)) + ":dogs", "5"}}, "community_fork_invalid"},
        {{{"origin", kCats.a(), "5"}}, "community_fork_invalid"},
        {{{"origin", other, "5"}, {"origin", other, "6"}}, "community_fork_invalid"},
    };
    for (const auto& [tags, code] : cases) {
        auto parsed = Definition::parse(kCats.definition({}, tags));
        ASSERT_FALSE(parsed.ok()) << tags[0][1];
        EXPECT_EQ(parsed.error().code, code) << tags[0][1];
    }
    EXPECT_EQ(Definition::parse(kCats.post(kAlice, 1)).error().code, "community_wrong_kind");
}

TEST(Moderation, EveryActionHasItsKindAndTarget) {
    const std::vector<Action> actions = {
        Action::kApprove,      Action::kRemove,         Action::kLock, Action::kUnlock,
        Action::kPin,          Action::kUnpin,          Action::kBan,  Action::kUnban,
        Action::kAddModerator, Action::kRemoveModerator};
    std::vector<event::Kind> kinds;
    for (Action action : actions) {
        kinds.push_back(kind_of(action));
        EXPECT_EQ(action_of(kind_of(action)), action);
        const event::Event event = kCats.act(kMod, action, pub(kBob), 10, "why");
        auto entry = moderation_of(event, kCats.address());
        ASSERT_TRUE(entry);
        EXPECT_EQ(entry->action, action);
        EXPECT_EQ(entry->actor, pub(kMod));
        EXPECT_EQ(entry->reason, "why");
        EXPECT_EQ(targets_user(action) ? entry->target_user : entry->target_event, pub(kBob));
        EXPECT_FALSE(moderation_of(event, Community{kBob, "cats"}.address()));
    }
    EXPECT_EQ(kinds.front(), 4550);  // NIP-72 approval
    std::sort(kinds.begin(), kinds.end());
    EXPECT_EQ(std::adjacent_find(kinds.begin(), kinds.end()), kinds.end());
    EXPECT_FALSE(action_of(1111));
    const event::Event no_target = testing::sign(kMod, {10, 4551, {{"a", kCats.a()}}, ""});
    EXPECT_FALSE(moderation_of(no_target, kCats.address()));
}

TEST(View, RemoveHidesAndApproveRestores) {
    const Definition cats = kCats.parsed({kMod});
    const event::Event p1 = kCats.post(kAlice, 100), p2 = kCats.post(kBob, 110);
    const event::Event c1 = kCats.comment(kBob, 120, p1);
    const event::Event remove_p1 =
        kCats.act(kMod, Action::kRemove, p1.id(), 50);  // before: still applies
    const event::Event remove_c1 = kCats.act(kOwner, Action::kRemove, c1.id(), 130);
    CommunityView view = view_of(cats, {remove_p1, remove_c1}, {p1, p2, c1});
    EXPECT_EQ(view.posts, ids({&p2}));
    EXPECT_TRUE(view.comments.empty());
    std::vector<Hash256> removed = ids({&p1, &c1});
    std::sort(removed.begin(), removed.end());
    EXPECT_EQ(view.removed, removed);

    const event::Event approve_p1 = kCats.act(kMod, Action::kApprove, p1.id(), 200);
    view = view_of(cats, {remove_p1, remove_c1, approve_p1}, {p1, p2, c1});
    EXPECT_EQ(view.posts, ids({&p1, &p2}));
    EXPECT_EQ(view.removed, ids({&c1}));
    ASSERT_EQ(view.log.size(), 3u);
    EXPECT_EQ(view.log[0].entry.time.created_at, 50);
    EXPECT_EQ(view.log[2].entry.action, Action::kApprove);
}

TEST(View, LockStopsLaterCommentsOfUsersUntilUnlock) {
    const Definition cats = kCats.parsed({kMod});
    const event::Event post = kCats.post(kAlice, 100);
    const event::Event before = kCats.comment(kBob, 150, post);
    const event::Event reply_before = kCats.comment(kCarol, 160, before);
    const event::Event during = kCats.comment(kBob, 250, post);
    const event::Event reply_during = kCats.comment(kCarol, 260, before);
    const event::Event moderator_during = kCats.comment(kMod, 270, post);
    const event::Event after = kCats.comment(kBob, 350, post);
    const event::Event lock = kCats.act(kMod, Action::kLock, post.id(), 200);
    const event::Event unlock = kCats.act(kMod, Action::kUnlock, post.id(), 300);
    const std::vector<event::Event> items{post,         before,           reply_before, during,
                                          reply_during, moderator_during, after};

    CommunityView locked = view_of(cats, {lock}, items);
    EXPECT_EQ(locked.comments, ids({&before, &reply_before, &moderator_during}));
    EXPECT_EQ(locked.locked, ids({&post}));
    EXPECT_EQ(locked.thread_post.at(reply_during.id()), post.id());

    CommunityView unlocked = view_of(cats, {lock, unlock}, items);
    EXPECT_EQ(unlocked.comments, ids({&before, &reply_before, &moderator_during, &after}));
    EXPECT_TRUE(unlocked.locked.empty());
}

TEST(View, PinsInTheOrderPinned) {
    const Definition cats = kCats.parsed({kMod});
    const event::Event p1 = kCats.post(kAlice, 100), p2 = kCats.post(kBob, 110),
                       p3 = kCats.post(kCarol, 120);
    const std::vector<event::Event> items{p1, p2, p3};
    const event::Event pin3 = kCats.act(kMod, Action::kPin, p3.id(), 200);
    const event::Event pin1 = kCats.act(kOwner, Action::kPin, p1.id(), 210);
    const event::Event repin3 = kCats.act(kMod, Action::kPin, p3.id(), 220);
    const event::Event unpin1 = kCats.act(kMod, Action::kUnpin, p1.id(), 230);
    EXPECT_EQ(view_of(cats, {pin3, pin1}, items).pinned, ids({&p3, &p1}));
    EXPECT_EQ(view_of(cats, {pin3, pin1, repin3}, items).pinned, ids({&p1, &p3}));
    EXPECT_EQ(view_of(cats, {pin3, pin1, repin3, unpin1}, items).pinned, ids({&p3}));
    // A pinned post that is removed is not shown pinned.
    const event::Event remove3 = kCats.act(kMod, Action::kRemove, p3.id(), 240);
    EXPECT_EQ(view_of(cats, {pin3, pin1, remove3}, items).pinned, ids({&p1}));
}

TEST(View, BanHidesWhatFollowsUntilUnban) {
    const Definition cats = kCats.parsed({kMod});
    const event::Event old_post = kCats.post(kBob, 100);
    const event::Event banned_post = kCats.post(kBob, 250);
    const event::Event same_second = kCats.post(kBob, 200);  // "at or before" covers it
    const event::Event banned_comment = kCats.comment(kBob, 260, old_post);
    const event::Event later_post = kCats.post(kBob, 350);
    const event::Event other = kCats.post(kAlice, 260);
    const event::Event ban = kCats.act(kMod, Action::kBan, pub(kBob), 200, "spam");
    const event::Event unban = kCats.act(kOwner, Action::kUnban, pub(kBob), 300);
    const std::vector<event::Event> items{old_post,       banned_post, same_second,
                                          banned_comment, later_post,  other};

    CommunityView banned = view_of(cats, {ban}, items);
    EXPECT_EQ(banned.posts, ids({&old_post, &other}));
    EXPECT_TRUE(banned.comments.empty());
    EXPECT_EQ(banned.banned, std::vector<ByteArray<32>>{pub(kBob)});

    CommunityView lifted = view_of(cats, {ban, unban}, items);
    EXPECT_EQ(lifted.posts, ids({&old_post, &other, &later_post}));
    EXPECT_TRUE(lifted.banned.empty());
}

TEST(View, AuthorityIsCheckedAtTheTimeOfEachAction) {
    const Definition cats = kCats.parsed({kMod});
    const event::Event p1 = kCats.post(kCarol, 10), p2 = kCats.post(kCarol, 11),
                       p3 = kCats.post(kCarol, 12), p4 = kCats.post(kCarol, 13);
    const std::vector<event::Event> log{
        kCats.act(kAlice, Action::kRemove, p1.id(), 50),        // not yet a moderator
        kCats.act(kMod, Action::kAddModerator, pub(kBob), 60),  // only the owner may
        kCats.act(kOwner, Action::kAddModerator, pub(kAlice), 100),
        kCats.act(kAlice, Action::kRemove, p2.id(), 150),  // now she may
        kCats.act(kMod, Action::kRemove, p3.id(), 160),
        kCats.act(kAlice, Action::kBan, pub(kMod), 170),  // moderators are protected
        kCats.act(kMod, Action::kBan, pub(kOwner), 171),  // so is the owner
        kCats.act(kOwner, Action::kRemoveModerator, pub(kMod), 200),
        kCats.act(kMod, Action::kRemove, p4.id(), 250),   // no longer a moderator
        kCats.act(kOwner, Action::kBan, pub(kMod), 260),  // no longer protected
    };
    const CommunityView view = view_of(cats, log, {p1, p2, p3, p4});
    std::vector<Effect> effects;
    for (const LogRecord& record : view.log) effects.push_back(record.effect);
    EXPECT_EQ(effects,
              (std::vector<Effect>{Effect::kNotModerator, Effect::kOwnerOnly, Effect::kApplied,
                                   Effect::kApplied, Effect::kApplied, Effect::kProtectedTarget,
                                   Effect::kProtectedTarget, Effect::kApplied,
                                   Effect::kNotModerator, Effect::kApplied}));
    EXPECT_EQ(view.posts, ids({&p1, &p4}));  // p3 removed by kMod while a moderator stays removed
    EXPECT_EQ(view.moderators, std::vector<ByteArray<32>>{pub(kAlice)});
    EXPECT_EQ(view.banned, std::vector<ByteArray<32>>{pub(kMod)});
}

TEST(View, IgnoresOtherCommunitiesAndKinds) {
    const Definition cats = kCats.parsed({kMod});
    const Community dogs{kOwner, "dogs"};
    const event::Event mine = kCats.post(kAlice, 10);
    const event::Event theirs = dogs.post(kAlice, 11);
    const event::Event note = testing::sign(kAlice, {12, 1, {{"a", kCats.a()}}, "kind 1"});
    const event::Event their_removal = dogs.act(kOwner, Action::kRemove, mine.id(), 20);
    const CommunityView view = view_of(cats, {their_removal, note}, {mine, theirs, note, mine});
    EXPECT_EQ(view.posts, ids({&mine}));  // once, though given twice
    EXPECT_TRUE(view.log.empty());
}

// A fork continues the origin's history up to its cutoff, then goes its own way.
TEST(View, AForkCarriesTheOriginsHistoryUpToTheCutoff) {
    const Definition origin = kCats.parsed({kMod});
    const Community fork_community{kCarol, "cats-free"};
    const Definition fork = fork_community.parsed({}, {{"origin", kCats.a(), "500"}});

    const event::Event p1 = kCats.post(kBob, 50), p2 = kCats.post(kBob, 60);
    const event::Event p3 = kCats.post(kBob, 700);  // origin post after the cutoff
    const event::Event f1 = fork_community.post(kBob, 800);
    const std::vector<event::Event> log{
        kCats.act(kMod, Action::kBan, pub(kAlice), 100),
        kCats.act(kMod, Action::kRemove, p1.id(), 200),
        kCats.act(kMod, Action::kBan, pub(kBob), 600),  // after the cutoff
        fork_community.act(kCarol, Action::kRemove, p2.id(), 900),
        fork_community.act(kMod, Action::kRemove, f1.id(), 950),  // not the fork's moderator
    };
    const std::vector<event::Event> items{p1, p2, p3, f1};

    const CommunityView forked = view_of(fork, log, items, origin);
    EXPECT_EQ(forked.posts, ids({&f1}));
    EXPECT_EQ(forked.banned, std::vector<ByteArray<32>>{pub(kAlice)});
    ASSERT_EQ(forked.log.size(), 4u);
    EXPECT_EQ(forked.log.back().effect, Effect::kNotModerator);
    EXPECT_TRUE(forked.moderators.empty());

    const CommunityView original = view_of(origin, log, items);
    EXPECT_EQ(original.posts, ids({&p2}));  // p3 by Bob after his ban; the fork's removal not here
    std::vector<ByteArray<32>> both{pub(kAlice), pub(kBob)};
    std::sort(both.begin(), both.end());
    EXPECT_EQ(original.banned, both);

    // Without the origin the fork shows only its own history.
    EXPECT_EQ(view_of(fork, log, items).posts, ids({&f1}));
    EXPECT_EQ(compute_view(fork, log, items, fork_community.parsed({})).error().code,
              "community_origin_mismatch");
    EXPECT_EQ(compute_view(origin, log, items, fork).error().code, "community_origin_mismatch");
}

// The view is a function of the sets: any arrival order, and repeats, give the same view.
TEST(View, ArrivalOrderDoesNotMatter) {
    const Definition cats = kCats.parsed({kMod});
    std::mt19937 random(72);
    const std::vector<uint8_t> people{kOwner, kMod, kAlice, kBob, kCarol};
    std::vector<event::Event> items;
    std::vector<event::Event> log;
    for (int i = 0; i < 60; ++i) {
        const uint8_t author = people[random() % people.size()];
        const int64_t at = 1000 + static_cast<int64_t>(random() % 500);
        if (items.empty() || random() % 3 == 0) {
            items.push_back(kCats.post(author, at, std::string("p") + std::to_string(i)));
        } else {
            items.push_back(kCats.comment(author, at, items[random() % items.size()],
                                          std::string("c") + std::to_string(i)));
        }
    }
    const std::vector<Action> actions{
        Action::kApprove,      Action::kRemove,         Action::kLock, Action::kUnlock,
        Action::kPin,          Action::kUnpin,          Action::kBan,  Action::kUnban,
        Action::kAddModerator, Action::kRemoveModerator};
    for (int i = 0; i < 80; ++i) {
        const Action action = actions[random() % actions.size()];
        const uint8_t actor = people[random() % 3];  // owner, moderator or Alice
        const ByteArray<32> target = targets_user(action) ? pub(people[random() % people.size()])
                                                          : items[random() % items.size()].id();
        // Coarse times so that many entries share a second and the id breaks the tie.
        log.push_back(kCats.act(actor, action, target, 1000 + 10 * (random() % 50)));
    }
    const CommunityView reference = view_of(cats, log, items);
    EXPECT_FALSE(reference.posts.empty());
    EXPECT_EQ(reference.log.size(), log.size());
    for (int round = 0; round < 25; ++round) {
        std::vector<event::Event> shuffled_log = log, shuffled_items = items;
        std::shuffle(shuffled_log.begin(), shuffled_log.end(), random);
        std::shuffle(shuffled_items.begin(), shuffled_items.end(), random);
        shuffled_items.push_back(shuffled_items.front());  // a repeat changes nothing
        shuffled_log.push_back(shuffled_log.back());
        ASSERT_EQ(view_of(cats, shuffled_log, shuffled_items), reference) << "round " << round;
    }
}

TEST(Admit, RefusesBannedAuthorsAndCommentsUnderLockedPosts) {
    const Definition cats = kCats.parsed({kMod});
    const event::Event post = kCats.post(kAlice, 100);
    const event::Event comment = kCats.comment(kCarol, 110, post);
    const CommunityView view = view_of(cats,
                                       {kCats.act(kMod, Action::kBan, pub(kBob), 200),
                                        kCats.act(kMod, Action::kLock, post.id(), 210)},
                                       {post, comment});

    const Status banned = admit(cats, view, kCats.post(kBob, 300));
    ASSERT_FALSE(banned.ok());
    EXPECT_EQ(banned.error().code, "banned");
    EXPECT_EQ(banned.error().message, "blocked: you are banned from " + kCats.a());

    const Status on_post = admit(cats, view, kCats.comment(kCarol, 300, post));
    ASSERT_FALSE(on_post.ok());
    EXPECT_EQ(on_post.error().code, "locked");
    EXPECT_EQ(on_post.error().message.rfind("blocked: ", 0), 0u);
    EXPECT_EQ(admit(cats, view, kCats.comment(kCarol, 300, comment)).error().code, "locked");

    EXPECT_TRUE(admit(cats, view, kCats.post(kCarol, 300)).ok());
    EXPECT_TRUE(admit(cats, view, kCats.comment(kMod, 300, post)).ok());    // moderator
    EXPECT_TRUE(admit(cats, view, kCats.comment(kOwner, 300, post)).ok());  // owner
    // Not this community's business: another community, another kind.
    EXPECT_TRUE(admit(cats, view, Community{kOwner, "dogs"}.post(kBob, 300)).ok());
    EXPECT_TRUE(admit(cats, view, testing::sign(kBob, {300, 1, {{"A", kCats.a()}}, ""})).ok());
}

}  // namespace
}  // namespace datt::community
