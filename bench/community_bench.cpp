// core/community: the community view over 10,000 items (posts and comments) and 1,000
// moderation log entries, admit() per event at ingest, and NIP-13 mining (hashes/s).
#include <benchmark/benchmark.h>

#include <array>
#include <random>
#include <vector>

#include "community/admit.h"
#include "community/definition.h"
#include "community/moderation.h"
#include "community/view.h"
#include "event/address.h"
#include "event/pow.h"
#include "sample_event.h"
#include "util/hex.h"

namespace datt::bench {
namespace {

crypto::SecretKey numbered_key(uint8_t n) {
    std::array<uint8_t, 32> bytes{};
    bytes[31] = n;
    return *crypto::SecretKey::from_bytes(bytes);
}

event::Event sign_with(uint8_t n, const event::Draft& draft) {
    const std::array<uint8_t, 32> aux{};
    return *event::Event::sign(draft, numbered_key(n), aux);
}

struct SampleCommunity {
    community::Definition definition;
    std::vector<event::Event> log;
    std::vector<event::Event> items;
};

// Owner 1, moderators 2..4, 50 users (10..59); 10,000 items (a third posts, the rest
// comments under earlier items) over a day; 1,000 log entries by the moderators: removals,
// approvals, locks, pins and bans/unbans of users. Fixed seed.
const SampleCommunity& sample_community() {
    static const SampleCommunity sample = [] {
        const event::Event owner_probe = sign_with(1, {0, 1, {}, ""});
        const event::Address address{34550, owner_probe.pubkey(), "bench"};
        const std::string a = event::format_address(address);
        event::Tags tags{{"d", "bench"}};
        for (uint8_t m = 2; m <= 4; ++m) {
            tags.push_back({"p", to_hex(sign_with(m, {0, 1, {}, ""}).pubkey()), "", "moderator"});
        }
        SampleCommunity out{
            *community::Definition::parse(sign_with(1, {1, 34550, tags, ""})), {}, {}};
        std::mt19937 random(14);
        std::vector<ByteArray<32>> users;
        for (uint8_t u = 10; u < 60; ++u) users.push_back(sign_with(u, {0, 1, {}, ""}).pubkey());
        for (int i = 0; i < 10'000; ++i) {
            const int64_t at = 1'700'000'000 + static_cast<int64_t>(random() % 86'400);
            event::Tags item_tags{{"A", a}, {"K", "34550"}};
            if (!out.items.empty() && random() % 3 != 0) {
                item_tags.push_back({"e", to_hex(out.items[random() % out.items.size()].id())});
            }
            out.items.push_back(sign_with(static_cast<uint8_t>(10 + random() % 50),
                                          {at, 1111, item_tags, "item " + std::to_string(i)}));
        }
        const std::array<community::Action, 8> actions{
            community::Action::kRemove, community::Action::kApprove, community::Action::kLock,
            community::Action::kUnlock, community::Action::kPin,     community::Action::kUnpin,
            community::Action::kBan,    community::Action::kUnban};
        for (int i = 0; i < 1'000; ++i) {
            const community::Action action = actions[random() % actions.size()];
            const ByteArray<32> target = community::targets_user(action)
                                             ? users[random() % users.size()]
                                             : out.items[random() % out.items.size()].id();
            const int64_t at = 1'700'000'000 + static_cast<int64_t>(random() % 86'400);
            out.log.push_back(
                sign_with(static_cast<uint8_t>(2 + random() % 3),
                          community::moderation_draft(action, address, target, at, "reason")));
        }
        return out;
    }();
    return sample;
}

void BM_CommunityView10kPosts1kLog(benchmark::State& state) {
    const SampleCommunity& sample = sample_community();
    for (auto _ : state) {
        auto view = community::compute_view(sample.definition, sample.log, sample.items);
        benchmark::DoNotOptimize(view);
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_CommunityView10kPosts1kLog)->Unit(benchmark::kMillisecond);

void BM_CommunityAdmit(benchmark::State& state) {
    const SampleCommunity& sample = sample_community();
    const community::CommunityView view =
        *community::compute_view(sample.definition, sample.log, sample.items);
    size_t next = 0;
    for (auto _ : state) {
        auto verdict = community::admit(sample.definition, view, sample.items[next]);
        benchmark::DoNotOptimize(verdict);
        next = (next + 1) % sample.items.size();
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_CommunityAdmit);

// NIP-13 mining of the sample comment: hashes per second (a difficulty never met, so
// every call tries its whole range of 10,000 nonces).
void BM_PowMine(benchmark::State& state) {
    const event::Event probe = sign_with(1, {0, 1, {}, ""});
    uint64_t nonce = 0;
    for (auto _ : state) {
        auto step = event::mine_step(probe.pubkey(), sample_comment(), 256, nonce, 10'000);
        nonce = step->next_nonce;
        benchmark::DoNotOptimize(step);
    }
    state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) * 10'000);
}
BENCHMARK(BM_PowMine)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace datt::bench
