#include "engine/reader.h"

#include <set>

#include "engine/log.h"

namespace datt::relay {
namespace {

// Stored events are serialized by Event::to_json, which starts {"id":"<64 hex>".
std::string_view stored_event_id(const std::string& json) {
    return std::string_view(json).substr(7, 64);
}

}  // namespace

void Reader::handle(const std::shared_ptr<Connection>& connection, ReaderMessage message,
                    StoreReader& store) {
    std::visit(
        [&](auto& m) {
            using T = std::decay_t<decltype(m)>;
            if constexpr (std::is_same_v<T, proto::ReqMessage>) {
                req(connection, std::move(m), store);
            } else {
                count(*connection, m, store);
                context_.done();
            }
        },
        message);
}

void Reader::req(const std::shared_ptr<Connection>& shared, proto::ReqMessage req,
                 StoreReader& store) {
    Connection& connection = *shared;
    if (connection.closed) return context_.done();  // nobody to answer: skip the query
    if (!connection.reqs.take(context_.now_seconds())) {
        context_.send(connection.id, proto::format_closed(req.subscription_id,
                                                          "rate-limited: too many subscriptions per second"));
        return context_.done();
    }
    uint64_t generation;
    {
        std::lock_guard lock(connection.subscriptions_mutex);
        auto& open = connection.subscriptions;
        const bool replacing = open.count(req.subscription_id) > 0;
        // NIP-77 sessions count against the same limit.
        if (!replacing && open.size() + connection.neg_sessions.size() >= context_.config.max_subscriptions) {
            context_.send(connection.id,
                          proto::format_closed(req.subscription_id,
                                               "blocked: too many open subscriptions (limit " +
                                                   std::to_string(context_.config.max_subscriptions) + ")"));
            return context_.done();
        }
        if (!replacing) ++context_.metrics.subscriptions_open;
        generation = connection.next_generation++;
        open[req.subscription_id] = generation;
    }
    const size_t shard = connection.monitor;
    // Before the snapshot is taken: see monitor.h "Exactly once".
    monitors_.post(shard, Subscribe{shared, req.subscription_id, generation, req.filters});

    const auto started = std::chrono::steady_clock::now();
    auto snapshot = ReadSnapshot::begin(store);
    if (!snapshot) {
        log::error("query failed: " + snapshot.error().message);
        end(connection, req.subscription_id, generation);
        context_.send(connection.id, proto::format_closed(req.subscription_id, "error: query failed"));
        return context_.done();
    }
    // The stored part of one REQ may queue at most a quarter of the slow-consumer cap, so a
    // client that asks for many large events is paginated (it continues with `until`)
    // instead of being disconnected for not reading fast enough.
    const size_t byte_budget = context_.config.max_outgoing_bytes / 4;
    size_t bytes_sent = 0;
    bool budget_reached = false;
    std::set<std::string, std::less<>> sent;  // an event matching several filters goes once
    // Every frame of the REQ and its EOSE go in one hand-over to the network thread, so the
    // socket stays corked (net/server.cpp) until the EOSE is written: the client gets the
    // burst in full segments and wakes once, not again for an EOSE sent on its own.
    std::vector<std::shared_ptr<const std::string>> frames;
    for (const proto::Filter& filter : req.filters) {
        if (budget_reached) break;
        const size_t limit =
            std::min<size_t>(filter.limit.value_or(context_.config.max_limit), context_.config.max_limit);
        if (limit == 0) continue;
        ++context_.metrics.queries;
        auto events = store.query(filter, limit);
        if (!events) {
            log::error("query failed: " + events.error().message);
            end(connection, req.subscription_id, generation);
            context_.send(connection.id, proto::format_closed(req.subscription_id, "error: query failed"));
            return context_.done();
        }
        frames.reserve(frames.size() + events->size() + 1);
        for (const std::string& json : *events) {
            if (bytes_sent + json.size() > byte_budget && bytes_sent > 0) {
                budget_reached = true;
                break;
            }
            if (req.filters.size() > 1 && !sent.emplace(stored_event_id(json)).second) continue;
            bytes_sent += json.size();
            frames.push_back(std::make_shared<const std::string>(
                proto::format_event(req.subscription_id, json)));
        }
    }
    const uint64_t version = snapshot->version();
    { auto ended = std::move(snapshot).value(); }  // end the read before the hand-over
    context_.metrics.observe_query(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
    frames.push_back(std::make_shared<const std::string>(proto::format_eose(req.subscription_id)));
    context_.outbox->send_all(connection.id, std::move(frames));
    // The monitor answers for the REQ from here (context_.done() when it has taken over).
    monitors_.post(shard, BackfillDone{connection.id, std::move(req.subscription_id), generation, version});
}

void Reader::count(Connection& connection, const proto::CountMessage& count, StoreReader& store) {
    if (connection.closed) return;  // nobody to answer
    if (!connection.reqs.take(context_.now_seconds())) {
        context_.send(connection.id, proto::format_closed(count.subscription_id,
                                                          "rate-limited: too many requests per second"));
        return;
    }
    ++context_.metrics.counts;
    auto total = store.count(count.filters);
    if (!total) {
        context_.send(connection.id, proto::format_closed(count.subscription_id, "error: count failed"));
        return;
    }
    context_.send(connection.id, proto::format_count(count.subscription_id, *total));
}

void Reader::end(Connection& connection, const std::string& id, uint64_t generation) {
    {
        std::lock_guard lock(connection.subscriptions_mutex);
        auto open = connection.subscriptions.find(id);
        if (open == connection.subscriptions.end() || open->second != generation) return;
        connection.subscriptions.erase(open);
        --context_.metrics.subscriptions_open;
    }
    monitors_.post(connection.monitor, Unsubscribe{connection.id, id});
}

}  // namespace datt::relay
