#include "engine/http_routes.h"

#include <nlohmann/json.hpp>

#include "engine/log.h"
#include "util/hex.h"

namespace datt::relay {
namespace {

std::string relay_information(const Config& config, const crypto::XOnlyPubKey& self) {
    nlohmann::json info = {
        {"name", config.name},
        {"description", config.description},
        {"contact", config.contact},
        // NIP-11 `self`: the relay's own key, which signs its fork proofs (kind 4560) and the
        // hub's receipts (kind 4571), so a client can pin it (docs/protocol.md "Receipts").
        {"self", to_hex(self.bytes())},
        {"supported_nips", {1, 9, 11, 45, 50, 77}},
        {"software", "datt-relay"},
        {"version", "0.1.0"},
        {"limitation",
         {{"max_message_length", config.max_message_bytes},
          {"max_subscriptions", config.max_subscriptions},
          {"max_filters", config.max_filters},
          {"max_limit", config.max_limit},
          {"max_subid_length", config.max_subscription_id_length},
          {"max_event_tags", config.max_event_tags},
          {"max_content_length", config.max_content_bytes},
          {"min_pow_difficulty", 0},
          {"auth_required", false},
          {"payment_required", false},
          {"restricted_writes", false},
          {"created_at_lower_limit", config.created_at_lower_limit},
          {"created_at_upper_limit", config.created_at_upper_limit},
          // NIP-77 (not in NIP-11's list; strfry's names where it has them): events one
          // NEG-OPEN may reconcile, and the largest negentropy message the relay sends.
          {"negentropy_max_sync_events", config.neg_max_items},
          {"negentropy_frame_size_limit", config.neg_frame_size_limit}}},
    };
    if (config.hub) {
        // NIP-11 `fees` (docs/protocol.md "Channels"): what forwarding a payment costs, in
        // BOLT-7's terms, and what a channel to the hub must look like.
        info["fees"] = {{"channel",
                         {{"base_msat", config.hub_base_fee_msat},
                          {"proportional_millionths", config.hub_fee_ppm},
                          {"cltv_expiry_delta", config.hub_cltv_delta}}}};
        info["channels"] = {{"frame_version", 1},
                            {"minimum_depth", config.hub_minimum_depth},
                            {"min_funding_sats", config.hub_min_funding_sats},
                            {"max_funding_sats", config.hub_max_funding_sats},
                            {"hold_seconds", config.hub_hold_seconds},
                            {"max_channels", config.hub_max_channels},
                            {"max_pending_htlcs", config.hub_max_pending_htlcs}};
        // NIP-11 `hub_open` (docs/protocol.md "The hub opens a channel"): the largest channel the
        // hub funds when asked, and how many per connection; absent when it funds none.
        if (config.hub_open_max_per_client > 0) {
            info["hub_open"] = {{"max_sats", config.hub_open_max_sats},
                                {"max_per_client", config.hub_open_max_per_client}};
        }
    }
    return info.dump();
}

StaticFiles load(const std::string& root, const char* what) {
    StaticFiles files = StaticFiles::load(root);
    if (root.empty()) return files;
    log::info(std::string(what) + ": " + std::to_string(files.files()) + " files, " +
              std::to_string(files.bytes()) + " bytes from " + root);
    if (files.left_out() > 0) {
        log::warn(std::string(what) + ": " + std::to_string(files.left_out()) +
                  " files left out (over 64 MiB each, 256 MiB in all, or 100,000 entries)");
    }
    return files;
}

// The operator's routes answer the machine itself only.
bool is_loopback(const HttpRequest& request) { return request.remote_ip == "127.0.0.1" || request.remote_ip == "::1"; }

}  // namespace

HttpRoutes::HttpRoutes(Context& context, Store& store)
    : context_(context),
      store_(store),
      relay_information_(relay_information(context.config, store.relay_public_key())),
      web_(load(context.config.web_root, "web root")),
      wasm_(load(context.config.wasm_root, "wasm root")) {}

std::string HttpRoutes::metrics_text() const {
    Metrics::Gauges gauges{};
    if (context_.outbox) {
        const TrafficStats stats = context_.outbox->stats();
        gauges.connections_open = stats.open_connections;
        gauges.connections_total = stats.accepted_connections;
        gauges.slow_consumer_closes = stats.slow_consumer_closes;
        gauges.messages_in = stats.messages_in;
        gauges.messages_out = stats.messages_out;
        gauges.bytes_in = stats.bytes_in;
        gauges.bytes_out = stats.bytes_out;
    }
    gauges.database_bytes = store_.size_bytes();
    gauges.wal_bytes = store_.wal_bytes();
    std::string text = context_.metrics.render(gauges);
    if (extra_metrics_) text += extra_metrics_();
    if (context_.bitcoin) text += context_.bitcoin->metrics_text();
    if (context_.channels) text += context_.channels->metrics_text();
    return text;
}

HttpResponse HttpRoutes::hub_wallet(const HttpRequest& request) const {
    if (!is_loopback(request)) return HttpResponse{403, "text/plain; charset=utf-8", "loopback only\n", {}};
    if (!context_.channels) return HttpResponse{404, "text/plain; charset=utf-8", "no hub\n", {}};
    auto json = context_.channels->wallet_json();
    if (!json) return HttpResponse{503, "text/plain; charset=utf-8", "the hub wallet is not ready\n", {}};
    return HttpResponse{200, "application/json", std::move(*json), {}};
}

void HttpRoutes::route_post(const HttpRequest& request, std::function<void(HttpResponse)> reply) const {
    const std::string_view target = request.target;
    if (target.substr(0, target.find('?')) != "/hub/wallet/withdraw") {
        return reply(HttpResponse{404, "text/plain; charset=utf-8", "not found\n", {}});
    }
    if (!is_loopback(request)) return reply(HttpResponse{403, "text/plain; charset=utf-8", "loopback only\n", {}});
    if (!context_.channels) return reply(HttpResponse{404, "text/plain; charset=utf-8", "no hub\n", {}});
    context_.channels->wallet_withdraw(request.body, [reply = std::move(reply)](unsigned status, std::string json) {
        reply(HttpResponse{status, "application/json", std::move(json), {}});
    });
}

HttpResponse HttpRoutes::route(const HttpRequest& request) const {
    const std::string_view target = request.target;
    const std::string_view path = target.substr(0, target.find('?'));
    if (path == "/" && request.accept.find("application/nostr+json") != std::string::npos) {
        std::string info = relay_information_;
        if (context_.bitcoin) {  // the node's state changes: added per request
            info.pop_back();
            info += ",\"bitcoin\":" + context_.bitcoin->state_json() + "}";
        }
        HttpResponse response{200, "application/nostr+json", std::move(info), {}};
        response.headers = {{"Access-Control-Allow-Origin", "*"},
                            {"Access-Control-Allow-Headers", "*"},
                            {"Access-Control-Allow-Methods", "GET"}};
        return response;
    }
    if (path == "/metrics") {
        return HttpResponse{200, "text/plain; version=0.0.4", metrics_text(), {}};
    }
    if (path == "/hub/wallet") return hub_wallet(request);
    const StaticFile* file =
        path.starts_with("/wasm/") ? wasm_.find(path.substr(5)) : web_.find(path);
    if (!file) return HttpResponse{404, "text/plain; charset=utf-8", "not found\n", {}};
    return HttpResponse{200, file->content_type, file->body, {}};
}

}  // namespace datt::relay
