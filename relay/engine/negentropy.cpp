#include "engine/negentropy.h"

#include <sstream>

#include "engine/log.h"
#include "sync/item_set.h"

namespace datt::relay {
namespace {

// Gives back a reservation of the relay-wide item budget unless it is handed to a session.
class Reservation {
  public:
    Reservation(std::atomic<int64_t>& held, int64_t amount) : held_(held), amount_(amount) {}
    Reservation(const Reservation&) = delete;
    Reservation& operator=(const Reservation&) = delete;
    ~Reservation() { held_ -= amount_; }
    // Keeps `kept` of the reservation (now owned by a NegSession), releases the rest.
    void keep(int64_t kept) {
        held_ -= amount_ - kept;
        amount_ = 0;
    }

  private:
    std::atomic<int64_t>& held_;
    int64_t amount_;
};

}  // namespace

void Negentropy::error(Connection& connection, const std::string& subscription_id,
                       const std::string& reason) {
    {
        std::lock_guard lock(connection.subscriptions_mutex);
        connection.neg_sessions.erase(subscription_id);
    }
    ++context_.metrics.neg_errors;
    context_.send(connection.id, proto::format_neg_err(subscription_id, reason));
}

void Negentropy::open(Connection& connection, proto::NegOpenMessage open, StoreReader& store) {
    if (connection.closed) return;  // nobody to answer: skip the scan
    const std::string& sub = open.subscription_id;
    const double now = context_.now_seconds();
    if (!connection.reqs.take(now))
        return error(connection, sub, "rate-limited: too many requests per second");
    {
        std::lock_guard lock(connection.subscriptions_mutex);
        connection.neg_sessions.erase(sub);  // NEG-OPEN with an open id replaces it
        const size_t open_now = connection.subscriptions.size() + connection.neg_sessions.size();
        if (open_now >= context_.config.max_subscriptions) {
            ++context_.metrics.neg_errors;
            context_.send(connection.id,
                          proto::format_neg_err(
                              sub, "blocked: too many open subscriptions (limit " +
                                       std::to_string(context_.config.max_subscriptions) + ")"));
            return;
        }
    }
    ++context_.metrics.neg_opens;
    // Reserve the most this session may hold (plus the one item that shows a set too
    // large) before scanning, so that concurrent opens cannot pass the relay-wide budget.
    const size_t max_items = context_.config.neg_max_items;
    const auto reserve = static_cast<int64_t>(max_items + 1);
    const int64_t held_before = context_.metrics.neg_items_held.fetch_add(reserve);
    Reservation reservation(context_.metrics.neg_items_held, reserve);
    if (held_before + reserve > static_cast<int64_t>(context_.config.neg_max_items_total) + 1) {
        return error(connection, sub,
                     "blocked: the relay is reconciling too many events, try again later");
    }

    std::vector<event::TimeId> keys;
    {
        auto snapshot = ReadSnapshot::begin(store);
        if (!snapshot) {
            log::error("negentropy scan failed: " + snapshot.error().message);
            return error(connection, sub, "error: query failed");
        }
        auto scanned = store.scan_all(open.filter, max_items);
        if (!scanned && scanned.error().code == "too_many_items") {
            return error(connection, sub,
                         "blocked: this query matches more than " + std::to_string(max_items) +
                             " events");
        }
        if (!scanned) {
            log::error("negentropy scan failed: " + scanned.error().message);
            return error(connection, sub, "error: query failed");
        }
        keys = std::move(*scanned);
    }
    std::vector<sync::Item> items;
    items.reserve(keys.size());
    for (const event::TimeId& key : keys)
        items.push_back({static_cast<uint64_t>(key.created_at), key.id});
    keys = {};
    auto set = sync::ItemSet::from_items(std::move(items));
    if (!set)
        return error(connection, sub, "error: " + set.error().code + ": " + set.error().message);
    const auto size = static_cast<int64_t>(set->size());
    auto responder =
        sync::Responder::create(std::make_shared<const sync::ItemSet>(std::move(*set)),
                                sync::Limits{max_items, context_.config.neg_frame_size_limit});
    if (!responder)
        return error(connection, sub,
                     "error: " + responder.error().code + ": " + responder.error().message);
    auto reply = responder->reconcile(open.message);
    if (!reply)
        return error(connection, sub,
                     "invalid: " + reply.error().code + ": " + reply.error().message);
    reservation.keep(size);
    auto session = std::make_shared<NegSession>(std::move(*responder), size, now, context_.metrics);
    {
        std::lock_guard lock(connection.subscriptions_mutex);
        connection.neg_sessions[sub] = std::move(session);
    }
    context_.send(connection.id, proto::format_neg_msg(sub, *reply));
}

void Negentropy::message(Connection& connection, const proto::NegMsgMessage& message) {
    if (connection.closed) return;
    std::shared_ptr<NegSession> session;
    {
        std::lock_guard lock(connection.subscriptions_mutex);
        auto found = connection.neg_sessions.find(message.subscription_id);
        if (found != connection.neg_sessions.end()) {
            session = found->second;
            session->last_active = context_.now_seconds();
        }
    }
    if (!session) {
        return error(connection, message.subscription_id,
                     "closed: no open negentropy session with this id");
    }
    auto reply = session->responder.reconcile(message.message);
    if (!reply) {
        return error(connection, message.subscription_id,
                     "invalid: " + reply.error().code + ": " + reply.error().message);
    }
    ++context_.metrics.neg_messages;
    context_.send(connection.id, proto::format_neg_msg(message.subscription_id, *reply));
}

void Negentropy::close(Connection& connection, const std::string& subscription_id) {
    std::shared_ptr<NegSession> ended;  // freed after the lock is released
    std::lock_guard lock(connection.subscriptions_mutex);
    auto found = connection.neg_sessions.find(subscription_id);
    if (found == connection.neg_sessions.end()) return;
    ended = std::move(found->second);
    connection.neg_sessions.erase(found);
}

void Negentropy::invalid(Connection& connection, const proto::InvalidNegentropy& invalid) {
    error(connection, invalid.subscription_id,
          "invalid: " + invalid.error.code + ": " + invalid.error.message);
}

void Negentropy::sweep_idle(Connection& connection, double now) {
    std::vector<std::string> idle;
    std::vector<std::shared_ptr<NegSession>> ended;
    {
        std::lock_guard lock(connection.subscriptions_mutex);
        for (auto it = connection.neg_sessions.begin(); it != connection.neg_sessions.end();) {
            if (now - it->second->last_active > context_.config.neg_idle_seconds) {
                idle.push_back(it->first);
                ended.push_back(std::move(it->second));
                it = connection.neg_sessions.erase(it);
            } else {
                ++it;
            }
        }
    }
    // Give the sessions' items back to the relay-wide budget before telling the client, so a
    // NEG-OPEN sent after the NEG-ERR finds the room it frees.
    ended.clear();
    for (const std::string& sub : idle) {
        ++context_.metrics.neg_timeouts;
        ++context_.metrics.neg_errors;
        std::ostringstream seconds;
        seconds << context_.config.neg_idle_seconds;
        context_.send(connection.id, proto::format_neg_err(sub, "closed: idle for more than " +
                                                                    seconds.str() + " seconds"));
    }
}

}  // namespace datt::relay
