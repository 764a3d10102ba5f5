#include "engine/ingester.h"

#include <ctime>

#include "chain/chain_tag.h"
#include "event/kind.h"
#include "util/hex.h"

namespace datt::relay {
namespace {

// Frames one drain handles before yielding the thread to other connections.
constexpr size_t kDrainBatch = 64;

// The id of an event that failed validation, if it has a well-formed one: OK needs it.
std::string peek_event_id(std::string_view json) {
    size_t pos = json.find("\"id\"");
    if (pos == std::string_view::npos) return "";
    pos = json.find_first_not_of(" \t\r\n", pos + 4);
    if (pos == std::string_view::npos || json[pos] != ':') return "";
    pos = json.find_first_not_of(" \t\r\n", pos + 1);
    if (pos == std::string_view::npos || json[pos] != '"' || pos + 66 > json.size()) return "";
    std::string_view id = json.substr(pos + 1, 64);
    if (!is_lower_hex(id, 64) || json[pos + 65] != '"') return "";
    return std::string(id);
}

}  // namespace

void Ingester::drain(const std::shared_ptr<Connection>& connection, WorkerState& worker) {
    std::vector<std::string> frames;
    connection->frames.take(frames, kDrainBatch);
    for (const std::string& frame : frames) {
        connection->frame_bytes -= frame.size() + kFrameOverheadBytes;
        handle(connection, frame, worker);
    }
    // More left: back of the queue, so other connections get their turn.
    if (!connection->frames.finish()) scheduler_.schedule(DrainConnection{connection});
}

void Ingester::handle(const std::shared_ptr<Connection>& connection, std::string_view text,
                      WorkerState& worker) {
    auto parsed = proto::parse_client_message(text, context_.message_limits);
    if (!parsed) {
        context_.notice(connection->id,
                        "invalid: " + parsed.error().code + ": " + parsed.error().message);
        return context_.done();
    }
    std::visit(
        [&](auto&& message) {
            using T = std::decay_t<decltype(message)>;
            if constexpr (std::is_same_v<T, proto::EventMessage>) {
                event(connection, message.event_json, worker.keys);
            } else if constexpr (std::is_same_v<T, proto::ReqMessage> ||
                                 std::is_same_v<T, proto::CountMessage>) {
                reader_.handle(connection, std::move(message), worker.store());
            } else if constexpr (std::is_same_v<T, proto::CloseMessage>) {
                {
                    std::lock_guard lock(connection->subscriptions_mutex);
                    if (connection->subscriptions.erase(message.subscription_id)) {
                        --context_.metrics.subscriptions_open;
                    }
                }
                monitors_.post(connection->monitor,
                               Unsubscribe{connection->id, std::move(message.subscription_id)});
                context_.done();
            } else if constexpr (std::is_same_v<T, proto::NegOpenMessage>) {
                negentropy_.open(*connection, std::move(message), worker.store());
                context_.done();
            } else if constexpr (std::is_same_v<T, proto::NegMsgMessage>) {
                negentropy_.message(*connection, message);
                context_.done();
            } else if constexpr (std::is_same_v<T, proto::NegCloseMessage>) {
                negentropy_.close(*connection, message.subscription_id);
                context_.done();
            } else if constexpr (std::is_same_v<T, proto::InvalidNegentropy>) {
                negentropy_.invalid(*connection, message);
            } else if constexpr (std::is_same_v<T, proto::BtcRequest>) {
                // Answered later by the bridge's thread; the engine's part ends here.
                if (context_.bitcoin) {
                    context_.bitcoin->submit(connection->id, std::move(message));
                } else {
                    context_.send(connection->id,
                                  proto::format_btc_err(message.request_id, "bridge_disabled",
                                                        "this relay is not connected to a Bitcoin node"));
                }
                context_.done();
            } else if constexpr (std::is_same_v<T, proto::InvalidBtcRequest>) {
                context_.send(connection->id, proto::format_btc_err(message.request_id, message.error.code,
                                                                    message.error.message));
                context_.done();
            } else if constexpr (std::is_same_v<T, proto::InvalidSubscription>) {
                context_.send(connection->id,
                              proto::format_closed(message.subscription_id,
                                                   "invalid: " + message.error.code + ": " +
                                                       message.error.message));
                context_.done();
            }
        },
        std::move(*parsed));
}

void Ingester::event(const std::shared_ptr<Connection>& from, std::string_view json,
                     crypto::XOnlyKeyCache& keys) {
    Connection& connection = *from;
    ++context_.metrics.events_received;
    const double now = context_.now_seconds();
    if (!connection.events.take(now) || !admission_.take_event(connection.ip, now)) {
        context_.metrics.reject("rate_limited");
        context_.send(connection.id, proto::format_ok(peek_event_id(json), false,
                                                      "rate-limited: slow down, too many events per second"));
        return context_.done();
    }
    auto parsed = event::Event::parse(json, event_limits(context_.config, std::time(nullptr)), keys);
    if (!parsed) {
        context_.metrics.reject(parsed.error().code);
        const std::string reason = "invalid: " + parsed.error().code + ": " + parsed.error().message;
        const std::string id = peek_event_id(json);
        if (id.empty()) {
            context_.notice(connection.id, reason);
        } else {
            context_.send(connection.id, proto::format_ok(id, false, reason));
        }
        return context_.done();
    }
    const std::string id = to_hex(parsed->id());
    if (event::storage_class(parsed->kind()) == event::StorageClass::kEphemeral) {
        // A chain tag on a kind that is never stored would always leave a hole in its chain
        // (docs/chain.md); the store refuses it on stored kinds, this path on ephemeral ones.
        if (auto link = chain::ChainLink::of(*parsed); !link) {
            context_.metrics.reject(link.error().code);
            context_.send(connection.id, proto::format_ok(id, false, "invalid: " + link.error().code +
                                                                         ": " + link.error().message));
            return context_.done();
        }
        // Never stored: to the monitors directly, OK once they have delivered it.
        ++context_.metrics.events_ephemeral;
        auto batch = std::make_shared<EventBatch>();
        batch->version = EventBatch::kAlwaysLive;
        batch->messages = 1;
        batch->replies.push_back(
            {connection.id, std::make_shared<const std::string>(proto::format_ok(id, true, ""))});
        batch->deliveries.push_back({std::move(*parsed), {}});
        batch->deliveries.back().json = batch->deliveries.back().event.to_json();
        monitors_.fan_out(std::move(batch));
        return;
    }
    // The writer needs the connection to answer; a shared_ptr keeps it while queued. The
    // event is serialized here, on this worker, once for the insert and the fan-out.
    if (!writer_.post(WriteEvent{from, SerializedEvent(std::move(*parsed))})) {
        context_.metrics.reject("busy");
        context_.send(connection.id, proto::format_ok(id, false, "error: relay busy, try again later"));
        return context_.done();
    }
}

}  // namespace datt::relay
