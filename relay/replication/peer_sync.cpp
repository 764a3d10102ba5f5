#include "replication/peer_sync.h"

#include <algorithm>
#include <chrono>
#include <nlohmann/json.hpp>

#include "proto/message.h"
#include "sync/session.h"
#include "util/hex.h"

namespace datt::relay {
namespace {

using nlohmann::json;

}  // namespace

Result<PeerMessage> parse_peer_message(std::string_view text) {
    json message = json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (message.is_discarded() || !message.is_array() || message.empty() ||
        !message[0].is_string()) {
        return make_error("peer_protocol", "the peer sent something that is not a Nostr message");
    }
    PeerMessage out;
    out.type = message[0].get<std::string>();
    size_t next = 1;
    if (out.type != "NOTICE") {
        if (message.size() < 2 || !message[1].is_string()) {
            return make_error("peer_protocol", out.type + " without a subscription id");
        }
        out.subscription = message[1].get<std::string>();
        next = 2;
    }
    if (message.size() > next) {
        const json& payload = message[next];
        out.payload = payload.is_string() ? payload.get<std::string>() : payload.dump();
    }
    return out;
}

Result<Reconciliation> reconcile_with_peer(WsClient& client, StoreReader& store,
                                           const proto::Filter& filter, const std::string& sub,
                                           const PeerSyncOptions& options,
                                           const std::function<void(PeerMessage&)>& other) {
    Reconciliation out;
    using Clock = std::chrono::steady_clock;
    const auto scan_started = Clock::now();
    std::vector<sync::Item> items;
    {
        auto snapshot = ReadSnapshot::begin(store);
        if (!snapshot) return make_error("store", snapshot.error().message);
        auto keys = store.scan_all(filter, options.max_items);
        if (!keys && keys.error().code == "too_many_items") {
            return make_error("too_many_items", "our store has more than " +
                                                    std::to_string(options.max_items) +
                                                    " events matching the filter");
        }
        if (!keys) return make_error("store", keys.error().message);
        items.reserve(keys->size());
        for (const event::TimeId& key : *keys)
            items.push_back({static_cast<uint64_t>(key.created_at), key.id});
    }
    out.local_items = items.size();
    auto set = sync::ItemSet::from_items(std::move(items));
    if (!set) return set.error();
    auto initiator = sync::Initiator::create(std::make_shared<const sync::ItemSet>(std::move(*set)),
                                             {options.max_items, options.frame_size_limit});
    if (!initiator) return initiator.error();

    const auto exchange_started = Clock::now();
    out.scan_seconds = std::chrono::duration<double>(exchange_started - scan_started).count();
    Bytes message = initiator->initiate();
    out.bytes_sent += message.size();
    if (auto sent = client.send(proto::format_neg_open(sub, filter, message)); !sent)
        return sent.error();
    for (;;) {
        PeerMessage reply;
        for (;;) {  // skip what is not ours (NOTICEs, other subscriptions)
            auto text = client.receive(options.reply_timeout);
            if (!text) return text.error();
            auto parsed = parse_peer_message(*text);
            if (!parsed) return parsed.error();
            if ((parsed->type == "NEG-MSG" || parsed->type == "NEG-ERR") &&
                parsed->subscription == sub) {
                reply = std::move(*parsed);
                break;
            }
            if (other) other(*parsed);
        }
        if (reply.type == "NEG-ERR")
            return make_error("neg_err", "the peer refused: " + reply.payload);
        auto bytes = from_hex(reply.payload);
        if (!bytes)
            return make_error("peer_protocol", "NEG-MSG is not hex: " + bytes.error().message);
        ++out.round_trips;
        out.bytes_received += bytes->size();
        auto step = initiator->reconcile(*bytes);
        if (!step) return step.error();
        out.have.insert(out.have.end(), step->have.begin(), step->have.end());
        out.need.insert(out.need.end(), step->need.begin(), step->need.end());
        if (step->done()) break;
        out.bytes_sent += step->next->size();
        if (auto sent = client.send(proto::format_neg_msg(sub, *step->next)); !sent)
            return sent.error();
    }
    out.exchange_seconds = std::chrono::duration<double>(Clock::now() - exchange_started).count();
    (void)client.send(proto::format_neg_close(sub));
    // With frame limits an id can be reported in more than one step (docs/sync.md).
    auto unique = [](std::vector<Hash256>& ids) {
        std::sort(ids.begin(), ids.end());
        ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
    };
    unique(out.need);
    unique(out.have);
    return out;
}

Result<FetchReport> fetch_by_ids(WsClient& client, const std::vector<Hash256>& ids,
                                 const std::string& sub, const PeerSyncOptions& options,
                                 const std::function<Status(std::vector<event::Event>)>& sink,
                                 const std::function<void(PeerMessage&)>& other) {
    FetchReport report;
    for (size_t start = 0; start < ids.size(); start += options.batch_size) {
        const size_t end = std::min(ids.size(), start + options.batch_size);
        proto::Filter filter;
        filter.ids = std::vector<Hash256>(ids.begin() + static_cast<std::ptrdiff_t>(start),
                                          ids.begin() + static_cast<std::ptrdiff_t>(end));
        filter.limit = end - start;
        std::string req = "[\"REQ\",";
        req += json(sub).dump() + "," + proto::filter_to_json(filter) + "]";
        if (auto sent = client.send(req); !sent) return sent.error();
        std::vector<event::Event> batch;
        for (;;) {
            auto text = client.receive(options.reply_timeout);
            if (!text) return text.error();
            auto parsed = parse_peer_message(*text);
            if (!parsed) return parsed.error();
            if (parsed->subscription != sub) {
                if (other) other(*parsed);
                continue;
            }
            if (parsed->type == "EVENT") {
                ++report.received;
                auto event = event::Event::parse(parsed->payload);
                if (!event) {
                    ++report.invalid;
                    continue;
                }
                batch.push_back(std::move(*event));
            } else if (parsed->type == "EOSE" || parsed->type == "CLOSED") {
                if (parsed->type == "CLOSED") {
                    return make_error("peer_protocol",
                                      "the peer closed the fetch: " + parsed->payload);
                }
                break;
            }
        }
        (void)client.send("[\"CLOSE\"," + json(sub).dump() + "]");
        if (!batch.empty()) {
            if (auto sunk = sink(std::move(batch)); !sunk) return sunk.error();
        }
    }
    return report;
}

}  // namespace datt::relay
