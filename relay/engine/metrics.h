// Relay counters and the query latency histogram, rendered as Prometheus text.
// Updated from any thread (atomics; the reject map takes a mutex, rejects are rare).
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>

namespace datt::relay {

class Metrics {
public:
    // Upper bounds of the query latency buckets, in seconds.
    static constexpr std::array<double, 10> kLatencyBuckets = {
        0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.05, 0.25, 1.0};

    std::atomic<uint64_t> events_received{0};
    std::atomic<uint64_t> events_accepted{0};
    std::atomic<uint64_t> events_ephemeral{0};
    std::atomic<uint64_t> events_pending{0};  // stored as pending chain entries (a gap before)
    std::atomic<uint64_t> fork_proofs{0};     // kind 4560 proofs the relay published
    std::atomic<uint64_t> queries{0};
    std::atomic<uint64_t> counts{0};
    std::atomic<uint64_t> notices{0};
    std::atomic<uint64_t> commits{0};
    std::atomic<int64_t> subscriptions_open{0};
    // NIP-77 sessions (negentropy.h).
    std::atomic<int64_t> neg_sessions_open{0};
    std::atomic<int64_t> neg_items_held{0};  // items in the sets of open sessions
    std::atomic<uint64_t> neg_opens{0};
    std::atomic<uint64_t> neg_messages{0};   // NEG-MSG answered
    std::atomic<uint64_t> neg_errors{0};     // NEG-ERR sent (timeouts included)
    std::atomic<uint64_t> neg_timeouts{0};

    void reject(const std::string& reason);
    void observe_query(double seconds);

    struct Gauges {
        uint64_t connections_open, connections_total, slow_consumer_closes, database_bytes,
            wal_bytes;
        uint64_t messages_in, messages_out, bytes_in, bytes_out;
    };
    std::string render(const Gauges& gauges) const;

private:
    mutable std::mutex reject_mutex_;
    std::map<std::string, uint64_t> rejected_;
    std::array<std::atomic<uint64_t>, kLatencyBuckets.size() + 1> latency_buckets_{};
    std::atomic<uint64_t> latency_count_{0};
    std::atomic<uint64_t> latency_sum_micros_{0};
};

}  // namespace datt::relay
