#include "engine/metrics.h"

#include <sstream>

namespace datt::relay {

void Metrics::reject(const std::string& reason) {
    std::lock_guard lock(reject_mutex_);
    ++rejected_[reason];
}

void Metrics::observe_query(double seconds) {
    size_t bucket = 0;
    while (bucket < kLatencyBuckets.size() && seconds > kLatencyBuckets[bucket]) ++bucket;
    ++latency_buckets_[bucket];
    ++latency_count_;
    latency_sum_micros_ += static_cast<uint64_t>(seconds * 1e6);
}

std::string Metrics::render(const Gauges& g) const {
    std::ostringstream out;
    auto metric = [&](const char* name, const char* type, const char* help, auto value) {
        out << "# HELP " << name << ' ' << help << "\n# TYPE " << name << ' ' << type << '\n'
            << name << ' ' << value << '\n';
    };
    metric("datt_connections_open", "gauge", "Open WebSocket connections.", g.connections_open);
    metric("datt_connections_total", "counter", "WebSocket connections accepted.", g.connections_total);
    metric("datt_slow_consumer_closes_total", "counter",
           "Connections closed because they did not read their messages.", g.slow_consumer_closes);
    metric("datt_messages_received_total", "counter", "WebSocket messages received.", g.messages_in);
    metric("datt_messages_sent_total", "counter", "WebSocket messages sent.", g.messages_out);
    metric("datt_bytes_received_total", "counter", "WebSocket payload bytes received.", g.bytes_in);
    metric("datt_bytes_sent_total", "counter", "WebSocket payload bytes sent.", g.bytes_out);
    metric("datt_events_received_total", "counter", "EVENT messages received.", events_received.load());
    metric("datt_events_accepted_total", "counter", "Events stored (OK true, new).", events_accepted.load());
    metric("datt_events_ephemeral_total", "counter", "Ephemeral events forwarded.", events_ephemeral.load());
    metric("datt_events_pending_total", "counter",
           "Chained events stored as pending (their predecessor missing).", events_pending.load());
    metric("datt_fork_proofs_total", "counter", "Fork proofs (kind 4560) the relay published.",
           fork_proofs.load());
    out << "# HELP datt_events_rejected_total Events refused, by reason.\n"
           "# TYPE datt_events_rejected_total counter\n";
    {
        std::lock_guard lock(reject_mutex_);
        for (const auto& [reason, count] : rejected_) {
            out << "datt_events_rejected_total{reason=\"" << reason << "\"} " << count << '\n';
        }
    }
    metric("datt_commits_total", "counter", "Database write transactions committed.", commits.load());
    metric("datt_queries_total", "counter", "REQ filters run against the store.", queries.load());
    metric("datt_count_requests_total", "counter", "COUNT requests answered.", counts.load());
    metric("datt_notices_total", "counter", "NOTICE messages sent.", notices.load());
    metric("datt_subscriptions_open", "gauge", "Open REQ subscriptions.", subscriptions_open.load());
    metric("datt_neg_sessions_open", "gauge", "Open NIP-77 reconciliation sessions.", neg_sessions_open.load());
    metric("datt_neg_items_held", "gauge", "(created_at, id) items held by open NIP-77 sessions (40 bytes each).",
           neg_items_held.load());
    metric("datt_neg_opens_total", "counter", "NEG-OPEN messages answered.", neg_opens.load());
    metric("datt_neg_messages_total", "counter", "NEG-MSG messages answered.", neg_messages.load());
    metric("datt_neg_errors_total", "counter", "NEG-ERR messages sent.", neg_errors.load());
    metric("datt_neg_timeouts_total", "counter", "NIP-77 sessions closed for idling.", neg_timeouts.load());
    metric("datt_database_bytes", "gauge", "Database size on disk, write-ahead log included.",
           g.database_bytes);
    metric("datt_database_wal_bytes", "gauge", "Write-ahead log size on disk.", g.wal_bytes);
    out << "# HELP datt_query_duration_seconds Time to answer a REQ from the store.\n"
           "# TYPE datt_query_duration_seconds histogram\n";
    uint64_t cumulative = 0;
    for (size_t i = 0; i < kLatencyBuckets.size(); ++i) {
        cumulative += latency_buckets_[i].load();
        out << "datt_query_duration_seconds_bucket{le=\"" << kLatencyBuckets[i] << "\"} " << cumulative
            << '\n';
    }
    cumulative += latency_buckets_.back().load();
    out << "datt_query_duration_seconds_bucket{le=\"+Inf\"} " << cumulative << '\n'
        << "datt_query_duration_seconds_sum " << static_cast<double>(latency_sum_micros_.load()) / 1e6
        << '\n'
        << "datt_query_duration_seconds_count " << latency_count_.load() << '\n';
    return out.str();
}

}  // namespace datt::relay
